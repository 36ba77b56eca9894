//! A capture's threads and events mapped into ktriage's model: the process list fills the process
//! rows (container ids from the cgroups it carries), the syscalls ktriage streams live (exec, the
//! open family, connect/accept/bind, clone/fork, exits, and the file, permission, credential,
//! signal, ptrace, mount and namespace calls of `calls.rs`) become the records the collector makes,
//! enter/exit pairs joined; every other event is kept as a record carrying its name and its
//! parameters rendered from the event table ([`crate::model::NR_CAPTURED`]).

use std::collections::HashMap;
use std::fmt::Write;

use super::params::{self, cstr, int};
use super::{FdInfo, RawEvent, ThreadInfo};
use crate::model::{Captured, CgroupInfo, EventKind, NR_CAPTURED, ProcInfo, SysEvent};
use crate::scap::{Fmt, ParamType, event_info, is_exit};

/// What is known of a thread (from the process list, then its execs and clones).
#[derive(Clone, Debug, Default)]
pub struct Thread {
    pub pid: u32,
    pub ppid: u32,
    pub uid: u32,
    pub comm: Vec<u8>,
    /// argv[0].
    pub exe: Vec<u8>,
    /// The arguments after argv[0], NUL separated.
    pub args: Vec<u8>,
    pub cwd: Vec<u8>,
    pub cgroup_id: u64,
    pub container_id: Option<String>,
    pub loginuid: u32,
}

/// An enter event waiting for its exit.
#[derive(Default)]
struct Pending {
    ty: u16,
    ts: u64,
    /// The parameters' bytes, back to back, with their ends.
    data: Vec<u8>,
    ends: Vec<usize>,
}

impl Pending {
    fn param(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.data[start..end])
    }
}

/// Threads, cgroups and open enter events of the capture read so far.
#[derive(Default)]
pub struct Mapper {
    threads: HashMap<u64, Thread>,
    cgroups: HashMap<String, u64>,
    new_cgroups: Vec<CgroupInfo>,
    pending: HashMap<u64, Pending>,
    /// Joined enters, kept to hold the next ones (no allocation per event).
    spare: Vec<Pending>,
    /// Fds open before the capture (its fd lists), by process, until closed or reused.
    fds: HashMap<u32, HashMap<i64, FdInfo>>,
}

/// Fds of the fd lists kept at most (a hostile capture cannot grow memory through them).
const MAX_FDS: usize = 1 << 20;

/// Joined enters kept for reuse.
const SPARE: usize = 64;

/// Threads kept at most (a hostile capture cannot grow memory through them).
const MAX_THREADS: usize = 1 << 18;

impl Mapper {
    /// Takes a process list in; the rows of the processes (one per thread group).
    pub fn threads(&mut self, list: &[ThreadInfo]) -> Vec<ProcInfo> {
        for t in list {
            let (cgroup_id, container_id) = self.cgroup(&t.cgroups);
            let th = Thread {
                pid: t.pid as u32,
                ppid: 0,
                uid: t.uid,
                comm: t.comm.clone(),
                exe: t.exe.clone(),
                args: t.args.clone(),
                cwd: t.cwd.clone(),
                cgroup_id,
                container_id,
                loginuid: t.loginuid,
            };
            self.insert(t.tid, th);
        }
        // a thread's parent process is its parent thread's process
        let ptids: Vec<(u64, u64)> = list.iter().map(|t| (t.tid, t.ptid)).collect();
        for (tid, ptid) in ptids {
            let ppid = self.threads.get(&ptid).map_or(ptid as u32, |p| p.pid);
            if let Some(t) = self.threads.get_mut(&tid) {
                t.ppid = ppid;
            }
        }
        self.rows()
    }

    /// Takes a thread's fd list in (the fds its process had open when the capture started).
    pub fn fd_list(&mut self, tid: u64, list: &[FdInfo]) {
        let pid = self.threads.get(&tid).map_or(tid as u32, |t| t.pid);
        let kept: usize = self.fds.values().map(HashMap::len).sum();
        let table = self.fds.entry(pid).or_default();
        for f in list.iter().take(MAX_FDS.saturating_sub(kept)) {
            table.insert(f.fd, f.clone());
        }
    }

    /// The fd `fd` of thread `tid`'s process, when an fd list named it and it is still open.
    pub fn fd(&self, tid: u64, fd: i64) -> Option<&FdInfo> {
        self.fd_table(tid)?.get(&fd)
    }

    fn fd_table(&self, tid: u64) -> Option<&HashMap<i64, FdInfo>> {
        if self.fds.is_empty() {
            return None;
        }
        let pid = self.threads.get(&tid).map_or(tid as u32, |t| t.pid);
        self.fds.get(&pid)
    }

    /// An exit that closed an fd of the fd lists, or made a new fd with its number: forgotten.
    fn forget_fd(&mut self, ev: &RawEvent<'_>, name: &str, enter: Option<&Pending>) {
        let pid = self.threads.get(&ev.tid).map_or(ev.tid as u32, |t| t.pid);
        let Some(table) = self.fds.get_mut(&pid) else {
            return;
        };
        let Some(ret) = res(ev.ty, &ev.params) else {
            return;
        };
        let gone = if name == "close" {
            enter
                .and_then(|p| pending_param(p, "fd"))
                .and_then(int)
                .filter(|_| ret >= 0)
        } else {
            let made = event_info(ev.ty)
                .and_then(|(_, t)| t.first())
                .is_some_and(|(_, t, _)| matches!(t, ParamType::Fd));
            (made && ret >= 0).then_some(ret)
        };
        if let Some(fd) = gone {
            table.remove(&fd);
        }
    }

    fn insert(&mut self, tid: u64, th: Thread) {
        if self.threads.len() < MAX_THREADS || self.threads.contains_key(&tid) {
            self.threads.insert(tid, th);
        }
    }

    /// One row per process known (its main thread, else any of its threads).
    pub fn rows(&self) -> Vec<ProcInfo> {
        let mut by_pid: HashMap<u32, ProcInfo> = HashMap::new();
        for (tid, t) in &self.threads {
            let main = u64::from(t.pid) == *tid;
            if !main && by_pid.contains_key(&t.pid) {
                continue;
            }
            by_pid.insert(
                t.pid,
                ProcInfo {
                    pid: t.pid,
                    ppid: t.ppid,
                    uid: t.uid,
                    comm: String::from_utf8_lossy(&t.comm).into_owned(),
                    container_id: t.container_id.clone(),
                    ..ProcInfo::default()
                },
            );
        }
        let mut rows: Vec<ProcInfo> = by_pid.into_values().collect();
        rows.sort_by_key(|p| p.pid);
        rows
    }

    /// The processes known (main threads), as the rules engine's process table holds them.
    pub fn procs(&self) -> Vec<crate::rules::Proc> {
        let mut out = Vec::new();
        for (tid, t) in &self.threads {
            if u64::from(t.pid) != *tid {
                continue;
            }
            let text =
                |b: &[u8]| -> std::sync::Arc<str> { String::from_utf8_lossy(b).as_ref().into() };
            let mut argv = t.exe.clone();
            argv.push(0);
            argv.extend_from_slice(&t.args);
            let mut p = crate::rules::Proc {
                pid: t.pid,
                ppid: t.ppid,
                uid: t.uid,
                comm: text(&t.comm),
                exepath: text(&t.exe),
                loginuid: t.loginuid,
                cwd: Some(text(&t.cwd)),
                ..crate::rules::Proc::default()
            };
            p.set_argv(&argv);
            for f in self.fds.get(&t.pid).into_iter().flat_map(HashMap::values) {
                if let (Ok(fd), Some(e)) = (i32::try_from(f.fd), fd_entry(f)) {
                    p.fds.set(fd, e);
                }
            }
            out.push(p);
        }
        out.sort_by_key(|p| p.pid);
        out
    }

    /// A thread as known now.
    pub fn thread(&self, tid: u64) -> Option<&Thread> {
        self.threads.get(&tid)
    }

    /// cgroups seen for the first time since the last call.
    pub fn take_cgroups(&mut self) -> Vec<CgroupInfo> {
        std::mem::take(&mut self.new_cgroups)
    }

    /// A synthetic cgroup id for a thread's cgroup list (`controller=path`, NUL separated) and
    /// the container id its paths name (`identity::cgroup`).
    fn cgroup(&mut self, list: &[u8]) -> (u64, Option<String>) {
        let mut chosen: Option<(&str, Option<String>)> = None;
        let text = String::from_utf8_lossy(list);
        for entry in text.split('\0').filter(|e| !e.is_empty()) {
            let path = entry.split_once('=').map_or(entry, |(_, p)| p);
            let id = crate::identity::cgroup::container_id(path);
            if id.is_some() {
                chosen = Some((path, id));
                break;
            }
            if chosen.is_none() || entry.starts_with("pids=") {
                chosen = Some((path, None));
            }
        }
        let Some((path, container)) = chosen else {
            return (0, None);
        };
        if let Some(id) = self.cgroups.get(path) {
            return (*id, container);
        }
        let id = self.cgroups.len() as u64 + 1;
        if self.cgroups.len() < MAX_THREADS {
            self.cgroups.insert(path.to_string(), id);
            self.new_cgroups.push(CgroupInfo {
                id,
                path: Some(path.to_string()),
                container_id: container.clone(),
            });
        }
        (id, container)
    }

    /// Maps one event; the records it completes go to `out`.
    pub fn event(&mut self, ev: &RawEvent<'_>, out: &mut Vec<SysEvent>) {
        let Some(&(name, _)) = event_info(ev.ty) else {
            out.push(self.other(ev.ty, ev.ts, ev.tid, &ev.params, None, 0));
            return;
        };
        if !is_exit(ev.ty) {
            if STANDALONE.contains(&name) {
                self.standalone(ev, name, out);
                return;
            }
            if let Some(p) = self.pending.remove(&ev.tid) {
                // its exit never came
                out.push(self.lone_enter(ev.tid, p));
            }
            let mut p = self.spare.pop().unwrap_or_default();
            (p.ty, p.ts) = (ev.ty, ev.ts);
            p.data.clear();
            p.ends.clear();
            for b in &ev.params {
                p.data.extend_from_slice(b);
                p.ends.push(p.data.len());
            }
            if self.pending.len() < MAX_THREADS {
                self.pending.insert(ev.tid, p);
            }
            return;
        }
        let enter = match self.pending.remove(&ev.tid) {
            Some(p) if p.ty + 1 == ev.ty => Some(p),
            Some(p) => {
                out.push(self.lone_enter(ev.tid, p));
                None
            }
            None => None,
        };
        let rec = match name {
            "execve" | "execveat" => self.exec(ev, name, enter.as_ref()),
            "open" | "openat" | "openat2" | "creat" => self.open(ev, name, enter.as_ref()),
            "connect" | "accept" | "accept4" | "bind" => self.net(ev, name, enter.as_ref()),
            "clone" | "fork" | "vfork" | "clone3" => self.clone_exit(ev),
            _ => calls::spec(ev.ty).and_then(|s| self.call(ev, s, enter.as_ref())),
        };
        let dur = enter.as_ref().map_or(0, |p| ev.ts.saturating_sub(p.ts));
        out.push(match rec {
            Some(mut r) => {
                r.duration_ns = dur;
                r
            }
            None => {
                let enter_params = enter.as_ref().map(|p| (p.ty, p));
                self.other(ev.ty, ev.ts, ev.tid, &ev.params, enter_params, dur)
            }
        });
        if !self.fds.is_empty() {
            self.forget_fd(ev, name, enter.as_ref());
        }
        if let Some(p) = enter
            && self.spare.len() < SPARE
        {
            self.spare.push(p);
        }
    }

    /// Enter events still waiting for their exit (the capture's end), as records.
    pub fn flush(&mut self, out: &mut Vec<SysEvent>) {
        let mut left: Vec<(u64, Pending)> = self.pending.drain().collect();
        left.sort_by_key(|(_, p)| p.ts);
        for (tid, p) in left {
            out.push(self.lone_enter(tid, p));
        }
    }

    fn lone_enter(&self, tid: u64, p: Pending) -> SysEvent {
        let params: Vec<&[u8]> = (0..p.ends.len()).filter_map(|i| p.param(i)).collect();
        self.other(p.ty, p.ts, tid, &params, None, 0)
    }

    /// A record with the thread's identity filled in.
    fn base(&self, ts: u64, tid: u64, kind: EventKind, nr: u32, ret: i64) -> SysEvent {
        let t = self.threads.get(&tid);
        let mut comm = [0u8; 16];
        if let Some(t) = t {
            let n = t.comm.len().min(15);
            comm[..n].copy_from_slice(&t.comm[..n]);
        }
        SysEvent {
            ts_ns: ts,
            cgroup_id: t.map_or(0, |t| t.cgroup_id),
            duration_ns: 0,
            ret,
            args: [0; 6],
            kind,
            nr,
            pid: t.map_or(tid as u32, |t| t.pid),
            tid: tid as u32,
            ppid: t.map_or(0, |t| t.ppid),
            uid: t.map_or(0, |t| t.uid),
            comm,
            bufs: Default::default(),
        }
    }

    /// An event without a live decoder: its name (`>` marks an enter without its exit) and its
    /// parameters rendered, `name=value` separated by spaces (the enter's first, when joined).
    fn other(
        &self,
        ty: u16,
        ts: u64,
        tid: u64,
        params: &[&[u8]],
        enter: Option<(u16, &Pending)>,
        dur: u64,
    ) -> SysEvent {
        let mut text = String::with_capacity(256);
        if let Some((ety, p)) = enter {
            let eparams: Vec<&[u8]> = (0..p.ends.len()).filter_map(|i| p.param(i)).collect();
            render_into(&mut text, ety, &eparams, self.fd_table(tid));
        }
        render_into(&mut text, ty, params, self.fd_table(tid));
        let mut name = super::event::name_of(ty, params).into_owned();
        if !is_exit(ty) && !STANDALONE.contains(&name.as_str()) {
            name.push('>');
        }
        let ret = if is_exit(ty) {
            res(ty, params).unwrap_or(0)
        } else {
            0
        };
        let mut r = self.base(ts, tid, EventKind::Syscall, NR_CAPTURED, ret);
        r.duration_ns = dur;
        r.bufs[0] = Captured {
            bytes: name.into_bytes(),
            truncated: false,
        };
        r.bufs[1] = Captured {
            bytes: text.into_bytes(),
            truncated: false,
        };
        r
    }
}

/// Events that have no exit counterpart.
pub(super) const STANDALONE: &[&str] = &[
    "procexit",
    "switch",
    "procinfo",
    "drop",
    "signaldeliver",
    "container",
    "cpu_hotplug",
    "notification",
    "infra",
    "page_fault",
    "tracer",
    "k8s",
    "mesos",
    "pluginevent",
    "sysdigevent",
];

/// `name=value` of each parameter appended to `out`; an fd the fd lists name as sysdig shows it,
/// `fd=3(<f>/etc/passwd)`.
fn render_into(out: &mut String, ty: u16, params: &[&[u8]], fds: Option<&HashMap<i64, FdInfo>>) {
    let table = event_info(ty).map_or(&[][..], |(_, p)| *p);
    for (i, b) in params.iter().enumerate() {
        if !out.is_empty() {
            out.push(' ');
        }
        match table.get(i) {
            Some((n, t, f)) => {
                out.push_str(n);
                out.push('=');
                params::render_into(out, *t, *f, b);
                if let (ParamType::Fd, Some(fds)) = (t, fds)
                    && let Some(fd) = int(b).and_then(|v| fds.get(&v))
                {
                    let _ = write!(out, "(<{}>{})", fd.type_text(), fd.name());
                }
            }
            None => {
                let _ = write!(out, "arg{i}=");
                params::render_into(out, ParamType::ByteBuf, Fmt::Dec, b);
            }
        }
    }
}

/// The parameter named `name` of an event of type `ty`.
pub fn param<'a>(ty: u16, params: &[&'a [u8]], name: &str) -> Option<&'a [u8]> {
    let (_, table) = event_info(ty)?;
    let i = table.iter().position(|(n, _, _)| *n == name)?;
    params.get(i).copied()
}

fn pending_param<'a>(p: &'a Pending, name: &str) -> Option<&'a [u8]> {
    let (_, table) = event_info(p.ty)?;
    let i = table.iter().position(|(n, _, _)| *n == name)?;
    p.param(i)
}

/// An exit event's result (its first parameter when it is `res` or `fd`).
fn res(ty: u16, params: &[&[u8]]) -> Option<i64> {
    let (_, table) = event_info(ty)?;
    let (n, t, _) = table.first()?;
    if matches!(*n, "res" | "fd") || matches!(t, ParamType::Errno) {
        return int(params.first()?);
    }
    None
}

/// The rule engine's entry of an fd of an fd list (`None` for the kinds it does not track).
fn fd_entry(f: &FdInfo) -> Option<crate::rules::FdEntry> {
    use super::fdlist as t;
    use crate::rules::{FdEntry, FdKind, L4};
    let l4 = match f.l4 {
        2 => L4::Tcp,
        3 => L4::Udp,
        5 => L4::Raw,
        _ => L4::Unknown,
    };
    let path = || -> std::sync::Arc<str> { String::from_utf8_lossy(&f.path).as_ref().into() };
    Some(match f.ty {
        t::FD_FILE | t::FD_FILE_V2 | t::FD_FIFO => FdEntry::file(path(), false),
        t::FD_DIRECTORY => FdEntry::file(path(), true),
        t::FD_IPV4_SOCK | t::FD_IPV6_SOCK | t::FD_IPV4_SERVSOCK | t::FD_IPV6_SERVSOCK => {
            let v4 = matches!(f.ty, t::FD_IPV4_SOCK | t::FD_IPV4_SERVSOCK);
            let mut e = FdEntry::socket(if v4 { FdKind::Ipv4 } else { FdKind::Ipv6 }, l4);
            let (s, d) = f.addrs?;
            e.local = Some(s);
            if matches!(f.ty, t::FD_IPV4_SOCK | t::FD_IPV6_SOCK) {
                e.remote = Some(d);
                e.connected = true;
            }
            e
        }
        t::FD_UNIX_SOCK => {
            let mut e = FdEntry::socket(FdKind::Unix, L4::Unknown);
            e.path = Some(path());
            e
        }
        t::FD_NETLINK => FdEntry::socket(FdKind::Netlink, L4::Unknown),
        _ => return None,
    })
}

/// A string parameter as the probe captures it: the bytes and their NUL.
fn captured(b: &[u8]) -> Captured {
    let mut bytes = cstr(b).to_vec();
    bytes.push(0);
    Captured {
        bytes,
        truncated: false,
    }
}

mod calls;
#[cfg(test)]
mod calls_tests;
mod decode;
