//! Headless runs of the live collector: probes loaded, the ring drained until a deadline, a signal or the consumer stops.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;

use super::probes::Probes;
use super::reader::{ReaderCounts, spawn_reader};
use super::{CollectorConfig, CollectorError};
use crate::app::Event;

/// What the kernel and the reader counted over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DriveReport {
    /// Records the reader took from the ring.
    pub received: u64,
    /// Records the kernel could not put in the ring (full).
    pub kernel_dropped: u64,
    /// Records the kernel tried to put in the ring.
    pub attempted: u64,
}

/// Loads the probes for `cfg`, calls `ready` once they are attached, then hands
/// each event to `on_event` until `duration` passes, SIGINT/SIGTERM arrive or
/// `on_event` returns false; events already read are still drained (and handed
/// over while `on_event` keeps accepting) before the counters are read.
pub fn drive(
    cfg: &CollectorConfig,
    duration: Option<Duration>,
    ready: impl FnOnce(),
    mut on_event: impl FnMut(Event) -> bool,
) -> Result<DriveReport, CollectorError> {
    let mut probes = Probes::load(cfg)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CollectorError::map("runtime", e))?;
    let (tx, mut rx) = mpsc::channel::<Event>(64);
    let stop = Arc::new(AtomicBool::new(false));
    let counts = Arc::new(ReaderCounts::default());
    let ring = probes
        .ring
        .take()
        .ok_or(CollectorError::MissingMap("EVENTS"))?;
    let reader = spawn_reader(ring, tx, stop.clone(), counts.clone(), cfg.poll_ms);
    ready();
    rt.block_on(async {
        let deadline = duration.map(|d| tokio::time::Instant::now() + d);
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        let mut ok = true;
        loop {
            let ev = tokio::select! {
                ev = rx.recv() => ev,
                _ = sleep_until(deadline) => break,
                _ = tokio::signal::ctrl_c() => break,
                _ = recv_term(&mut term) => break,
            };
            let Some(ev) = ev else { break };
            ok = on_event(ev);
            if !ok {
                break;
            }
        }
        stop.store(true, Ordering::Release);
        while let Some(ev) = rx.recv().await {
            if ok {
                ok = on_event(ev);
            }
        }
    });
    let _ = reader.join();
    let k = probes.counters()?;
    Ok(DriveReport {
        received: counts.received.load(Ordering::Relaxed),
        kernel_dropped: k.kernel_dropped,
        attempted: k.attempted,
    })
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

async fn recv_term(sig: &mut Option<tokio::signal::unix::Signal>) {
    match sig {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending().await,
    }
}
