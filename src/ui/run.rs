//! The interactive loop: keys and the runtime's events go to `update`, its effects to the runtime's runner, frames are drawn from the state.

use std::time::{Duration, Instant};

use crossterm::event::{Event as TermEvent, EventStream};
use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use super::keymap::Keymap;
use super::terminal::TerminalGuard;
use super::theme::Theme;
use crate::app::event::Setup;
use crate::app::{AppState, Core, Effect, Event};
use crate::collector::CollectorConfig;
use crate::collector::clock::{WallClock, monotonic_ns};
use crate::posture::store::PodUpdate;
use crate::runtime::{Runtime, SourceOpts};

/// Settings of an interactive session.
pub struct TuiOpts {
    /// Key bindings.
    pub keymap: Keymap,
    /// Colours.
    pub theme: Theme,
    /// Collector settings.
    pub collector: CollectorConfig,
    /// Buffered events cap.
    pub buffer_cap: usize,
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
    /// This node's pods from the Kubernetes API (when no `--pod-manifest`).
    pub kube: Option<crate::kube::KubeOpts>,
}

const FRAME: Duration = Duration::from_millis(33);

/// Runs the TUI until the user quits or the session's terminal goes away.
pub fn run(opts: TuiOpts) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(run_async(opts))
}

async fn run_async(mut opts: TuiOpts) -> std::io::Result<()> {
    let (tx, mut rx) = mpsc::channel::<Event>(256);
    let runtime = Runtime::with_cri(Some(opts.cri.clone()));
    let source_opts = SourceOpts {
        collector: opts.collector.clone(),
        no_bpf: opts.no_bpf,
        engine: opts.engine.take(),
        intake: std::mem::take(&mut opts.intake),
        // a manifest's pods are the pods: the API is not watched then
        kube: opts.kube.take().filter(|_| opts.pods.is_none()),
        proc_every: crate::runtime::procpoll::EVERY,
    };
    let sources = crate::runtime::sources::start(&runtime, source_opts, &tx)?;
    let runner = runtime.effects();
    let effects_tx = tx;
    let mut core = Core::new(AppState::new(opts.buffer_cap));
    core.dispatch(Event::Setup(Setup::KeyHelp(opts.keymap.key_help())));
    if let Some(pods) = opts.pods {
        core.dispatch(Event::Pods(PodUpdate::Replace(pods)));
    }
    let clock = WallClock::now();
    core.dispatch(Event::Setup(Setup::WallOffset(clock.offset_ns())));
    core.dispatch(Event::Setup(Setup::FlightSeconds(opts.flight_seconds)));
    let mut guard = TerminalGuard::enter()?;
    let size = guard.terminal.size()?;
    core.dispatch(Event::Resize(size.width, size.height));
    let mut keys = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    // In raw mode ctrl-c is a key; `kill -INT` still arrives as a signal and must restore the terminal too.
    let mut int = signal(SignalKind::interrupt())?;
    let mut last_draw = Instant::now() - FRAME;
    let mut dirty = true;
    loop {
        if dirty && last_draw.elapsed() >= FRAME {
            guard
                .terminal
                .draw(|f| super::render::render(f, core.state(), &opts.theme, &clock))?;
            last_draw = Instant::now();
            dirty = false;
        }
        let ev = tokio::select! {
            ev = rx.recv() => ev,
            k = keys.next() => match k {
                Some(Ok(TermEvent::Key(k))) => {
                    super::input::translate(core.state().input_target(), &opts.keymap, &k)
                        .map(Event::Input)
                }
                Some(Ok(TermEvent::Resize(w, h))) => Some(Event::Resize(w, h)),
                Some(Ok(_)) => None,
                Some(Err(_)) | None => break,
            },
            _ = tick.tick() => Some(Event::Tick(monotonic_ns())),
            _ = term.recv() => break,
            _ = hup.recv() => break,
            _ = int.recv() => break,
        };
        if let Some(ev) = ev {
            let effects = core.dispatch(ev);
            if effects.contains(&Effect::Quit) {
                break;
            }
            for e in effects {
                runner.perform(e, effects_tx.clone());
            }
            dirty = true;
        }
    }
    drop(guard);
    drop(effects_tx);
    drop(rx);
    sources.stop();
    Ok(())
}
