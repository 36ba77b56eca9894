//! The /proc poller: the process table every few seconds (works without root or BPF), named through the session's CRI cache.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::mpsc::Sender;

use super::Runtime;
use crate::app::Event;
use crate::collector::Source;
use crate::collector::procfs;
use crate::collector::source::sleep_unless_stopped;
use crate::identity::resolve::Resolver;
use crate::model::ProcInfo;

/// Time between two scans in a session.
pub const EVERY: Duration = Duration::from_secs(2);

/// Scans the proc root and names each process (container, pod) with its resolver.
pub struct ProcPoller {
    /// Time between scans.
    pub every: Duration,
    proc_root: PathBuf,
    resolver: Resolver,
}

impl ProcPoller {
    /// A poller over the runtime's proc root, naming processes through its CRI cache.
    pub fn new(rt: &Runtime, every: Duration) -> Self {
        Self {
            every,
            proc_root: rt.proc_root().to_path_buf(),
            resolver: rt.resolver(),
        }
    }

    /// One scan: every process with its identity.
    pub fn poll(&mut self) -> Vec<ProcInfo> {
        let mut procs = procfs::scan_root(&self.proc_root);
        for p in &mut procs {
            // kernel threads have no container and share the host's namespaces
            if p.container_id.is_some() || (p.pid != 2 && p.ppid != 2) {
                self.resolver.enrich(p);
            }
        }
        procs
    }
}

impl Source for ProcPoller {
    fn name(&self) -> &'static str {
        "procfs"
    }

    fn spawn(mut self: Box<Self>, tx: Sender<Event>, stop: Arc<AtomicBool>) -> Vec<JoinHandle<()>> {
        vec![
            std::thread::Builder::new()
                .name("ktriage-procfs".into())
                .spawn(move || {
                    while !stop.load(Ordering::Acquire) {
                        if tx.blocking_send(Event::Processes(self.poll())).is_err() {
                            return;
                        }
                        sleep_unless_stopped(&stop, self.every);
                    }
                })
                .expect("spawning the procfs thread"),
        ]
    }
}
