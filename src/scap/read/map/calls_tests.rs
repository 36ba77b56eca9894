//! Round trips through the capture format: a live record of each syscall of `calls.rs`, written as
//! the `.scap` events `ktriage export` writes, read back by the mapper, decodes into the same
//! arguments as the live record; scap's encodings (`PPM_CL_*`, `PPM_PTRACE_*`) invert the writer's.

use std::collections::HashMap;

use super::Mapper;
use crate::collector::args::{RawSyscall, decode, format_args_line};
use crate::collector::syscalls;
use crate::model::{Captured, EventKind, SysEvent};
use crate::scap::read::RawEvent;
use crate::scap::write::{self, Mapped, layout};

fn record(name: &str, args: [u64; 6], ret: i64, b0: &[u8], b1: &[u8]) -> SysEvent {
    let cap = |b: &[u8]| Captured {
        bytes: b.to_vec(),
        truncated: false,
    };
    SysEvent {
        ts_ns: 2_000,
        duration_ns: 500,
        ret,
        args,
        kind: EventKind::Syscall,
        nr: syscalls::number(name).unwrap_or_else(|| panic!("{name}")),
        pid: 77,
        tid: 78,
        comm: *b"worker\0\0\0\0\0\0\0\0\0\0",
        bufs: [cap(b0), cap(b1)],
        cgroup_id: 0,
        ppid: 1,
        uid: 0,
    }
}

fn line(e: &SysEvent) -> String {
    let raw = RawSyscall {
        nr: e.nr,
        args: &e.args,
        ret: e.ret,
        buf0: &e.bufs[0].bytes,
        trunc0: false,
        buf1: &e.bufs[1].bytes,
        trunc1: false,
    };
    format!("{} ret={}", format_args_line(&decode(&raw)), e.ret)
}

/// The record written as the export writes it, then read back.
fn round_trip(e: &SysEvent) -> Vec<SysEvent> {
    let mut w = write::Mapper {
        table: write::Table::default(),
        cgroups: HashMap::new(),
        wall_offset: 0,
    };
    let Mapped::Events(_, recs) = w.map(e) else {
        panic!("not exported: {e:?}");
    };
    let mut m = Mapper::default();
    let mut out = Vec::new();
    for (i, r) in recs.iter().enumerate() {
        let ev = RawEvent {
            offset: i as u64,
            cpu: 0,
            flags: 0,
            ts: r.ts,
            tid: r.tid,
            ty: r.ty,
            params: r.params.0.iter().map(Vec::as_slice).collect(),
        };
        m.event(&ev, &mut out);
    }
    out
}

#[test]
fn every_mapped_call_decodes_as_its_live_record() {
    let p = 0x7ffd_0000_1000;
    let cwd = -100i64 as u64;
    #[rustfmt::skip]
    let cases: Vec<SysEvent> = vec![
        record("unlink", [0; 6], 0, b"/tmp/u\0", b""),
        record("unlink", [0; 6], -2, b"/tmp/missing\0", b""),
        record("unlinkat", [cwd, p, 0x200, 0, 0, 0], 0, b"d\0", b""),
        record("unlinkat", [5, p, 0, 0, 0, 0], 0, b"f\0", b""),
        record("rename", [p, p, 0, 0, 0, 0], 0, b"/a\0", b"/b\0"),
        record("renameat", [cwd, p, 7, p, 0, 0], 0, b"a\0", b"b\0"),
        record("renameat2", [cwd, p, cwd, p, 1, 0], -17, b"a\0", b"b\0"),
        record("link", [p, p, 0, 0, 0, 0], 0, b"/a\0", b"/b\0"),
        record("linkat", [cwd, p, cwd, p, 0x400, 0], 0, b"a\0", b"b\0"),
        record("symlink", [p, p, 0, 0, 0, 0], 0, b"/etc/shadow\0", b"/tmp/s\0"),
        record("symlinkat", [p, cwd, p, 0, 0, 0], 0, b"/etc\0", b"l\0"),
        record("chmod", [p, 0o4755, 0, 0, 0, 0], 0, b"/bin/sh\0", b""),
        record("fchmod", [3, 0o600, 0, 0, 0, 0], 0, b"", b""),
        record("fchmodat", [cwd, p, 0o777, 0, 0, 0], 0, b"x\0", b""),
        record("setuid", [0, 0, 0, 0, 0, 0], 0, b"", b""),
        record("setgid", [65534, 0, 0, 0, 0, 0], -1, b"", b""),
        record("setresuid", [0xffff_ffff, 0, 1000, 0, 0, 0], 0, b"", b""),
        record("setresgid", [1, 2, 3, 0, 0, 0], 0, b"", b""),
        record("kill", [1234, 9, 0, 0, 0, 0], 0, b"", b""),
        record("kill", [u64::MAX, 0, 0, 0, 0, 0], -3, b"", b""),
        record("tkill", [99, 15, 0, 0, 0, 0], 0, b"", b""),
        record("tgkill", [98, 99, 34, 0, 0, 0], 0, b"", b""),
        record("listen", [4, 128, 0, 0, 0, 0], 0, b"", b""),
        record("ptrace", [0, 0, 0, 0, 0, 0], 0, b"", b""),
        record("ptrace", [16, 42, 0, 0, 0, 0], 0, b"", b""),
        record("ptrace", [4, 42, 0x401000, 0x90, 0, 0], 0, b"", b""),
        record("ptrace", [0x4206, 42, 0, 0x10, 0, 0], -1, b"", b""),
        record("mount", [p, p, p, 4096 | 16384, 0, 0], 0, b"/\0", b"/mnt/host\0"),
        record("mount", [p, p, p, 0, 0, 0], 0, b"none\0", b"/tmp/m\0"),
        record("umount2", [p, 2, 0, 0, 0, 0], 0, b"/mnt\0", b""),
        record("chroot", [p, 0, 0, 0, 0, 0], 0, b"/host\0", b""),
        record("unshare", [0x10000000 | 0x20000, 0, 0, 0, 0, 0], 0, b"", b""),
        record("setns", [5, 0x40000000, 0, 0, 0, 0], 0, b"", b""),
        record("setns", [5, 0, 0, 0, 0, 0], -22, b"", b""),
    ];
    for e in &cases {
        let back = round_trip(e);
        assert_eq!(back.len(), 1, "{e:?}: {back:?}");
        assert_eq!(back[0].nr, e.nr, "{back:?}");
        assert_eq!((back[0].tid, back[0].duration_ns), (78, 500));
        assert_eq!(line(&back[0]), line(e));
    }
}

#[test]
fn scap_codes_invert_the_writers() {
    for bit in 0..64 {
        let k = 1u64 << bit;
        let ppm = layout::clone_flags(k);
        if ppm != 0 {
            assert_eq!(super::calls::clone_flags(u64::from(ppm)), k, "{k:#x}");
        }
    }
    for (code, req) in layout::PTRACE_REQUESTS.iter().enumerate().skip(1) {
        assert_eq!(usize::from(layout::ptrace_request(*req)), code, "{req:#x}");
    }
    assert_eq!(layout::ptrace_request(0x9999), 0);
}

#[test]
fn a_lone_exit_and_garbage_params_never_panic() {
    let mut m = Mapper::default();
    let mut out = Vec::new();
    let junk: [&[u8]; 6] = [
        b"",
        b"\x01",
        b"\xff\xff",
        b"\0\0\0\0\0\0\0\0\0",
        b"abc",
        b"\x07",
    ];
    for ty in [
        25u16, 105, 107, 111, 129, 169, 175, 181, 241, 257, 259, 285, 297, 313, 319,
    ] {
        for n in 0..=junk.len() {
            let ev = RawEvent {
                offset: 0,
                cpu: 0,
                flags: 0,
                ts: 1,
                tid: 5,
                ty,
                params: junk[..n].to_vec(),
            };
            m.event(&ev, &mut out);
        }
    }
    assert!(!out.is_empty());
}
