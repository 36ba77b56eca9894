//! The events decoded into the arguments live records carry: exec, the open family, connect/accept/bind, clone and process exits.

use super::{Mapper, Pending, Thread, captured, param, pending_param, res};
use crate::model::{Captured, EventKind, SysEvent};
use crate::scap::ParamType;
use crate::scap::read::RawEvent;
use crate::scap::read::params::{int, sockaddr, uint};

/// scap's `PPM_CL_CLONE_THREAD`.
const PPM_CLONE_THREAD: u64 = 1 << 13;

/// scap's `PPM_O_*` open flags and the kernel's `O_*` they stand for.
const OPEN_FLAGS: &[(u64, u64)] = &[
    (1 << 1, 0o1),         // O_WRONLY (O_RDONLY is 1 << 0 and 0 in the kernel)
    (1 << 2, 0o100),       // O_CREAT
    (1 << 3, 0o2000),      // O_APPEND
    (1 << 4, 0o10000),     // O_DSYNC
    (1 << 5, 0o200),       // O_EXCL
    (1 << 6, 0o4000),      // O_NONBLOCK
    (1 << 7, 0o4010000),   // O_SYNC
    (1 << 8, 0o1000),      // O_TRUNC
    (1 << 9, 0o40000),     // O_DIRECT
    (1 << 10, 0o200000),   // O_DIRECTORY
    (1 << 11, 0o100000),   // O_LARGEFILE
    (1 << 12, 0o2000000),  // O_CLOEXEC
    (1 << 13, 0o20200000), // O_TMPFILE
];

/// The kernel's open flags of scap's.
pub fn open_flags(ppm: u64) -> u64 {
    // O_RDWR is both read and write bits in scap
    let mut out = if ppm & 3 == 3 { 0o2 } else { 0 };
    for (p, k) in OPEN_FLAGS {
        if ppm & p != 0 && !(*p == 1 << 1 && ppm & 3 == 3) {
            out |= k;
        }
    }
    out
}

pub(super) fn nr(name: &str) -> u32 {
    crate::collector::syscalls::number(name).unwrap_or(crate::model::NR_CAPTURED)
}

/// A parameter of the exit, else of the enter.
pub(super) fn either<'a>(
    ev: &RawEvent<'a>,
    enter: Option<&'a Pending>,
    name: &str,
) -> Option<&'a [u8]> {
    param(ev.ty, &ev.params, name).or_else(|| enter.and_then(|p| pending_param(p, name)))
}

impl Mapper {
    pub(super) fn exec(
        &mut self,
        ev: &RawEvent<'_>,
        name: &str,
        enter: Option<&Pending>,
    ) -> Option<SysEvent> {
        let ret = res(ev.ty, &ev.params)?;
        let filename = enter.and_then(|p| pending_param(p, "filename"));
        if ret < 0 {
            let mut r = self.base(ev.ts, ev.tid, EventKind::Syscall, nr(name), ret);
            if let Some(f) = filename {
                r.bufs[0] = captured(f);
            }
            return Some(r);
        }
        let p = |n| param(ev.ty, &ev.params, n);
        let exe = p("exe")
            .map(|b| super::cstr(b).to_vec())
            .unwrap_or_default();
        let args = p("args").unwrap_or_default().to_vec();
        let (cgroup_id, container_id) = match p("cgroups") {
            Some(c) => self.cgroup(c),
            None => self
                .threads
                .get(&ev.tid)
                .map_or((0, None), |t| (t.cgroup_id, t.container_id.clone())),
        };
        let old = self.threads.get(&ev.tid).cloned().unwrap_or_default();
        let pid = p("pid").and_then(int).map_or(old.pid, |v| v as u32);
        let ppid = p("ptid")
            .and_then(int)
            .map(|pt| self.threads.get(&(pt as u64)).map_or(pt as u32, |t| t.pid))
            .unwrap_or(old.ppid);
        let th = Thread {
            pid: if pid == 0 { ev.tid as u32 } else { pid },
            ppid,
            uid: p("uid").and_then(uint).map_or(old.uid, |v| v as u32),
            comm: p("comm").map_or(old.comm.clone(), |c| super::cstr(c).to_vec()),
            exe: exe.clone(),
            args: args.clone(),
            cwd: p("cwd").map_or(old.cwd.clone(), |c| super::cstr(c).to_vec()),
            cgroup_id,
            container_id,
            loginuid: p("loginuid")
                .and_then(uint)
                .map_or(old.loginuid, |v| v as u32),
        };
        self.insert(ev.tid, th);
        let mut r = self.base(ev.ts, ev.tid, EventKind::Exec, nr(name), 0);
        r.args[0] = u64::from(r.pid);
        r.bufs[0] = captured(filename.unwrap_or(&exe));
        let mut argv = exe;
        argv.push(0);
        argv.extend_from_slice(&args);
        if argv.last() != Some(&0) {
            argv.push(0);
        }
        r.bufs[1] = Captured {
            bytes: argv,
            truncated: false,
        };
        Some(r)
    }

    pub(super) fn open(
        &self,
        ev: &RawEvent<'_>,
        name: &str,
        enter: Option<&Pending>,
    ) -> Option<SysEvent> {
        let ret = res(ev.ty, &ev.params)?;
        let path = either(ev, enter, "name")?;
        let flags = either(ev, enter, "flags")
            .and_then(uint)
            .map_or(0, open_flags);
        let mode = either(ev, enter, "mode").and_then(uint).unwrap_or(0);
        let mut r = self.base(ev.ts, ev.tid, EventKind::Syscall, nr(name), ret);
        r.bufs[0] = captured(path);
        match name {
            "open" => r.args = [0, flags, mode, 0, 0, 0],
            "creat" => r.args = [0, mode, 0, 0, 0, 0],
            _ => {
                let dirfd = either(ev, enter, "dirfd").and_then(int).unwrap_or(-100);
                r.args = [dirfd as u64, 0, flags, mode, 0, 0];
                if name == "openat2" {
                    r.args[2] = 1;
                    r.args[3] = 24;
                    let mut how = flags.to_ne_bytes().to_vec();
                    how.extend_from_slice(&mode.to_ne_bytes());
                    how.extend_from_slice(&[0; 8]);
                    r.bufs[1] = Captured {
                        bytes: how,
                        truncated: false,
                    };
                }
            }
        }
        Some(r)
    }

    pub(super) fn net(
        &self,
        ev: &RawEvent<'_>,
        name: &str,
        enter: Option<&Pending>,
    ) -> Option<SysEvent> {
        let first = param(ev.ty, &ev.params, "res").or_else(|| param(ev.ty, &ev.params, "fd"));
        let ret = first.and_then(int)?;
        let fd = enter
            .and_then(|p| pending_param(p, "fd"))
            .and_then(int)
            .unwrap_or(-1);
        let addr = match name {
            "bind" => {
                either(ev, enter, "addr").and_then(|b| sockaddr(ParamType::SockAddr, b, true))
            }
            // the peer: the tuple's destination for connect, its source for accept
            _ => param(ev.ty, &ev.params, "tuple")
                .and_then(|b| sockaddr(ParamType::SockTuple, b, name == "connect"))
                .or_else(|| {
                    either(ev, enter, "addr").and_then(|b| sockaddr(ParamType::SockAddr, b, true))
                }),
        };
        let mut r = self.base(ev.ts, ev.tid, EventKind::Syscall, nr(name), ret);
        r.args[0] = fd as u64;
        if let Some(a) = addr {
            r.args[1] = 1;
            r.args[2] = a.len() as u64;
            r.bufs[0] = Captured {
                bytes: a,
                truncated: false,
            };
        }
        Some(r)
    }

    /// A clone's exit: the parent's becomes a fork record; the child's names the new thread.
    pub(super) fn clone_exit(&mut self, ev: &RawEvent<'_>) -> Option<SysEvent> {
        let ret = res(ev.ty, &ev.params)?;
        let p = |n| param(ev.ty, &ev.params, n);
        let flags = p("flags").and_then(uint).unwrap_or(0);
        if ret == 0 {
            let ptid = p("ptid").and_then(int).unwrap_or(0) as u64;
            let pid = p("pid").and_then(int).map_or(ev.tid, |v| v as u64);
            let mut th = [ev.tid, pid, ptid]
                .iter()
                .find_map(|t| self.threads.get(t).cloned())
                .unwrap_or_default();
            th.pid = pid as u32;
            th.ppid = self.threads.get(&ptid).map_or(ptid as u32, |t| t.pid);
            if let Some(u) = p("uid").and_then(uint) {
                th.uid = u as u32;
            }
            if let Some(c) = p("comm") {
                th.comm = super::cstr(c).to_vec();
            }
            if let Some(c) = p("cgroups") {
                (th.cgroup_id, th.container_id) = self.cgroup(c);
            }
            self.insert(ev.tid, th);
            return None;
        }
        if ret < 0 {
            return None;
        }
        let parent = self.threads.get(&ev.tid).cloned().unwrap_or_default();
        let child_pid = if flags & PPM_CLONE_THREAD != 0 {
            parent.pid
        } else {
            ret as u32
        };
        if !self.threads.contains_key(&(ret as u64)) {
            let mut child = parent.clone();
            child.pid = child_pid;
            if flags & PPM_CLONE_THREAD == 0 {
                child.ppid = parent.pid;
            }
            self.insert(ret as u64, child);
        }
        let mut r = self.base(ev.ts, ev.tid, EventKind::Fork, ktriage_common::NR_NONE, ret);
        r.args[0] = u64::from(child_pid);
        r.args[1] = ret as u64;
        Some(r)
    }

    /// Events without an exit: a process exit becomes an exit record, the others are shown as they are.
    pub(super) fn standalone(&mut self, ev: &RawEvent<'_>, name: &str, out: &mut Vec<SysEvent>) {
        if name == "procexit" {
            // exit and exit_group never return: their enter shows before the exit
            if let Some(p) = self.pending.remove(&ev.tid) {
                out.push(self.lone_enter(ev.tid, p));
            }
            let status = param(ev.ty, &ev.params, "status")
                .and_then(int)
                .unwrap_or(0);
            let mut r = self.base(
                ev.ts,
                ev.tid,
                EventKind::Exit,
                ktriage_common::NR_NONE,
                status,
            );
            r.args[0] = u64::from(u64::from(r.pid) == ev.tid);
            out.push(r);
            return;
        }
        out.push(self.other(ev.ty, ev.ts, ev.tid, &ev.params, None, 0));
    }
}
