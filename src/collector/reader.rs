//! The ring-buffer reader thread: drain, decode, resolve cgroups, send batches; counts what it reads.

use std::collections::HashSet;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;

use aya::maps::{MapData, PerCpuArray, RingBuf};
use ktriage_common::counter;
use tokio::sync::mpsc::Sender;

use super::clock::{boot_ns, monotonic_ns};
use super::decode::decode;
use super::source::KernelFeed;
use super::stop::{REQUESTED, Stop};
use crate::identity::cgroup::{CgroupResolver, container_id};
use crate::model::{CgroupInfo, KernelBatch};

/// Records per batch sent to the core.
const BATCH: usize = 4096;

/// What the reader has read so far (shared with whoever reports stats).
#[derive(Debug, Default)]
pub struct ReaderCounts {
    /// Records read from the ring buffer.
    pub received: AtomicU64,
    /// Records that did not decode.
    pub undecodable: AtomicU64,
}

/// Kernel drops counted between two reads of the counter, placed in the stream
/// where the reader noticed them: after the first `after_events` decoded records
/// it sent. When the ring was empty at that point the place is exact; in a
/// flood (counted at a batch end) the records the ring still held, at most one
/// ring's worth, were queued before the loss and come after the record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Gap {
    /// Decoded records sent before the gap (since the reader started).
    pub after_events: u64,
    /// Records the kernel dropped since the previous gap (ring buffer full).
    pub kernel: u64,
    /// When the drops were counted (ns since boot, the clock of event timestamps).
    pub boot_ns: u64,
}

/// A handle on the kernel's per-CPU drop counter, read by the reader when the ring is empty.
pub struct DropCounter {
    map: PerCpuArray<MapData, u64>,
}

impl DropCounter {
    /// Wraps the probes' COUNTERS map.
    pub fn new(map: PerCpuArray<MapData, u64>) -> Self {
        Self { map }
    }

    /// Drops so far, summed over CPUs.
    pub fn read(&self) -> Option<u64> {
        let v = self.map.get(&counter::DROPPED, 0).ok()?;
        Some(v.iter().sum())
    }
}

/// How a reader stops and what it reports besides events.
pub struct ReaderCtl {
    /// Set: stop after one more drain (complete unless `hard` cuts it).
    pub stop: Arc<AtomicBool>,
    /// Stop level of a bounded run: at [`HARD`] the reader ends at once, mid-drain.
    pub hard: Option<Arc<Stop>>,
    /// Where in-band drop records go, with the counter they are read from.
    pub gaps: Option<(DropCounter, std::sync::mpsc::Sender<Gap>)>,
}

/// Starts the reader thread. It drains once more after `stop` is set, so
/// nothing the kernel wrote before the stop is lost.
pub fn spawn_reader<T: From<KernelFeed> + Send + 'static>(
    ring: RingBuf<MapData>,
    tx: Sender<T>,
    stop: Arc<AtomicBool>,
    counts: Arc<ReaderCounts>,
    poll_ms: u16,
) -> JoinHandle<()> {
    let ctl = ReaderCtl {
        stop,
        hard: None,
        gaps: None,
    };
    spawn_reader_ctl(ring, tx, ctl, counts, poll_ms)
}

/// [`spawn_reader`] with a hard stop and in-band drop records.
pub fn spawn_reader_ctl<T: From<KernelFeed> + Send + 'static>(
    mut ring: RingBuf<MapData>,
    tx: Sender<T>,
    ctl: ReaderCtl,
    counts: Arc<ReaderCounts>,
    poll_ms: u16,
) -> JoinHandle<()> {
    std::thread::Builder::new()
        .name("ktriage-ring".into())
        .spawn(move || {
            let mut r = Reader {
                tx,
                counts,
                cgroups: CgroupCache::default(),
                hard: ctl.hard,
                sent: 0,
                gaps: ctl.gaps.map(|(c, tx)| (c.read().unwrap_or(0), c, tx)),
            };
            loop {
                let stopping = ctl.stop.load(Ordering::Acquire) || r.stopping();
                wait_readable(&ring, poll_ms);
                if !r.drain(&mut ring) || stopping || r.hard() {
                    break;
                }
            }
            r.note_gap(0);
        })
        .expect("spawning the ring reader thread")
}

fn wait_readable(ring: &RingBuf<MapData>, poll_ms: u16) {
    let mut pfd = libc::pollfd {
        fd: ring.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut pfd, 1, poll_ms as i32) };
}

struct Reader<T> {
    tx: Sender<T>,
    counts: Arc<ReaderCounts>,
    cgroups: CgroupCache,
    hard: Option<Arc<Stop>>,
    /// Decoded records sent so far.
    sent: u64,
    /// Drops seen at the last gap, the counter, where gaps go.
    gaps: Option<(u64, DropCounter, std::sync::mpsc::Sender<Gap>)>,
}

impl<T: From<KernelFeed>> Reader<T> {
    fn hard(&self) -> bool {
        self.hard.as_ref().is_some_and(|h| h.hard())
    }

    fn stopping(&self) -> bool {
        self.hard.as_ref().is_some_and(|h| h.level() >= REQUESTED)
    }

    /// Reads the drop counter (the ring was just emptied) and reports what is new,
    /// placed after the records sent so far and the `unsent` ones about to be.
    fn note_gap(&mut self, unsent: u64) {
        let Some((last, counter, tx)) = self.gaps.as_mut() else {
            return;
        };
        let Some(now) = counter.read() else { return };
        if now > *last {
            let _ = tx.send(Gap {
                after_events: self.sent + unsent,
                kernel: now - *last,
                boot_ns: boot_ns(),
            });
            *last = now;
        }
    }

    fn send(&mut self, batch: KernelBatch) -> bool {
        let n = batch.events.len() as u64;
        let ok = self
            .tx
            .blocking_send(T::from(KernelFeed::Batch(batch)))
            .is_ok();
        self.sent += n;
        ok
    }

    /// Drains what is available (until a hard stop); false when the receiver is gone.
    fn drain(&mut self, ring: &mut RingBuf<MapData>) -> bool {
        let mut batch = KernelBatch::default();
        while let Some(item) = ring.next() {
            self.counts.received.fetch_add(1, Ordering::Relaxed);
            match decode(&item) {
                Ok(ev) => {
                    self.cgroups.note(ev.cgroup_id, &mut batch.cgroups);
                    batch.events.push(ev);
                }
                Err(_) => {
                    self.counts.undecodable.fetch_add(1, Ordering::Relaxed);
                }
            }
            drop(item);
            if batch.events.len() >= BATCH {
                // Under a flood the ring never empties: note drops at batch ends too.
                self.note_gap(batch.events.len() as u64);
                if !self.send(std::mem::take(&mut batch)) {
                    return false;
                }
                if self.hard() {
                    return true;
                }
            }
        }
        // The ring is empty: drops counted now fall after what was read.
        self.note_gap(batch.events.len() as u64);
        if batch.events.is_empty() && batch.cgroups.is_empty() {
            return !self.tx.is_closed();
        }
        self.send(batch)
    }
}

/// Resolves each cgroup id once, in the reader (I/O stays out of the core).
#[derive(Default)]
struct CgroupCache {
    seen: HashSet<u64>,
    resolver: Option<CgroupResolver>,
}

impl CgroupCache {
    fn note(&mut self, id: u64, out: &mut Vec<CgroupInfo>) {
        if !self.seen.insert(id) {
            return;
        }
        let path = self
            .resolver
            .get_or_insert_with(CgroupResolver::new)
            .resolve(id, monotonic_ns());
        let container_id = path.as_deref().and_then(container_id);
        out.push(CgroupInfo {
            id,
            path,
            container_id,
        });
    }
}
