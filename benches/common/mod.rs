//! Helpers shared by the benchmarks: root check, statistics, /proc readings,
//! a live collector pipeline (probes + ring reader + a consumer applying
//! `update`, as the TUI runs it) and a deterministic synthetic event mix.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ktriage::app::event::CollectorStats;
use ktriage::app::{AppState, Core, Event};
use ktriage::collector::CollectorConfig;
use ktriage::collector::probes::{Probes, preflight};
use ktriage::collector::reader::{ReaderCounts, spawn_reader};
use tokio::sync::mpsc;

/// Exits with a clear message unless BPF can be used (root, BTF).
pub fn require_root(bench: &str) {
    if let Err(e) = preflight() {
        eprintln!("{bench}: this benchmark loads eBPF programs and needs root with BTF: {e}");
        eprintln!("run it as root: sudo -E cargo bench --bench {bench}");
        std::process::exit(2);
    }
}

/// Median of `v` (NaN when empty).
pub fn median(v: &[f64]) -> f64 {
    percentile(v, 50.0)
}

/// Nearest-rank percentile `p` (0..=100) of `v` (NaN when empty).
pub fn percentile(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * s.len() as f64).ceil() as usize;
    s[rank.clamp(1, s.len()) - 1]
}

/// Smallest and largest value.
pub fn min_max(v: &[f64]) -> (f64, f64) {
    v.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(*x), hi.max(*x))
        })
}

/// Resident set size of this process in bytes (`VmRSS` of /proc/self/status).
pub fn vm_rss_bytes() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// CPU time (ns, from schedstat) of this process's threads named `name`.
pub fn thread_cpu_ns(name: &str) -> u64 {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    let mut total = 0;
    for task in dir.filter_map(Result::ok) {
        let p = task.path();
        let comm = std::fs::read_to_string(p.join("comm")).unwrap_or_default();
        if comm.trim_end() != name {
            continue;
        }
        let sched = std::fs::read_to_string(p.join("schedstat")).unwrap_or_default();
        total += sched
            .split_whitespace()
            .next()
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
    }
    total
}

/// User + system CPU time (ns) of all waited-for children so far.
pub fn children_cpu_ns() -> u64 {
    // SAFETY: getrusage fills the struct we pass.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    let tv = |t: libc::timeval| t.tv_sec as u64 * 1_000_000_000 + t.tv_usec as u64 * 1000;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// CPU time used on this machine by processes other than this one and its
/// waited-for children, over an interval: a noise indicator for shared machines.
pub struct CpuWatch {
    busy: u64,
    own: u64,
    at: Instant,
}

fn system_busy_ticks() -> u64 {
    let s = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(cpu) = s.lines().next() else {
        return 0;
    };
    let v: Vec<u64> = cpu
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait.
    v.iter()
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .map(|(_, x)| *x)
        .take(8)
        .sum()
}

fn own_ticks() -> u64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = s.rsplit_once(')').map_or("", |(_, r)| r);
    // Fields after the comm: state is field 3; utime..cstime are fields 14..17.
    let f: Vec<u64> = after
        .split_whitespace()
        .skip(11)
        .take(4)
        .filter_map(|x| x.parse().ok())
        .collect();
    f.iter().sum()
}

impl CpuWatch {
    pub fn start() -> Self {
        Self {
            busy: system_busy_ticks(),
            own: own_ticks(),
            at: Instant::now(),
        }
    }

    /// CPU used by others since `start`, in percent of one CPU.
    pub fn foreign_pct(&self) -> f64 {
        // SAFETY: sysconf has no preconditions.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
        let busy = system_busy_ticks().saturating_sub(self.busy);
        let own = own_ticks().saturating_sub(self.own);
        busy.saturating_sub(own) as f64 / hz / self.at.elapsed().as_secs_f64().max(1e-9) * 100.0
    }
}

/// Other processes holding BPF links or programs (other tracers attached
/// system-wide slow every syscall down, without showing up as their own CPU):
/// `pid comm` of each, excluding this process.
pub fn foreign_bpf_holders() -> Vec<String> {
    let me = std::process::id().to_string();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in dir.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == me || !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(e.path().join("fd")) else {
            continue;
        };
        let holds = fds.filter_map(Result::ok).any(|fd| {
            std::fs::read_link(fd.path()).is_ok_and(|t| {
                matches!(
                    t.to_str(),
                    Some("anon_inode:bpf-link" | "anon_inode:bpf-prog")
                )
            })
        });
        if holds {
            let comm = std::fs::read_to_string(e.path().join("comm")).unwrap_or_default();
            out.push(format!("{name} {}", comm.trim_end()));
        }
    }
    out
}

/// Prints a warning line when other processes hold BPF programs.
pub fn warn_foreign_bpf(when: &str) {
    let v = foreign_bpf_holders();
    if !v.is_empty() {
        println!(
            "WARNING {when}: other processes hold BPF programs (their probes add cost to every syscall): {}",
            v.join(", ")
        );
    }
}

/// Memory copy bandwidth right now (GB/s, best of 3 copies of 64 MiB): an
/// indicator of memory contention from neighbours on a shared host, which the
/// ring-buffer path feels and a cache-resident syscall loop does not.
pub fn memcpy_gbps() -> f64 {
    const SIZE: usize = 64 << 20;
    let src = vec![1u8; SIZE];
    let mut dst = vec![0u8; SIZE];
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        dst.copy_from_slice(std::hint::black_box(&src));
        std::hint::black_box(&mut dst);
        best = best.min(t.elapsed().as_secs_f64());
    }
    SIZE as f64 / best / 1e9
}

/// CLOCK_MONOTONIC in ns (what the child loops time themselves with).
pub fn mono_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: valid pointer to a timespec on our stack.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// What the consumer does with each event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Consume {
    /// `ktriage::app::update` into an `AppState` with the default cap (what the TUI does).
    Update,
    /// Receive and drop (measures the reader alone).
    Discard,
    /// `Update`, with the core's events recorded to a session file (the TUI's `--record`).
    Record,
}

/// Live counters of the consumer thread.
#[derive(Debug, Default)]
pub struct ConsumerCounts {
    /// Kernel records received in batches.
    pub events: AtomicU64,
    /// Batches received.
    pub batches: AtomicU64,
    /// Bytes of the session file written (`Consume::Record`).
    pub recorded_bytes: AtomicU64,
    /// Time spent inside `update` for kernel batches (ns).
    pub update_ns: AtomicU64,
}

/// Name of the consumer thread (for [`thread_cpu_ns`]).
pub const CONSUMER_THREAD: &str = "bench-consumer";
/// Name the collector gives its reader thread.
pub const READER_THREAD: &str = "ktriage-ring";

/// Probes + `spawn_reader` + a consumer thread: the TUI's data path without the terminal.
pub struct Pipeline {
    pub probes: Probes,
    pub counts: Arc<ReaderCounts>,
    pub consumed: Arc<ConsumerCounts>,
    stop: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
    consumer: Option<JoinHandle<Option<AppState>>>,
}

impl Pipeline {
    /// Loads and attaches the probes with `cfg` and starts the reader and the consumer.
    /// `channel` is the reader → core channel capacity (the TUI uses 256).
    pub fn start(cfg: &CollectorConfig, consume: Consume, channel: usize) -> Self {
        let mut probes =
            Probes::load(cfg).unwrap_or_else(|e| panic!("loading the ktriage probes: {e}"));
        let (tx, mut rx) = mpsc::channel::<Event>(channel);
        let stop = Arc::new(AtomicBool::new(false));
        let counts = Arc::new(ReaderCounts::default());
        let consumed = Arc::new(ConsumerCounts::default());
        let ring = probes.ring.take().expect("ring buffer");
        let reader = spawn_reader(ring, tx, stop.clone(), counts.clone(), cfg.poll_ms);
        let c = consumed.clone();
        let consumer = std::thread::Builder::new()
            .name(CONSUMER_THREAD.into())
            .spawn(move || {
                let mut state =
                    (consume != Consume::Discard).then(|| Core::new(AppState::new(1_000_000)));
                let dir = tempfile::tempdir().expect("temp dir");
                let recording = (consume == Consume::Record).then(|| {
                    let header = ktriage::session::Header::gather(&[], &[], Vec::new(), false)
                        .expect("header");
                    let spec = ktriage::session::RecordSpec {
                        path: dir.path().join("bench.ktr"),
                        header,
                        opts: ktriage::session::WriterOpts::default(),
                        keep_secrets: false,
                    };
                    let mut r = spec.open().expect("recording");
                    if let Some(core) = state.as_mut() {
                        r.attach(core);
                    }
                    r
                });
                while let Some(ev) = rx.blocking_recv() {
                    if let Event::Kernel(b) = &ev {
                        c.events.fetch_add(b.events.len() as u64, Ordering::Relaxed);
                        c.batches.fetch_add(1, Ordering::Relaxed);
                    }
                    if let Some(s) = state.as_mut() {
                        let t = Instant::now();
                        s.dispatch(ev);
                        c.update_ns
                            .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
                    }
                }
                if let (Some(r), Some(core)) = (recording, state.as_mut()) {
                    let s = r.finish(core).expect("recording finished");
                    let bytes = std::fs::metadata(&s.paths[0]).map_or(0, |m| m.len());
                    c.recorded_bytes.fetch_add(bytes, Ordering::Relaxed);
                }
                state.map(Core::into_state)
            })
            .expect("spawning the consumer");
        Self {
            probes,
            counts,
            consumed,
            stop,
            reader: Some(reader),
            consumer: Some(consumer),
        }
    }

    /// Kernel counters plus the reader's.
    pub fn stats(&self) -> CollectorStats {
        let mut s = self.probes.counters().expect("reading the probe counters");
        s.received = self.counts.received.load(Ordering::Relaxed);
        s.undecodable = self.counts.undecodable.load(Ordering::Relaxed);
        s
    }

    /// Waits until every record the kernel wrote has reached the consumer (or `timeout`).
    pub fn wait_drained(&self, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        loop {
            let s = self.stats();
            let consumed = self.consumed.events.load(Ordering::Relaxed);
            if consumed + s.undecodable >= s.attempted.saturating_sub(s.kernel_dropped) {
                return true;
            }
            if Instant::now() >= end {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Stops the reader (after its final drain), ends the consumer, detaches the probes.
    pub fn finish(mut self) -> (CollectorStats, Option<AppState>) {
        self.stop.store(true, Ordering::Release);
        if let Some(h) = self.reader.take() {
            h.join().expect("reader thread");
        }
        let state = self
            .consumer
            .take()
            .and_then(|h| h.join().expect("consumer thread"));
        let s = self.stats();
        drop(self.probes);
        (s, state)
    }
}

mod mix;
#[allow(unused_imports)]
pub use mix::*;
