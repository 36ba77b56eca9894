//! `ktriage record`: a live session without a terminal, every event that enters the core written to a session file, until the duration or a signal.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::app::{AppState, Core, Effect, Event};
use crate::collector::clock::monotonic_ns;
use crate::collector::stop::{HARD, REQUESTED, Stop};
use crate::runtime::live::LiveSession;
use crate::session::flight::{FlightLog, FlightOpts, FlightTap};
use crate::session::{Recording, WriterSummary};

/// Kernel events the headless core keeps (the file has them all; the core only needs its recent view).
const HEADLESS_CAP: usize = 1 << 16;

/// What a `record` run did.
#[derive(Debug)]
pub struct RecordReport {
    /// The files written and the final hash (`None`: only the flight recorder ran).
    pub summary: Option<WriterSummary>,
    /// What the flight recorder wrote.
    pub flight: Option<Arc<std::sync::Mutex<FlightLog>>>,
    /// Events that entered the core.
    pub events: u64,
}

/// Records `session` into `recording` until `stop` is raised (by the duration or a signal; see [`crate::collector::stop::watch`]).
pub fn run(
    session: LiveSession,
    recording: Option<Recording>,
    flight: Option<FlightOpts>,
    stop: Arc<Stop>,
    ready: impl FnOnce(),
) -> Result<RecordReport, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    rt.block_on(run_async(session, recording, flight, stop, ready))
}

async fn run_async(
    session: LiveSession,
    mut recording: Option<Recording>,
    flight: Option<FlightOpts>,
    stop: Arc<Stop>,
    ready: impl FnOnce(),
) -> Result<RecordReport, String> {
    let (tx, mut rx) = mpsc::channel::<Event>(256);
    let mut core = Core::new(AppState::new(HEADLESS_CAP));
    if let Some(r) = recording.as_mut() {
        r.attach(&mut core);
    }
    let flight = flight.map(|f| {
        let (tap, log) = FlightTap::new(f);
        core.set_tap(Box::new(tap));
        log
    });
    let started = session
        .start(&mut core, &tx)
        .map_err(|e| format!("starting the sources: {e}"))?;
    ready();
    let runner = started.runtime.effects();
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    let mut events = 0u64;
    loop {
        let ev = tokio::select! {
            ev = rx.recv() => ev,
            _ = tick.tick() => Some(Event::Tick(monotonic_ns())),
            _ = stop.reached(REQUESTED) => break,
        };
        let Some(ev) = ev else { break };
        events += 1;
        for e in core.dispatch(ev) {
            if e != Effect::Quit {
                runner.perform(e, tx.clone());
            }
        }
    }
    // What the sources already sent is recorded too, until the hard stop.
    while !stop.hard() {
        match rx.try_recv() {
            Ok(ev) => {
                events += 1;
                core.dispatch(ev);
            }
            Err(_) => break,
        }
    }
    drop(rx);
    drop(tx);
    started.sources.stop();
    stop.raise(HARD);
    let summary = recording.map(|r| r.finish(&mut core)).transpose()?;
    drop(core.take_taps());
    Ok(RecordReport {
        summary,
        events,
        flight,
    })
}
