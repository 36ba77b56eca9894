//! Tests of the flag tables, the stream specs and the public helpers of `args`.

use ktriage_common::{BUF_MAX, BUF_TRUNCATED, EventHeader, StreamSpec, capture};

use super::flags::*;
use super::*;
use crate::collector::syscalls;

#[test]
fn bit_flags() {
    let cases: &[(u64, Table, &str)] = &[
        (0, RENAME, "0"),
        (1, RENAME, "RENAME_NOREPLACE"),
        (3 | 0x40, RENAME, "RENAME_NOREPLACE|RENAME_EXCHANGE|0x40"),
        (0x200, UNLINK, "AT_REMOVEDIR"),
        (0x1100, AT, "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH"),
        (0x20000 | 0x10000000, CLONE, "CLONE_NEWNS|CLONE_NEWUSER"),
        (3, MEMFD, "MFD_CLOEXEC|MFD_ALLOW_SEALING"),
        (2, UMOUNT, "MNT_DETACH"),
        (u64::MAX, UNLINK, "AT_REMOVEDIR|0xfffffffffffffdff"),
    ];
    for &(v, t, want) in cases {
        assert_eq!(flags(v, t), want, "{v:#x}");
    }
}

#[test]
fn open_and_mount_flags() {
    let cases: &[(u64, &str)] = &[
        (0, "O_RDONLY"),
        (0o2000000, "O_RDONLY|O_CLOEXEC"),
        (0o1101, "O_WRONLY|O_CREAT|O_TRUNC"),
        (0o4010002, "O_RDWR|O_SYNC"),
        (0o10000, "O_RDONLY|O_DSYNC"),
        (0o20200002, "O_RDWR|O_TMPFILE"),
        (0o200000, "O_RDONLY|O_DIRECTORY"),
        (3 | 1 << 40, "O_ACCMODE|0x10000000000"),
    ];
    for &(v, want) in cases {
        assert_eq!(open_flags(v), want, "{v:#o}");
    }
    assert!(open_uses_mode(0o100) && open_uses_mode(0o20200000));
    assert!(!open_uses_mode(0o200000) && !open_uses_mode(2));
    assert_eq!(mount_flags(0), "0");
    assert_eq!(mount_flags(4096 | 16384), "MS_BIND|MS_REC");
    assert_eq!(mount_flags(0xc0ed_0000 | 1), "MS_MGC_VAL|MS_RDONLY");
    assert_eq!(mount_flags(1 << 18), "MS_PRIVATE");
    assert_eq!(mount_flags(1 << 40), "0x10000000000");
}

#[test]
fn enumerations() {
    assert_eq!(signal(9), "SIGKILL");
    assert_eq!(signal(1), "SIGHUP");
    assert_eq!(signal(31), "SIGSYS");
    assert_eq!(signal(0), "0");
    assert_eq!(signal(34), "SIGRT_2");
    assert_eq!(signal(65), "65");
    assert_eq!(signal(u64::MAX), "-1");
    assert_eq!(lookup(16, PTRACE), Some("PTRACE_ATTACH"));
    assert_eq!(lookup(0x4206, PTRACE), Some("PTRACE_SEIZE"));
    assert_eq!(lookup(99, PTRACE), None);
    assert_eq!(BPF_CMDS[5], "BPF_PROG_LOAD");
    assert_eq!(BPF_CMDS[36], "BPF_TOKEN_CREATE");
    assert_eq!(family(2), Some("AF_INET"));
    assert_eq!(family(10), Some("AF_INET6"));
    assert_eq!(family(16), Some("AF_NETLINK"));
    assert_eq!(family(40), Some("AF_VSOCK"));
    assert_eq!(family(45), Some("AF_MCTP"));
    assert_eq!(family(46), None);
    assert_eq!(socket_type(3), "SOCK_RAW");
    assert_eq!(socket_type(1 | 0o2000000), "SOCK_STREAM|SOCK_CLOEXEC");
    assert_eq!(socket_type(9), "9");
}

fn nr(name: &str) -> u32 {
    syscalls::number(name).unwrap_or_else(|| panic!("{name} not in table"))
}

fn spec(cap0: u8, arg0: u8, cap1: u8, arg1: u8) -> StreamSpec {
    StreamSpec {
        enabled: 1,
        cap0,
        arg0,
        cap1,
        arg1,
        _pad: [0; 3],
    }
}

#[test]
fn stream_specs() {
    use capture::{NONE, SOCKADDR_LEN as LEN, SOCKADDR_PLEN as PLEN, USER_STR as STR};
    #[rustfmt::skip]
    let cases: &[(&str, StreamSpec)] = &[
        ("openat", spec(STR, 1, NONE, 0)),
        ("open", spec(STR, 0, NONE, 0)),
        ("openat2", spec(STR, 1, LEN, 2)),
        ("execve", spec(STR, 0, NONE, 0)),
        ("execveat", spec(STR, 1, NONE, 0)),
        ("connect", spec(LEN, 1, NONE, 0)),
        ("bind", spec(LEN, 1, NONE, 0)),
        ("accept", spec(PLEN, 1, NONE, 0)),
        ("accept4", spec(PLEN, 1, NONE, 0)),
        ("sendto", spec(LEN, 4, NONE, 0)),
        ("recvfrom", spec(PLEN, 4, NONE, 0)),
        ("renameat", spec(STR, 1, STR, 3)),
        ("renameat2", spec(STR, 1, STR, 3)),
        ("linkat", spec(STR, 1, STR, 3)),
        ("symlinkat", spec(STR, 0, STR, 2)),
        ("move_mount", spec(STR, 1, STR, 3)),
        ("mount", spec(STR, 0, STR, 1)),
        ("memfd_create", spec(STR, 0, NONE, 0)),
        ("unlinkat", spec(STR, 1, NONE, 0)),
        ("chroot", spec(STR, 0, NONE, 0)),
        ("init_module", spec(STR, 2, NONE, 0)),
        ("finit_module", spec(STR, 1, NONE, 0)),
        ("kexec_file_load", spec(STR, 3, NONE, 0)),
        ("kill", spec(NONE, 0, NONE, 0)),
        ("bpf", spec(NONE, 0, NONE, 0)),
        ("read", spec(NONE, 0, NONE, 0)),
    ];
    for (name, want) in cases {
        assert_eq!(stream_spec(nr(name)), *want, "{name}");
    }
    assert_eq!(stream_spec(335), spec(NONE, 0, NONE, 0));
    assert_eq!(stream_spec(u32::MAX), spec(NONE, 0, NONE, 0));
}

#[test]
fn default_set_is_streamable() {
    let set = default_stream_set();
    assert!(set.len() >= 50, "{}", set.len());
    assert!(set.windows(2).all(|w| w[0] < w[1]), "sorted, unique");
    for name in [
        "execve",
        "openat",
        "connect",
        "ptrace",
        "mount",
        "bpf",
        "setns",
        "memfd_create",
    ] {
        assert!(set.contains(&nr(name)), "{name}");
    }
    for &n in &set {
        let name = syscalls::name(n).expect("known syscall");
        let s = stream_spec(n);
        assert_eq!(s.enabled, 1, "{name}");
        for (cap, arg) in [(s.cap0, s.arg0), (s.cap1, s.arg1)] {
            assert!(usize::from(arg) <= MAX_CAPTURE_ARG, "{name}: arg {arg}");
            assert!(cap <= capture::SOCKADDR_PLEN, "{name}");
        }
        assert!(n < ktriage_common::NR_SLOTS);
    }
}

#[test]
fn every_signature_fits_the_probe() {
    for (n, name) in syscalls::all() {
        let s = stream_spec(n);
        assert!(usize::from(s.arg0) <= MAX_CAPTURE_ARG && usize::from(s.arg1) <= MAX_CAPTURE_ARG);
        assert!(
            s.cap1 == capture::NONE || s.cap0 != capture::NONE,
            "{name}: buf 1 without buf 0"
        );
        if let Some(sig) = spec::signature(name) {
            assert!(sig.len() <= 6, "{name}");
        }
    }
}

#[test]
fn values_display_and_json() {
    use serde_json::json;
    let s = |v: &str, t| ArgValue::Str {
        value: v.into(),
        truncated: t,
    };
    #[rustfmt::skip]
    let cases = [
        (s("/etc/shadow", false), r#""/etc/shadow""#, json!("/etc/shadow")),
        (s("/very/lo", true), r#""/very/lo"..."#, json!("/very/lo")),
        (s("a\"b\n\u{1b}", false), "\"a\"b\n\u{1b}\"", json!("a\"b\n\u{1b}")),
        (ArgValue::Int(-1), "-1", json!(-1)),
        (ArgValue::UInt(u64::MAX), "18446744073709551615", json!(u64::MAX)),
        (ArgValue::Hex(255), "0xff", json!("0xff")),
        (ArgValue::Ptr(0), "NULL", json!(null)),
        (ArgValue::Ptr(0x1000), "0x1000", json!("0x1000")),
        (ArgValue::DirFd(-100), "AT_FDCWD", json!("AT_FDCWD")),
        (ArgValue::DirFd(3), "3", json!(3)),
        (ArgValue::Id(u32::MAX), "-1", json!(-1)),
        (ArgValue::Id(1000), "1000", json!(1000)),
        (ArgValue::Mode(0o644), "0644", json!("0644")),
        (ArgValue::Mode(0o4755), "04755", json!("04755")),
        (ArgValue::Mode(0), "0000", json!("0000")),
        (ArgValue::Flags("O_RDONLY".into()), "O_RDONLY", json!("O_RDONLY")),
        (ArgValue::Sym("SIGKILL".into()), "SIGKILL", json!("SIGKILL")),
        (ArgValue::Addr("[::1]:22".into()), "[::1]:22", json!("[::1]:22")),
    ];
    for (v, display, js) in cases {
        assert_eq!(v.to_string(), display, "{v:?}");
        assert_eq!(v.to_json(), js, "{v:?}");
    }
}

#[test]
fn line_and_json_object() {
    let d = vec![
        (
            "path",
            ArgValue::Str {
                value: "/etc/sha".into(),
                truncated: true,
            },
        ),
        ("flags", ArgValue::Flags("O_RDONLY|O_CLOEXEC".into())),
    ];
    assert_eq!(
        format_args_line(&d),
        r#"path="/etc/sha"... flags=O_RDONLY|O_CLOEXEC"#
    );
    assert_eq!(format_args_line(&[]), "");
    let want = serde_json::json!({"path": "/etc/sha", "flags": "O_RDONLY|O_CLOEXEC", "truncated": ["path"]});
    assert_eq!(args_json(&d), want);
    assert_eq!(
        args_json(&d[1..]),
        serde_json::json!({"flags": "O_RDONLY|O_CLOEXEC"})
    );
}

#[test]
fn syscall_lists() {
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        parse_syscall_list(&names(&["openat", " execve ", "openat"])),
        Ok(vec![257, 59])
    );
    assert_eq!(
        parse_syscall_list(&names(&["437", "read"])),
        Ok(vec![437, 0])
    );
    assert_eq!(parse_syscall_list(&[]), Ok(vec![]));
    let err = parse_syscall_list(&names(&["openat", "opneat", "nope"])).unwrap_err();
    assert_eq!(err, UnknownSyscall("opneat".into()));
    assert_eq!(err.to_string(), "unknown syscall `opneat`");
    for bad in ["", "335", "99999", "-1", "OPENAT"] {
        assert!(parse_syscall_list(&names(&[bad])).is_err(), "{bad:?}");
    }
}

#[test]
fn raw_from_event() {
    let mut h = EventHeader {
        nr: 257,
        ret: 3,
        ..EventHeader::default()
    };
    h.args = [u64::MAX - 99, 1, 0, 0, 0, 0];
    h.buf_len = [4, 3 | BUF_TRUNCATED];
    let mut data = vec![0u8; 2 * BUF_MAX];
    data[..4].copy_from_slice(b"/x\0\0");
    data[BUF_MAX..BUF_MAX + 3].copy_from_slice(b"abc");
    let raw = RawSyscall::from_event(&h, &data);
    assert_eq!(
        (raw.nr, raw.ret, raw.buf0, raw.trunc0),
        (257, 3, &b"/x\0\0"[..], false)
    );
    assert_eq!((raw.buf1, raw.trunc1), (&b"abc"[..], true));
    assert_eq!(
        format_args_line(&decode(&raw)),
        r#"dirfd=AT_FDCWD path="/x" flags=O_RDONLY"#
    );
    // lengths beyond the data (or garbage lengths) are clipped, never a panic
    h.buf_len = [u16::MAX, u16::MAX];
    for len in [0, 1, 10, BUF_MAX, BUF_MAX + 1, 2 * BUF_MAX] {
        let raw = RawSyscall::from_event(&h, &data[..len]);
        assert!(
            raw.buf0.len() <= len.min(BUF_MAX) && raw.buf1.len() <= len.saturating_sub(BUF_MAX)
        );
        let _ = decode(&raw);
    }
}

#[test]
fn registers_a_syscall_does_not_have_are_never_shown() {
    let nr = |n: &str| syscalls::number(n).expect("known syscall");
    let leftovers = [3, 1, 0xffff_fffe, 0x7fff_0000_1234, 9, 9];
    let raw = |n: u32| RawSyscall {
        nr: n,
        args: &leftovers,
        ret: 1,
        buf0: &[],
        trunc0: false,
        buf1: &[],
        trunc1: false,
    };
    let names = |n: &str| -> Vec<&str> { decode(&raw(nr(n))).iter().map(|(k, _)| *k).collect() };
    assert_eq!(names("dup2"), ["oldfd", "newfd"]);
    assert_eq!(names("close"), ["fd"]);
    assert!(names("getpid").is_empty());
    // No signature: nothing rather than six raw registers.
    assert!(names("io_uring_setup").is_empty());
}

#[test]
fn registers_said_unread_change_nothing_decoded() {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let bufs: [&[u8]; 3] = [
        b"",
        b"/etc/shadow\0",
        &[2, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
    ];
    let mut zeroed_somewhere = 0;
    for (nr, _) in syscalls::all() {
        for round in 0..24 {
            let mut args = [0u64; 6];
            args.iter_mut().for_each(|a| {
                *a = match next() % 3 {
                    0 => next() % 8,
                    1 => 0x7ffd_0000_0000 | (next() & 0xffff_fff8),
                    _ => next(),
                }
            });
            let (b0, b1) = (bufs[round % 3], bufs[(round / 3) % 3]);
            let ret = [0, 3, -2][round % 3];
            let raw = RawSyscall {
                nr,
                args: &args,
                ret,
                buf0: b0,
                trunc0: false,
                buf1: b1,
                trunc1: false,
            };
            let mask = unread_registers(nr, [!b0.is_empty(), !b1.is_empty()]);
            let mut kept = args;
            (0..6)
                .filter(|i| mask & (1 << i) != 0)
                .for_each(|i| kept[i] = 0);
            zeroed_somewhere += usize::from(mask != 0);
            let canon = RawSyscall { args: &kept, ..raw };
            assert_eq!(
                format_args_line(&decode(&raw)),
                format_args_line(&decode(&canon)),
                "nr {nr} mask {mask:#b}"
            );
        }
    }
    assert!(zeroed_somewhere > 100, "{zeroed_somewhere}");
    // openat's path pointer is unread once the path is captured, its flags never
    let openat = nr("openat");
    assert_eq!(unread_registers(openat, [true, false]), 0b11_0010);
    assert_eq!(unread_registers(openat, [false, false]), 0b11_0000);
}
