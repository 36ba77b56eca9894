//! Per-connection deadlines of the HTTP intake: a whole-request deadline (headers and body, from the first byte) and an idle keep-alive timeout, enforced by a watchdog that drops the connection.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

/// Limits of the HTTP intake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpLimits {
    /// A request (headers and body) must be complete this long after its first byte.
    pub request_deadline: Duration,
    /// A connection with no request in progress is closed after this long.
    pub idle_timeout: Duration,
    /// Connections served at once; more are refused at once (503, closed), never queued.
    pub max_connections: usize,
    /// Bytes of request bodies held in memory at once, over all connections (503 past it).
    pub body_budget: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            request_deadline: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(5),
            max_connections: 4096,
            body_budget: 64 * super::MAX_BODY,
        }
    }
}

/// What a connection is doing, shared by its reader side, its service and its watchdog.
#[derive(Debug)]
pub struct ConnClock {
    start: Instant,
    /// A request is in progress (its first byte has been read, its response not yet produced).
    busy: AtomicBool,
    /// When the current phase (busy or idle) began, in ms since `start`.
    since_ms: AtomicU64,
}

impl ConnClock {
    /// A clock for a connection accepted now (idle until its first byte).
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            start: Instant::now(),
            busy: AtomicBool::new(false),
            since_ms: AtomicU64::new(0),
        })
    }

    fn now_ms(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// Bytes arrived: a request starts unless one is already in progress.
    fn saw_bytes(&self) {
        if !self.busy.swap(true, Ordering::AcqRel) {
            self.since_ms.store(self.now_ms(), Ordering::Release);
        }
    }

    /// The response is produced: the connection is idle again.
    pub fn request_done(&self) {
        self.since_ms.store(self.now_ms(), Ordering::Release);
        self.busy.store(false, Ordering::Release);
    }

    /// When the current phase runs out.
    fn due(&self, limits: &HttpLimits) -> Instant {
        let since = Duration::from_millis(self.since_ms.load(Ordering::Acquire));
        let limit = if self.busy.load(Ordering::Acquire) {
            limits.request_deadline
        } else {
            limits.idle_timeout
        };
        self.start + since + limit
    }

    /// Resolves when the connection has overrun its request deadline or idle timeout.
    pub async fn expired(&self, limits: HttpLimits) {
        loop {
            let due = self.due(&limits);
            if Instant::now() >= due {
                return;
            }
            // Deadlines only move later: sleep to the current one, then look again.
            tokio::time::sleep_until(due).await;
        }
    }
}

/// An I/O stream that tells its [`ConnClock`] when request bytes arrive.
pub struct Watched<S> {
    inner: S,
    clock: Arc<ConnClock>,
}

impl<S> Watched<S> {
    /// Wraps `inner`.
    pub fn new(inner: S, clock: Arc<ConnClock>) -> Self {
        Self { inner, clock }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.clock.saw_bytes();
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Raises the soft open-files limit towards the hard one so `want` connections fit;
/// returns how many connections the limit then allows (some fds are kept for the rest).
pub fn fit_connections(want: usize) -> usize {
    const RESERVE: u64 = 128;
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit struct we own.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return want.min(512);
    }
    let need = want as u64 + RESERVE;
    if lim.rlim_cur < need && lim.rlim_max > lim.rlim_cur {
        let raised = libc::rlimit {
            rlim_cur: need.min(lim.rlim_max),
            rlim_max: lim.rlim_max,
        };
        // SAFETY: setrlimit reads one rlimit struct we own; lowering nothing, raising only the soft limit.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            lim.rlim_cur = raised.rlim_cur;
        }
    }
    (lim.rlim_cur.saturating_sub(RESERVE) as usize).clamp(1, want)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `f` and returns how long it took, in tenths of a second.
    async fn tenths(f: impl std::future::Future<Output = ()>) -> u128 {
        let t0 = Instant::now();
        f.await;
        (t0.elapsed().as_millis() + 50) / 100
    }

    #[tokio::test]
    async fn idle_then_request_deadlines() {
        let limits = HttpLimits {
            request_deadline: Duration::from_millis(300),
            idle_timeout: Duration::from_millis(100),
            ..HttpLimits::default()
        };
        let c = ConnClock::new();
        assert!(
            (1..=2).contains(&tenths(c.expired(limits)).await),
            "silent: idle timeout"
        );
        let c = ConnClock::new();
        c.saw_bytes();
        assert!(
            (3..=4).contains(&tenths(c.expired(limits)).await),
            "request: its deadline"
        );
        c.request_done();
        assert!(
            (1..=2).contains(&tenths(c.expired(limits)).await),
            "answered: idle again"
        );
    }

    #[test]
    fn fits_within_the_open_files_limit() {
        let n = fit_connections(1_000_000);
        assert!(n >= 1);
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes one rlimit struct we own.
        assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
        assert!((n as u64) < lim.rlim_cur, "leaves fds for the rest");
    }
}
