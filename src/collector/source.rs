//! Sources: anything that produces events on its own threads; the kernel one, which reports [`KernelFeed`]s (the runtime turns them into the core's events; the /proc poller is the runtime's).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::mpsc::Sender;

use super::config::CollectorConfig;
use super::error::CollectorError;
use super::probes::Probes;
use super::reader::{ReaderCounts, spawn_reader};
use crate::model::{AggRow, CollectorStats, KernelBatch};

/// What the kernel collector reports; the core's event type converts from it.
#[derive(Clone, Debug, PartialEq)]
pub enum KernelFeed {
    /// Records decoded from one drain of the ring buffer.
    Batch(KernelBatch),
    /// The probe's and the reader's counters.
    Stats(CollectorStats),
    /// The in-kernel aggregation, exited processes' totals included.
    Summary(Vec<AggRow>),
    /// Aggregation rows of processes that exited since the last report.
    Retired(Vec<AggRow>),
    /// The probes are attached.
    Running,
}

/// A producer of `T`s (the core's events). `spawn` starts its threads; they end when
/// `stop` is set or the receiver is dropped.
pub trait Source<T>: Send {
    /// Short name for logs and banners.
    fn name(&self) -> &'static str;
    /// Starts producing.
    fn spawn(self: Box<Self>, tx: Sender<T>, stop: Arc<AtomicBool>) -> Vec<JoinHandle<()>>;
}

/// Whether syscall time is wanted: flipped by the runtime (the operator's
/// toggle), applied to the probes by the collector's map poller within [`SWITCH_EVERY`].
#[derive(Clone, Debug, Default)]
pub struct TimingSwitch(Arc<AtomicBool>);

impl TimingSwitch {
    /// Asks for syscall timing on or off.
    pub fn set(&self, on: bool) {
        self.0.store(on, Ordering::Release);
    }

    /// Whether timing is asked for.
    pub fn wanted(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// How often the map poller looks at the [`TimingSwitch`] (and the stop flag).
pub const SWITCH_EVERY: Duration = Duration::from_millis(50);

/// The eBPF collector: ring reader plus a poller for counters and aggregation.
pub struct KernelSource {
    probes: Probes,
    poll_ms: u16,
    stats_every: Duration,
    timing: Option<TimingSwitch>,
}

impl KernelSource {
    /// Loads and attaches the probes.
    pub fn start(cfg: &CollectorConfig) -> Result<Self, CollectorError> {
        Ok(Self {
            probes: Probes::load(cfg)?,
            poll_ms: cfg.poll_ms,
            stats_every: Duration::from_secs(1),
            timing: None,
        })
    }

    /// Follows `switch` for syscall timing (without one, the config's setting stays).
    pub fn with_timing(mut self, switch: TimingSwitch) -> Self {
        switch.set(self.probes.timing());
        self.timing = Some(switch);
        self
    }
}

impl<T: From<KernelFeed> + Send + 'static> Source<T> for KernelSource {
    fn name(&self) -> &'static str {
        "ebpf"
    }

    fn spawn(mut self: Box<Self>, tx: Sender<T>, stop: Arc<AtomicBool>) -> Vec<JoinHandle<()>> {
        let counts = Arc::new(ReaderCounts::default());
        let mut handles = Vec::new();
        if let Some(ring) = self.probes.ring.take() {
            handles.push(spawn_reader(
                ring,
                tx.clone(),
                stop.clone(),
                counts.clone(),
                self.poll_ms,
            ));
        }
        let _ = tx.blocking_send(T::from(KernelFeed::Running));
        handles.push(
            std::thread::Builder::new()
                .name("ktriage-maps".into())
                .spawn(move || poll_maps(*self, tx, stop, counts))
                .expect("spawning the map poller thread"),
        );
        handles
    }
}

/// Pseudo tgid under which the totals of exited processes are kept.
pub const EXITED_TGID: u32 = 0;

fn poll_maps<T: From<KernelFeed>>(
    mut src: KernelSource,
    tx: Sender<T>,
    stop: Arc<AtomicBool>,
    counts: Arc<ReaderCounts>,
) {
    use std::sync::atomic::Ordering::Relaxed;
    let mut retired: std::collections::BTreeMap<u32, AggRow> = Default::default();
    let mut round = 0u32;
    let since = super::clock::boot_ns();
    while !stop.load(Ordering::Acquire) {
        if let Ok(mut s) = src.probes.counters() {
            s.counting_since_ns = since;
            s.timing = src.probes.timing();
            s.received = counts.received.load(Relaxed);
            s.undecodable = counts.undecodable.load(Relaxed);
            if tx.blocking_send(T::from(KernelFeed::Stats(s))).is_err() {
                return;
            }
        }
        round = round.wrapping_add(1);
        let exited = |tgid: u32| !std::path::Path::new(&format!("/proc/{tgid}")).exists();
        // Exited processes leave the kernel maps; their totals stay, under EXITED_TGID. Process
        // slots (the fast path, 64 of them) are freed every round so a busy node's short-lived
        // processes do not hold them; the hash map every 10 rounds.
        let gone = if round.is_multiple_of(10) {
            src.probes.prune_agg(exited)
        } else {
            src.probes.prune_slots(exited)
        };
        // the core adds them to their containers' totals (it knows where each ran)
        if !gone.is_empty()
            && tx
                .blocking_send(T::from(KernelFeed::Retired(gone.clone())))
                .is_err()
        {
            return;
        }
        for r in gone {
            let e = retired.entry(r.nr).or_insert(AggRow {
                tgid: EXITED_TGID,
                nr: r.nr,
                ..AggRow::default()
            });
            e.calls += r.calls;
            e.errors += r.errors;
            e.time_ns += r.time_ns;
        }
        let mut rows = src.probes.agg_rows(|_| true);
        rows.extend(retired.values().copied());
        if tx
            .blocking_send(T::from(KernelFeed::Summary(rows)))
            .is_err()
        {
            return;
        }
        wait_switching(&mut src, &stop);
    }
}

/// Waits `stats_every` in [`SWITCH_EVERY`] steps, applying the timing switch
/// at each; returns early once `stop` is set. A failed switch is retried at the
/// next step (the stats say what the probes do).
fn wait_switching(src: &mut KernelSource, stop: &AtomicBool) {
    let mut left = src.stats_every;
    while !left.is_zero() && !stop.load(Ordering::Acquire) {
        if let Some(want) = src.timing.as_ref().map(TimingSwitch::wanted)
            && want != src.probes.timing()
        {
            let _ = src.probes.set_timing(want);
        }
        let d = left.min(SWITCH_EVERY);
        std::thread::sleep(d);
        left -= d;
    }
}

/// Sleeps `total` in short steps, returning early once `stop` is set.
pub fn sleep_unless_stopped(stop: &AtomicBool, total: Duration) {
    let step = Duration::from_millis(50);
    let mut left = total;
    while !left.is_zero() && !stop.load(Ordering::Acquire) {
        let d = left.min(step);
        std::thread::sleep(d);
        left -= d;
    }
}
