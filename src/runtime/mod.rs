//! The runtime between the sources and the core: it starts and stops the sources, runs the core's effects, and owns the session's one CRI cache and one process table.
//!
//! Layering: `runtime` imports `app` and the layers below it; `ui`, `session` and the
//! headless commands import `runtime`; nothing here imports `ui`.

pub mod effects;
mod feed;
pub mod kube;
pub mod live;
pub mod podobserve;
pub mod procpoll;
pub mod sources;
pub mod stages;

use std::path::{Path, PathBuf};

use crate::collector::TimingSwitch;
use crate::identity::cri::SharedCri;
use crate::identity::resolve::Resolver;
use crate::rules::{ProcTable, SharedProcs};

pub use effects::EffectRunner;
pub use sources::{SourceOpts, Sources};

/// What every part of a session shares: the proc root, the one CRI cache and the one
/// process table (fed by the kernel's exec/fork/exit through the rule engine and by the
/// /proc poll; the panes get its rows).
#[derive(Clone, Debug)]
pub struct Runtime {
    proc_root: PathBuf,
    cri: Option<SharedCri>,
    procs: SharedProcs,
    timing: TimingSwitch,
}

impl Runtime {
    /// A runtime over `/proc`; `cri` false never asks the container runtime (cgroup facts only),
    /// else it asks `cri_socket` (`None`: auto-detect containerd, CRI-O, k3s).
    pub fn new(cri_socket: Option<&Path>, cri: bool) -> Self {
        Self::with_proc_root(Path::new("/proc"), cri.then(|| SharedCri::new(cri_socket)))
    }

    /// A runtime over `/proc` asking `cri` (a cache shared with others, e.g. the rule engine).
    pub fn with_cri(cri: Option<SharedCri>) -> Self {
        Self::with_proc_root(Path::new("/proc"), cri)
    }

    /// A runtime over another proc root and a given cache (tests).
    pub fn with_proc_root(proc_root: &Path, cri: Option<SharedCri>) -> Self {
        Self {
            proc_root: proc_root.to_path_buf(),
            cri,
            procs: SharedProcs::new(ProcTable::new(Some(proc_root.to_path_buf()))),
            timing: TimingSwitch::default(),
        }
    }

    /// The session's CRI cache (`None`: the runtime is not asked).
    pub fn cri(&self) -> Option<&SharedCri> {
        self.cri.as_ref()
    }

    /// The session's process table.
    pub fn procs(&self) -> &SharedProcs {
        &self.procs
    }

    /// The kernel collector's syscall-timing switch (`Effect::SetTiming` flips it).
    pub fn timing(&self) -> &TimingSwitch {
        &self.timing
    }

    /// The proc root every reader uses.
    pub fn proc_root(&self) -> &Path {
        &self.proc_root
    }

    /// A resolver over the session's cache (its namespace index is its own).
    pub fn resolver(&self) -> Resolver {
        Resolver::shared(&self.proc_root, self.cri.clone())
    }

    /// The effect runner over this runtime.
    pub fn effects(&self) -> EffectRunner {
        EffectRunner::new(self.clone())
    }
}
