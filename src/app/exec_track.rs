//! The exec links the core keeps: facts of the processes a runtime's shim started in pods (kept, bounded, after they exit) and the exec audit events with their current link, so a process or an alert names the user who ran `kubectl exec` — live and in a replay alike.
//!
//! Facts come from `Event::Processes` rows (the runtime fills the start time,
//! argv\[0] and the parent's comm) and from the kernel's exec records (a
//! process that starts and exits between two /proc polls, as `kubectl exec pod
//! -- cat FILE` does, is seen only there: see [`ExecTracker::on_exec`]); exec
//! events from `Event::Audit`. A link is computed when its event arrives and
//! again when a process starting within its window is first seen (the process
//! may show up after the event). Times of facts are boot-clock ns; an audit
//! event's are wall-clock ns: the session's wall offset (`Setup::WallOffset`)
//! joins them.

use std::collections::{HashMap, HashSet, VecDeque};

use super::exec_link::{self, ExecProc, WINDOW_AFTER_NS, WINDOW_BEFORE_NS};
use crate::model::audit::{AuditEvent, ExecLink};
use crate::model::{ProcInfo, SysEvent};

/// Process facts kept at most (the oldest are forgotten first).
pub const FACTS_CAP: usize = 4096;
/// Exec events kept at most with their link (the oldest go first).
pub const EXECS_CAP: usize = 1024;
/// Pids whose comm at their latest exec is kept (the parents of exec'd processes), at most.
pub const COMMS_CAP: usize = 4096;
/// Containers whose pod is kept (from the /proc rows), at most.
pub const PODS_CAP: usize = 4096;
/// Two facts of one pid this close in start time are one process: /proc gives its
/// fork time (in clock ticks), its exec record the exec's (the runtime's init runs between).
pub const SAME_PROC_NS: u64 = 2_000_000_000;

/// One exec audit event (stage ResponseStarted) and its link, candidates' start times in wall-clock ns.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkedExec {
    /// The audit event.
    pub event: AuditEvent,
    /// Its link as the facts known now make it.
    pub link: ExecLink,
}

impl LinkedExec {
    /// True when the link names `pid` (exactly or as one of several candidates).
    pub fn names(&self, pid: u32) -> bool {
        match &self.link {
            ExecLink::Exact(c) => c.pid == pid,
            ExecLink::Ambiguous(cs) => cs.iter().any(|c| c.pid == pid),
            ExecLink::None => false,
        }
    }

    /// The user who ran the exec (`alice`, or `alice as bob` when impersonating).
    pub fn user(&self) -> String {
        let u = &self.event.user.username;
        match &self.event.impersonated_user {
            Some(i) if !i.username.is_empty() => format!("{u} as {}", i.username),
            _ => u.clone(),
        }
    }

    /// The exec's command words (the `command` URI parameters).
    pub fn command(&self) -> Vec<String> {
        self.event.uri_param_all("command")
    }
}

/// Facts of shim-started pod processes and the exec events linked to them.
#[derive(Clone, Debug, Default)]
pub struct ExecTracker {
    /// Facts, oldest first; `start_ns` in boot-clock ns.
    facts: Vec<ExecProc>,
    /// (pid, start) of every kept fact.
    known: HashSet<(u32, u64)>,
    /// Exec events with their link, oldest first.
    pub execs: VecDeque<LinkedExec>,
    /// container id → (pod namespace, pod name, container name), from the /proc rows.
    pods: HashMap<String, PodOf>,
    /// pid → its comm at its latest exec record (bounded by `comm_order`).
    comms: HashMap<u32, [u8; 16]>,
    comm_order: VecDeque<u32>,
}

/// Where a container runs: pod namespace, pod name, container name.
type PodOf = (Option<String>, Option<String>, Option<String>);

impl ExecTracker {
    /// Facts kept now (live and exited processes).
    pub fn facts(&self) -> usize {
        self.facts.len()
    }

    /// Takes the rows of a /proc snapshot: the pod processes a shim started become facts
    /// (kept after they exit); exec events whose window holds a new one are linked again.
    pub fn on_processes(&mut self, rows: &[ProcInfo], wall_offset: Option<i128>) {
        let mut new_starts = Vec::new();
        for p in rows {
            if let (Some(c), Some(_)) = (&p.container_id, &p.pod_name) {
                self.note_pod(c, p);
            }
            if p.start_ns == 0 || p.pod_name.is_none() || !exec_link::is_shim(&p.parent_comm) {
                continue;
            }
            let fact = ExecProc {
                pid: p.pid,
                comm: p.comm.clone(),
                argv0: p.exe.clone(),
                argv: Vec::new(),
                parent_comm: p.parent_comm.clone(),
                start_ns: p.start_ns,
                pod_namespace: p.pod_namespace.clone(),
                pod_name: p.pod_name.clone(),
                container_name: p.container_name.clone(),
            };
            if self.add_fact(fact) {
                new_starts.push(p.start_ns);
            }
        }
        self.relink(&new_starts, wall_offset);
    }

    /// Takes a kernel exec record (`ev.kind == Exec`; `container`: its cgroup's container id;
    /// `proc_comm`: a pid's comm in the latest /proc snapshot). The comm is kept as the pid's
    /// (it may be the parent of a later exec). An exec in a container whose pod the /proc rows
    /// named, by a process whose parent is the runtime's shim or OCI runtime, is a fact the
    /// same as a /proc row would make (the /proc path's rule): the parent's comm is its comm
    /// at its own latest exec record, else in the /proc snapshot (an exec'd process's parent
    /// at its exec is `runc exec`, which the shim exec'd, or the shim once runc has gone);
    /// the start is the record's time (boot clock, as /proc's start times: the exec, a few ms
    /// after the fork /proc dates); argv\[0] and argv from the record.
    pub fn on_exec(
        &mut self,
        ev: &SysEvent,
        container: Option<&str>,
        proc_comm: impl Fn(u32) -> Option<String>,
        wall_offset: Option<i128>,
    ) {
        self.note_comm(ev.pid, ev.comm);
        let Some(pod) = container.and_then(|c| self.pods.get(c)) else {
            return;
        };
        let parent_comm = match self.comms.get(&ev.ppid) {
            Some(c) => super::describe::c_string(c),
            None => proc_comm(ev.ppid).unwrap_or_default(),
        };
        if !exec_link::is_shim(&parent_comm) || ev.ts_ns == 0 {
            return;
        }
        let argv: Vec<String> = super::describe::split_argv(&ev.bufs[1].bytes)
            .into_iter()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let fact = ExecProc {
            pid: ev.pid,
            comm: super::describe::c_string(&ev.comm),
            argv0: match argv.first() {
                Some(a) if !a.is_empty() => a.clone(),
                _ => super::describe::c_string(&ev.bufs[0].bytes),
            },
            argv,
            parent_comm,
            start_ns: ev.ts_ns,
            pod_namespace: pod.0.clone(),
            pod_name: pod.1.clone(),
            container_name: pod.2.clone(),
        };
        if self.add_fact(fact) {
            self.relink(&[ev.ts_ns], wall_offset);
        }
    }

    fn note_pod(&mut self, container: &str, p: &ProcInfo) {
        let of = (
            p.pod_namespace.clone(),
            p.pod_name.clone(),
            p.container_name.clone(),
        );
        if self.pods.get(container) == Some(&of) {
            return;
        }
        if self.pods.len() >= PODS_CAP && !self.pods.contains_key(container) {
            // containers come and go: a full map starts over (the next rows fill it again)
            self.pods.clear();
        }
        self.pods.insert(container.to_string(), of);
    }

    fn note_comm(&mut self, pid: u32, comm: [u8; 16]) {
        if self.comms.insert(pid, comm).is_none() {
            self.comm_order.push_back(pid);
            if self.comm_order.len() > COMMS_CAP
                && let Some(old) = self.comm_order.pop_front()
            {
                self.comms.remove(&old);
            }
        }
    }

    /// Keeps a new fact; false when it is known (the same pid and start, or the same pid,
    /// comm and argv\[0] starting within [`SAME_PROC_NS`]: one process seen by /proc and by
    /// its exec record).
    fn add_fact(&mut self, f: ExecProc) -> bool {
        if !self.known.insert((f.pid, f.start_ns)) {
            return false;
        }
        if self.facts.iter().rev().any(|o| {
            o.pid == f.pid && o.comm == f.comm && o.start_ns.abs_diff(f.start_ns) < SAME_PROC_NS
        }) {
            self.known.remove(&(f.pid, f.start_ns));
            return false;
        }
        if self.facts.len() >= FACTS_CAP {
            // the oldest quarter goes at once (a shift per new fact would cost more)
            for old in self.facts.drain(..FACTS_CAP / 4) {
                self.known.remove(&(old.pid, old.start_ns));
            }
        }
        self.facts.push(f);
        true
    }

    /// Links again the exec events whose window holds one of `new_starts` (boot-clock ns).
    fn relink(&mut self, new_starts: &[u64], wall_offset: Option<i128>) {
        let Some(off) = wall_offset else { return };
        if new_starts.is_empty() {
            return;
        }
        for i in 0..self.execs.len() {
            let t = boot_of(self.execs[i].event.time_ns, off);
            let (lo, hi) = (t.saturating_sub(WINDOW_BEFORE_NS), t + WINDOW_AFTER_NS);
            if new_starts.iter().any(|s| (lo..=hi).contains(s)) {
                let link = self.link(&self.execs[i].event, off);
                self.execs[i].link = link;
            }
        }
    }

    /// Takes a batch of audit events: the exec starts among them are linked and kept.
    pub fn on_audit(&mut self, batch: &[AuditEvent], wall_offset: Option<i128>) {
        for e in batch.iter().filter(|e| exec_link::is_exec_start(e)) {
            let link = match wall_offset {
                Some(off) => self.link(e, off),
                None => ExecLink::None,
            };
            if self.execs.len() >= EXECS_CAP {
                self.execs.pop_front();
            }
            self.execs.push_back(LinkedExec {
                event: e.clone(),
                link,
            });
        }
    }

    /// The kept exec event equal to `e` (the newest such), with its link.
    pub fn of_event(&self, e: &crate::model::audit::AuditEvent) -> Option<&LinkedExec> {
        self.execs
            .iter()
            .rev()
            .find(|l| l.event.audit_id == e.audit_id && l.event.stage == e.stage && l.event == *e)
    }

    /// The exec events whose link names `pid`, oldest first.
    pub fn of_pid(&self, pid: u32) -> impl Iterator<Item = &LinkedExec> {
        self.execs.iter().filter(move |l| l.names(pid))
    }

    /// The link of `e` against the facts (candidates' start times in wall-clock ns).
    fn link(&self, e: &AuditEvent, off: i128) -> ExecLink {
        let mut boot = e.clone();
        boot.time_ns = boot_of(e.time_ns, off);
        let wall = |ns: u64| (i128::from(ns) + off).clamp(0, i128::from(u64::MAX)) as u64;
        match exec_link::link(&boot, &self.facts).unwrap_or(ExecLink::None) {
            ExecLink::Exact(mut c) => {
                c.start_ns = wall(c.start_ns);
                ExecLink::Exact(c)
            }
            ExecLink::Ambiguous(mut cs) => {
                cs.iter_mut().for_each(|c| c.start_ns = wall(c.start_ns));
                ExecLink::Ambiguous(cs)
            }
            ExecLink::None => ExecLink::None,
        }
    }
}

/// Wall-clock ns → boot-clock ns (0 when before boot).
fn boot_of(wall_ns: u64, off: i128) -> u64 {
    (i128::from(wall_ns) - off).clamp(0, i128::from(u64::MAX)) as u64
}

#[cfg(test)]
#[path = "exec_track_tests.rs"]
pub(crate) mod tests;

#[cfg(test)]
#[path = "exec_track_kernel_tests.rs"]
mod kernel_tests;
