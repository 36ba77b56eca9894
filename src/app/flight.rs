//! The flight recorder: "last N seconds" retention of the event buffer, and /proc snapshots of the processes alerts name.

use std::collections::VecDeque;
use std::sync::Arc;

use super::state::AppState;
use crate::alerts::ProcFacts;
use crate::inspect::Inspection;
use crate::inspect::environ::MASK;
use crate::inspect::overview::{Exe, NamedId, Overview, Parent, boundary};

/// Snapshots kept (oldest dropped).
pub const SNAPSHOT_CAP: usize = 64;
/// Snapshots being taken at once at most (an alert storm must not start a thread per pid).
pub const MAX_PENDING: usize = 8;
/// A second alert for the same pid within this time reuses the snapshot.
pub const SNAPSHOT_REUSE_NS: u64 = 30 * 1_000_000_000;

/// One process snapshot taken because an alert named it.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// The process.
    pub pid: u32,
    /// Time of the alert that asked for it (ns since the epoch).
    pub alert_time_ns: u64,
    /// `None` while being taken; then the inspection, or why it failed (already gone).
    pub taken: Option<Result<Arc<Inspection>, crate::app::event::EffectError>>,
    /// What the alert carried about the process (used when /proc is already gone).
    pub facts: Option<Arc<ProcFacts>>,
}

/// Retention setting and snapshots.
#[derive(Clone, Debug)]
pub struct FlightRecorder {
    /// Keep only the last N seconds of kernel events (`None`: only the count cap applies).
    pub seconds: Option<u64>,
    /// Snapshots, oldest first.
    pub snapshots: VecDeque<Snapshot>,
    /// Cap on `snapshots`.
    pub cap: usize,
}

impl Default for FlightRecorder {
    fn default() -> Self {
        Self {
            seconds: None,
            snapshots: VecDeque::new(),
            cap: SNAPSHOT_CAP,
        }
    }
}

/// What the recorder holds for one pid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotStatus {
    /// Nothing.
    None,
    /// Being taken.
    Pending,
    /// Taken.
    Taken,
    /// The process could not be read (already gone...).
    Failed(String),
}

impl FlightRecorder {
    fn newest(&self, pid: u32) -> Option<&Snapshot> {
        self.snapshots.iter().rev().find(|s| s.pid == pid)
    }

    /// Records that an alert at `alert_time_ns` names `pid`; true when a
    /// snapshot must be taken (none recent for that pid).
    pub fn want(&mut self, pid: u32, alert_time_ns: u64, facts: Option<Arc<ProcFacts>>) -> bool {
        if pid == 0 {
            return false;
        }
        let recent = self.newest(pid).is_some_and(|s| {
            s.alert_time_ns.abs_diff(alert_time_ns) < SNAPSHOT_REUSE_NS
                && !matches!(s.taken, Some(Err(_)))
        });
        let pending = self.snapshots.iter().filter(|s| s.taken.is_none()).count();
        if recent || pending >= MAX_PENDING {
            return false;
        }
        if self.snapshots.len() >= self.cap.max(1) {
            self.snapshots.pop_front();
        }
        self.snapshots.push_back(Snapshot {
            pid,
            alert_time_ns,
            taken: None,
            facts,
        });
        true
    }

    /// Stores a result for the newest pending snapshot of `pid`. When /proc was already
    /// gone (or only a zombie was left), the alert's record of the process stands in; a
    /// live read that found no container keeps the one the alert was attributed to.
    pub fn store(
        &mut self,
        pid: u32,
        result: Result<Arc<Inspection>, crate::app::event::EffectError>,
    ) {
        if let Some(s) = self
            .snapshots
            .iter_mut()
            .rev()
            .find(|s| s.pid == pid && s.taken.is_none())
        {
            let result = match (result, s.facts.as_deref()) {
                (Ok(ins), Some(f)) if ins.exited => Ok(Arc::new(from_facts(f))),
                (Err(_), Some(f)) => Ok(Arc::new(from_facts(f))),
                (Ok(ins), Some(f))
                    if ins.identity.container.is_none() && f.identity.container.is_some() =>
                {
                    let mut ins = (*ins).clone();
                    ins.identity = f.identity.clone();
                    Ok(Arc::new(ins))
                }
                (r, _) => r,
            };
            s.taken = Some(result);
        }
    }

    /// The newest successful snapshot of `pid`.
    pub fn snapshot(&self, pid: u32) -> Option<&Arc<Inspection>> {
        self.snapshots
            .iter()
            .rev()
            .filter(|s| s.pid == pid)
            .find_map(|s| s.taken.as_ref()?.as_ref().ok())
    }

    /// What is held for `pid`.
    pub fn status(&self, pid: u32) -> SnapshotStatus {
        if self.snapshot(pid).is_some() {
            return SnapshotStatus::Taken;
        }
        match self.newest(pid).map(|s| &s.taken) {
            None => SnapshotStatus::None,
            Some(None) => SnapshotStatus::Pending,
            Some(Some(Ok(_))) => SnapshotStatus::Taken,
            Some(Some(Err(e))) => SnapshotStatus::Failed(e.message.clone()),
        }
    }

    /// A live inspection result, or the snapshot when the live one failed (process gone).
    /// The flag says whether the snapshot was used.
    pub fn live_or_snapshot(
        &self,
        pid: u32,
        live: Result<Arc<Inspection>, crate::app::event::EffectError>,
    ) -> (
        Result<Arc<Inspection>, crate::app::event::EffectError>,
        bool,
    ) {
        match (live, self.snapshot(pid)) {
            (Err(_), Some(snap)) => (Ok(snap.clone()), true),
            // a zombie has no argv, exe or fds left: the snapshot has them
            (Ok(ins), Some(snap)) if ins.exited => (Ok(snap.clone()), true),
            (live, _) => (live, false),
        }
    }
}

/// An inspection built from what the rule engine held when the alert fired: argv, exe, cwd,
/// ids, capabilities, parent chain and identity (no environ, fds, mounts: never read).
pub fn from_facts(f: &ProcFacts) -> Inspection {
    let mut parents = vec![Parent {
        pid: f.pid,
        name: f.comm.clone(),
        ..Parent::default()
    }];
    let mut vpids = vec![f.vpid];
    for a in &f.ancestors {
        parents.push(Parent {
            pid: a.pid,
            name: a.comm.clone(),
            ..Parent::default()
        });
        vpids.push(a.vpid);
    }
    for i in 1..parents.len() {
        let in_child_ns = |j: usize| vpids[j] != 0 && vpids[j] != parents[j].pid;
        if in_child_ns(i - 1) && !in_child_ns(i) && vpids[i] != 0 {
            let b = boundary(Some(vpids[i - 1]), &parents[i].name);
            parents[i - 1].boundary = Some(b);
            parents[i - 1].pidns_init = b == crate::inspect::overview::Boundary::Init;
        }
    }
    let mut status = crate::inspect::status::Status {
        name: f.comm.clone(),
        state: 'X',
        state_word: "exited".into(),
        tgid: f.pid,
        ppid: f.ppid,
        cap_eff: f.cap_eff,
        vpid: (f.vpid != 0).then_some(f.vpid),
        ..Default::default()
    };
    status.uid.effective = f.uid;
    status.uid.real = f.uid;
    status.gid.effective = f.gid;
    status.gid.real = f.gid;
    let overview = Overview {
        cmdline: f.argv.clone(),
        exe: (!f.exepath.is_empty()).then(|| Exe {
            path: f.exepath.clone(),
            ..Exe::default()
        }),
        cwd: f.cwd.clone(),
        uid: NamedId {
            id: f.uid,
            name: f.user.clone(),
        },
        gid: NamedId {
            id: f.gid,
            name: None,
        },
        state: "X (exited)".into(),
        threads: 0,
        parents,
    };
    let mut ins = Inspection::new(f.pid, f.identity.clone(), status, overview);
    ins.exited = true;
    ins.recorded = true;
    // argv secrets masked for good, as in a snapshot read from /proc
    redact(&mut ins);
    ins
}

/// Masks what the environ reader flagged as secret, and argv secrets, for good:
/// a snapshot never holds a credential, even when the user later asks to reveal.
pub fn redact(ins: &mut Inspection) {
    ins.overview.cmdline = crate::redact::mask_argv(&ins.overview.cmdline);
    for e in ins.environ.iter_mut().flatten() {
        if e.masked {
            if e.value.is_empty() {
                // an entry without `=`: its text is the secret
                e.name = MASK.to_string();
            }
            e.value = MASK.to_string();
        }
    }
}

/// Drops kernel events older than the retention window (whole chunks), measured
/// from the newest buffered event.
pub fn trim(state: &mut AppState) {
    let Some(secs) = state.flight.seconds else {
        return;
    };
    let Some(newest) = state
        .buffer
        .next_seq()
        .checked_sub(1)
        .and_then(|s| state.buffer.get(s))
        .map(|e| e.ts_ns())
    else {
        return;
    };
    let cutoff = newest.saturating_sub(secs.saturating_mul(1_000_000_000));
    state.buffer.expire_before(cutoff);
}

/// Seconds of kernel events held now (newest − oldest).
pub fn held_seconds(state: &AppState) -> f64 {
    let b = &state.buffer;
    match (
        b.get(b.first_seq()),
        b.next_seq().checked_sub(1).and_then(|s| b.get(s)),
    ) {
        (Some(a), Some(z)) => z.ts_ns().saturating_sub(a.ts_ns()) as f64 / 1e9,
        _ => 0.0,
    }
}

#[cfg(test)]
#[path = "flight_tests.rs"]
mod tests;
