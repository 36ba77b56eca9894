//! The exec links the core keeps: facts of the processes a runtime's shim started in pods (kept, bounded, after they exit) and the exec audit events with their current link, so a process or an alert names the user who ran `kubectl exec` — live and in a replay alike.
//!
//! Facts come from `Event::Processes` rows (the runtime fills the start time,
//! argv\[0] and the parent's comm); exec events from `Event::Audit`. A link is
//! computed when its event arrives and again when a process starting within
//! its window is first seen (the process may show up after the event). Times
//! of facts are boot-clock ns; an audit event's are wall-clock ns: the
//! session's wall offset (`Setup::WallOffset`) joins them.

use std::collections::{HashSet, VecDeque};

use super::exec_link::{self, ExecProc, WINDOW_AFTER_NS, WINDOW_BEFORE_NS};
use crate::model::ProcInfo;
use crate::model::audit::{AuditEvent, ExecLink};

/// Process facts kept at most (the oldest are forgotten first).
pub const FACTS_CAP: usize = 4096;
/// Exec events kept at most with their link (the oldest go first).
pub const EXECS_CAP: usize = 1024;

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
}

impl ExecTracker {
    /// Facts kept now (live and exited processes).
    pub fn facts(&self) -> usize {
        self.facts.len()
    }

    /// Takes the rows of a /proc snapshot: the pod processes a shim started become facts
    /// (kept after they exit); exec events whose window holds a new one are linked again.
    pub fn on_processes(&mut self, rows: &[ProcInfo], wall_offset: Option<i128>) {
        let mut new_starts = Vec::new();
        for p in rows.iter().filter(|p| {
            p.start_ns != 0 && p.pod_name.is_some() && exec_link::is_shim(&p.parent_comm)
        }) {
            if !self.known.insert((p.pid, p.start_ns)) {
                continue;
            }
            if self.facts.len() >= FACTS_CAP {
                // the oldest quarter goes at once (a shift per new fact would cost more)
                for old in self.facts.drain(..FACTS_CAP / 4) {
                    self.known.remove(&(old.pid, old.start_ns));
                }
            }
            new_starts.push(p.start_ns);
            self.facts.push(ExecProc {
                pid: p.pid,
                comm: p.comm.clone(),
                argv0: p.exe.clone(),
                parent_comm: p.parent_comm.clone(),
                start_ns: p.start_ns,
                pod_namespace: p.pod_namespace.clone(),
                pod_name: p.pod_name.clone(),
                container_name: p.container_name.clone(),
            });
        }
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
