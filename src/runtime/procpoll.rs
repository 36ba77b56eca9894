//! The /proc poller: scans every few seconds (works without root or BPF), names each process through the session's CRI cache, merges the scan into the session's process table and sends the table's rows.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::mpsc::Sender;

use super::Runtime;
use crate::app::Event;
use crate::collector::Source;
use crate::collector::clock::boot_ns;
use crate::collector::procfs;
use crate::collector::source::sleep_unless_stopped;
use crate::identity::resolve::{Resolver, apply_identity};
use crate::model::ProcInfo;
use crate::rules::SharedProcs;
use crate::rules::procshared::{self, Scanned};

/// Time between two scans in a session.
pub const EVERY: Duration = Duration::from_secs(2);

/// Scans the proc root, names each process (container, pod) and merges it into the table.
pub struct ProcPoller {
    /// Time between scans.
    pub every: Duration,
    proc_root: PathBuf,
    resolver: Resolver,
    procs: SharedProcs,
}

impl ProcPoller {
    /// A poller over the runtime's proc root, naming processes through its CRI cache.
    pub fn new(rt: &Runtime, every: Duration) -> Self {
        Self {
            every,
            proc_root: rt.proc_root().to_path_buf(),
            resolver: rt.resolver(),
            procs: rt.procs().clone(),
        }
    }

    /// One scan merged into the table; returns the table's live rows (what the panes show).
    pub fn poll(&mut self) -> Vec<ProcInfo> {
        let scanned: Vec<Scanned> = procfs::scan_root(&self.proc_root)
            .into_iter()
            .map(|mut p| {
                // kernel threads have no container and share the host's namespaces
                let ident = (p.container_id.is_some() || (p.pid != 2 && p.ppid != 2)).then(|| {
                    let ident = self.resolver.identify(p.pid);
                    apply_identity(&mut p, &ident);
                    Arc::new(ident)
                });
                (p, ident)
            })
            .collect();
        // new processes are read in full outside the lock (the engine waits on it)
        let unknown = self.procs.lock().unknown(&scanned);
        let fresh = procshared::read_fresh(Some(&self.proc_root), &unknown);
        let mut table = self.procs.lock();
        table.merge_scan(&scanned, fresh, boot_ns());
        table.rows()
    }
}

impl Source<Event> for ProcPoller {
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
