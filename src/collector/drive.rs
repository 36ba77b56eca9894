//! Headless runs of the live collector: probes loaded, the ring drained until a deadline, a signal or the consumer stops; bounded in time whatever the load.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;

use super::probes::Probes;
use super::reader::{DropCounter, Gap, ReaderCounts, ReaderCtl, spawn_reader_ctl};
use super::source::KernelFeed;
use super::stop::{self, HARD, REQUESTED, Stop};
use super::{CollectorConfig, CollectorError};

/// What the kernel and the reader counted over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DriveReport {
    /// Records the reader took from the ring.
    pub received: u64,
    /// Records the kernel could not put in the ring (full).
    pub kernel_dropped: u64,
    /// Records the kernel tried to put in the ring.
    pub attempted: u64,
    /// Decoded records read but not handed over: the run was stopping hard, or the consumer had stopped.
    pub unhanded: u64,
}

/// Loads the probes for `cfg`, calls `ready` once they are attached, then hands
/// each event to `on_event` until `duration` passes, SIGINT/SIGTERM arrive or
/// `on_event` returns false; see [`drive_until`].
pub fn drive<T: From<KernelFeed>>(
    cfg: &CollectorConfig,
    duration: Option<Duration>,
    ready: impl FnOnce(),
    on_event: impl FnMut(T) -> bool,
) -> Result<DriveReport, CollectorError> {
    drive_until(cfg, &Stop::new(), duration, ready, on_event, |_| true)
}

/// [`drive`] with the run's [`Stop`] (so the consumer's output can watch it too)
/// and in-band drop records: `on_gap` is called, between events, where the
/// kernel dropped records. After the stop is asked, events already read are
/// handed over for [`stop::GRACE`]; then the run ends, whatever the load.
pub fn drive_until<T: From<KernelFeed>>(
    cfg: &CollectorConfig,
    stop: &Arc<Stop>,
    duration: Option<Duration>,
    ready: impl FnOnce(),
    mut on_event: impl FnMut(T) -> bool,
    mut on_gap: impl FnMut(Gap) -> bool,
) -> Result<DriveReport, CollectorError> {
    let mut probes = Probes::load(cfg)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CollectorError::map("runtime", e))?;
    // Few batches in flight: a slow consumer sees recent events and drop records soon, the rest waits in the ring.
    let (tx, mut rx) = mpsc::channel::<KernelFeed>(4);
    let counts = Arc::new(ReaderCounts::default());
    let ring = probes
        .ring
        .take()
        .ok_or(CollectorError::MissingMap("EVENTS"))?;
    let (gap_tx, gap_rx) = std::sync::mpsc::channel::<Gap>();
    let ctl = ReaderCtl {
        stop: Arc::new(AtomicBool::new(false)),
        hard: Some(stop.clone()),
        gaps: probes
            .drop_counter
            .take()
            .map(|c| (DropCounter::new(c), gap_tx)),
    };
    let watcher = stop::watch(stop, duration).map_err(|e| CollectorError::map("signals", e))?;
    let reader = spawn_reader_ctl(ring, tx, ctl, counts.clone(), cfg.poll_ms);
    ready();
    let mut unhanded = 0u64;
    rt.block_on(async {
        let mut ok = true;
        let mut seen = 0u64;
        let mut pending = std::collections::VecDeque::new();
        // Hands over the drop records placed at or before `upto` events.
        let mut gaps_upto = |upto: u64, ok: &mut bool| {
            pending.extend(gap_rx.try_iter());
            while pending
                .front()
                .is_some_and(|g: &Gap| g.after_events <= upto)
            {
                let g = pending.pop_front().expect("front checked");
                if *ok && !stop.hard() {
                    *ok = on_gap(g);
                }
            }
        };
        loop {
            let ev = tokio::select! {
                biased;
                _ = stop.reached(HARD), if ok => {
                    // Nothing more is handed over; keep receiving so the reader can end.
                    ok = false;
                    continue;
                }
                ev = rx.recv() => ev,
            };
            let Some(ev) = ev else { break };
            let n = match &ev {
                KernelFeed::Batch(b) => b.events.len() as u64,
                _ => 0,
            };
            gaps_upto(seen, &mut ok);
            seen += n;
            if ok && !stop.hard() {
                ok = on_event(T::from(ev));
            } else {
                unhanded += n;
            }
            gaps_upto(seen, &mut ok);
            if !ok {
                // The consumer is gone or the stop is hard: end the reader now.
                stop.raise(HARD);
            }
        }
        gaps_upto(u64::MAX, &mut ok);
    });
    stop.raise(REQUESTED);
    stop.raise(HARD);
    let _ = reader.join();
    let _ = watcher.join();
    let k = probes.counters()?;
    Ok(DriveReport {
        received: counts.received.load(Ordering::Relaxed),
        kernel_dropped: k.kernel_dropped,
        attempted: k.attempted,
        unhanded,
    })
}
