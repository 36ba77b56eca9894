//! The one `Event` type every source produces and `update` consumes (and a recording stores).

use std::sync::Arc;

use crossterm::event::KeyEvent;

use crate::inspect::Inspection;
use crate::inspect::rootfs::{DirEntry, FileView};
pub use crate::model::{
    AggRow, Captured, CgroupInfo, CollectorState, CollectorStats, EventKind, KernelBatch, ProcInfo,
    SysEvent,
};

/// Everything that can happen to ktriage. Sources send these; `update` is the
/// only consumer; a recording is a sequence of them.
#[derive(Clone, Debug)]
pub enum Event {
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
    /// A key pressed in the terminal (mapped through the keymap by `update`).
    Key(KeyEvent),
    /// The terminal was resized to (columns, rows).
    Resize(u16, u16),
    /// A clock tick: monotonic nanoseconds, used for rates.
    Tick(u64),
    /// The result of an inspection the core asked for (`Effect::Inspect`).
    Inspected {
        /// The process.
        pid: u32,
        /// The inspection, or why it failed (e.g. the process exited).
        result: Result<Arc<Inspection>, String>,
    },
    /// A directory of a process's root, listed for the Root tab.
    RootListed {
        /// The process.
        pid: u32,
        /// Path inside its root.
        path: String,
        /// Entries, or why not.
        result: Result<Arc<Vec<DirEntry>>, String>,
    },
    /// A file of a process's root, read (capped) for the Root tab.
    RootFile {
        /// The process.
        pid: u32,
        /// Path inside its root.
        path: String,
        /// The first bytes, or why not.
        result: Result<Arc<FileView>, String>,
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
    /// An alert intake's counters, state and new malformed lines.
    AlertIntake(crate::alerts::intake::IntakeStats),
    /// A flight-recorder snapshot of a process an alert named (`Effect::Snapshot`).
    Snapshot {
        /// The process.
        pid: u32,
        /// Its /proc state (environ masked), or why not.
        result: Result<Arc<Inspection>, String>,
    },
}
