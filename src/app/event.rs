//! The one `Event` type every source produces and `update` consumes (and a recording stores).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::inspect::Inspection;
use crate::inspect::rootfs::{DirEntry, FileView};
pub use crate::model::{
    AggRow, Captured, CgroupInfo, CollectorState, CollectorStats, EventKind, KernelBatch, ProcInfo,
    SysEvent,
};

/// Everything that can happen to ktriage. Sources send these; `update` is the
/// only consumer (through [`super::Core`]); a recording is a sequence of them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Event {
    /// Settings of the session given to the core at start (keys for help, clock, retention, filter).
    Setup(Setup),
    /// A batch of decoded kernel records, with the cgroups first seen in it.
    Kernel(KernelBatch),
    /// Collector counters (kernel drops, attempts) read from the probe maps.
    Stats(CollectorStats),
    /// The collector started, stopped, or could not start (degraded mode).
    Collector(CollectorState),
    /// A snapshot of the in-kernel aggregation map.
    Summary(Vec<AggRow>),
    /// Rows of processes that exited, just taken out of the kernel map (their
    /// totals are already in `Summary` under the exited pseudo process).
    Retired(Vec<AggRow>),
    /// A snapshot of the process table from /proc polling.
    Processes(Vec<ProcInfo>),
    /// The replay player's position, span and marks (never recorded: it describes a replay).
    Replay(super::replay::ReplayStatus),
    /// A key pressed in the terminal, as the keymap mapped it, or a line edit.
    Input(super::input::Input),
    /// The terminal was resized to (columns, rows).
    Resize(u16, u16),
    /// A clock tick: monotonic nanoseconds, used for rates.
    Tick(u64),
    /// The result of an inspection the core asked for (`Effect::Inspect`).
    Inspected {
        /// The process.
        pid: u32,
        /// The inspection, or why it failed (e.g. the process exited).
        result: Result<Arc<Inspection>, EffectError>,
    },
    /// A directory of a process's root, listed for the Root tab.
    RootListed {
        /// The process.
        pid: u32,
        /// Path inside its root.
        path: String,
        /// Entries, or why not.
        result: Result<Arc<Vec<DirEntry>>, EffectError>,
    },
    /// A file of a process's root, read (capped) for the Root tab.
    RootFile {
        /// The process.
        pid: u32,
        /// Path inside its root.
        path: String,
        /// The first bytes, or why not.
        result: Result<Arc<FileView>, EffectError>,
    },
    /// What the processes of pod containers have (answer to `Effect::ObservePods`).
    PodsObserved(
        Vec<(
            super::podobserve::ContainerKey,
            Vec<crate::posture::Observed>,
        )>,
    ),
    /// The Kubernetes API source changed state (configured, synced, unreachable).
    Kube(super::kube_status::KubeStatus),
    /// Pod specs changed (a manifest was loaded, or a watch event).
    Pods(crate::posture::store::PodUpdate),
    /// Alerts, from a Falco intake or the rule engine (both look the same).
    Alerts(Vec<crate::alerts::Alert>),
    /// Kubernetes audit events, from the audit log or the audit webhook.
    Audit(Vec<crate::model::audit::AuditEvent>),
    /// An alert intake's counters, state and new malformed lines.
    AlertIntake(crate::alerts::intake::IntakeStats),
    /// Drill mode: the running drill's task, a grade's result.
    Drill(super::drill_task::DrillEvent),
    /// A flight-recorder snapshot of a process an alert named (`Effect::Snapshot`).
    Snapshot {
        /// The process.
        pid: u32,
        /// Its /proc state (environ masked), or why not.
        result: Result<Arc<Inspection>, EffectError>,
    },
}

/// Settings of a session, given to the core as events so a replay starts from the same ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Setup {
    /// The keys bound to each action (for the help overlay).
    KeyHelp(super::input::KeyHelp),
    /// Wall clock minus boot clock, in ns (to show kernel times as wall-clock times).
    WallOffset(i128),
    /// Flight recorder: keep only the last N seconds of kernel events.
    FlightSeconds(Option<u64>),
    /// The stream filter, in the `/` syntax (an invalid one is reported in the status bar).
    Filter(String),
}

/// Why an effect (inspection, root listing, file read, snapshot) failed: a kind to act on and the located message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct EffectError {
    /// What went wrong, for the core to act on.
    pub kind: EffectErrorKind,
    /// What and where, for a person.
    pub message: String,
}

/// The kinds of [`EffectError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EffectErrorKind {
    /// The process exited (or its pid was reused).
    Exited,
    /// Permission denied.
    Denied,
    /// The path does not exist.
    NotFound,
    /// Refused on purpose (a pseudo-filesystem, a path escaping the root, a device…).
    Refused,
    /// Anything else.
    Failed,
}

impl EffectError {
    /// An error of `kind` with `message`.
    pub fn new(kind: EffectErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

impl From<crate::inspect::InspectError> for EffectError {
    fn from(e: crate::inspect::InspectError) -> Self {
        use crate::inspect::InspectError as E;
        let kind = match &e {
            E::Exited(_) => EffectErrorKind::Exited,
            E::Unreadable { source, .. }
                if source.kind() == std::io::ErrorKind::PermissionDenied =>
            {
                EffectErrorKind::Denied
            }
            E::Unreadable { .. } => EffectErrorKind::Failed,
        };
        Self::new(kind, e.to_string())
    }
}

impl From<crate::inspect::rootfs::RootFsError> for EffectError {
    fn from(e: crate::inspect::rootfs::RootFsError) -> Self {
        use crate::inspect::rootfs::RootFsError as E;
        let kind = match &e {
            E::NotFound { .. } => EffectErrorKind::NotFound,
            E::Permission { .. } => EffectErrorKind::Denied,
            E::Exited { .. } => EffectErrorKind::Exited,
            E::Io { .. } => EffectErrorKind::Failed,
            E::NotADirectory { .. }
            | E::NotRegularFile { .. }
            | E::PseudoFs { .. }
            | E::Escaped { .. }
            | E::Loop { .. }
            | E::Unsupported => EffectErrorKind::Refused,
        };
        Self::new(kind, e.to_string())
    }
}

impl From<&str> for EffectError {
    /// An error of kind `Failed` with this message.
    fn from(message: &str) -> Self {
        Self::new(EffectErrorKind::Failed, message)
    }
}

impl From<String> for EffectError {
    /// An error of kind `Failed` with this message.
    fn from(message: String) -> Self {
        Self::new(EffectErrorKind::Failed, message)
    }
}
