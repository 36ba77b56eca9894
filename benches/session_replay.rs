//! Replaying and reporting recordings: events/s of a headless replay through the core (what `replay`
//! feeds the TUI with; decode alone is in `session`), `replay --json` to /dev/null, and the time and
//! peak memory of `report` on a 10 M-event recording (a child process, so its peak RSS is its own).
//!
//! `cargo bench --bench session_replay`. Environment: `KT_EVENTS` (report file, default 10000000),
//! `KT_REPLAY_EVENTS` (default 2000000), `KT_ROUNDS` (default 3).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use ktriage::alerts::{Alert, AlertOrigin, Priority};
use ktriage::app::{AppState, Core, Event};
use ktriage::model::AggRow;
use ktriage::session::entry::{Entry, other};
use ktriage::session::{Header, Record, SessionWriter, WriterOpts};

use common::{Mix, median};

/// The binary's allocator (`src/main.rs`), so the through-the-core figure is what `replay` runs.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn alert(pid: u32, ts: u64) -> Alert {
    Alert {
        time_ns: ts,
        rule: "Read sensitive file untrusted".into(),
        priority: Priority::Warning,
        source: "syscall".into(),
        hostname: "bench".into(),
        output: format!("Sensitive file opened for reading by non-trusted program | pid={pid}"),
        output_fields: Default::default(),
        tags: Vec::new(),
        origin: AlertOrigin::Engine,
        pid: Some(pid),
        container_id: None,
        facts: None,
    }
}

/// A recording of `n` events of the standard mix, with a tick every batch, a summary every 64 batches
/// and an alert on one of the mix's processes every 1024 batches (as a live session has them).
fn write(path: &Path, n: usize) -> u64 {
    let header = Header::gather(&[], &[], Vec::new(), false).expect("header");
    let mut w = SessionWriter::create(path, header, WriterOpts::default()).expect("writer");
    let mut mix = Mix::new(3);
    let mut done = 0usize;
    let mut i = 0u64;
    while done < n {
        let b = mix.batch(4096.min(n - done));
        done += b.events.len();
        let ts = b.events.first().map_or(0, |e| e.ts_ns);
        let pid = b.events.first().map_or(1, |e| e.pid);
        w.write(&Record::Kernel(b)).expect("write");
        w.write(&other(ts, &Entry::Event(Event::Tick(ts))))
            .expect("write");
        if i.is_multiple_of(64) {
            let rows: Vec<AggRow> = (0..200)
                .map(|k| AggRow {
                    tgid: 1000 + k,
                    nr: k % 40,
                    calls: i * 10 + u64::from(k),
                    errors: u64::from(k % 3),
                    time_ns: i * 1000,
                })
                .collect();
            w.write(&other(ts, &Entry::Event(Event::Summary(rows))))
                .expect("write");
        }
        if i.is_multiple_of(1024) {
            w.write(&other(
                ts,
                &Entry::Event(Event::Alerts(vec![alert(pid, ts)])),
            ))
            .expect("write");
        }
        i += 1;
    }
    w.finish().expect("finish");
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Decode + every event dispatched into a core, as replay at full speed does (the file read ahead
/// on a second thread, as `replay` and `alerts --from` read it); events/s.
fn through_core(path: &Path, n: usize) -> f64 {
    let t = Instant::now();
    let mut core = Core::new(AppState::new(1_000_000));
    let (_, items) = ktriage::session::read_ahead::session_items(path).expect("open");
    for it in items {
        if let Ok(ktriage::session::Item::Event { event, .. }) = it {
            let _ = core.dispatch(event);
        }
    }
    n as f64 / t.elapsed().as_secs_f64()
}

/// A child's wall time and peak RSS (MiB).
fn child(args: &[&str]) -> (f64, f64) {
    let t = Instant::now();
    let st = Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("ktriage runs");
    let secs = t.elapsed().as_secs_f64();
    assert!(st.code().is_some_and(|c| c <= 1), "{args:?}: {st:?}");
    let mut ru = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes one rusage into the pointer it is given.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, ru.as_mut_ptr()) };
    // SAFETY: initialised by getrusage above (or zeroed).
    let ru = unsafe { ru.assume_init() };
    (secs, ru.ru_maxrss as f64 / 1024.0)
}

fn main() {
    let rounds = env("KT_ROUNDS", 3);
    let n_replay = env("KT_REPLAY_EVENTS", 2_000_000);
    let n_report = env("KT_EVENTS", 10_000_000);
    let dir = tempfile::tempdir().expect("tmp");
    let small = dir.path().join("replay.ktr");
    let big = dir.path().join("report.ktr");
    let t = Instant::now();
    let small_bytes = write(&small, n_replay);
    println!(
        "wrote {n_replay} events ({small_bytes} bytes) in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let big_bytes = write(&big, n_report);
    println!(
        "wrote {n_report} events ({big_bytes} bytes, {:.2} B/event) in {:.1} s",
        big_bytes as f64 / n_report as f64,
        t.elapsed().as_secs_f64()
    );
    let (mut core_rates, mut json_rates, mut report_secs) = (Vec::new(), Vec::new(), Vec::new());
    let mut peak = 0f64;
    for _ in 0..rounds {
        core_rates.push(through_core(&small, n_replay));
        let (s, _) = child(&["replay", small.to_str().unwrap(), "--json"]);
        json_rates.push(n_replay as f64 / s);
        let (s, rss) = child(&["report", big.to_str().unwrap(), "--format", "json"]);
        report_secs.push(s);
        peak = peak.max(rss);
    }
    let core = median(&core_rates);
    let rep = median(&report_secs);
    println!(
        "replay through the core (decode + update): {core:.0} events/s (target >= 5000000: {})",
        if core >= 5e6 { "MET" } else { "MISSED" }
    );
    println!(
        "replay --json > /dev/null: {:.0} events/s",
        median(&json_rates)
    );
    println!(
        "report of {n_report} events: {rep:.2} s, peak RSS of the children so far {peak:.0} MiB (target <= 10 s: {})",
        if rep <= 10.0 { "MET" } else { "MISSED" }
    );
}
