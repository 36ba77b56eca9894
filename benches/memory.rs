//! Memory per buffered event: 1 M events of a realistic mix (60% openat with
//! 20–60 byte paths, 20% connect, 10% exec with argv, 10% other without
//! buffers) pushed through `update` into an `AppState` with the default cap
//! (1 M), in reader-sized batches. Reports RSS growth per event (VmRSS), live
//! heap growth per event (a counting allocator), `EventBuffer::heap_bytes()/len`
//! and the captured payload per event; then 1 M more events at the cap (the
//! buffer recycles its oldest chunks) to show the steady state.
//!
//! `cargo bench --bench memory`.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use ktriage::app::buffer::DEFAULT_CAP;
use ktriage::app::{AppState, Core, Event};

use common::{Mix, vm_rss_bytes};

/// The system allocator, counting live bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only adds counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE.fetch_add(new_size, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const N: usize = 1_000_000;
const BATCH: usize = 4096;
const TARGET: f64 = 150.0;

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

fn trim() {
    // SAFETY: malloc_trim only returns free memory to the kernel.
    unsafe { libc::malloc_trim(0) };
}

/// Pushes `n` events, returns the captured payload bytes they carried.
fn push(state: &mut Core, mix: &mut Mix, n: usize) -> usize {
    let mut left = n;
    let mut payload = 0;
    while left > 0 {
        let k = left.min(BATCH);
        let batch = mix.batch(k);
        payload += batch
            .events
            .iter()
            .map(|e| e.bufs[0].bytes.len() + e.bufs[1].bytes.len())
            .sum::<usize>();
        state.dispatch(Event::Kernel(batch));
        left -= k;
    }
    payload
}

fn main() {
    let mut mix = Mix::new(7);
    let mut state = Core::new(AppState::new(DEFAULT_CAP));
    // Warm the allocator with one batch the size the reader sends, then measure from there.
    drop(mix.batch(BATCH));
    trim();
    let (rss0, live0) = (vm_rss_bytes(), live());

    let payload = push(&mut state, &mut mix, N);
    let (rss1, live1) = (vm_rss_bytes(), live());
    trim();
    let rss1t = vm_rss_bytes();
    let len1 = state.state().buffer.len();
    let heap1 = state.state().buffer.heap_bytes();

    let _ = push(&mut state, &mut mix, N);
    let (rss2, live2) = (vm_rss_bytes(), live());
    let len2 = state.state().buffer.len();
    let heap2 = state.state().buffer.heap_bytes();

    let per = |a: u64, b: u64, n: usize| (b as f64 - a as f64) / n as f64;
    println!(
        "memory: {N} events of the mix (60% openat 20-60 B paths, 20% connect, 10% exec+argv, 10% other) through update, \
         batches of {BATCH}, cap {DEFAULT_CAP}"
    );
    println!(
        "captured payload: {:.1} bytes/event on average",
        payload as f64 / N as f64
    );
    println!();
    println!("{:<52} {:>14} {:>12}", "measure", "total", "bytes/event");
    let row = |what: &str, bytes: f64, n: usize| {
        println!(
            "{what:<52} {:>11.1} MiB {:>12.1}",
            bytes / (1024.0 * 1024.0),
            bytes / n as f64
        );
    };
    row(
        "VmRSS growth, first 1M events",
        rss1 as f64 - rss0 as f64,
        N,
    );
    row(
        "VmRSS growth, first 1M events, after malloc_trim",
        rss1t as f64 - rss0 as f64,
        N,
    );
    row(
        "live heap growth (counting allocator), first 1M",
        live1 as f64 - live0 as f64,
        N,
    );
    row(
        "EventBuffer::heap_bytes() / len after 1M",
        heap1 as f64,
        len1,
    );
    row(
        "VmRSS growth after 1M more at the cap (vs start)",
        rss2 as f64 - rss0 as f64,
        len2,
    );
    row(
        "live heap growth after 1M more at the cap",
        live2 as f64 - live0 as f64,
        len2,
    );
    row(
        "EventBuffer::heap_bytes() / len after 2M pushed",
        heap2 as f64,
        len2,
    );
    println!(
        "(buffer len {len1} after 1M, {len2} after 2M; dropped {}; rss0 {:.1} MiB; Stored record {} bytes)",
        state.state().buffer.dropped(),
        rss0 as f64 / (1024.0 * 1024.0),
        stored_size_hint()
    );
    let rss_per = per(rss0, rss1, N);
    println!();
    println!(
        "RSS growth per event {rss_per:.1} bytes (target <= {TARGET:.0}: {}); heap_bytes/len {:.1}",
        if rss_per <= TARGET { "MET" } else { "MISSED" },
        heap1 as f64 / len1 as f64
    );
}

/// Bytes per record of the fixed part, derived from the buffer's own accounting
/// of a single full chunk (heap_bytes of a one-event buffer minus its arena).
fn stored_size_hint() -> usize {
    let mut b = ktriage::app::buffer::EventBuffer::new(1);
    let mut mix = Mix::new(1);
    let mut ev = mix.event();
    ev.bufs = Default::default();
    b.push(&ev);
    b.heap_bytes() / ktriage::app::buffer::CHUNK
}
