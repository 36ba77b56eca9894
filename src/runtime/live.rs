//! A live session as the TUI and `record` run it: what it is made of, and its start (the sources, then the session's settings given to the core).

use tokio::sync::mpsc;

use super::{Runtime, SourceOpts, Sources};
use crate::app::event::Setup;
use crate::app::{Core, Event};
use crate::collector::CollectorConfig;
use crate::collector::clock::WallClock;
use crate::posture::store::PodUpdate;

/// What a live session runs.
pub struct LiveSession {
    /// Collector settings.
    pub collector: CollectorConfig,
    /// Do not try BPF (degraded mode on purpose).
    pub no_bpf: bool,
    /// The session's one CRI cache (engine names, /proc poller, inspections, Falco's alerts).
    pub cri: crate::identity::cri::SharedCri,
    /// Pod specs (`--pod-manifest`), shown in the pods pane and the Security tab.
    pub pods: Option<Vec<k8s_openapi::api::core::v1::Pod>>,
    /// Falco alert intakes.
    pub intake: Vec<crate::alerts::intake::IntakeSource>,
    /// Flight recorder: keep only the last N seconds of kernel events.
    pub flight_seconds: Option<u64>,
    /// The Falco rule engine run on the kernel events (`None`: no engine).
    pub engine: Option<crate::rules::Engine>,
    /// The `k8s_audit` rules run on the audit intakes' events (`None`: none).
    pub audit_engine: Option<crate::rules::Engine>,
    /// This node's pods from the Kubernetes API (when no `--pod-manifest`).
    pub kube: Option<crate::kube::KubeOpts>,
}

/// A started session: its runtime (effects run there), its sources and the wall clock of its times.
pub struct Started {
    /// The runtime (CRI cache, process table, effect runner).
    pub runtime: Runtime,
    /// The running sources (stop them at the end).
    pub sources: Sources,
    /// Wall clock of the boot-clock times.
    pub clock: WallClock,
}

impl LiveSession {
    /// Starts the sources (events to `tx`) and gives `core` the session's settings. Call inside a tokio runtime.
    pub fn start(mut self, core: &mut Core, tx: &mpsc::Sender<Event>) -> std::io::Result<Started> {
        let runtime = Runtime::with_cri(Some(self.cri.clone()));
        let opts = SourceOpts {
            collector: self.collector.clone(),
            no_bpf: self.no_bpf,
            engine: self.engine.take(),
            audit_engine: self.audit_engine.take(),
            intake: std::mem::take(&mut self.intake),
            // a manifest's pods are the pods: the API is not watched then
            kube: self.kube.take().filter(|_| self.pods.is_none()),
            proc_every: super::procpoll::EVERY,
        };
        let sources = super::sources::start(&runtime, opts, tx)?;
        if let Some(pods) = self.pods {
            core.dispatch(Event::Pods(PodUpdate::Replace(pods)));
        }
        let clock = WallClock::now();
        core.dispatch(Event::Setup(Setup::WallOffset(clock.offset_ns())));
        core.dispatch(Event::Setup(Setup::FlightSeconds(self.flight_seconds)));
        Ok(Started {
            runtime,
            sources,
            clock,
        })
    }
}
