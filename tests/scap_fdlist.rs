//! A capture's fd lists give names to the fds its events use without opening them: the sample
//! capture with an fd list added for curl (fd 1 a file, a socket of each family, a unix socket; in
//! both block versions, with a newer writer's extra bytes) read by ktriage and by `sysdig -r`: the
//! same `fd=N(<type>name)` on every event on that fd, and none once a new open reuses the number.

mod support;

use std::path::Path;
use std::process::Command;

use support::{ktriage_ok, sysdig_available};

/// The sample, uncompressed.
fn sample() -> Vec<u8> {
    support::scap_fixture("curl_google.scap")
}

fn block(ty: u32, body: &[u8]) -> Vec<u8> {
    let pad = (4 - body.len() % 4) % 4;
    let len = (12 + body.len() + pad) as u32;
    let mut out = ty.to_le_bytes().to_vec();
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(body);
    out.extend(std::iter::repeat_n(0, pad));
    out.extend_from_slice(&len.to_le_bytes());
    out
}

fn s16(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u16).to_le_bytes());
    out.extend_from_slice(s);
}

/// A process list (V5) entry for curl (sysdig keeps the fds of threads it knows only).
fn curl_thread() -> Vec<u8> {
    let mut e = Vec::new();
    for v in [17497u64, 17497, 3200] {
        e.extend_from_slice(&v.to_le_bytes());
    }
    for s in [&b"bash"[..], b"/bin/bash", b"", b"/home/ubuntu"] {
        s16(&mut e, s);
    }
    e.extend_from_slice(&1024u64.to_le_bytes()); // fdlimit
    for v in [0u32, 1000, 1000, 0, 0, 0] {
        e.extend_from_slice(&v.to_le_bytes()); // flags, uid, gid, vm sizes
    }
    e.extend_from_slice(&[0; 16]); // page faults
    s16(&mut e, b""); // env
    e.extend_from_slice(&17497u64.to_le_bytes());
    e.extend_from_slice(&17497u64.to_le_bytes());
    s16(&mut e, b""); // cgroups
    s16(&mut e, b"/"); // root
    e
}

/// fd 1's entry: `(type, data)`; `v2`: with its length (and `extra` bytes a newer writer added).
fn fd_entry(ty: u8, data: &[u8], v2: bool, extra: usize) -> Vec<u8> {
    let mut e = 1i64.to_le_bytes().to_vec();
    e.extend_from_slice(&77u64.to_le_bytes()); // inode
    e.push(ty);
    e.extend_from_slice(data);
    e.extend(std::iter::repeat_n(0xee, extra));
    if v2 {
        let mut out = ((e.len() + 4) as u32).to_le_bytes().to_vec();
        out.extend_from_slice(&e);
        return out;
    }
    e
}

/// The sample with curl's thread and an fd list before its first event.
fn with_fd_list(block_type: u32, entry: &[u8]) -> Vec<u8> {
    let d = sample();
    let mut at = 0;
    while d[at..at + 4] != 0x204u32.to_le_bytes() {
        at += u32::from_le_bytes(d[at + 4..at + 8].try_into().unwrap()) as usize;
    }
    let mut fdl = 17497u64.to_le_bytes().to_vec();
    fdl.extend_from_slice(entry);
    let mut out = d[..at].to_vec();
    out.extend(block(0x211, &curl_thread()));
    out.extend(block(block_type, &fdl));
    out.extend_from_slice(&d[at..]);
    out
}

/// sysdig's first argument (`fd=...`) of each enter event on fd 1.
fn theirs(file: &Path) -> Vec<String> {
    let out = Command::new("sysdig")
        .arg("-r")
        .arg(file)
        .args(["-p", "%evt.type %evt.args", "evt.dir=> and fd.num=1"])
        .output()
        .expect("sysdig runs");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let (ty, args) = l.split_once(' ')?;
            let fd = args.split(' ').next()?;
            Some(format!("{ty} {fd}"))
        })
        .collect()
}

/// ktriage's: the first parameter of the records of calls on fd 1.
fn ours(file: &Path) -> Vec<String> {
    let out = ktriage_ok(&["replay", &file.display().to_string(), "--json"]);
    out.lines()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).ok()?;
            let params = v["args"]["params"].as_str()?;
            let fd = params.split(' ').next()?;
            (fd == "fd=1" || fd.starts_with("fd=1(")).then(|| {
                let sc = v["syscall"].as_str().unwrap_or("");
                format!("{} {fd}", sc.trim_end_matches('>'))
            })
        })
        .collect()
}

#[test]
fn fds_of_the_fd_list_are_named_as_sysdig_names_them() {
    if !sysdig_available("fds_of_the_fd_list_are_named_as_sysdig_names_them") {
        return;
    }
    let mut path_entry = Vec::new();
    s16(&mut path_entry, b"/dev/pts/1");
    let mut file_v2 = 0o2u32.to_le_bytes().to_vec(); // open flags
    s16(&mut file_v2, b"/tmp/out \x1b[31mred");
    file_v2.extend_from_slice(&0x803u32.to_le_bytes()); // device
    let mut v4 = vec![10, 0, 0, 79, 93, 184, 216, 34];
    v4.extend_from_slice(&40000u16.to_le_bytes());
    v4.extend_from_slice(&443u16.to_le_bytes());
    v4.push(2); // tcp
    let mut v6 = vec![0; 15];
    v6.push(1);
    v6.extend_from_slice(&[
        0x26, 0x07, 0xf8, 0xb0, 0x40, 0x04, 8, 2, 0, 0, 0, 0, 0, 0, 0x20, 4,
    ]);
    v6.extend_from_slice(&5555u16.to_le_bytes());
    v6.extend_from_slice(&80u16.to_le_bytes());
    v6.push(2);
    let mut serv = vec![0, 0, 0, 0];
    serv.extend_from_slice(&8080u16.to_le_bytes());
    serv.push(2);
    let mut unix = 0xffff_8800_3c42_0800u64.to_le_bytes().to_vec();
    unix.extend_from_slice(&0xffff_8800_3c42_0c00u64.to_le_bytes());
    s16(&mut unix, b"/run/x.sock");
    let cases: Vec<(&str, u32, Vec<u8>)> = vec![
        (
            "file, first version",
            0x203,
            fd_entry(1, &path_entry, false, 0),
        ),
        (
            "file, V2 with newer fields",
            0x218,
            fd_entry(1, &path_entry, true, 6),
        ),
        (
            "FILE_V2 with its device",
            0x218,
            fd_entry(16, &file_v2, true, 0),
        ),
        ("ipv4 socket", 0x203, fd_entry(3, &v4, false, 0)),
        ("ipv6 socket", 0x218, fd_entry(4, &v6, true, 0)),
        ("ipv4 server socket", 0x203, fd_entry(5, &serv, false, 0)),
        ("unix socket", 0x218, fd_entry(8, &unix, true, 0)),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (what, ty, entry) in cases {
        let file = dir.path().join("c.scap");
        std::fs::write(&file, with_fd_list(ty, &entry)).unwrap();
        let (a, b) = (ours(&file), theirs(&file));
        // curl's ioctl, fstat and five writes on its stdout
        assert_eq!(b.len(), 7, "{what}: sysdig: {b:#?}");
        assert!(b[0].contains("fd=1("), "{what}: sysdig names it: {b:?}");
        assert_eq!(a, b, "{what}");
    }
}

#[test]
fn an_fd_of_the_list_is_forgotten_once_its_number_is_reused() {
    if !sysdig_available("an_fd_of_the_list_is_forgotten_once_its_number_is_reused") {
        return;
    }
    // fd 3 open before the capture; curl's first open returns 3 again
    let mut entry = fd_entry(1, &[], false, 0);
    entry[..8].copy_from_slice(&3i64.to_le_bytes());
    s16(&mut entry, b"/old/file");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.scap");
    std::fs::write(&file, with_fd_list(0x203, &entry)).unwrap();
    let out = Command::new("sysdig")
        .arg("-r")
        .arg(&file)
        .args(["-p", "%evt.num", "fd.name=/old/file"])
        .output()
        .expect("sysdig runs");
    let theirs = String::from_utf8_lossy(&out.stdout).lines().count();
    let ours = ktriage_ok(&["replay", &file.display().to_string(), "--json"])
        .matches("(<f>/old/file)")
        .count();
    assert_eq!(ours, theirs);
    let reads = ktriage_ok(&["replay", &file.display().to_string(), "--json"]);
    assert!(
        reads.contains("\"params\":\"fd=3 "),
        "later calls on 3 are plain"
    );
}
