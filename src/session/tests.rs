//! Round trips of every record kind, killed writers, flipped bytes, refusals and rotation, on real files.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use super::*;
use crate::model::{Captured, CgroupInfo, EventKind, KernelBatch, SysEvent};

/// Event `i` of the synthetic stream, as recorded (registers nothing reads are 0: see [`raw_ev`]).
fn ev(i: u64) -> SysEvent {
    let mut e = raw_ev(i);
    e.args = super::codec::stored_args(&e);
    e
}

/// Event `i` as the probe gave it.
fn raw_ev(i: u64) -> SysEvent {
    let pid = 100 + (i % 7) as u32;
    let mut comm = [0u8; 16];
    let name: &[u8] = if i.is_multiple_of(5) {
        b"exactly16bytes!!"
    } else {
        b"sh"
    };
    comm[..name.len()].copy_from_slice(name);
    let kind = [
        EventKind::Syscall,
        EventKind::Exec,
        EventKind::Exit,
        EventKind::Fork,
    ][(i % 4) as usize];
    SysEvent {
        // not monotonic: ring-buffer order across CPUs
        ts_ns: 1_000_000_000 + i * 1000 - (i % 3) * 1500,
        cgroup_id: 7000 + i % 3,
        duration_ns: if i.is_multiple_of(2) { 0 } else { i * 17 },
        ret: [0, -2, 3, i64::MIN, i64::MAX][(i % 5) as usize],
        args: [
            i,
            0,
            u64::MAX,
            (-100i64) as u64,
            0x7ffd_0000_1000,
            if i.is_multiple_of(6) { 1 } else { 0 },
        ],
        kind,
        nr: if i.is_multiple_of(9) { u32::MAX } else { 257 },
        pid,
        tid: if i.is_multiple_of(4) { pid + 1 } else { pid },
        ppid: 1,
        uid: (i % 2) as u32 * 1000,
        comm,
        bufs: [
            Captured {
                bytes: format!("/etc/file{}\0", i % 11).into_bytes(),
                truncated: i.is_multiple_of(13),
            },
            Captured {
                bytes: if i.is_multiple_of(3) {
                    b"a\0b\0".to_vec()
                } else {
                    Vec::new()
                },
                truncated: i.is_multiple_of(17),
            },
        ],
    }
}

/// One of every record kind, with `n` kernel events.
pub(super) fn records(n: u64) -> Vec<Record> {
    vec![
        Record::Kernel(KernelBatch {
            cgroups: vec![
                CgroupInfo {
                    id: 7000,
                    path: Some("/kubepods/besteffort/podx/abc".into()),
                    container_id: Some("abc".into()),
                },
                CgroupInfo {
                    id: 7001,
                    path: None,
                    container_id: None,
                },
            ],
            events: (0..n).map(ev).collect(),
        }),
        Record::Other {
            ts_ns: 1_000_500_000,
            bytes: br#"{"Alerts":[{"rule":"x"}]}"#.to_vec(),
        },
        Record::Note {
            ts_ns: 1_000_600_000,
            text: "suspicious \u{1b}[2J note ✓".into(),
        },
        Record::Redacted {
            ts_ns: 1_000_700_000,
            names: vec!["DB_PASSWORD".into(), "API_KEY".into()],
        },
        Record::Kernel(KernelBatch::default()),
    ]
}

pub(super) fn header() -> Header {
    Header::gather(
        &["ktriage".into(), "--password=hunter2".into()],
        &[],
        vec!["pid:1".into()],
        false,
    )
    .expect("header")
}

fn small_opts() -> WriterOpts {
    WriterOpts {
        chunk_bytes: 2048,
        chunk_interval: Duration::from_secs(3600),
        ..WriterOpts::default()
    }
}

/// Writes `recs` to `path` (finished) and returns the summary.
pub(super) fn write_file(path: &Path, recs: &[Record], opts: WriterOpts) -> WriterSummary {
    let mut w = SessionWriter::create(path, header(), opts).expect("create");
    for r in recs {
        w.write(r).expect("write");
    }
    w.finish().expect("finish")
}

fn read_all(path: &Path) -> (Vec<Record>, Option<SessionError>) {
    let mut out = Vec::new();
    let mut err = None;
    for r in SessionReader::open(path).expect("open") {
        match r {
            Ok(r) => out.push(r),
            Err(e) => err = Some(e),
        }
    }
    (out, err)
}

/// Kernel batches merged back (the writer slices big batches into several records).
fn flatten(recs: &[Record]) -> (Vec<SysEvent>, Vec<Record>) {
    let mut evs = Vec::new();
    let mut other = Vec::new();
    for r in recs {
        match r {
            Record::Kernel(b) => evs.extend(b.events.iter().cloned()),
            r => other.push(r.clone()),
        }
    }
    (evs, other)
}

#[test]
fn every_record_kind_round_trips_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.ktr");
    let recs = records(300);
    let sum = write_file(&p, &recs, WriterOpts::default());
    let (back, err) = read_all(&p);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(back, recs, "one chunk: records come back identical");
    assert_eq!(sum.counts.kernel_events, 300);
    assert_eq!(sum.counts.records, 5);
    let r = SessionReader::open(&p).unwrap();
    assert_eq!(
        r.header().argv[1],
        format!("--password={}", crate::redact::MASK)
    );
    assert_eq!(r.header().filters, vec!["pid:1".to_string()]);
    assert!(!r.header().boot_id.is_empty());
}

#[test]
fn big_batches_are_sliced_and_chunks_restart_their_tables() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.ktr");
    let recs = records(10_000);
    write_file(&p, &recs, small_opts());
    let (back, err) = read_all(&p);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(flatten(&back), flatten(&recs));
    let rep = verify_file(&p).unwrap();
    assert_eq!(rep.verdict, Verdict::Ok, "{:?}", rep.error);
    assert!(rep.chunks_ok > 10, "small chunks: {}", rep.chunks_ok);
    assert_eq!(rep.counts.kernel_events, 10_000);
    assert_eq!(rep.final_hash.as_deref().map(str::len), Some(64));
}

#[test]
fn killed_writer_leaves_complete_chunks_readable_and_verify_says_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.ktr");
    let mut w = SessionWriter::create(&p, header(), small_opts()).unwrap();
    let recs = records(3000);
    for r in &recs {
        w.write(r).unwrap();
    }
    // A killed process runs no destructor: forget the writer.
    std::mem::forget(w);
    let full = std::fs::read(&p).unwrap();
    let rep = verify_file(&p).unwrap();
    assert_eq!(rep.verdict, Verdict::Truncated);
    let good = rep.last_good.expect("complete chunks");
    assert!(rep.final_hash.is_none());
    let msg = rep.error.unwrap();
    assert!(msg.contains("no trailer"), "{msg}");
    assert!(
        msg.contains(&format!("last complete chunk is {}", good.chunk)),
        "{msg}"
    );
    // Cut in the middle of the last chunk: everything before it still reads.
    std::fs::write(&p, &full[..full.len() - 10]).unwrap();
    let (back, err) = read_all(&p);
    let err = err.expect("an error at the cut");
    assert!(err.is_truncated(), "{err}");
    let (evs, _) = flatten(&back);
    assert!(!evs.is_empty() && evs.len() < 3000);
    assert_eq!(evs[..], flatten(&recs).0[..evs.len()], "a prefix, intact");
    let rep = verify_file(&p).unwrap();
    assert_eq!(rep.verdict, Verdict::Truncated);
    assert_eq!(rep.last_good.unwrap().chunk + 1, good.chunk);
}

#[test]
fn dropped_writer_writes_its_buffered_chunk_without_trailer() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.ktr");
    let mut w = SessionWriter::create(&p, header(), WriterOpts::default()).unwrap();
    for r in records(50) {
        w.write(&r).unwrap();
    }
    drop(w);
    let (back, err) = read_all(&p);
    assert_eq!(back, records(50));
    assert!(err.unwrap().is_truncated());
}

#[test]
fn a_flipped_byte_in_a_middle_chunk_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.ktr");
    write_file(&p, &records(5000), small_opts());
    let ok = verify_file(&p).unwrap();
    let n = ok.chunks_ok;
    let mut offsets = Vec::new();
    let mut r = SessionReader::open(&p).unwrap();
    while let Some(x) = r.next() {
        x.unwrap();
        if let Some(c) = r.current_chunk()
            && offsets.last() != Some(&c.offset)
        {
            offsets.push(c.offset);
        }
    }
    assert_eq!(offsets.len() as u64, n);
    let mid = (n / 2) as usize;
    let mut bytes = std::fs::read(&p).unwrap();
    let at = offsets[mid] as usize + 100;
    bytes[at] ^= 0x01;
    let q = dir.path().join("flipped.ktr");
    std::fs::write(&q, &bytes).unwrap();
    let rep = verify_file(&q).unwrap();
    assert_eq!(rep.verdict, Verdict::Tampered);
    assert_eq!(rep.bad_chunk, Some(mid as u64));
    assert_eq!(rep.bad_offset, Some(offsets[mid]));
    assert_eq!(rep.last_good.unwrap().chunk, mid as u64 - 1);
    assert!(rep.error.unwrap().contains("hash mismatch"));
    // The header and the trailer are covered too.
    for at in [20, bytes.len() - 40] {
        let mut b = std::fs::read(&p).unwrap();
        b[at] ^= 0x80;
        std::fs::write(&q, &b).unwrap();
        assert_eq!(
            verify_file(&q).unwrap().verdict,
            Verdict::Tampered,
            "byte {at}"
        );
    }
}

#[test]
fn outputs_are_0600_and_refuse_symlinks_and_existing_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.ktr");
    write_file(&p, &records(3), WriterOpts::default());
    let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let before = std::fs::read(&p).unwrap();
    let e = SessionWriter::create(&p, header(), WriterOpts::default())
        .err()
        .unwrap();
    assert!(e.to_string().contains("already exists"), "{e}");
    assert_eq!(std::fs::read(&p).unwrap(), before, "not touched");
    let target = dir.path().join("victim");
    std::fs::write(&target, b"keep").unwrap();
    let link = dir.path().join("link.ktr");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let e = SessionWriter::create(&link, header(), WriterOpts::default())
        .err()
        .unwrap();
    assert!(e.to_string().contains("symbolic link"), "{e}");
    assert_eq!(std::fs::read(&target).unwrap(), b"keep");
    let dangling = dir.path().join("dangling.ktr");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
    assert!(SessionWriter::create(&dangling, header(), WriterOpts::default()).is_err());
    assert!(!dir.path().join("nowhere").exists());
}

#[test]
fn rotation_keeps_n_self_contained_parts() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.ktr");
    let opts = WriterOpts {
        max_bytes: Some(16 << 10),
        keep: 3,
        ..small_opts()
    };
    let sum = write_file(&p, &records(20_000), opts);
    assert_eq!(sum.paths.len(), 3, "{:?}", sum.paths);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "older parts deleted: {names:?}");
    let mut prev_final: Option<String> = None;
    for path in &sum.paths {
        let rep = verify_file(path).unwrap();
        assert_eq!(
            rep.verdict,
            Verdict::Ok,
            "{}: {:?}",
            path.display(),
            rep.error
        );
        assert!(std::fs::metadata(path).unwrap().len() <= 16 << 10);
        let h = rep.header.unwrap();
        assert!(h.part > 0);
        if let Some(pf) = &prev_final {
            assert_eq!(h.prev_part_hash.as_ref(), Some(pf), "parts are linked");
        }
        prev_final = rep.final_hash;
    }
    assert_eq!(prev_final.unwrap(), sum.final_hash);
    // The kept parts are the last three, named FILE.k.
    let parts: Vec<u32> = sum
        .paths
        .iter()
        .map(|p| SessionReader::open(p).unwrap().header().part)
        .collect();
    assert!(parts.windows(2).all(|w| w[1] == w[0] + 1), "{parts:?}");
    for (path, k) in sum.paths.iter().zip(&parts) {
        assert_eq!(*path, writer::part_path(&p, *k));
    }
}

#[test]
fn other_versions_and_other_files_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.ktr");
    write_file(&p, &records(3), WriterOpts::default());
    let mut b = std::fs::read(&p).unwrap();
    b[8] = 9;
    let q = dir.path().join("v9.ktr");
    std::fs::write(&q, &b).unwrap();
    let e = verify_file(&q).err().unwrap();
    assert!(e.to_string().contains("version 9 is not supported"), "{e}");
    std::fs::File::create(dir.path().join("text"))
        .unwrap()
        .write_all(b"hello world")
        .unwrap();
    let e = verify_file(&dir.path().join("text")).err().unwrap();
    assert!(matches!(e, SessionError::NotSession), "{e}");
    let e = verify_file(dir.path()).err().unwrap();
    assert!(e.to_string().contains("directory"), "{e}");
}

#[test]
fn oversized_records_are_refused_and_the_writer_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.ktr");
    let mut w = SessionWriter::create(&p, header(), WriterOpts::default()).unwrap();
    w.write(&records(10)[0]).unwrap();
    let huge = Record::Other {
        ts_ns: 1,
        bytes: vec![0; 40 << 20],
    };
    assert!(matches!(
        w.write(&huge),
        Err(SessionError::RecordTooLarge { .. })
    ));
    w.write(&records(10)[2]).unwrap();
    w.finish().unwrap();
    let (back, err) = read_all(&p);
    assert!(err.is_none());
    assert_eq!(back.len(), 2);
}

#[test]
fn registers_nothing_reads_are_recorded_as_zero_and_the_rest_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.ktr");
    let raw: Vec<SysEvent> = (0..64).map(raw_ev).collect();
    let batch = Record::Kernel(KernelBatch {
        cgroups: Vec::new(),
        events: raw.clone(),
    });
    write_file(&p, std::slice::from_ref(&batch), WriterOpts::default());
    let back: Vec<SysEvent> = SessionReader::open(&p)
        .unwrap()
        .filter_map(|r| match r.unwrap() {
            Record::Kernel(b) => Some(b.events),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(back.len(), raw.len());
    let mut zeroed = 0;
    for (b, r) in back.iter().zip(&raw) {
        assert_eq!(b.args, super::codec::stored_args(r));
        // openat (257) with its path captured: the path's address (arg 1) and
        // the leftovers past its 4 arguments are dropped; dirfd, flags, mode kept
        if r.kind == EventKind::Syscall && r.nr == 257 {
            assert_eq!(b.args[0], r.args[0]);
            assert_eq!(b.args[2..4], r.args[2..4]);
            assert_eq!((b.args[1], b.args[4], b.args[5]), (0, 0, 0));
            zeroed += 1;
        }
        // exec, fork and exit carry facts in every register: kept
        if r.kind != EventKind::Syscall {
            assert_eq!(b.args, r.args);
        }
    }
    assert!(zeroed > 5, "{zeroed}");
}

/// Summaries recorded as differences stay decodable in every rotated part
/// (each part starts from nothing: its first summary is whole), also when
/// the oldest parts are deleted.
#[test]
fn compact_summaries_decode_in_every_rotated_part() {
    use crate::app::Event;
    use crate::model::AggRow;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.ktr");
    let opts = WriterOpts {
        max_bytes: Some(24 << 10),
        keep: 2,
        ..small_opts()
    };
    let mut w = SessionWriter::create(&p, header(), opts).unwrap();
    let mut st = super::recorder::WriteState::default();
    let mut last = Vec::new();
    for round in 0u64..400 {
        // processes come and go; the survivors' counters grow
        let rows: Vec<AggRow> = (0..40u32)
            .map(|k| AggRow {
                tgid: 1000 + (round as u32 / 10) * 7 + k % 9,
                nr: k,
                calls: round * 3 + u64::from(k),
                errors: u64::from(k % 2),
                time_ns: round * 1_000 + u64::from(k) * 77,
            })
            .collect();
        if round % 10 == 9 {
            let gone: Vec<AggRow> = rows.iter().take(5).copied().collect();
            super::recorder::write_event(&mut w, &mut st, false, &Event::Retired(gone)).unwrap();
        }
        let batch = KernelBatch {
            cgroups: Vec::new(),
            events: (round * 20..round * 20 + 20).map(ev).collect(),
        };
        super::recorder::write_event(&mut w, &mut st, false, &Event::Kernel(batch)).unwrap();
        super::recorder::write_event(&mut w, &mut st, false, &Event::Summary(rows.clone()))
            .unwrap();
        last = rows;
    }
    let sum = w.finish().unwrap();
    assert_eq!(sum.paths.len(), 2, "{:?}", sum.paths);
    let mut last_seen = None;
    for path in &sum.paths {
        let mut dec = super::ItemDecoder::default();
        let mut summaries = 0;
        for r in SessionReader::open(path).unwrap() {
            if let super::Item::Event {
                event: Event::Summary(rows),
                ..
            } = dec
                .item(r.unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            {
                summaries += 1;
                last_seen = Some(rows);
            }
        }
        assert!(summaries > 3, "{}: {summaries}", path.display());
    }
    let mut want = last;
    want.sort_unstable_by_key(|r| (r.tgid, r.nr));
    assert_eq!(last_seen.unwrap(), want);
}
