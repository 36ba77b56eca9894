//! `update`: the only function that changes [`AppState`]; returns the effects the runtime must carry out.

use super::describe;
use super::event::{Event, KernelBatch};
use super::filter::Filter;
use super::state::{AppState, SummaryScope};
use super::summary::{summarize, total};

/// Work for the runtime (I/O lives there, never in `update`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Steer the replay player.
    Replay(super::replay::ReplayCmd),
    /// Something the operator did that a recording keeps as such (the [`super::Core`]'s tap takes it; no I/O).
    Fact(Fact),
    /// Restore the terminal and exit.
    Quit,
    /// Inspect a process (answered by `Event::Inspected`).
    Inspect(u32),
    /// List a directory of a process's root (answered by `Event::RootListed`).
    ListRoot(u32, String),
    /// Read a file of a process's root; a symlink to a directory is listed instead
    /// (answered by `Event::RootFile` or `Event::RootListed`).
    ReadRoot(u32, String),
    /// Snapshot a process an alert named, for the flight recorder (answered by `Event::Snapshot`).
    Snapshot(u32),
    /// Read what the processes of these (pod key, container)s have, for the pods pane
    /// (answered by `Event::PodsObserved`).
    ObservePods(Vec<super::podobserve::ContainerPids>),
    /// Turn the collector's syscall timing on or off (no answer: the summary's
    /// times start growing, or stop).
    SetTiming(bool),
    /// Grade the running drill with this answer against the live lab (the terminal edge
    /// runs the grader; answered by `Event::Drill(DrillEvent::Graded)`).
    DrillGrade {
        /// The drill.
        drill: String,
        /// The answer given with `:answer`.
        answer: Option<String>,
    },
    /// The drill's hints shown so far, for the lab to count (`drill status`, the grade,
    /// the scores); the terminal edge writes it, no answer.
    DrillHint {
        /// The drill.
        drill: String,
        /// Hints shown.
        shown: usize,
    },
}

/// What the operator did, kept by a recording for the timeline of the report (never secret values).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Fact {
    /// `:note TEXT`.
    Note {
        /// The note.
        text: String,
    },
    /// Masked secrets of a process were revealed on screen: which variables, never their values.
    Revealed {
        /// The process.
        pid: u32,
        /// Names of the masked variables shown.
        names: Vec<String>,
    },
    /// The operator pivoted from an alert to its process.
    Pivot {
        /// The alert's rule.
        rule: String,
        /// Its process, when the alert names one.
        pid: Option<u32>,
    },
    /// Drill mode: `:answer TEXT`.
    DrillAnswer {
        /// The drill.
        drill: String,
        /// The answer.
        answer: String,
    },
    /// Drill mode: a hint was revealed.
    DrillHint {
        /// The drill.
        drill: String,
        /// Its number (1-based).
        shown: usize,
        /// Of how many.
        of: usize,
    },
    /// Drill mode: a grade came back.
    DrillGraded {
        /// The drill.
        drill: String,
        /// PASS/FAIL and each failed check's reason, on one line.
        result: String,
    },
}

/// Applies one event to the state. Only [`super::Core::dispatch`] calls it.
pub(crate) fn update(state: &mut AppState, event: Event) -> Vec<Effect> {
    match event {
        Event::Kernel(batch) => on_kernel(state, batch),
        Event::Stats(s) => state.stats = s,
        Event::Collector(c) => state.collector = c,
        Event::Summary(rows) => {
            state.process_calls.clear();
            for r in &rows {
                *state.process_calls.entry(r.tgid).or_default() += r.calls;
            }
            state.agg = rows;
            refresh_summary(state);
            super::procview::refresh(state);
        }
        Event::Processes(p) => {
            state.processes = p;
            state.process_index = index_by_pid(&state.processes);
            let offset = state.alerts.wall_offset_ns;
            state.exec.on_processes(&state.processes, offset);
            for p in &state.processes {
                if let (Some(c), Some(ns), Some(name)) =
                    (&p.container_id, &p.pod_namespace, &p.pod_name)
                {
                    state.retired.note_pod(c, ns, name);
                }
            }
            if matches!(
                state.summary_scope,
                SummaryScope::Container(_) | SummaryScope::Pod(..)
            ) {
                refresh_summary(state);
            }
            super::procview::refresh(state);
            super::podview::refresh(state);
            return super::podobserve::observe_effect(state);
        }
        Event::Retired(rows) => {
            state.retired.retire(&rows);
            if matches!(
                state.summary_scope,
                SummaryScope::Container(_) | SummaryScope::Pod(..)
            ) {
                refresh_summary(state);
            }
        }
        Event::Input(i) => return super::keys::on_input(state, i),
        Event::Setup(s) => return on_setup(state, s),
        Event::Replay(r) => super::replay::ReplayView::on_status(&mut state.replay, r),
        Event::Resize(w, h) => state.size = (w, h),
        Event::Tick(now) => on_tick(state, now),
        Event::Inspected { pid, result } => {
            let posture = match &result {
                Ok(ins) if state.inspect.as_ref().is_some_and(|v| v.pid == pid) => {
                    super::podview::on_inspected(state, ins)
                }
                _ => None,
            };
            if let Some(v) = state.inspect.as_mut().filter(|v| v.pid == pid) {
                let (result, from_snapshot) = state.flight.live_or_snapshot(pid, result);
                v.from_snapshot = from_snapshot;
                v.set_data(result);
                v.posture = posture;
            }
        }
        Event::RootListed { pid, path, result } => {
            if let Some(v) = state.inspect.as_mut().filter(|v| v.pid == pid) {
                v.listed(path, result);
            }
        }
        Event::RootFile { pid, path, result } => {
            if let Some(v) = state.inspect.as_mut().filter(|v| v.pid == pid) {
                v.file_read(path, result);
            }
        }
        Event::Pods(u) => {
            super::podview::on_pods(state, u);
            super::podobserve::forget(state);
            return super::podobserve::observe_effect(state);
        }
        Event::PodsObserved(seen) => super::podobserve::on_observed(state, seen),
        Event::Kube(k) => state.kube = k,
        Event::Alerts(alerts) => return super::alerts_update::on_alerts(state, alerts),
        Event::AlertIntake(stats) => state.alerts.on_intake(stats),
        Event::Audit(batch) => {
            state.exec.on_audit(&batch, state.alerts.wall_offset_ns);
            state.audit.on_audit(batch);
        }
        Event::Snapshot { pid, result } => super::alerts_update::on_snapshot(state, pid, result),
        Event::Drill(ev) => return super::drill_task::on_event(state, ev),
    }
    Vec::new()
}

fn on_kernel(state: &mut AppState, batch: KernelBatch) {
    for cg in batch.cgroups {
        state.cgroups.insert(cg.id, cg);
    }
    for ev in &batch.events {
        state.buffer.push(ev);
        if ev.kind == super::event::EventKind::Exec {
            exec_seen(state, ev);
        }
        if ev.kind == super::event::EventKind::Exit {
            let container = state.cgroups.get(&ev.cgroup_id);
            state
                .retired
                .on_exit(ev.pid, container.and_then(|c| c.container_id.as_deref()));
        }
    }
    super::flight::trim(state);
    rescan_filter(state);
    if state.stream.follow {
        state.stream.selected = state
            .stream_len()
            .checked_sub(1)
            .and_then(|i| state.stream_seq(i));
    }
}

/// A kernel exec record to the exec links (exec records are rare: the batch loop only
/// tests the kind of the others).
fn exec_seen(state: &mut AppState, ev: &super::event::SysEvent) {
    let container = state
        .cgroups
        .get(&ev.cgroup_id)
        .and_then(|c| c.container_id.as_deref());
    let (processes, index) = (&state.processes, &state.process_index);
    let proc_comm = |pid: u32| index.get(&pid).map(|i| processes[*i].comm.clone());
    let offset = state.alerts.wall_offset_ns;
    state.exec.on_exec(ev, container, proc_comm, offset);
}

/// Extends the filtered index over records not yet looked at and forgets dropped ones.
fn rescan_filter(state: &mut AppState) {
    let first = state.buffer.first_seq();
    while state.stream.matched.front().is_some_and(|s| *s < first) {
        state.stream.matched.pop_front();
    }
    let from = state.stream.scanned.max(first);
    let to = state.buffer.next_seq();
    state.stream.scanned = to;
    if state.stream.filter.is_empty() {
        return;
    }
    let filter = &state.stream.filter;
    for ev in state.buffer.range(from, to) {
        let name = describe::syscall_name(&ev);
        let ctr = state
            .cgroups
            .get(&ev.cgroup_id())
            .and_then(|c| c.container_id.as_deref());
        if filter.matches(&ev, &name, ctr, || describe::args_line(&ev)) {
            state.stream.matched.push_back(ev.seq);
        }
    }
}

pub(super) fn set_filter(state: &mut AppState, filter: Filter) {
    state.stream.filter = filter;
    state.stream.matched.clear();
    state.stream.scanned = 0;
    rescan_filter(state);
    let last = state
        .stream_len()
        .checked_sub(1)
        .and_then(|i| state.stream_seq(i));
    state.stream.selected = last;
    state.stream.follow = true;
}

/// Recomputes the summary rows of the scope: a container's or a pod's summary
/// is the sum of the rows of its processes (as the latest /proc snapshot names them).
pub(super) fn refresh_summary(state: &mut AppState) {
    let scope = &state.summary_scope;
    let members: Option<std::collections::HashSet<u32>> = match scope {
        SummaryScope::All | SummaryScope::Pid(_) => None,
        _ => Some(
            state
                .processes
                .iter()
                .filter(|p| scope.covers(p))
                .map(|p| p.pid)
                .collect(),
        ),
    };
    let keep = |tgid: u32| match (scope, &members) {
        (SummaryScope::All, _) => true,
        (SummaryScope::Pid(p), _) => *p == tgid,
        (_, Some(m)) => m.contains(&tgid),
        (_, None) => false,
    };
    // a container or pod also keeps what its exited processes did
    let retired = state.retired.rows(scope);
    state.summary = summarize(
        state.agg.iter().filter(|r| keep(r.tgid)).chain(&retired),
        |_| true,
    );
    if !state.timing_shown() {
        // no times to sort by: the busiest calls first
        state
            .summary
            .sort_by(|a, b| b.calls.cmp(&a.calls).then(a.nr.cmp(&b.nr)));
    }
    state.summary_total = total(&state.summary);
    state.summary_member = match scope {
        SummaryScope::Container(_) => state
            .processes
            .iter()
            .find(|p| scope.covers(p))
            .map(|p| p.pid),
        _ => None,
    };
    state.summary_selected = state
        .summary_selected
        .min(state.summary.len().saturating_sub(1));
}

/// pid → index into `processes` (the first one, should a pid repeat).
fn index_by_pid(processes: &[super::event::ProcInfo]) -> std::collections::HashMap<u32, usize> {
    let mut index = std::collections::HashMap::with_capacity(processes.len());
    for (i, p) in processes.iter().enumerate() {
        index.entry(p.pid).or_insert(i);
    }
    index
}

fn on_setup(state: &mut AppState, setup: super::event::Setup) -> Vec<Effect> {
    use super::event::Setup;
    match setup {
        Setup::KeyHelp(k) => state.key_help = k,
        Setup::WallOffset(ns) => state.alerts.wall_offset_ns = Some(ns),
        Setup::FlightSeconds(s) => state.flight.seconds = s,
        Setup::Filter(text) => match Filter::parse(&text) {
            Ok(f) => set_filter(state, f),
            Err(e) => {
                let text = format!("filter: {e}");
                state.message = Some((super::state::Severity::Error, text));
            }
        },
    }
    Vec::new()
}

fn on_tick(state: &mut AppState, now: u64) {
    super::drill_task::on_tick(state, now);
    let count = state.buffer.next_seq();
    if let Some(last) = state.rate.last_tick_ns {
        let dt = now.saturating_sub(last);
        if dt >= 500_000_000 {
            state.rate.per_sec = (count - state.rate.last_count) as f64 * 1e9 / dt as f64;
            state.rate.last_tick_ns = Some(now);
            state.rate.last_count = count;
        }
    } else {
        state.rate.last_tick_ns = Some(now);
        state.rate.last_count = count;
    }
}

pub use super::keys::selected_pid;
