//! The event codec on its own: every buffer shape round trips, paths and directories are defined once per chunk, and hostile chunks (undefined references, a path repeated past the cap, a broken stream table) are errors that say where.

use super::codec::Encoder;
use super::columns::{self, C};
use super::decoder::Decoder;
use super::{DecodeError, Record};
use crate::model::{Captured, EventKind, KernelBatch, SysEvent};

fn ev(i: usize, b0: &[u8], b1: &[u8]) -> SysEvent {
    SysEvent {
        ts_ns: 1_000 + i as u64 * 7,
        cgroup_id: 1,
        duration_ns: i as u64,
        ret: 3,
        args: [0; 6],
        kind: EventKind::Syscall,
        nr: 257,
        pid: 10 + (i % 3) as u32,
        tid: 10 + (i % 3) as u32,
        ppid: 1,
        uid: 0,
        comm: *b"cat\0\0\0\0\0\0\0\0\0\0\0\0\0",
        bufs: [
            Captured {
                bytes: b0.to_vec(),
                truncated: false,
            },
            Captured {
                bytes: b1.to_vec(),
                truncated: i % 2 == 1,
            },
        ],
    }
}

/// The chunk bytes of `events` as one kernel record.
fn chunk(events: &[SysEvent]) -> (Vec<u8>, usize) {
    let mut enc = Encoder::default();
    let mut fields = Vec::new();
    enc.kernel(&mut fields, &[], events);
    let pending = enc.pending();
    let mut raw = Vec::new();
    enc.assemble(&fields, &mut raw);
    (raw, pending)
}

fn decode(raw: &[u8]) -> Result<Vec<SysEvent>, DecodeError> {
    let mut d = Decoder::default();
    let mut out = Vec::new();
    while let Some(r) = d.next_record(raw) {
        match r? {
            Record::Kernel(KernelBatch { events, .. }) => out.extend(events),
            other => panic!("unexpected {other:?}"),
        }
    }
    Ok(out)
}

#[test]
fn every_buffer_shape_round_trips() {
    let long = |n: usize| {
        let mut p = b"/d/".to_vec();
        p.resize(n - 1, b'x');
        p.push(0);
        p
    };
    let shapes: Vec<Vec<u8>> = vec![
        b"/etc/passwd\0".to_vec(),
        b"/etc/passwd\0".to_vec(),
        b"/etc/shadow\0".to_vec(),
        b"/x\0".to_vec(),
        b"/\0".to_vec(),
        b"/a/b/\0".to_vec(),
        b"/with\0nul/inside\0".to_vec(),
        b"/no/trailing/nul".to_vec(),
        b"relative/path\0".to_vec(),
        b"\x2f\x00\x01\xbb\x7f\0".to_vec(),
        vec![2, 0, 0x01, 0xbb, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
        long(4095),
        long(4096),
        long(4097),
        long(4096),
        Vec::new(),
        b"sh\0-c\0id\0".to_vec(),
    ];
    let events: Vec<SysEvent> = shapes
        .iter()
        .enumerate()
        .map(|(i, s)| ev(i, s, &shapes[(i + 3) % shapes.len()]))
        .collect();
    let (raw, _) = chunk(&events);
    assert_eq!(decode(&raw).expect("decodes"), events);
}

#[test]
fn repeated_paths_and_directories_cost_a_reference() {
    let one: Vec<SysEvent> = (0..1)
        .map(|i| ev(i, b"/usr/lib/x86_64-linux-gnu/libc.so.6\0", b""))
        .collect();
    let many: Vec<SysEvent> = (0..100)
        .map(|i| ev(i, b"/usr/lib/x86_64-linux-gnu/libc.so.6\0", b""))
        .collect();
    let same_dir: Vec<SysEvent> = (0..100)
        .map(|i| {
            let p = format!("/usr/lib/x86_64-linux-gnu/l{i:03}\0");
            ev(i, p.as_bytes(), b"")
        })
        .collect();
    let (a, _) = chunk(&one);
    let (b, _) = chunk(&many);
    let (c, _) = chunk(&same_dir);
    // the directory is in the fields once, the path once
    let count = |raw: &[u8], what: &[u8]| raw.windows(what.len()).filter(|w| *w == what).count();
    assert_eq!(count(&b, b"x86_64-linux-gnu"), 1);
    assert_eq!(count(&c, b"x86_64-linux-gnu"), 1);
    assert!(b.len() < a.len() + 99 * 12, "{} vs {}", b.len(), a.len());
    assert_eq!(decode(&b).unwrap(), many);
    assert_eq!(decode(&c).unwrap(), same_dir);
}

#[test]
fn a_long_path_repeated_fills_the_chunk_before_a_reader_would_refuse_it() {
    let mut p = b"/".to_vec();
    p.resize(4095, b'a');
    p.push(0);
    let events: Vec<SysEvent> = (0..2000).map(|i| ev(i, &p, b"")).collect();
    let (raw, pending) = chunk(&events);
    // 2000 × 4 KiB rebuilt: counted at a 64th in the chunk's size
    assert!(pending > 2000 * 4096 / 64, "{pending}");
    assert_eq!(decode(&raw).unwrap(), events);
}

/// Stream `i` of `raw` replaced by `bytes`.
fn with_stream(raw: &[u8], i: usize, bytes: &[u8]) -> Vec<u8> {
    let t = columns::table(raw).unwrap();
    let mut parts: Vec<&[u8]> = t.iter().map(|&(a, b)| &raw[a..b]).collect();
    parts[i] = bytes;
    let mut out = Vec::new();
    columns::join(&parts, &mut out);
    out
}

#[test]
fn hostile_chunks_are_located_errors() {
    let events: Vec<SysEvent> = (0..4).map(|i| ev(i, b"/etc/hosts\0", b"")).collect();
    let (raw, _) = chunk(&events);
    let t = columns::table(&raw).unwrap();
    // a reference to a buffer this chunk never defined
    let refs = columns::plane(C::PathRef, 0);
    assert_eq!(
        raw[t[refs].0..t[refs].1],
        [0, 0, 0, 1],
        "path 0 three times, the empty buffer (1) once"
    );
    let bad = with_stream(&raw, refs, &[0, 9, 0, 1]);
    let e = decode(&bad).unwrap_err();
    assert_eq!(e.what, "buffer not defined in this chunk");
    assert!(e.at < bad.len());
    // bytes left in a column after the last record
    let forms = columns::plane(C::Form, 0);
    let mut more = raw[t[forms].0..t[forms].1].to_vec();
    more.push(1);
    assert_eq!(
        decode(&with_stream(&raw, forms, &more)).unwrap_err().what,
        "event bytes no record uses"
    );
    // a broken table
    let mut other = raw.clone();
    other[0] = 3;
    assert!(
        decode(&other)
            .unwrap_err()
            .what
            .contains("number of streams")
    );
    let mut trailing = raw.clone();
    trailing.push(0);
    assert_eq!(
        decode(&trailing).unwrap_err().what,
        "bytes after the last stream"
    );
}

#[test]
fn one_path_repeated_past_the_cap_is_refused_not_allocated() {
    // what a forger can write (the writer closes its chunks long before)
    let mut long = b"/".to_vec();
    long.resize(4095, b'a');
    long.push(0);
    let e = ev(0, &long, b"");
    let n = (64 << 20) / 4096 + 100;
    let mut enc = Encoder::default();
    let mut fields = Vec::new();
    enc.kernel_head(&mut fields, &[], n);
    for _ in 0..n {
        enc.event(&mut fields, &e);
    }
    let mut raw = Vec::new();
    enc.assemble(&fields, &mut raw);
    assert!(
        raw.len() < 200 << 10,
        "{} bytes stand for 64 MiB",
        raw.len()
    );
    let err = decode(&raw).unwrap_err();
    assert!(err.what.contains("past the cap"), "{err:?}");
}
