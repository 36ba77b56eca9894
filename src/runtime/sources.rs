//! Starting and stopping a session's sources: the /proc poller, the kernel collector (or the degraded-mode banner), the rule and alert-name stages, Falco intakes and the kube watcher.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::mpsc;

use super::Runtime;
use super::procpoll::ProcPoller;
use crate::app::Event;
use crate::collector::{CollectorConfig, KernelSource, Source};
use crate::model::CollectorState;

/// What to start.
pub struct SourceOpts {
    /// Collector settings.
    pub collector: CollectorConfig,
    /// Do not try BPF (degraded mode on purpose).
    pub no_bpf: bool,
    /// The Falco rule engine run on the kernel events (`None`: no engine).
    pub engine: Option<crate::rules::Engine>,
    /// The `k8s_audit` rules, run on the audit intakes' events in the names stage.
    pub audit_engine: Option<crate::rules::Engine>,
    /// Falco alert intakes (their alerts are named through the runtime's CRI cache).
    pub intake: Vec<crate::alerts::intake::IntakeSource>,
    /// This node's pods from the Kubernetes API (`None`: not watched).
    pub kube: Option<crate::kube::KubeOpts>,
    /// Time between two /proc scans.
    pub proc_every: Duration,
}

/// The running sources: the stop flag and the threads to join.
pub struct Sources {
    stop: Arc<AtomicBool>,
    handles: Vec<JoinHandle<()>>,
}

/// Channel depth between the sources and the core.
const DEPTH: usize = 256;

/// Starts every source; events go to `tx`. Call from inside a tokio runtime (intakes and the
/// kube watcher are tasks on it); blocking starts run with `block_in_place`.
pub fn start(
    rt: &Runtime,
    mut opts: SourceOpts,
    tx: &mpsc::Sender<Event>,
) -> std::io::Result<Sources> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut handles = Vec::new();
    // With rules, the sources feed the engine stage, which feeds the core.
    let source_tx = match opts.engine.take() {
        Some(mut engine) => {
            // the engine's process table is the session's (the /proc poll feeds it too)
            engine.share_procs(rt.procs().clone());
            let (stage_tx, stage_rx) = mpsc::channel::<Event>(DEPTH);
            handles.push(super::stages::spawn_rules(engine, stage_rx, tx.clone())?);
            stage_tx
        }
        None => tx.clone(),
    };
    let started = tokio::task::block_in_place(|| start_threads(rt, &opts, &source_tx, &stop));
    handles.extend(started);
    drop(source_tx);
    if !opts.intake.is_empty() {
        // Falco's alerts pass through a stage that names their containers and pods; it is
        // not joined: it ends with the intake tasks (at runtime shutdown) or on a closed core.
        let (itx, irx) = mpsc::channel(DEPTH);
        let _detached =
            super::stages::spawn_names(irx, tx.clone(), rt.resolver(), opts.audit_engine.take())?;
        for source in &opts.intake {
            tokio::spawn(crate::alerts::intake::run_source(
                source.clone(),
                itx.clone(),
            ));
        }
    }
    if let Some(k) = opts.kube.take() {
        // names by pod UID when neither the runtime nor a bundle gives them
        if let Some(cri) = rt.cri() {
            cri.lock()
                .set_api(crate::identity::apipods::ApiPods::new(k.clone()));
        }
        super::kube::spawn(k, tx.clone());
    }
    Ok(Sources { stop, handles })
}

fn start_threads(
    rt: &Runtime,
    opts: &SourceOpts,
    tx: &mpsc::Sender<Event>,
    stop: &Arc<AtomicBool>,
) -> Vec<JoinHandle<()>> {
    let mut sources: Vec<Box<dyn Source<Event>>> =
        vec![Box::new(ProcPoller::new(rt, opts.proc_every))];
    if opts.no_bpf {
        let _ = tx.try_send(Event::Collector(CollectorState::Degraded {
            reason: "kernel events disabled (--no-bpf)".into(),
            fix: "start without --no-bpf, as root".into(),
        }));
    } else {
        match KernelSource::start(&opts.collector) {
            Ok(k) => sources.push(Box::new(k.with_timing(rt.timing().clone()))),
            Err(e) => {
                let _ = tx.try_send(Event::Collector(CollectorState::Degraded {
                    reason: e.to_string(),
                    fix: e.fix().to_string(),
                }));
            }
        }
    }
    let mut handles = Vec::new();
    for s in sources {
        // Source::spawn may block on a full channel while starting: run it off the async threads.
        handles.extend(s.spawn(tx.clone(), stop.clone()));
    }
    handles
}

impl Sources {
    /// Asks every source to stop and waits for their threads (the core's receiver must be
    /// dropped first, so that none stays blocked on a full channel).
    pub fn stop(self) {
        self.stop.store(true, Ordering::Release);
        tokio::task::block_in_place(|| {
            for h in self.handles {
                let _ = h.join();
            }
        });
    }

    /// The stop flag the threads watch.
    pub fn stop_flag(&self) -> &Arc<AtomicBool> {
        &self.stop
    }
}
