//! ktriage's kernel records as `.scap` events: each syscall as the enter/exit pair sysdig expects (the
//! enter at the syscall's start when its duration is known), execs as execve, forks as the parent's
//! clone, exits as procexit; a syscall the format has no event for is skipped and counted.

use std::collections::HashMap;

use super::layout::{self, AT_FDCWD, Params, ev};
use super::procs::{Table, Thread, comm_bytes};
use crate::model::{EventKind, SysEvent};

/// One event to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rec {
    /// Wall-clock ns.
    pub ts: u64,
    pub tid: u64,
    /// Event id.
    pub ty: u16,
    pub params: Params,
}

/// What became of a kernel record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mapped {
    /// Written as these events, under this name.
    Events(&'static str, Vec<Rec>),
    /// No event in the format for it (the syscall's name).
    Skipped(String),
}

/// Turns records into events, keeping the thread table current.
pub struct Mapper {
    /// The threads as of the record being mapped.
    pub table: Table,
    /// cgroup id → cgroups parameter.
    pub cgroups: HashMap<u64, Vec<u8>>,
    /// Wall clock minus boot clock, ns.
    pub wall_offset: i128,
}

pub(super) fn fd(v: u64) -> i64 {
    i64::from(v as i32)
}

/// Buffer `i` up to its first NUL.
pub(super) fn text(e: &SysEvent, i: usize) -> &[u8] {
    let b = &e.bufs[i].bytes;
    &b[..b.iter().position(|x| *x == 0).unwrap_or(b.len())]
}

/// Linux `RESOLVE_*` → `PPM_RESOLVE_*`.
pub(super) fn resolve_flags(l: u64) -> u32 {
    const MAP: &[(u64, u32)] = &[(8, 1), (0x10, 2), (2, 4), (4, 8), (1, 16), (0x20, 32)];
    MAP.iter()
        .filter(|(b, _)| l & b != 0)
        .fold(0, |a, (_, p)| a | p)
}

/// argv of an exec record, secret-shaped arguments masked (as the recorder masks them, also in a
/// file recorded with `--record-secrets`).
pub fn exec_argv(e: &SysEvent) -> Vec<Vec<u8>> {
    let buf = crate::app::redact_event::mask_exec(e).unwrap_or_else(|| e.bufs[1].bytes.clone());
    let mut parts: Vec<Vec<u8>> = buf.split(|b| *b == 0).map(<[u8]>::to_vec).collect();
    if parts.last().is_some_and(Vec::is_empty) {
        parts.pop();
    }
    parts
}

/// The parameters execve and clone exits begin with: `res`, then thread `t` (exe, args, ids, cwd,
/// then fd limit, page faults and memory, never recorded: 0, then comm and cgroups).
fn process_params(res: i64, t: &Thread) -> Params {
    Params::new()
        .i64(res)
        .str(&t.exe)
        .bytes(&t.args)
        .i64(i64::from(t.tid))
        .i64(i64::from(t.pid))
        .i64(i64::from(t.ptid))
        .str(&t.cwd)
        .i64(0) // fdlimit
        .i64(0) // page faults major
        .i64(0) // page faults minor
        .u32(0) // vm size
        .u32(0) // vm rss
        .u32(0) // vm swap
        .str(&t.comm)
        .bytes(&t.cgroups)
}

impl Mapper {
    fn wall(&self, boot_ns: u64) -> u64 {
        let w = self.wall_offset + i128::from(boot_ns);
        u64::try_from(w.max(0)).unwrap_or(u64::MAX)
    }

    /// The thread of `e` as the table holds it (made from the record when it is new).
    fn thread(&mut self, e: &SysEvent) -> &mut Thread {
        let cg = self.cgroups.get(&e.cgroup_id).cloned().unwrap_or_default();
        self.table
            .threads
            .entry(e.tid)
            .or_insert_with(|| Thread::from_event(e, &cg))
    }

    /// The enter (at the call's start) and exit (at its end) of `e`.
    pub(super) fn pair(
        &self,
        e: &SysEvent,
        ids: (u16, u16),
        enter: Params,
        exit: Params,
    ) -> Vec<Rec> {
        let tid = u64::from(e.tid);
        vec![
            Rec {
                ts: self.wall(e.ts_ns.saturating_sub(e.duration_ns)),
                tid,
                ty: ids.0,
                params: enter,
            },
            Rec {
                ts: self.wall(e.ts_ns),
                tid,
                ty: ids.1,
                params: exit,
            },
        ]
    }

    /// Maps one record.
    pub fn map(&mut self, e: &SysEvent) -> Mapped {
        match e.kind {
            EventKind::Exec => self.exec(e),
            EventKind::Fork => self.fork(e),
            EventKind::Exit => self.exit(e),
            EventKind::Syscall => {
                let name = crate::collector::syscalls::name(e.nr);
                if name == Some("chdir") && e.ret == 0 && text(e, 0).starts_with(b"/") {
                    self.thread(e).cwd = text(e, 0).to_vec();
                }
                match name.and_then(|n| self.syscall(n, e).map(|r| (n, r))) {
                    Some((n, recs)) => Mapped::Events(n, recs),
                    None => Mapped::Skipped(
                        name.map_or_else(|| format!("syscall_{}", e.nr), str::to_string),
                    ),
                }
            }
        }
    }

    /// The execve exit's parameters for thread `t` returning `res`.
    pub(super) fn exec_exit_of(&self, e: &SysEvent, t: &Thread, res: i64) -> Params {
        let ext = e.args[5] & ktriage_common::exec::EXT != 0 && e.kind == EventKind::Exec;
        let (tty, loginuid) = if ext {
            (e.args[1] as u32, e.args[2] as u32)
        } else {
            (0, u32::MAX)
        };
        process_params(res, t)
            .bytes(b"") // env: never recorded
            .u32(tty)
            .i64(0) // pgid: not recorded
            .u32(loginuid)
            .u32(0) // flags
    }

    fn exec(&mut self, e: &SysEvent) -> Mapped {
        let argv = exec_argv(e);
        let file = text(e, 0).to_vec();
        let ext = e.args[5] & ktriage_common::exec::EXT != 0;
        let cg = self.cgroups.get(&e.cgroup_id).cloned();
        let t = self.thread(e);
        t.pid = e.pid;
        t.ptid = e.ppid;
        t.comm = comm_bytes(&e.comm);
        t.exe = argv.first().cloned().unwrap_or_else(|| file.clone());
        t.exepath = file.clone();
        t.args = argv
            .iter()
            .skip(1)
            .flat_map(|a| a.iter().copied().chain([0]))
            .collect();
        t.uid = e.uid;
        if ext {
            t.gid = (e.args[2] >> 32) as u32;
            let vpid = (e.args[3] >> 32) as u32;
            if vpid != 0 {
                t.vpid = vpid;
            }
        }
        if let Some(cg) = cg {
            t.cgroups = cg;
        }
        let t = t.clone();
        let exit = self.exec_exit_of(e, &t, 0);
        let at = crate::collector::syscalls::name(e.nr) == Some("execveat");
        let (name, ids, enter) = if at {
            let enter = Params::new().i64(AT_FDCWD).str(&file).u32(0);
            ("execveat", ev::EXECVEAT, enter)
        } else {
            ("execve", ev::EXECVE_19, Params::new().str(&file))
        };
        Mapped::Events(name, self.pair(e, ids, enter, exit))
    }

    fn fork(&mut self, e: &SysEvent) -> Mapped {
        let (ctgid, ctid) = (e.args[0] as u32, e.args[1] as u32);
        let parent = self.thread(e).clone();
        let thread = ctid != ctgid;
        let mut child = parent.clone();
        child.tid = ctid;
        child.pid = ctgid;
        child.ptid = if thread { parent.ptid } else { parent.pid };
        child.vpid = if thread { parent.vpid } else { ctgid };
        self.table.threads.insert(ctid, child);
        let flags = if thread { layout::CL_THREAD } else { 0 };
        let exit = process_params(i64::from(ctid), &parent)
            .u32(flags)
            .u32(parent.uid)
            .u32(parent.gid)
            .i64(i64::from(parent.vtid()))
            .i64(i64::from(parent.vpid));
        Mapped::Events("clone", self.pair(e, ev::CLONE_20, Params::new(), exit))
    }

    fn exit(&mut self, e: &SysEvent) -> Mapped {
        self.thread(e);
        self.table.threads.remove(&e.tid);
        let status = e.ret;
        let p = Params::new()
            .i64(status)
            .i64((status >> 8) & 0xff)
            .u8((status & 0x7f) as u8)
            .u8(u8::from(status & 0x80 != 0));
        let rec = Rec {
            ts: self.wall(e.ts_ns),
            tid: u64::from(e.tid),
            ty: ev::PROCEXIT_1,
            params: p,
        };
        Mapped::Events("procexit", vec![rec])
    }
}
