//! Reader tests: the sample capture plain and gzipped, byte order (a big-endian section's lists read, its events refused), skipped and newer blocks, and damage (flipped length, truncation, gzip cut short, huge lengths) located, with the events before it.

use std::io::{Cursor, Write};

use super::{Block, ScapError, ScapReader};

fn sample_gz() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/scap/curl_google.scap"
    ))
    .expect("fixture")
}

fn sample_plain() -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::MultiGzDecoder::new(&sample_gz()[..]),
        &mut out,
    )
    .expect("gunzip");
    out
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

/// Events read, and the error that ended the reading, if any.
fn read(bytes: Vec<u8>) -> (usize, Option<ScapError>) {
    let len = bytes.len() as u64;
    let mut r = match ScapReader::from_buf_read(Cursor::new(bytes), Some(len)) {
        Ok(r) => r,
        Err(e) => return (0, Some(e)),
    };
    let mut n = 0;
    while let Some(b) = r.next_block() {
        match b {
            Ok(Block::Event(_)) => n += 1,
            Ok(_) => {}
            Err(e) => return (n, Some(e)),
        }
    }
    (n, None)
}

/// Offsets of the blocks of a plain little-endian capture.
fn blocks(b: &[u8]) -> Vec<usize> {
    let mut at = 0;
    let mut out = Vec::new();
    while at + 8 <= b.len() {
        out.push(at);
        at += u32::from_le_bytes(b[at + 4..at + 8].try_into().unwrap()) as usize;
    }
    out
}

const EVENTS: usize = 1536;

#[test]
fn the_sample_reads_whole_plain_and_gzipped() {
    assert_eq!(read(sample_gz()).0, EVENTS);
    let (n, err) = read(sample_plain());
    assert_eq!((n, err.map(|e| e.to_string())), (EVENTS, None));
}

#[test]
fn a_flipped_length_is_located_after_the_events_before_it() {
    let mut b = sample_plain();
    let bl = blocks(&b);
    let at = bl[bl.len() - 100];
    b[at + 4] ^= 0x04;
    let (n, err) = read(b);
    let msg = err.expect("an error").to_string();
    assert!(msg.contains(&format!("at byte {at}")), "{msg}");
    assert_eq!(n, EVENTS - 100, "{msg}");
}

#[test]
fn a_truncated_block_says_how_much_is_missing() {
    let b = sample_plain();
    let bl = blocks(&b);
    let at = bl[bl.len() - 10];
    let (n, err) = read(b[..at + 20].to_vec());
    let msg = err.expect("an error").to_string();
    assert!(msg.contains(&format!("block 0x204 at byte {at}")), "{msg}");
    assert!(msg.contains("past the end of the file"), "{msg}");
    assert_eq!(n, EVENTS - 10);
    // the same cut, gzipped: the length cannot be checked up front, the read comes short
    let (n, err) = read(gzip(&b[..at + 20]));
    let msg = err.expect("an error").to_string();
    assert!(msg.contains("cut short, 20 of 56 bytes"), "{msg}");
    assert_eq!(n, EVENTS - 10);
}

#[test]
fn a_gzip_stream_cut_short_gives_the_events_before() {
    let gz = sample_gz();
    let (n, err) = read(gz[..gz.len() / 2].to_vec());
    let msg = err.expect("an error").to_string();
    assert!(n > 100 && n < EVENTS, "{n} events: {msg}");
    assert!(msg.contains("byte"), "{msg}");
}

#[test]
fn a_huge_declared_length_is_refused_before_allocating() {
    let b = sample_plain();
    let at = blocks(&b)[20];
    for (len, why) in [
        (u32::MAX, "over the 64 MiB"),
        (32 << 20, "runs past the end of the file"),
        (4, "smaller than a block"),
    ] {
        let mut m = b.clone();
        m[at + 4..at + 8].copy_from_slice(&len.to_le_bytes());
        let msg = read(m).1.expect("an error").to_string();
        assert!(
            msg.contains(&format!("at byte {at}: declared length {len}")),
            "{msg}"
        );
        assert!(msg.contains(why), "{msg}");
    }
    // gzipped, 32 MiB declared but not there: cut short, memory only for what there is
    let mut m = b.clone();
    m[at + 4..at + 8].copy_from_slice(&(32u32 << 20).to_le_bytes());
    let msg = read(gzip(&m)).1.expect("an error").to_string();
    assert!(msg.contains("cut short"), "{msg}");
}

#[test]
fn not_a_capture_says_so() {
    let msg = read(b"KTRSESS\0 something else".to_vec())
        .1
        .unwrap()
        .to_string();
    assert!(msg.starts_with("not a scap capture"), "{msg}");
    let msg = read(Vec::new()).1.unwrap().to_string();
    assert!(msg.contains("0 bytes only"), "{msg}");
}

/// A block of `ty` with `body`, padded to 4 bytes, in either byte order.
fn block(ty: u32, body: &[u8], be: bool) -> Vec<u8> {
    let pad = (4 - body.len() % 4) % 4;
    let len = (12 + body.len() + pad) as u32;
    let w = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
    let mut out = w(ty).to_vec();
    out.extend_from_slice(&w(len));
    out.extend_from_slice(body);
    out.extend(std::iter::repeat_n(0, pad));
    out.extend_from_slice(&w(len));
    out
}

/// A capture with one `EVF_BLOCK_TYPE_V2_LARGE` open exit event (fd 3, name, flags), in either byte order.
fn synthetic(be: bool) -> Vec<u8> {
    let u16b = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
    let u32b = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
    let u64b = |v: u64| if be { v.to_be_bytes() } else { v.to_le_bytes() };
    let mut shb = u32b(0x1A2B_3C4D).to_vec();
    shb.extend_from_slice(&u16b(1));
    shb.extend_from_slice(&u16b(2));
    shb.extend_from_slice(&u64b(u64::MAX));
    let mut out = block(0x0A0D_0D0A, &shb, be);
    out.extend(block(0x999, b"unknown block", be));
    out.extend(block(0x220, &user_list(be, 0), be));
    let params: [&[u8]; 3] = [&3i64.to_le_bytes(), b"/etc/x\0", &4097u32.to_le_bytes()];
    let mut ev = u16b(1).to_vec(); // cpu
    ev.extend_from_slice(&u32b(0)); // flags
    ev.extend_from_slice(&u64b(1_700_000_000_000_000_000));
    ev.extend_from_slice(&u64b(42));
    let len = 26 + 4 * 3 + params.iter().map(|p| p.len()).sum::<usize>();
    ev.extend_from_slice(&u32b(len as u32));
    ev.extend_from_slice(&u16b(3)); // open exit
    ev.extend_from_slice(&u32b(3));
    for p in params {
        ev.extend_from_slice(&u32b(p.len() as u32));
    }
    for p in params {
        ev.extend_from_slice(p);
    }
    out.extend(block(0x222, &ev, be));
    out
}

#[test]
fn either_byte_order_newer_blocks_and_unknown_blocks() {
    for be in [false, true] {
        let b = synthetic(be);
        let mut r =
            ScapReader::from_buf_read(Cursor::new(b.clone()), Some(b.len() as u64)).expect("opens");
        let mut seen = Vec::new();
        while let Some(bl) = r.next_block() {
            let Ok(bl) = bl else {
                seen.push(bl.unwrap_err().to_string());
                continue;
            };
            match bl {
                Block::Section { major, minor } => seen.push(format!("section {major}.{minor}")),
                Block::Skipped { block_type } => seen.push(format!("skipped {block_type:#x}")),
                Block::Users(u) => seen.push(format!("users {:?} {:?}", u.users, u.groups)),
                Block::Event(ev) => {
                    assert_eq!(
                        (ev.ts, ev.tid, ev.ty, ev.cpu),
                        (1_700_000_000_000_000_000, 42, 3, 1)
                    );
                    assert_eq!(ev.params[1], b"/etc/x\0");
                    seen.push(format!("event {}", ev.name()));
                }
                other => panic!("{other:?}"),
            }
        }
        let last = if be {
            "block 0x222 at byte 160: an event of a big-endian section (byte-order magic \
             0x4d3c2b1a): its parameters are not read"
        } else {
            "event open"
        };
        assert_eq!(
            seen,
            [
                "section 1.2",
                "skipped 0x999",
                r#"users [(0, "root"), (1000, "\u{1b}[31mbob")] [(27, "sudo")]"#,
                last
            ],
            "be={be}"
        );
    }
}

/// A `UL_BLOCK_TYPE_V2` body: root, a user with a hostile name, a group; each entry's declared
/// length `extra` bytes longer than what it holds (a newer writer's fields, skipped).
fn user_list(be: bool, extra: u32) -> Vec<u8> {
    let u16b = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
    let u32b = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
    let s = |out: &mut Vec<u8>, t: &[u8]| {
        out.extend_from_slice(&u16b(t.len() as u16));
        out.extend_from_slice(t);
    };
    let mut out = Vec::new();
    let mut entry = |kind: u8, id: u32, name: &[u8]| {
        let mut e = vec![kind];
        e.extend_from_slice(&u32b(id));
        if kind == 0 {
            e.extend_from_slice(&u32b(id));
            s(&mut e, name);
            s(&mut e, b"/home");
            s(&mut e, b"/bin/sh");
        } else {
            s(&mut e, name);
        }
        e.extend(std::iter::repeat_n(0xee, extra as usize));
        out.extend_from_slice(&u32b(e.len() as u32 + 4));
        out.extend_from_slice(&e);
    };
    entry(0, 0, b"root");
    entry(0, 1000, b"\x1b[31mbob");
    entry(1, 27, b"sudo");
    out
}

#[test]
fn user_lists_skip_newer_fields_and_refuse_overlong_entries() {
    let read = |body: Vec<u8>| -> Result<super::UserList, ScapError> {
        let mut b = synthetic(false);
        let shb_len = u32::from_le_bytes(b[4..8].try_into().unwrap()) as usize;
        b.splice(shb_len..shb_len, block(0x220, &body, false));
        let mut r =
            ScapReader::from_buf_read(Cursor::new(b.clone()), Some(b.len() as u64)).expect("opens");
        while let Some(bl) = r.next_block() {
            if let Block::Users(u) = bl? {
                return Ok(u);
            }
        }
        panic!("no user list");
    };
    let u = read(user_list(false, 6)).expect("newer fields skipped");
    assert_eq!(u.users.len(), 2);
    assert_eq!(u.groups, [(27, "sudo".to_string())]);
    // an entry declaring fewer bytes than it holds, one cut short, a name over 255 bytes
    let mut short = user_list(false, 0);
    short[0] = 3;
    let e = read(short).unwrap_err().to_string();
    assert!(e.contains("bytes read of an entry of 3"), "{e}");
    let e = read(user_list(false, 0)[..20].to_vec())
        .unwrap_err()
        .to_string();
    assert!(e.contains("cut short") && e.contains("at byte 28"), "{e}");
    let mut long = vec![0u8; 5]; // no declared length, a user
    long.extend_from_slice(&[0; 8]);
    long.extend_from_slice(&300u16.to_le_bytes());
    long.extend(std::iter::repeat_n(b'a', 300));
    let e = read(long).unwrap_err().to_string();
    assert!(e.contains("300-byte string"), "{e}");
}

#[test]
fn the_samples_fd_and_interface_lists_read() {
    let b = sample_plain();
    let mut r = ScapReader::from_buf_read(Cursor::new(b.clone()), Some(b.len() as u64)).unwrap();
    let (mut lists, mut fds, mut ifs) = (0, Vec::new(), Vec::new());
    while let Some(bl) = r.next_block() {
        match bl.expect("reads") {
            Block::Fds { tid, fds: f } => {
                lists += 1;
                fds.extend(f.into_iter().map(|f| (tid, f)));
            }
            Block::Interfaces(i) => ifs = i,
            _ => {}
        }
    }
    assert_eq!(lists, 54);
    let named = |tid: u64, fd: i64| {
        let f = &fds.iter().find(|(t, f)| *t == tid && f.fd == fd).unwrap().1;
        format!("<{}>{}", f.type_text(), f.name())
    };
    assert_eq!(named(17496, 5), "<f>/home/ubuntu/curl.scap");
    assert_eq!(named(17496, 7), "<d>/proc/17496/fd");
    assert_eq!(named(980, 6), "<4u>0.0.0.0:68");
    let names: Vec<String> = ifs
        .iter()
        .map(|i| format!("{} {}", i.name, i.addr))
        .collect();
    assert_eq!(
        names,
        [
            "lo 127.0.0.1",
            "eth0 10.0.0.79",
            "lo ::1",
            "eth0 2600:1f18:262c:6542:9aa6:df7a:9a47:d29e",
            "eth0 fe80::ceb:feff:fe7d:6f7e"
        ]
    );
}

/// The first fd list or interface list of a capture with a block of `ty` and `body`.
fn read_list(ty: u32, body: &[u8]) -> Result<String, ScapError> {
    let mut b = synthetic(false);
    let shb_len = u32::from_le_bytes(b[4..8].try_into().unwrap()) as usize;
    b.splice(shb_len..shb_len, block(ty, body, false));
    let mut r = ScapReader::from_buf_read(Cursor::new(b.clone()), Some(b.len() as u64)).unwrap();
    while let Some(bl) = r.next_block() {
        match bl? {
            Block::Fds { tid, fds } => {
                let f: Vec<String> = fds
                    .iter()
                    .map(|f| format!("{}={}", f.fd, f.name()))
                    .collect();
                return Ok(format!("{tid}: {}", f.join(",")));
            }
            Block::Interfaces(i) => return Ok(format!("{i:?}")),
            _ => {}
        }
    }
    panic!("no list");
}

/// An fd list entry (fd 3) of `ty` with `data`; `v2`: its length first, `extra` more bytes declared.
fn fd_entry(ty: u8, data: &[u8], v2: Option<i32>) -> Vec<u8> {
    let mut e = 3i64.to_le_bytes().to_vec();
    e.extend_from_slice(&9u64.to_le_bytes());
    e.push(ty);
    e.extend_from_slice(data);
    match v2 {
        Some(extra) => {
            let mut out = ((e.len() as i32 + 4 + extra) as u32).to_le_bytes().to_vec();
            out.extend_from_slice(&e);
            out.extend(std::iter::repeat_n(0xee, extra.max(0) as usize));
            out
        }
        None => e,
    }
}

#[test]
fn fd_lists_skip_unknown_types_by_length_and_locate_damage() {
    let path = |p: &[u8]| {
        let mut v = (p.len() as u16).to_le_bytes().to_vec();
        v.extend_from_slice(p);
        v
    };
    let list = |entries: &[Vec<u8>]| {
        let mut b = 42u64.to_le_bytes().to_vec();
        entries.iter().for_each(|e| b.extend_from_slice(e));
        b
    };
    let file = fd_entry(1, &path(b"/etc/passwd"), Some(0));
    let newer = fd_entry(1, &path(b"/etc/passwd"), Some(5));
    let unknown = fd_entry(99, b"future bytes", Some(0));
    assert_eq!(
        read_list(0x218, &list(&[newer, unknown.clone(), file])).unwrap(),
        "42: 3=/etc/passwd,3=/etc/passwd"
    );
    // the first version has no length to skip an unknown type by
    let e = read_list(0x203, &list(&[fd_entry(99, b"", None)]))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("fd type 99 unknown") && e.contains("at byte 28"),
        "{e}"
    );
    // an entry declaring fewer bytes than it holds; one cut short; an overlong path
    let e = read_list(0x218, &list(&[fd_entry(1, &path(b"/x"), Some(-3))]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("bytes read of an entry of"), "{e}");
    let cut = fd_entry(1, &path(b"/etc/passwd"), None);
    let e = read_list(0x203, &list(&[cut[..20].to_vec()]))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("fd list entry at byte 16 of the block cut short"),
        "{e}"
    );
    let mut long = fd_entry(1, &[], None);
    long.extend_from_slice(&2000u16.to_le_bytes());
    long.extend(std::iter::repeat_n(b'a', 2000));
    let e = read_list(0x203, &list(&[long])).unwrap_err().to_string();
    assert!(e.contains("2000-byte path"), "{e}");
    let e = read_list(0x203, &[1, 2]).unwrap_err().to_string();
    assert!(e.contains("before its thread id"), "{e}");
}

#[test]
fn interface_lists_read_both_versions_and_locate_damage() {
    let v4 = |ty: u16, name: &[u8]| {
        let mut e = ty.to_le_bytes().to_vec();
        e.extend_from_slice(&(name.len() as u16).to_le_bytes());
        e.extend_from_slice(&[10, 0, 0, 1, 255, 255, 255, 0, 10, 0, 0, 255]);
        if ty == 1 {
            e.extend_from_slice(&1000u64.to_le_bytes());
        }
        e.extend_from_slice(name);
        e
    };
    let ok = read_list(0x205, &[v4(1, b"eth0"), v4(3, b"lo")].concat()).unwrap();
    assert_eq!(ok.matches("addr: 10.0.0.1").count(), 2, "{ok}");
    assert!(ok.contains("\"eth0\"") && ok.contains("\"lo\""), "{ok}");
    // V2: a length before each entry; an unknown type skipped by it
    let with_len = |e: Vec<u8>| [((e.len() + 4) as u32).to_le_bytes().to_vec(), e].concat();
    let body = [
        with_len(vec![9, 0, 0, 0, 1, 2, 3, 4]),
        with_len(v4(1, b"eth1")),
    ]
    .concat();
    let ok = read_list(0x219, &body).unwrap();
    assert!(ok.contains("\"eth1\"") && !ok.contains("eth0"), "{ok}");
    let e = read_list(0x205, &[9, 0, 0, 0, 0, 0, 0, 0])
        .unwrap_err()
        .to_string();
    assert!(e.contains("interface type 9 unknown"), "{e}");
    let mut long = v4(1, b"eth0");
    long[2..4].copy_from_slice(&500u16.to_le_bytes());
    let e = read_list(0x205, &long).unwrap_err().to_string();
    assert!(
        e.contains("interface list entry at byte 8 of the block cut short"),
        "{e}"
    );
}
