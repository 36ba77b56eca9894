//! The interactive loop: keys and the runtime's events go to `update`, its effects to the runtime's runner, frames are drawn from the state.

use std::time::{Duration, Instant};

use crossterm::event::{Event as TermEvent, EventStream};
use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use super::keymap::Keymap;
use super::terminal::TerminalGuard;
use super::theme::Theme;
use crate::app::drill_task::DrillEvent;
use crate::app::event::Setup;
use crate::app::{AppState, Core, Effect, Event};
use crate::collector::clock::monotonic_ns;
use crate::runtime::live::LiveSession;
use std::sync::{Arc, Mutex};

use crate::session::flight::{FlightLog, FlightOpts, FlightTap};
use crate::session::{Recording, WriterSummary};

/// Settings of an interactive session.
pub struct TuiOpts {
    /// Key bindings.
    pub keymap: Keymap,
    /// Colours.
    pub theme: Theme,
    /// Buffered events cap.
    pub buffer_cap: usize,
    /// What the session runs.
    pub session: LiveSession,
    /// The session's recording (`--record`), opened before the terminal is taken.
    pub record: Option<Recording>,
    /// The flight recorder to disk (`--flight-dir`).
    pub flight: Option<FlightOpts>,
    /// Drill mode: the running drill's task (the panel shows it; `:grade` grades it).
    pub drill: Option<crate::app::drill_task::DrillTask>,
}

/// How a session ended: its recording, what the flight recorder wrote, and
/// in drill mode whether the last grade passed (`None`: not graded).
pub type Ended = (
    Option<Result<WriterSummary, String>>,
    Option<Arc<Mutex<FlightLog>>>,
    Option<bool>,
);

const FRAME: Duration = Duration::from_millis(33);

/// Runs the TUI until the user quits or the session's terminal goes away; then finishes the recording, if any.
pub fn run(opts: TuiOpts) -> std::io::Result<Ended> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(run_async(opts))
}

async fn run_async(mut opts: TuiOpts) -> std::io::Result<Ended> {
    let (tx, mut rx) = mpsc::channel::<Event>(256);
    let mut core = Core::new(AppState::new(opts.buffer_cap));
    if let Some(r) = opts.record.as_mut() {
        r.attach(&mut core);
    }
    let flight = opts.flight.take().map(|f| {
        let (tap, log) = FlightTap::new(f);
        core.set_tap(Box::new(tap));
        log
    });
    core.dispatch(Event::Setup(Setup::KeyHelp(opts.keymap.key_help())));
    if let Some(task) = opts.drill.take() {
        core.dispatch(Event::Drill(DrillEvent::Task(task)));
    }
    let started = opts.session.start(&mut core, &tx)?;
    let runner = started.runtime.effects();
    let clock = started.clock;
    let effects_tx = tx;
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
                if let Some(e) = super::drill::perform(e, &effects_tx) {
                    runner.perform(e, effects_tx.clone());
                }
            }
            dirty = true;
        }
    }
    drop(guard);
    drop(effects_tx);
    drop(rx);
    started.sources.stop();
    let graded = core
        .state()
        .drill
        .as_ref()
        .and_then(|d| d.grade.as_ref()?.as_ref().ok().map(|g| g.passed));
    let recorded = opts.record.map(|r| r.finish(&mut core));
    // the flight recorder finishes an open file when its tap goes
    drop(core.take_taps());
    Ok((recorded, flight, graded))
}
