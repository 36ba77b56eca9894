//! When a headless run stops: a deadline or SIGINT/SIGTERM asks it to stop, and a short grace later it must have stopped, whatever the load.
//!
//! A watcher thread (its own small runtime, so a busy or blocked consumer cannot
//! delay it) sets the levels; the ring reader, the output writer and the run
//! loop read them without waiting.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

/// Time between the stop request and the hard stop: events already read are still printed during it.
pub const GRACE: Duration = Duration::from_millis(300);

/// Running.
pub const RUNNING: u8 = 0;
/// Stop asked (deadline or signal): read what is already there, then end.
pub const REQUESTED: u8 = 1;
/// Stop now: no more reading, no more waiting on the output.
pub const HARD: u8 = 2;

/// The stop level of one run, shared by every thread of it.
#[derive(Debug)]
pub struct Stop {
    level: AtomicU8,
    tx: watch::Sender<u8>,
}

impl Stop {
    /// Running.
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            level: AtomicU8::new(RUNNING),
            tx: watch::channel(RUNNING).0,
        })
    }

    /// The current level.
    pub fn level(&self) -> u8 {
        self.level.load(Ordering::Acquire)
    }

    /// True once the stop is hard.
    pub fn hard(&self) -> bool {
        self.level() >= HARD
    }

    /// Raises the level (never lowers it).
    pub fn raise(&self, to: u8) {
        if self.level.fetch_max(to, Ordering::AcqRel) < to {
            self.tx.send_replace(to);
        }
    }

    /// Resolves once the level is at least `at`.
    pub async fn reached(&self, at: u8) {
        let mut rx = self.tx.subscribe();
        let _ = rx.wait_for(|l| *l >= at).await;
    }
}

/// Starts the watcher: `duration` or SIGINT/SIGTERM raise the level to
/// [`REQUESTED`], then [`GRACE`] later (or at a second signal) to [`HARD`].
/// It ends when the level is hard; raise it to end the watcher early.
pub fn watch(stop: &Arc<Stop>, duration: Option<Duration>) -> std::io::Result<JoinHandle<()>> {
    watch_with(stop, duration, |_| {})
}

/// [`watch`], calling `on_raise` with each level the watcher raises (on its own thread).
pub fn watch_with(
    stop: &Arc<Stop>,
    duration: Option<Duration>,
    on_raise: impl Fn(u8) + Send + 'static,
) -> std::io::Result<JoinHandle<()>> {
    let stop = stop.clone();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<std::io::Result<()>>();
    let handle = std::thread::Builder::new()
        .name("ktriage-stop".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            rt.block_on(async move {
                let (mut int, mut term) = match (
                    signal(SignalKind::interrupt()),
                    signal(SignalKind::terminate()),
                ) {
                    (Ok(i), Ok(t)) => (i, t),
                    (Err(e), _) | (_, Err(e)) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                // Registered before the caller goes on, so no signal falls between.
                let _ = ready_tx.send(Ok(()));
                let deadline = async {
                    match duration {
                        Some(d) => tokio::time::sleep(d).await,
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    _ = deadline => {}
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                    _ = stop.reached(REQUESTED) => {}
                }
                stop.raise(REQUESTED);
                on_raise(REQUESTED);
                tokio::select! {
                    _ = tokio::time::sleep(GRACE) => {}
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                    _ = stop.reached(HARD) => {}
                }
                stop.raise(HARD);
                on_raise(HARD);
            })
        })?;
    match ready_rx.recv() {
        Ok(Ok(())) => Ok(handle),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(std::io::Error::other("the stop watcher ended at start")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn deadline_then_grace_then_hard() {
        let stop = Stop::new();
        let t0 = Instant::now();
        let h = watch(&stop, Some(Duration::from_millis(100))).expect("watcher");
        h.join().expect("watcher ends");
        let took = t0.elapsed();
        assert!(stop.hard());
        assert!(took >= Duration::from_millis(100) + GRACE, "{took:?}");
        assert!(took < Duration::from_secs(2), "{took:?}");
    }

    #[test]
    fn raising_to_hard_ends_the_watcher_at_once() {
        let stop = Stop::new();
        let h = watch(&stop, None).expect("watcher");
        let t0 = Instant::now();
        stop.raise(HARD);
        h.join().expect("watcher ends");
        assert!(t0.elapsed() < Duration::from_millis(500));
        stop.raise(REQUESTED);
        assert_eq!(stop.level(), HARD, "never lowered");
    }
}
