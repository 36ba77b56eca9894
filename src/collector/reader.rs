//! The ring-buffer reader thread: drain, decode, resolve cgroups, send batches; counts what it reads.

use std::collections::HashSet;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;

use aya::maps::{MapData, RingBuf};
use tokio::sync::mpsc::Sender;

use super::clock::monotonic_ns;
use super::decode::decode;
use crate::app::event::{CgroupInfo, Event, KernelBatch};
use crate::identity::cgroup::{CgroupResolver, container_id};

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

/// Starts the reader thread. It drains once more after `stop` is set, so
/// nothing the kernel wrote before the stop is lost.
pub fn spawn_reader(
    mut ring: RingBuf<MapData>,
    tx: Sender<Event>,
    stop: Arc<AtomicBool>,
    counts: Arc<ReaderCounts>,
    poll_ms: u16,
) -> JoinHandle<()> {
    std::thread::Builder::new()
        .name("ktriage-ring".into())
        .spawn(move || {
            let mut cgroups = CgroupCache::default();
            loop {
                let stopping = stop.load(Ordering::Acquire);
                wait_readable(&ring, poll_ms);
                if !drain(&mut ring, &tx, &counts, &mut cgroups) || stopping {
                    break;
                }
            }
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

/// Drains everything available; false when the receiver is gone.
fn drain(
    ring: &mut RingBuf<MapData>,
    tx: &Sender<Event>,
    counts: &ReaderCounts,
    cgroups: &mut CgroupCache,
) -> bool {
    let mut batch = KernelBatch::default();
    while let Some(item) = ring.next() {
        counts.received.fetch_add(1, Ordering::Relaxed);
        match decode(&item) {
            Ok(ev) => {
                cgroups.note(ev.cgroup_id, &mut batch.cgroups);
                batch.events.push(ev);
            }
            Err(_) => {
                counts.undecodable.fetch_add(1, Ordering::Relaxed);
            }
        }
        drop(item);
        if batch.events.len() >= BATCH
            && tx
                .blocking_send(Event::Kernel(std::mem::take(&mut batch)))
                .is_err()
        {
            return false;
        }
    }
    if batch.events.is_empty() && batch.cgroups.is_empty() {
        return !tx.is_closed();
    }
    tx.blocking_send(Event::Kernel(batch)).is_ok()
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
