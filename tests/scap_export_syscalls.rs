//! Every syscall `ktriage export` maps, one made-up record each, read back by the real `sysdig -r`:
//! one enter and one exit each, under the name sysdig gives it, with its path, address, flags or
//! mode in sysdig's text; a syscall without a .scap event is skipped, counted, and makes it exit 1.

#[path = "support/scap.rs"]
mod scap;
mod support;

use ktriage::model::{EventKind, SysEvent};
use scap::{export, s, sockaddr, sysdig, sysev, tid, write_session};
use serde_json::Value;
use support::sysdig_available;

#[rustfmt::skip]
/// One record of every syscall the export maps, the name sysdig gives it and a piece of its text.
fn every_syscall() -> Vec<(SysEvent, &'static str, &'static str)> {
    let (p, q, sa) = (&b"/made/p\0"[..], &b"/made/q\0"[..], sockaddr());
    let cwd = (-100i64) as u64;
    let mut how = 0o101u64.to_le_bytes().to_vec();
    how.extend_from_slice(&0o600u64.to_le_bytes());
    how.extend_from_slice(&0x10u64.to_le_bytes());
    let s = |nr, ret, args, b0: &[u8], b1: &[u8]| {
        sysev(EventKind::Syscall, nr, 4242, ret, args, b0, b1)
    };
    vec![
        (
            s("open", 3, [0, 0o101, 0o644, 0, 0, 0], p, b""),
            "open",
            "name=/made/p flags=6(O_CREAT|O_WRONLY) mode=0644",
        ),
        (
            s("openat", 3, [cwd, 0, 2, 0, 0, 0], p, b""),
            "openat",
            "name=/made/p flags=3(O_RDWR)",
        ),
        (
            s("openat2", 3, [cwd, 0, 0, 24, 0, 0], p, &how),
            "openat2",
            "mode=0600 resolve=2(RESOLVE_IN_ROOT)",
        ),
        (
            s("creat", 3, [0, 0o600, 0, 0, 0, 0], p, b""),
            "creat",
            "name=/made/p mode=0600",
        ),
        (s("execve", -2, [0; 6], p, b""), "execve", "res=-2(ENOENT)"),
        (
            s("execveat", -2, [cwd, 0, 0, 0, 0x1000, 0], p, b""),
            "execveat",
            "res=-2(ENOENT)",
        ),
        (
            s("socket", 3, [2, 1, 0, 0, 0, 0], b"", b""),
            "socket",
            "fd=3",
        ),
        (
            s("connect", 0, [3, 0, 16, 0, 0, 0], &sa, b""),
            "connect",
            "tuple=0.0.0.0:0->10.1.2.3:8080",
        ),
        (
            s("bind", 0, [3, 0, 16, 0, 0, 0], &sa, b""),
            "bind",
            "addr=10.1.2.3:8080",
        ),
        (
            s("listen", 0, [3, 128, 0, 0, 0, 0], b"", b""),
            "listen",
            "res=0",
        ),
        (
            s("accept", 5, [3, 0, 0, 0, 0, 0], &sa, b""),
            "accept",
            "tuple=10.1.2.3:8080->0.0.0.0:0",
        ),
        (
            s("accept4", 6, [3, 0, 0, 0x80000, 0, 0], &sa, b""),
            "accept",
            "fd=6",
        ),
        (
            s("sendto", 10, [3, 0, 10, 0, 0, 16], &sa, b""),
            "sendto",
            "res=10",
        ),
        (
            s("recvfrom", 10, [3, 0, 10, 0, 0, 0], &sa, b""),
            "recvfrom",
            "tuple=0.0.0.0:0->10.1.2.3:8080",
        ),
        (s("dup2", 4, [3, 4, 0, 0, 0, 0], b"", b""), "dup", "res=4"),
        (
            s("read", 1, [3, 0, 100, 0, 0, 0], b"", b""),
            "read",
            "res=1",
        ),
        (
            s("write", 1, [3, 0, 100, 0, 0, 0], b"", b""),
            "write",
            "res=1",
        ),
        (
            s("close", 0, [3, 0, 0, 0, 0, 0], b"", b""),
            "close",
            "res=0",
        ),
        (s("unlink", 0, [0; 6], p, b""), "unlink", "path=/made/p"),
        (
            s("unlinkat", 0, [cwd, 0, 0x200, 0, 0, 0], p, b""),
            "unlinkat",
            "name=/made/p flags=512(AT_REMOVEDIR)",
        ),
        (
            s("rename", 0, [0; 6], p, q),
            "rename",
            "oldpath=/made/p newpath=/made/q",
        ),
        (
            s("renameat", 0, [cwd, 0, cwd, 0, 0, 0], p, q),
            "renameat",
            "newpath=/made/q",
        ),
        (
            s("renameat2", 0, [cwd, 0, cwd, 0, 1, 0], p, q),
            "renameat2",
            "flags=1(RENAME_NOREPLACE)",
        ),
        (s("link", 0, [0; 6], p, q), "link", "newpath=/made/q"),
        (
            s("linkat", 0, [cwd, 0, cwd, 0, 0, 0], p, q),
            "linkat",
            "newpath=/made/q",
        ),
        (
            s("symlink", 0, [0; 6], p, q),
            "symlink",
            "target=/made/p linkpath=/made/q",
        ),
        (
            s("symlinkat", 0, [0, cwd, 0, 0, 0, 0], p, q),
            "symlinkat",
            "linkpath=/made/q",
        ),
        (
            s("chmod", 0, [0, 0o755, 0, 0, 0, 0], p, b""),
            "chmod",
            "filename=/made/p mode=0755",
        ),
        (
            s("fchmod", 0, [3, 0o755, 0, 0, 0, 0], b"", b""),
            "fchmod",
            "mode=0755",
        ),
        (
            s("fchmodat", 0, [cwd, 0, 0o755, 0, 0, 0], p, b""),
            "fchmodat",
            "filename=/made/p mode=0755",
        ),
        (
            s("mkdir", 0, [0, 0o755, 0, 0, 0, 0], p, b""),
            "mkdir",
            "path=/made/p",
        ),
        (s("rmdir", 0, [0; 6], p, b""), "rmdir", "path=/made/p"),
        (s("chdir", 0, [0; 6], p, b""), "chdir", "path=/made/p"),
        (
            s("fchdir", 0, [3, 0, 0, 0, 0, 0], b"", b""),
            "fchdir",
            "res=0",
        ),
        (
            s("setuid", 0, [1000, 0, 0, 0, 0, 0], b"", b""),
            "setuid",
            "res=0",
        ),
        (
            s("setgid", 0, [1000, 0, 0, 0, 0, 0], b"", b""),
            "setgid",
            "res=0",
        ),
        (
            s("setresuid", 0, [1, 2, 3, 0, 0, 0], b"", b""),
            "setresuid",
            "res=0",
        ),
        (
            s("setresgid", 0, [1, 2, 3, 0, 0, 0], b"", b""),
            "setresgid",
            "res=0",
        ),
        (
            s("kill", 0, [4300, 9, 0, 0, 0, 0], b"", b""),
            "kill",
            "res=0",
        ),
        (
            s("tkill", 0, [4300, 9, 0, 0, 0, 0], b"", b""),
            "tkill",
            "res=0",
        ),
        (
            s("tgkill", 0, [4300, 4300, 9, 0, 0, 0], b"", b""),
            "tgkill",
            "res=0",
        ),
        (
            s("mount", 0, [0, 0, 0, 0x1000, 0, 0], p, q),
            "mount",
            "dev=/made/p dir=/made/q",
        ),
        (
            s("umount2", 0, [0, 2, 0, 0, 0, 0], p, b""),
            "umount",
            "name=/made/p",
        ),
        (s("chroot", 0, [0; 6], p, b""), "chroot", "path=/made/p"),
        (
            s("unshare", 0, [0x2000_0000, 0, 0, 0, 0, 0], b"", b""),
            "unshare",
            "res=0",
        ),
        (
            s("setns", 0, [3, 0x4000_0000, 0, 0, 0, 0], b"", b""),
            "setns",
            "res=0",
        ),
        (
            s("ptrace", 0, [16, 42, 0x401000, 0x90, 0, 0], b"", b""),
            "ptrace",
            "addr=401000 data=90",
        ),
        (
            s("bpf", 7, [5, 0, 0, 0, 0, 0], b"", b""),
            "bpf",
            "",
        ),
        (s("capset", 0, [0; 6], b"", b""), "capset", ""),
        (s("fchown", 0, [3, 0, 0, 0, 0, 0], b"", b""), "fchown", ""),
    ]
}

#[test]
fn every_mapped_syscall_reads_back_in_sysdig_under_its_name() {
    let t = "every_mapped_syscall_reads_back_in_sysdig_under_its_name";
    if !sysdig_available(t) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (ktr, scap) = (dir.path().join("all.ktr"), dir.path().join("all.scap"));
    let all = every_syscall();
    let mut events: Vec<SysEvent> = all.iter().map(|(e, _, _)| e.clone()).collect();
    events.push(sysev(
        EventKind::Syscall,
        "memfd_create",
        4242,
        3,
        [0; 6],
        b"x\0",
        b"",
    ));
    write_session(&ktr, events);
    let (code, err) = export(&ktr, &scap);
    assert_eq!(code, 1, "a skipped record makes it partial: {err}");
    assert!(
        err.contains("skipped 1 records") && err.contains("memfd_create 1"),
        "{err}"
    );
    let shown = sysdig(&scap);
    let exits: Vec<&Value> = shown.iter().filter(|e| s(e, "evt.dir") == "<").collect();
    let enters = shown.iter().filter(|e| s(e, "evt.dir") == ">").count();
    assert_eq!(enters, all.len(), "one enter each");
    assert_eq!(exits.len(), all.len(), "one exit each");
    for ((_, name, text), got) in all.iter().zip(&exits) {
        assert_eq!(s(got, "evt.type"), *name, "{got}");
        assert_eq!(tid(got), 4242);
        assert!(
            s(got, "evt.info").contains(text),
            "{name}: {text:?} in {got}"
        );
    }
}
