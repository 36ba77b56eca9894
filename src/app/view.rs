//! What rendering reads: a read-only view of the state, with the derived data
//! `update` keeps (indexes, totals, rankings), so a frame's work is bounded by
//! what is visible, never by the size of the data.

use std::collections::HashMap;

use super::alerts_view::AlertsView;
use super::buffer::EventBuffer;
use super::finder::Finder;
use super::flight::FlightRecorder;
use super::input::{KeyContext, KeyHelp};
use super::inspect_view::InspectState;
use super::kube_status::KubeStatus;
use super::podview::PodsView;
use super::replay::ReplayView;
use super::state::{AppState, Mode, Pane, ProcView, Rate, Severity, StreamView, SummaryScope};
use super::summary::SummaryRow;
use crate::model::{CgroupInfo, CollectorState, CollectorStats, ProcInfo};
use crate::posture::PostureStore;

/// Everything the panes draw from, borrowed from the state.
#[derive(Clone, Copy)]
pub struct View<'a> {
    /// Focused pane.
    pub focus: Pane,
    /// Keyboard mode.
    pub mode: &'a Mode,
    /// The text of a just-opened `/` input is selected.
    pub input_selected: bool,
    /// First line of the help overlay.
    pub help_scroll: usize,
    /// One-line message for the status bar.
    pub message: Option<&'a (Severity, String)>,
    /// Collector state.
    pub collector: &'a CollectorState,
    /// Collector counters.
    pub stats: &'a CollectorStats,
    /// Events per second.
    pub rate: Rate,
    /// Buffered kernel records.
    pub buffer: &'a EventBuffer,
    /// cgroup id → path and container.
    pub cgroups: &'a HashMap<u64, CgroupInfo>,
    /// The stream pane.
    pub stream: &'a StreamView,
    /// Summary rows of the scope, sorted as strace sorts.
    pub summary: &'a [SummaryRow],
    /// Their total (kept by `update`).
    pub summary_total: &'a SummaryRow,
    /// Whose summary is shown.
    pub summary_scope: &'a SummaryScope,
    /// Syscall time asked for: the summary's time columns say "off" otherwise.
    pub timing: bool,
    /// A process the container scope covers (names the container in the title).
    pub summary_member: Option<&'a ProcInfo>,
    /// Selected summary row.
    pub summary_selected: usize,
    /// Latest /proc snapshot.
    pub processes: &'a [ProcInfo],
    /// pid → index into `processes` (kept by `update`).
    pub process_index: &'a HashMap<u32, usize>,
    /// Syscalls counted per process.
    pub process_calls: &'a HashMap<u32, u64>,
    /// Rows of the processes pane: (index into `processes`, depth).
    pub process_order: &'a [(usize, u16)],
    /// Selected row of `process_order`.
    pub process_selected: usize,
    /// List or tree, and sort.
    pub process_view: ProcView,
    /// Pod specs and their posture.
    pub pods: &'a PostureStore,
    /// The pods pane.
    pub pods_view: &'a PodsView,
    /// The Kubernetes API source.
    pub kube: &'a KubeStatus,
    /// The alerts pane.
    pub alerts: &'a AlertsView,
    /// The audit trail (the alerts pane's audit view).
    pub audit: &'a super::audit_view::AuditView,
    /// Exec audit events linked to processes (inspect view, alert detail).
    pub exec: &'a super::exec_track::ExecTracker,
    /// Flight recorder (snapshot status of alerted processes).
    pub flight: &'a FlightRecorder,
    /// The inspect view, while open.
    pub inspect: Option<&'a InspectState>,
    /// The fuzzy finder, while open.
    pub finder: Option<&'a Finder>,
    /// The keys bound to each action (help overlay, hints).
    pub key_help: &'a KeyHelp,
    /// The replay player, while replaying.
    pub replay: Option<&'a ReplayView>,
    /// Drill mode: the task panel.
    pub drill: Option<&'a super::drill_task::DrillState>,
}

impl<'a> View<'a> {
    /// The view of `state`.
    pub fn new(state: &'a AppState) -> Self {
        Self {
            focus: state.focus,
            mode: &state.mode,
            input_selected: state.input_selected,
            help_scroll: state.help_scroll,
            message: state.message.as_ref(),
            collector: &state.collector,
            stats: &state.stats,
            rate: state.rate,
            buffer: &state.buffer,
            cgroups: &state.cgroups,
            stream: &state.stream,
            summary: &state.summary,
            summary_total: &state.summary_total,
            summary_scope: &state.summary_scope,
            timing: state.timing_shown(),
            summary_member: state
                .summary_member
                .and_then(|pid| state.process_by_pid(pid)),
            summary_selected: state.summary_selected,
            processes: &state.processes,
            process_index: &state.process_index,
            process_calls: &state.process_calls,
            process_order: &state.process_order,
            process_selected: state.process_selected,
            process_view: state.process_view,
            pods: &state.pods,
            pods_view: &state.pods_view,
            kube: &state.kube,
            alerts: &state.alerts,
            audit: &state.audit,
            exec: &state.exec,
            flight: &state.flight,
            inspect: state.inspect.as_ref(),
            finder: state.finder.as_ref(),
            key_help: &state.key_help,
            replay: state.replay.as_ref(),
            drill: state.drill.as_ref(),
        }
    }

    /// Where keys are looked up: the inspect view, else the focused pane.
    pub fn key_context(&self) -> KeyContext {
        match self.inspect {
            Some(_) => KeyContext::Inspect,
            None => self.focus.into(),
        }
    }

    /// The process with this pid in the latest snapshot (an index lookup).
    pub fn process(&self, pid: u32) -> Option<&'a ProcInfo> {
        self.processes.get(*self.process_index.get(&pid)?)
    }

    /// Container id of a cgroup, when known.
    pub fn container_of(&self, cgroup_id: u64) -> Option<&'a str> {
        self.cgroups.get(&cgroup_id)?.container_id.as_deref()
    }

    /// Number of records the stream pane lists (filtered or all).
    pub fn stream_len(&self) -> usize {
        self.stream.len(self.buffer)
    }

    /// Sequence number of the `i`-th listed record.
    pub fn stream_seq(&self, i: usize) -> Option<u64> {
        self.stream.seq(self.buffer, i)
    }

    /// Index in the listing of the selected record.
    pub fn stream_pos(&self) -> Option<usize> {
        self.stream.pos(self.buffer)
    }
}

impl AppState {
    /// The read-only view rendering draws from.
    pub fn view(&self) -> View<'_> {
        View::new(self)
    }
}
