//! Process-table and fd-table upkeep around evaluation: fork/exec/exit records, first sight, fd changes.

use std::sync::Arc;

use super::ctx::{Cat, category};
use super::engine::Engine;
use super::extract::{c_str, normalize};
use super::fdtable::{FdEntry, FdKind, L4};
use super::procread;
use super::proctable::{Proc, from_header};
use crate::collector::args::SockAddr;
use crate::model::{EventKind, SysEvent};

/// Bit of an exec record's `args[5]`: `args[1..5]` carry tty, loginuid, sid, vpid, caps.
pub const EXEC_EXT: u64 = ktriage_common::exec::EXT;
/// Bit of an exec record's `args[5]`: the executable is a memfd.
pub const EXEC_MEMFD: u64 = ktriage_common::exec::MEMFD;

impl Engine {
    /// Updates before evaluation (the process as the event sees it).
    pub(super) fn before(&mut self, ev: &SysEvent) {
        match ev.kind {
            EventKind::Exec => self.exec(ev),
            EventKind::Fork => self.fork(ev),
            EventKind::Syscall | EventKind::Exit => {
                if let Some(p) = self.procs.get_mut(ev.pid) {
                    p.uid = ev.uid;
                    if ev.ppid != 0 {
                        p.ppid = ev.ppid;
                    }
                    return;
                }
                self.procs.ensure(ev.pid, Some(ev));
                self.procs.ensure_ancestors(ev.pid);
                self.attribute(ev.pid, ev.cgroup_id);
            }
        }
    }

    /// Updates after evaluation (fds the call created, processes that ended).
    pub(super) fn after(&mut self, ev: &SysEvent) {
        match ev.kind {
            EventKind::Exit if ev.args[0] == 1 => {
                self.procs.retire(ev.pid, ev.ts_ns);
            }
            EventKind::Syscall => self.fds(ev),
            _ => {}
        }
    }

    fn fork(&mut self, ev: &SysEvent) {
        let (child, _tid) = (ev.args[0] as u32, ev.args[1] as u32);
        if child == ev.pid || child == 0 {
            return;
        }
        self.procs.ensure(ev.pid, Some(ev));
        let mut p = match self.procs.get(ev.pid) {
            Some(parent) => parent.clone(),
            None => from_header(ev),
        };
        p.vpid = if p.vpid == p.pid { child } else { 0 };
        p.pid = child;
        p.ppid = ev.pid;
        p.start_ns = ev.ts_ns;
        self.procs.insert(p);
    }

    fn exec(&mut self, ev: &SysEvent) {
        let mut p = match self.procs.remove(ev.pid) {
            Some(p) => p,
            None => {
                self.procs.ensure(ev.pid, Some(ev));
                self.procs.remove(ev.pid).unwrap_or_else(|| from_header(ev))
            }
        };
        let end = ev
            .comm
            .iter()
            .position(|b| *b == 0)
            .unwrap_or(ev.comm.len());
        p.comm = String::from_utf8_lossy(&ev.comm[..end]).as_ref().into();
        p.ppid = ev.ppid;
        p.uid = ev.uid;
        p.set_argv(&ev.bufs[1].bytes);
        if ev.bufs[1].truncated {
            p.args = format!("{}...", p.args).into();
        }
        let file = c_str(&ev.bufs[0].bytes);
        let ext = ev.args[5] & EXEC_EXT != 0;
        if ext {
            p.tty = ev.args[1] as u32;
            p.loginuid = ev.args[2] as u32;
            p.gid = (ev.args[2] >> 32) as u32;
            p.sid = ev.args[3] as u32;
            p.vpid = (ev.args[3] >> 32) as u32;
            p.cap_eff = ev.args[4];
            p.exe_from_memfd = ev.args[5] & EXEC_MEMFD != 0;
        }
        if let Some(root) = self.procs.proc_root().map(std::path::Path::to_path_buf) {
            if !ext && let Some(fresh) = procread::read(&root, ev.pid) {
                p.tty = fresh.tty;
                p.sid = fresh.sid;
                p.vpid = fresh.vpid;
                p.loginuid = fresh.loginuid;
                p.gid = fresh.gid;
                p.cap_eff = fresh.cap_eff;
            }
            procread::exec_facts(&root, &mut p);
        }
        p.exepath = if file.starts_with('/') && super::extract::is_clean(&file) {
            file.as_str().into()
        } else if file.starts_with('/') {
            normalize(&file).into()
        } else if let Some(cwd) = &p.cwd {
            normalize(&format!("{cwd}/{file}")).into()
        } else {
            file.into()
        };
        self.procs.insert(p);
        self.procs.ensure_ancestors(ev.pid);
        self.attribute(ev.pid, ev.cgroup_id);
    }

    fn fds(&mut self, ev: &SysEvent) {
        let cat = category(ev.nr);
        if matches!(cat, Cat::Other | Cat::FdArg0 | Cat::SendTo) {
            return;
        }
        let ret = ev.ret;
        let track_files = self.track_files;
        if matches!(cat, Cat::Open(_) | Cat::Creat) && ret < 0 {
            return;
        }
        let Some(p) = self.procs.get_mut(ev.pid) else {
            return;
        };
        let arg_fd = ev.args[0] as u32 as i32;
        match cat {
            Cat::Open(flags) if ret >= 0 => {
                if let Some(t) = super::entered::ns_target(&c_str(&ev.bufs[0].bytes)) {
                    p.ns_target = Some(t);
                }
                // O_DIRECTORY or O_PATH: a likely dirfd for later *at() calls
                let dir = flags.is_some_and(|i| ev.args[i] & 0o10200000 != 0);
                if !dir && !track_files {
                    return;
                }
                let raw = c_str(&ev.bufs[0].bytes);
                let cwd = p.cwd.clone();
                let path = resolve(&raw, cwd.as_deref(), ev, p);
                p.fds.set(ret as i32, FdEntry::file(path.into(), dir));
            }
            Cat::Creat if ret >= 0 && track_files => {
                let raw = c_str(&ev.bufs[0].bytes);
                let cwd = p.cwd.clone();
                let path = resolve(&raw, cwd.as_deref(), ev, p);
                p.fds.set(ret as i32, FdEntry::file(path.into(), false));
            }
            Cat::Socket if ret >= 0 => {
                let kind = FdKind::from_family(ev.args[0] as u16);
                p.fds.set(
                    ret as i32,
                    FdEntry::socket(kind, L4::from_sock_type(ev.args[1])),
                );
            }
            Cat::Connect if ret == 0 || ret == -115 => {
                let addr = sock(&ev.bufs[0].bytes);
                let mut e = p
                    .fds
                    .get(arg_fd)
                    .cloned()
                    .unwrap_or_else(|| FdEntry::socket(addr.0, L4::Unknown));
                e.remote = addr.1;
                e.remote_is_server = true;
                e.connected = true;
                p.fds.set(arg_fd, e);
            }
            Cat::Bind if ret == 0 => {
                let addr = sock(&ev.bufs[0].bytes);
                let mut e = p
                    .fds
                    .get(arg_fd)
                    .cloned()
                    .unwrap_or_else(|| FdEntry::socket(addr.0, L4::Unknown));
                e.local = addr.1;
                p.fds.set(arg_fd, e);
            }
            Cat::Accept if ret >= 0 => {
                let addr = sock(&ev.bufs[0].bytes);
                let listener = p.fds.get(arg_fd).cloned();
                let mut e = FdEntry::socket(
                    listener.as_ref().map_or(addr.0, |l| l.kind),
                    listener.as_ref().map_or(L4::Tcp, |l| l.l4),
                );
                e.local = listener.and_then(|l| l.local);
                e.remote = addr.1;
                e.remote_is_server = false;
                e.connected = true;
                p.fds.set(ret as i32, e);
            }
            Cat::Dup if ret >= 0 => {
                if let Some(e) = p.fds.get(arg_fd).cloned() {
                    p.fds.set(ret as i32, e);
                }
            }
            _ => {}
        }
    }
}

fn resolve(raw: &str, cwd: Option<&str>, ev: &SysEvent, p: &Proc) -> String {
    if raw.starts_with('/') {
        return normalize(raw);
    }
    let dirfd = ev.args[0] as u32 as i32;
    let at = matches!(category(ev.nr), Cat::Open(Some(2)) | Cat::Open(None));
    let base: Option<Arc<str>> = if at && dirfd != -100 {
        p.fds.get(dirfd).and_then(|e| e.path.clone())
    } else {
        cwd.map(Arc::from)
    };
    match base {
        Some(b) => normalize(&format!("{b}/{raw}")),
        None => raw.to_string(),
    }
}

fn sock(buf: &[u8]) -> (FdKind, Option<std::net::SocketAddr>) {
    match SockAddr::parse(buf) {
        Some(SockAddr::Inet(a)) => (FdKind::Ipv4, Some(a.into())),
        Some(SockAddr::Inet6(a)) => (FdKind::Ipv6, Some(a.into())),
        Some(a) => (FdKind::from_family(a.family()), None),
        None => (FdKind::Socket, None),
    }
}
