//! The other syscalls ktriage streams live that the event table has events for (files, permissions,
//! credentials, signals, ptrace, mounts, namespaces, bpf): each exit's parameters (and its enter's) put
//! in the registers and capture buffers the live probe fills, scap's encodings translated back to the
//! kernel's, so `collector::args::decode` gives the arguments a live record of the call gives.

use super::decode::{either, nr};
use super::{Mapper, Pending, param, res};
use crate::model::{EventKind, SysEvent};
use crate::scap::read::RawEvent;
use crate::scap::read::params::{int, uint};
use crate::scap::write::layout::{CLONE_FLAGS, PTRACE_REQUESTS};

/// Where a parameter goes in the live record.
#[derive(Clone, Copy, Debug)]
pub(super) enum To {
    /// Register `i`, the number as it is (flags, modes, ids, signals).
    Reg(usize),
    /// Register `i`, sign-extended (fds, dirfds, pids: `PPM_AT_FDCWD` is `AT_FDCWD`).
    Int(usize),
    /// Capture buffer `i` (a path or name, with its NUL).
    Buf(usize),
    /// Register `i`: `PPM_CL_*` bits as the kernel's `CLONE_*`.
    Clone(usize),
    /// Register `i`: a `PPM_PTRACE_*` code as the kernel's request.
    Ptrace(usize),
    /// Register `i`: a DYNAMIC parameter's value (after its index byte).
    Dyn(usize),
}

/// The live syscall an event is and where its parameters go.
pub(super) type Spec = (&'static str, &'static [(&'static str, To)]);

use To::*;
const OLD2: [(&str, To); 4] = [
    ("olddirfd", Int(0)),
    ("oldpath", Buf(0)),
    ("newdirfd", Int(2)),
    ("newpath", Buf(1)),
];
const OLD2_FLAGS: [(&str, To); 5] = [OLD2[0], OLD2[1], OLD2[2], OLD2[3], ("flags", Reg(4))];
const LINKAT: [(&str, To); 5] = [
    ("olddir", Int(0)),
    ("oldpath", Buf(0)),
    ("newdir", Int(2)),
    ("newpath", Buf(1)),
    ("flags", Reg(4)),
];

/// The spec of an exit event type (every version of it the table has), `None` for the others.
#[rustfmt::skip]
pub(super) fn spec(exit: u16) -> Option<Spec> {
    Some(match exit {
        25 => ("listen", &[("fd", Int(0)), ("backlog", Reg(1))]),
        105 | 309 => ("link", &[("oldpath", Buf(0)), ("newpath", Buf(1))]),
        107 | 311 => ("linkat", &LINKAT),
        109 | 301 => ("unlink", &[("path", Buf(0))]),
        111 | 303 => ("unlinkat", &[("dirfd", Int(0)), ("name", Buf(0)), ("flags", Reg(2))]),
        129 => ("kill", &[("pid", Int(0)), ("sig", Reg(1))]),
        131 => ("tkill", &[("tid", Int(0)), ("sig", Reg(1))]),
        133 => ("tgkill", &[("pid", Int(0)), ("tid", Int(1)), ("sig", Reg(2))]),
        169 => ("ptrace", &[("request", Ptrace(0)), ("pid", Int(1)), ("addr", Dyn(2)), ("data", Dyn(3))]),
        175 => ("rename", &[("oldpath", Buf(0)), ("newpath", Buf(1))]),
        177 => ("renameat", &OLD2),
        319 => ("renameat2", &OLD2_FLAGS),
        179 => ("symlink", &[("target", Buf(0)), ("linkpath", Buf(1))]),
        181 => ("symlinkat", &[("target", Buf(0)), ("linkdirfd", Int(1)), ("linkpath", Buf(1))]),
        193 => ("setresuid", &[("ruid", Reg(0)), ("euid", Reg(1)), ("suid", Reg(2))]),
        195 => ("setresgid", &[("rgid", Reg(0)), ("egid", Reg(1)), ("sgid", Reg(2))]),
        199 => ("setuid", &[("uid", Reg(0))]),
        201 => ("setgid", &[("gid", Reg(0))]),
        241 => ("setns", &[("fd", Int(0)), ("nstype", Clone(1))]),
        257 => ("mount", &[("dev", Buf(0)), ("dir", Buf(1)), ("flags", Reg(3))]),
        // x86_64 has umount2 only
        259 => ("umount2", &[("name", Buf(0)), ("flags", Reg(1))]),
        267 => ("chroot", &[("path", Buf(0))]),
        285 => ("unshare", &[("flags", Clone(0))]),
        297 => ("bpf", &[("cmd", Reg(0))]),
        313 => ("fchmodat", &[("dirfd", Int(0)), ("filename", Buf(0)), ("mode", Reg(2))]),
        315 => ("chmod", &[("filename", Buf(0)), ("mode", Reg(1))]),
        317 => ("fchmod", &[("fd", Int(0)), ("mode", Reg(1))]),
        _ => return None,
    })
}

/// The kernel's `CLONE_*` flags of scap's `PPM_CL_*`.
pub(super) fn clone_flags(ppm: u64) -> u64 {
    CLONE_FLAGS
        .iter()
        .filter(|(_, p)| ppm & u64::from(*p) != 0)
        .fold(0, |acc, (l, _)| acc | l)
}

/// A DYNAMIC parameter's value: its index byte, then a number.
fn dynamic(b: &[u8]) -> Option<i64> {
    b.split_first().and_then(|(_, v)| int(v))
}

impl Mapper {
    /// The live record of an exit event `spec` describes.
    pub(super) fn call(
        &self,
        ev: &RawEvent<'_>,
        (name, slots): Spec,
        enter: Option<&Pending>,
    ) -> Option<SysEvent> {
        // bpf's result is DYNAMIC (an fd or an errno)
        let ret = match res(ev.ty, &ev.params) {
            Some(r) => r,
            None => dynamic(param(ev.ty, &ev.params, "res_or_fd")?)?,
        };
        let mut r = self.base(ev.ts, ev.tid, EventKind::Syscall, nr(name), ret);
        for &(pname, to) in slots {
            let Some(b) = either(ev, enter, pname) else {
                continue;
            };
            let num = || uint(b).unwrap_or(0);
            match to {
                Reg(i) => r.args[i] = num(),
                Int(i) => r.args[i] = int(b).unwrap_or(0) as u64,
                Buf(i) => r.bufs[i] = super::captured(b),
                Clone(i) => r.args[i] = clone_flags(num()),
                Ptrace(i) => {
                    r.args[i] = usize::try_from(num())
                        .ok()
                        .and_then(|c| PTRACE_REQUESTS.get(c))
                        .copied()
                        .unwrap_or(u64::MAX);
                }
                Dyn(i) => r.args[i] = dynamic(b).unwrap_or(0) as u64,
            }
        }
        Some(r)
    }
}
