//! Streaming throughput: child processes hammer `kill(getpid(), 0)` (in the
//! default stream set) while the probes (pids filter = the children), the ring
//! reader and a consumer applying `update` into an `AppState` run, as in the
//! TUI. Reports produced and delivered events/s, kernel drops and where the
//! CPU time goes. Variants are interleaved in rounds; medians are reported.
//!
//! `cargo bench --bench stream_throughput` (as root). Environment:
//! `KT_ROUNDS` (default 3), `KT_SECS` (storm length, default 3).

mod common;

use std::io::{BufRead, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use ktriage::collector::CollectorConfig;

use common::{CONSUMER_THREAD, Consume, Pipeline, READER_THREAD, median};

const MIB: u32 = 1024 * 1024;

#[derive(Clone, Copy, Debug)]
struct Variant {
    name: &'static str,
    ring_bytes: u32,
    consume: Consume,
    producers: usize,
    /// Producers call openat on a missing 40-byte path (a captured buffer per
    /// record) instead of kill(self, 0) (header only).
    openat: bool,
}

const VARIANTS: [Variant; 8] = [
    Variant {
        name: "16 MiB, update (TUI path)",
        ring_bytes: 16 * MIB,
        consume: Consume::Update,
        producers: 2,
        openat: false,
    },
    Variant {
        name: "16 MiB, update + record (TUI --record)",
        ring_bytes: 16 * MIB,
        consume: Consume::Record,
        producers: 2,
        openat: false,
    },
    Variant {
        name: "16 MiB, discard (reader only)",
        ring_bytes: 16 * MIB,
        consume: Consume::Discard,
        producers: 2,
        openat: false,
    },
    Variant {
        name: "4 MiB, update",
        ring_bytes: 4 * MIB,
        consume: Consume::Update,
        producers: 2,
        openat: false,
    },
    Variant {
        name: "64 MiB, update",
        ring_bytes: 64 * MIB,
        consume: Consume::Update,
        producers: 2,
        openat: false,
    },
    Variant {
        name: "16 MiB, update, 1 producer",
        ring_bytes: 16 * MIB,
        consume: Consume::Update,
        producers: 1,
        openat: false,
    },
    Variant {
        name: "16 MiB, update, openat storm",
        ring_bytes: 16 * MIB,
        consume: Consume::Update,
        producers: 2,
        openat: true,
    },
    Variant {
        name: "16 MiB, update + record, openat storm",
        ring_bytes: 16 * MIB,
        consume: Consume::Record,
        producers: 2,
        openat: true,
    },
];

/// One run's figures.
#[derive(Clone, Copy, Debug, Default)]
struct Run {
    produced_per_s: f64,
    delivered_per_s: f64,
    attempted: f64,
    dropped: f64,
    tail_ms: f64,
    reader_ns_per_ev: f64,
    update_ns_per_ev: f64,
    producer_ns_per_call: f64,
    cpu_producers: f64,
    cpu_reader: f64,
    cpu_consumer: f64,
    /// CPU used by other processes on the machine meanwhile (% of one CPU).
    foreign: f64,
    /// Memory copy bandwidth measured just before the run (GB/s).
    memcpy_gbps: f64,
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The producer, run in a child (`--child-kill SECS` or `--child-openat SECS`):
/// waits for a line on stdin, then calls kill(self, 0) (or openat of a missing
/// path) for SECS seconds and prints the call count.
fn child_kill(secs: f64, openat: bool) {
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    // SAFETY: getpid has no preconditions.
    let me = unsafe { libc::getpid() };
    let end = Instant::now() + Duration::from_secs_f64(secs);
    let mut calls = 0u64;
    while Instant::now() < end {
        for _ in 0..1024 {
            if openat {
                // SAFETY: a NUL-terminated path; the call fails with ENOENT.
                std::hint::black_box(unsafe {
                    libc::openat(libc::AT_FDCWD, MISSING.as_ptr().cast(), libc::O_RDONLY)
                });
            } else {
                // SAFETY: signal 0 only checks that we may signal ourselves.
                std::hint::black_box(unsafe { libc::kill(me, 0) });
            }
        }
        calls += 1024;
    }
    println!("{calls}");
}

/// 40 bytes with its NUL, under a directory that does not exist.
const MISSING: &[u8] = b"/nonexistent-ktriage-bench/abcdefghijkl\0";

fn spawn_producer(secs: f64, openat: bool) -> Child {
    Command::new(std::env::current_exe().expect("current exe"))
        .arg(if openat {
            "--child-openat"
        } else {
            "--child-kill"
        })
        .arg(secs.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawning a producer")
}

fn run(v: Variant, secs: f64) -> Run {
    let mut kids: Vec<Child> = (0..v.producers)
        .map(|_| spawn_producer(secs, v.openat))
        .collect();
    let cfg = CollectorConfig {
        ring_bytes: v.ring_bytes,
        pids: kids.iter().map(Child::id).collect(),
        ..CollectorConfig::default()
    };
    let p = Pipeline::start(&cfg, v.consume, 256);
    std::thread::sleep(Duration::from_millis(100));
    let (r0, c0, k0) = (
        common::thread_cpu_ns(READER_THREAD),
        common::thread_cpu_ns(CONSUMER_THREAD),
        common::children_cpu_ns(),
    );
    common::warn_foreign_bpf(v.name);
    let memcpy_gbps = common::memcpy_gbps();
    let watch = common::CpuWatch::start();
    let t0 = Instant::now();
    for k in &mut kids {
        let stdin = k.stdin.as_mut().expect("stdin");
        stdin
            .write_all(b"go\n")
            .and_then(|()| stdin.flush())
            .expect("starting a producer");
    }
    let mut calls = 0u64;
    for k in kids {
        let out = k.wait_with_output().expect("producer");
        assert!(out.status.success(), "producer failed");
        calls += String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse::<u64>()
            .expect("producer count");
    }
    let storm = t0.elapsed().as_secs_f64();
    let drained = p.wait_drained(Duration::from_secs(60));
    let total = t0.elapsed().as_secs_f64();
    let (r1, c1, k1) = (
        common::thread_cpu_ns(READER_THREAD),
        common::thread_cpu_ns(CONSUMER_THREAD),
        common::children_cpu_ns(),
    );
    let consumed = p.consumed.events.load(Ordering::Relaxed) as f64;
    let update_ns = p.consumed.update_ns.load(Ordering::Relaxed) as f64;
    let foreign = watch.foreign_pct();
    let (s, _state) = p.finish();
    assert!(drained, "the pipeline did not catch up within 60 s");
    assert_eq!(s.undecodable, 0, "undecodable records");
    assert!(
        s.attempted >= calls,
        "the kernel saw {} records for {calls} producer calls: was the filter armed?",
        s.attempted
    );
    let received = s.received as f64;
    Run {
        produced_per_s: s.attempted as f64 / storm,
        delivered_per_s: consumed / total,
        attempted: s.attempted as f64,
        dropped: s.kernel_dropped as f64,
        tail_ms: (total - storm) * 1e3,
        reader_ns_per_ev: (r1 - r0) as f64 / received.max(1.0),
        update_ns_per_ev: update_ns / consumed.max(1.0),
        producer_ns_per_call: (k1 - k0) as f64 / calls.max(1) as f64,
        cpu_producers: (k1 - k0) as f64 / (total * 1e9) * 100.0,
        cpu_reader: (r1 - r0) as f64 / (total * 1e9) * 100.0,
        cpu_consumer: (c1 - c0) as f64 / (total * 1e9) * 100.0,
        foreign,
        memcpy_gbps,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args
        .iter()
        .position(|a| a == "--child-kill" || a == "--child-openat")
    {
        let secs = args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .expect("--child-kill SECS");
        child_kill(secs, args[i] == "--child-openat");
        return;
    }
    common::require_root("stream_throughput");
    let rounds = env_u64("KT_ROUNDS", 3) as usize;
    let secs = env_u64("KT_SECS", 3) as f64;
    println!(
        "stream_throughput: kill(getpid(),0) storm of {secs} s, default wakeup settings (wakeup_bytes 512 KiB, poll 10 ms), \
         reader->core channel 256, {rounds} interleaved rounds, {} CPUs",
        std::thread::available_parallelism().map_or(0, |p| p.get())
    );
    let mut runs: Vec<Vec<Run>> = vec![Vec::new(); VARIANTS.len()];
    for round in 0..rounds {
        let mut order: Vec<usize> = (0..VARIANTS.len()).collect();
        order.rotate_left(round % VARIANTS.len());
        for i in order {
            let r = run(VARIANTS[i], secs);
            println!(
                "round {} {:<30} produced {:>9.0}/s delivered {:>9.0}/s dropped {:>8.0} of {:>9.0}  \
                 (other processes: {:.0}% of a CPU; memcpy {:.1} GB/s)",
                round + 1,
                VARIANTS[i].name,
                r.produced_per_s,
                r.delivered_per_s,
                r.dropped,
                r.attempted,
                r.foreign,
                r.memcpy_gbps
            );
            runs[i].push(r);
        }
    }

    println!();
    println!(
        "{:<30} {:>12} {:>12} {:>15} {:>8} {:>10} {:>10} {:>10} {:>20}",
        "variant (medians)",
        "produced/s",
        "delivered/s",
        "kernel drops",
        "tail ms",
        "reader",
        "update",
        "producer",
        "CPU% prod/rdr/cons"
    );
    println!(
        "{:<30} {:>12} {:>12} {:>15} {:>8} {:>10} {:>10} {:>10}",
        "", "", "", "", "", "ns/event", "ns/event", "ns/call"
    );
    for (v, rs) in VARIANTS.iter().zip(&runs) {
        let m = |f: fn(&Run) -> f64| median(&rs.iter().map(f).collect::<Vec<_>>());
        let drops = m(|r| r.dropped);
        let drop_pct = m(|r| r.dropped / r.attempted * 100.0);
        println!(
            "{:<30} {:>12.0} {:>12.0} {:>15} {:>8.0} {:>10.0} {:>10.0} {:>10.0} {:>20}",
            v.name,
            m(|r| r.produced_per_s),
            m(|r| r.delivered_per_s),
            format!("{drops:.0} ({drop_pct:.1}%)"),
            m(|r| r.tail_ms),
            m(|r| r.reader_ns_per_ev),
            m(|r| r.update_ns_per_ev),
            m(|r| r.producer_ns_per_call),
            format!(
                "{:.0}/{:.0}/{:.0}",
                m(|r| r.cpu_producers),
                m(|r| r.cpu_reader),
                m(|r| r.cpu_consumer)
            ),
        );
    }
    let tui = &runs[0];
    let delivered = median(&tui.iter().map(|r| r.delivered_per_s).collect::<Vec<_>>());
    let max_drops = tui.iter().map(|r| r.dropped).fold(0.0, f64::max);
    println!();
    println!(
        "TUI path (16 MiB, update): {delivered:.0} events/s delivered, max kernel drops in a round {max_drops:.0}; \
         target >= 1500000/s with zero drops: {}",
        if delivered >= 1.5e6 && max_drops == 0.0 {
            "MET"
        } else {
            "MISSED"
        }
    );
    // recording on vs off, side by side in the same rounds
    for (off, on) in [(0usize, 1usize), (6, 7)] {
        let d = |i: usize| {
            median(
                &runs[i]
                    .iter()
                    .map(|r| r.delivered_per_s)
                    .collect::<Vec<_>>(),
            )
        };
        let u = |i: usize| {
            median(
                &runs[i]
                    .iter()
                    .map(|r| r.update_ns_per_ev)
                    .collect::<Vec<_>>(),
            )
        };
        let ratio = d(on) / d(off).max(1.0);
        println!(
            "recording on vs off ({} vs {}): delivered {ratio:.3}x, consumer {:.0} vs {:.0} ns/event; target >= 0.9x: {}",
            VARIANTS[on].name,
            VARIANTS[off].name,
            u(on),
            u(off),
            if ratio >= 0.9 { "MET" } else { "MISSED" }
        );
    }
}
