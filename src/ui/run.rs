//! The interactive loop: sources and keys become events, `update` applies them, frames are drawn from the state.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{Event as TermEvent, EventStream};
use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use super::keymap::Keymap;
use super::terminal::TerminalGuard;
use super::theme::Theme;
use crate::app::event::CollectorState;
use crate::app::event::Setup;
use crate::app::{AppState, Core, Effect, Event};
use crate::collector::clock::{WallClock, monotonic_ns};
use crate::collector::{CollectorConfig, KernelSource, ProcSource, Source};
use crate::posture::store::PodUpdate;

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
    /// CRI socket (`None`: auto-detect containerd, CRI-O, k3s).
    pub cri_socket: Option<std::path::PathBuf>,
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

fn start_sources(
    opts: &TuiOpts,
    tx: &mpsc::Sender<Event>,
    stop: &Arc<AtomicBool>,
) -> Vec<std::thread::JoinHandle<()>> {
    let mut sources: Vec<Box<dyn Source>> = vec![Box::new(ProcSource {
        every: Duration::from_secs(2),
        cri_socket: opts.cri_socket.clone(),
        cri: true,
    })];
    if opts.no_bpf {
        let _ = tx.try_send(Event::Collector(CollectorState::Degraded {
            reason: "kernel events disabled (--no-bpf)".into(),
            fix: "start without --no-bpf, as root".into(),
        }));
    } else {
        match KernelSource::start(&opts.collector) {
            Ok(k) => sources.push(Box::new(k)),
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
        let (tx, stop) = (tx.clone(), stop.clone());
        // Source::spawn may block on a full channel while starting: run it off the async threads.
        handles.extend(s.spawn(tx, stop));
    }
    handles
}

async fn run_async(mut opts: TuiOpts) -> std::io::Result<()> {
    let (tx, mut rx) = mpsc::channel::<Event>(256);
    let stop = Arc::new(AtomicBool::new(false));
    // With rules, the sources feed the engine stage, which feeds the core.
    let (source_tx, stage) = match opts.engine.take() {
        Some(engine) => {
            let (stage_tx, stage_rx) = mpsc::channel::<Event>(256);
            let h = crate::rules::stage::spawn_stage(engine, stage_rx, tx.clone())?;
            (stage_tx, Some(h))
        }
        None => (tx.clone(), None),
    };
    let mut handles = tokio::task::block_in_place(|| start_sources(&opts, &source_tx, &stop));
    drop(source_tx);
    handles.extend(stage);
    if !opts.intake.is_empty() {
        // Falco's alerts pass through a stage that names their containers and pods; it is
        // not joined: it ends with the intake tasks (at runtime shutdown) or on a closed core.
        let (itx, irx) = tokio::sync::mpsc::channel(256);
        let _detached =
            crate::alerts::intake::resolve::spawn_stage(irx, tx.clone(), opts.cri_socket.clone())?;
        for source in &opts.intake {
            tokio::spawn(crate::alerts::intake::run_source(
                source.clone(),
                itx.clone(),
            ));
        }
    }
    let effects_tx = tx;
    let mut core = Core::new(AppState::new(opts.buffer_cap));
    core.dispatch(Event::Setup(Setup::KeyHelp(opts.keymap.key_help())));
    if let Some(pods) = opts.pods {
        core.dispatch(Event::Pods(PodUpdate::Replace(pods)));
    } else if let Some(k) = opts.kube.take() {
        super::kube_source::spawn(k, effects_tx.clone());
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
                .draw(|f| super::render::render(f, &core.state().view(), &opts.theme, &clock))?;
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
                super::effects::perform(e, effects_tx.clone(), opts.cri_socket.clone());
            }
            dirty = true;
        }
    }
    stop.store(true, Ordering::Release);
    drop(guard);
    drop(effects_tx);
    drop(rx);
    tokio::task::block_in_place(|| {
        for h in handles {
            let _ = h.join();
        }
    });
    Ok(())
}
