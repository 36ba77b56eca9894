//! Everything the TUI and headless commands show, owned by the core and changed only by `update`.

use std::collections::{HashMap, VecDeque};

use super::buffer::{DEFAULT_CAP, EventBuffer};
use super::event::{AggRow, CgroupInfo, CollectorState, CollectorStats, ProcInfo};
use super::filter::Filter;
use super::summary::SummaryRow;

/// The focusable panes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Pane {
    /// Live event stream.
    #[default]
    Stream,
    /// strace -c style summary.
    Summary,
    /// Processes from /proc.
    Processes,
    /// Pods with their posture (drawn where the processes pane is).
    Pods,
    /// Alerts (Falco intake and the rule engine).
    Alerts,
}

impl Pane {
    /// Focus order.
    pub const ORDER: [Pane; 5] = [
        Pane::Stream,
        Pane::Summary,
        Pane::Processes,
        Pane::Pods,
        Pane::Alerts,
    ];
}

/// What the keyboard is doing.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    /// Browsing: keys go through the keymap.
    #[default]
    Normal,
    /// Typing a filter after `/`.
    Filter(String),
    /// Typing a command after `:`.
    Command(String),
    /// The help overlay is open.
    Help,
    /// The fuzzy finder is open (its state is `AppState::finder`).
    Finder,
}

/// Sort order of the processes pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ProcSort {
    /// By pid.
    #[default]
    Pid,
    /// By syscalls counted, most first.
    Calls,
    /// By comm.
    Comm,
    /// By pod (namespace/name), then container.
    Pod,
}

impl ProcSort {
    /// The next order in the cycle.
    pub fn next(self) -> Self {
        match self {
            Self::Pid => Self::Calls,
            Self::Calls => Self::Comm,
            Self::Comm => Self::Pod,
            Self::Pod => Self::Pid,
        }
    }

    /// Name shown in the pane title.
    pub fn name(self) -> &'static str {
        match self {
            Self::Pid => "pid",
            Self::Calls => "calls",
            Self::Comm => "comm",
            Self::Pod => "pod",
        }
    }
}

/// How the processes pane lists processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ProcView {
    /// Parent → children tree instead of a flat list.
    pub tree: bool,
    /// Sort order (of siblings, in tree mode).
    pub sort: ProcSort,
}

/// Whose syscalls the summary pane totals.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum SummaryScope {
    /// Every process.
    #[default]
    All,
    /// One process (tgid).
    Pid(u32),
    /// The processes of one container (full id or a prefix).
    Container(String),
    /// The processes of one pod (namespace, name).
    Pod(String, String),
}

impl SummaryScope {
    /// Whether `p` is in the scope (by pid, container id prefix or pod).
    pub fn covers(&self, p: &ProcInfo) -> bool {
        match self {
            Self::All => true,
            Self::Pid(pid) => p.pid == *pid,
            Self::Container(id) => p
                .container_id
                .as_deref()
                .is_some_and(|c| !id.is_empty() && c.starts_with(id.as_str())),
            Self::Pod(ns, name) => {
                p.pod_namespace.as_deref() == Some(ns) && p.pod_name.as_deref() == Some(name)
            }
        }
    }
}

/// Severity of a one-line message in the status bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Information.
    Info,
    /// Something the user typed was wrong.
    Error,
}

/// The stream pane's view of the buffer.
#[derive(Debug, Default)]
pub struct StreamView {
    /// Active filter (empty = everything).
    pub filter: Filter,
    /// Sequence numbers matching a non-empty filter, oldest first.
    pub matched: VecDeque<u64>,
    /// Next sequence number the filter has not looked at.
    pub scanned: u64,
    /// Selected record (sequence number); `None` with an empty list.
    pub selected: Option<u64>,
    /// Keep the newest record selected.
    pub follow: bool,
}

impl StreamView {
    /// Number of records listed (filtered or all) from `buffer`.
    pub fn len(&self, buffer: &EventBuffer) -> usize {
        if self.filter.is_empty() {
            buffer.len()
        } else {
            self.matched.len()
        }
    }

    /// Sequence number of the `i`-th listed record.
    pub fn seq(&self, buffer: &EventBuffer, i: usize) -> Option<u64> {
        if self.filter.is_empty() {
            (i < buffer.len()).then(|| buffer.first_seq() + i as u64)
        } else {
            self.matched.get(i).copied()
        }
    }

    /// Index in the listing of the selected record.
    pub fn pos(&self, buffer: &EventBuffer) -> Option<usize> {
        let sel = self.selected?;
        if self.filter.is_empty() {
            Some(sel.saturating_sub(buffer.first_seq()) as usize).filter(|i| *i < buffer.len())
        } else {
            let i = self.matched.partition_point(|s| *s < sel);
            (i < self.matched.len()).then_some(i)
        }
    }
}

/// Events per second, from tick to tick.
#[derive(Debug, Default, Clone, Copy)]
pub struct Rate {
    /// Time of the last tick (ns).
    pub last_tick_ns: Option<u64>,
    /// Received count at the last tick.
    pub last_count: u64,
    /// Latest rate.
    pub per_sec: f64,
}

/// The whole application state.
pub struct AppState {
    /// Buffered kernel records.
    pub buffer: EventBuffer,
    /// cgroup id → path and container.
    pub cgroups: HashMap<u64, CgroupInfo>,
    /// Collector counters.
    pub stats: CollectorStats,
    /// Collector state (running, degraded…).
    pub collector: CollectorState,
    /// Latest aggregation snapshot.
    pub agg: Vec<AggRow>,
    /// Totals of exited processes by container (container and pod summaries).
    pub retired: super::retired::Retired,
    /// Summary rows for `summary_scope`, sorted as strace sorts.
    pub summary: Vec<SummaryRow>,
    /// Total of `summary` (derived: kept with it).
    pub summary_total: SummaryRow,
    /// A pid the container scope covers, to name the container (derived: kept with `summary`).
    pub summary_member: Option<u32>,
    /// Whose summary is shown.
    pub summary_scope: SummaryScope,
    /// Syscall time asked for (`Action::ToggleTiming`; the collector starts without it).
    pub timing: bool,
    /// Selected summary row.
    pub summary_selected: usize,
    /// Latest /proc snapshot, by pid.
    pub processes: Vec<ProcInfo>,
    /// pid → index into `processes` (derived: rebuilt with it).
    pub process_index: HashMap<u32, usize>,
    /// Syscalls counted in the kernel per process (from the aggregation).
    pub process_calls: HashMap<u32, u64>,
    /// Selected row of `process_order`.
    pub process_selected: usize,
    /// Pid on the selected row: the selection follows it while rows come and go.
    pub process_key: Option<u32>,
    /// List or tree, and sort.
    pub process_view: ProcView,
    /// Rows of the processes pane: (index into `processes`, tree depth).
    pub process_order: Vec<(usize, u16)>,
    /// The fuzzy finder, while open.
    pub finder: Option<super::finder::Finder>,
    /// The inspect view, while open (it covers the panes).
    pub inspect: Option<super::inspect_view::InspectState>,
    /// Pod specs and their posture.
    pub pods: crate::posture::PostureStore,
    /// The pods pane.
    pub pods_view: super::podview::PodsView,
    /// The Kubernetes API source of pod specs.
    pub kube: super::kube_status::KubeStatus,
    /// Things the session should remember (e.g. that secrets were revealed), oldest first.
    pub notes: Vec<String>,
    /// Stream pane view.
    pub stream: StreamView,
    /// Focused pane.
    pub focus: Pane,
    /// Keyboard mode.
    pub mode: Mode,
    /// First line shown by the help overlay.
    pub help_scroll: usize,
    /// The text of a just-opened `/` input is selected: typing replaces it.
    pub input_selected: bool,
    /// One-line message for the status bar.
    pub message: Option<(Severity, String)>,
    /// Events per second.
    pub rate: Rate,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// The keys bound to each action, for the help overlay (`Event::Setup`).
    pub key_help: super::input::KeyHelp,
    /// Set when the user asked to quit.
    pub quit: bool,
    /// Alerts pane: received alerts, counts, filter, intake status.
    pub alerts: super::alerts_view::AlertsView,
    /// Kubernetes audit events received.
    pub audit: super::audit_view::AuditView,
    /// Exec audit events linked to the processes they started (kept after those exit).
    pub exec: super::exec_track::ExecTracker,
    /// Flight recorder: time retention of events and snapshots of alerted processes.
    pub flight: super::flight::FlightRecorder,
    /// The replay bar, when a recording is being played.
    pub replay: Option<super::replay::ReplayView>,
    /// Drill mode: the running drill's task panel.
    pub drill: Option<super::drill_task::DrillState>,
}

impl AppState {
    /// Whether syscall times are shown: asked for with the key, or the
    /// source times syscalls anyway (its stats say so: a capture's
    /// enter/exit pairs, `count`'s probes).
    pub fn timing_shown(&self) -> bool {
        self.timing || self.stats.timing
    }

    /// Fresh state with a buffer of `cap` records.
    pub fn new(cap: usize) -> Self {
        Self {
            buffer: EventBuffer::new(cap),
            cgroups: HashMap::new(),
            stats: CollectorStats::default(),
            collector: CollectorState::Starting,
            agg: Vec::new(),
            retired: Default::default(),
            summary: Vec::new(),
            summary_total: SummaryRow::default(),
            summary_member: None,
            summary_scope: SummaryScope::All,
            timing: false,
            summary_selected: 0,
            processes: Vec::new(),
            process_index: HashMap::new(),
            process_calls: HashMap::new(),
            process_selected: 0,
            process_key: None,
            process_view: ProcView::default(),
            process_order: Vec::new(),
            finder: None,
            inspect: None,
            pods: crate::posture::PostureStore::new(),
            pods_view: super::podview::PodsView::default(),
            kube: super::kube_status::KubeStatus::default(),
            notes: Vec::new(),
            stream: StreamView {
                follow: true,
                ..StreamView::default()
            },
            focus: Pane::Stream,
            mode: Mode::Normal,
            input_selected: false,
            help_scroll: 0,
            message: None,
            rate: Rate::default(),
            size: (80, 24),
            key_help: Default::default(),
            quit: false,
            alerts: Default::default(),
            audit: Default::default(),
            exec: Default::default(),
            flight: Default::default(),
            replay: None,
            drill: None,
        }
    }

    /// Fresh state with the default cap.
    pub fn with_default_cap() -> Self {
        Self::new(DEFAULT_CAP)
    }

    /// Number of records the stream pane lists (filtered or all).
    pub fn stream_len(&self) -> usize {
        self.stream.len(&self.buffer)
    }

    /// Sequence number of the `i`-th listed record.
    pub fn stream_seq(&self, i: usize) -> Option<u64> {
        self.stream.seq(&self.buffer, i)
    }

    /// Index in the listing of the selected record.
    pub fn stream_pos(&self) -> Option<usize> {
        self.stream.pos(&self.buffer)
    }

    /// The process with this pid in the latest snapshot (an index lookup).
    pub fn process_by_pid(&self, pid: u32) -> Option<&ProcInfo> {
        self.processes.get(*self.process_index.get(&pid)?)
    }

    /// The process on the selected row of the processes pane.
    pub fn selected_process(&self) -> Option<&ProcInfo> {
        let (i, _) = self.process_order.get(self.process_selected)?;
        self.processes.get(*i)
    }

    /// Container id of a cgroup, when known.
    pub fn container_of(&self, cgroup_id: u64) -> Option<&str> {
        self.cgroups.get(&cgroup_id)?.container_id.as_deref()
    }

    /// Rows of the stream pane that fit the terminal (for paging).
    pub fn page_rows(&self) -> usize {
        (self.size.1 as usize).saturating_sub(8).max(1)
    }
}
