//! `ktriage stream --json`: live records as JSON lines, through the core's buffer and filter.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::app::buffer::{CHUNK, EventRef};
use crate::app::describe;
use crate::app::filter::Filter;
use crate::app::state::AppState;
use crate::app::{Event, update};
use crate::collector::clock::WallClock;
use crate::collector::probes::Probes;
use crate::collector::reader::{ReaderCounts, spawn_reader};
use crate::collector::{CollectorConfig, CollectorError};
use crate::sanitize::{sanitize, sanitize_bytes};
use crate::ui::keymap::Keymap;

/// Options of `stream`.
#[derive(Clone, Debug, Default)]
pub struct StreamOpts {
    /// Collector settings (filters pushed into the kernel).
    pub collector: CollectorConfig,
    /// User-space filter (comm, pseudo syscalls) in the `/` syntax.
    pub filter: String,
    /// Stop after this long.
    pub duration: Option<Duration>,
}

/// What a stream run saw, for the closing line and for tests.
#[derive(Clone, Copy, Debug, Default)]
pub struct StreamReport {
    /// Records printed.
    pub printed: u64,
    /// Records read from the ring buffer.
    pub received: u64,
    /// Records the kernel dropped (ring buffer full).
    pub kernel_dropped: u64,
    /// Records the kernel tried to stream.
    pub attempted: u64,
}

/// How each record is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    Json,
    /// One sanitized human-readable line.
    Text,
}

fn write_record(
    out: &mut impl Write,
    format: Format,
    state: &AppState,
    ev: &EventRef<'_>,
    clock: &WallClock,
) -> std::io::Result<()> {
    match format {
        Format::Json => writeln!(out, "{}", super::json::event_json(state, ev, clock)),
        Format::Text => {
            let ctr = state
                .container_of(ev.cgroup_id())
                .map(|c| &c[..c.len().min(12)])
                .unwrap_or("-");
            writeln!(
                out,
                "{} {:>7} {:<15} {:<12} {} {} = {}",
                clock.short(ev.ts_ns()),
                ev.pid(),
                sanitize_bytes(ev.comm_bytes()),
                sanitize(ctr),
                describe::syscall_name(ev),
                sanitize(&describe::args_line(ev)),
                ev.ret()
            )
        }
    }
}

/// Prints records in `format` until `duration`, SIGINT/SIGTERM, or a closed output.
pub fn run(
    opts: &StreamOpts,
    format: Format,
    out: &mut impl Write,
) -> Result<StreamReport, CollectorError> {
    run_with(opts, format, out)
}

fn run_with(
    opts: &StreamOpts,
    format: Format,
    out: &mut impl Write,
) -> Result<StreamReport, CollectorError> {
    let filter = Filter::parse(&opts.filter).map_err(|e| CollectorError::Refused {
        what: "filter".into(),
        detail: e.to_string(),
    })?;
    let mut probes = Probes::load(&opts.collector)?;
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
    let reader = spawn_reader(
        ring,
        tx,
        stop.clone(),
        counts.clone(),
        opts.collector.poll_ms,
    );

    let mut state = AppState::new(CHUNK * 16, Keymap::default());
    state.stream.filter = filter;
    let clock = WallClock::now();
    let mut printed = 0u64;
    let mut out_ok = true;
    rt.block_on(async {
        let deadline = opts.duration.map(|d| tokio::time::Instant::now() + d);
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        loop {
            let ev = tokio::select! {
                ev = rx.recv() => ev,
                _ = sleep_until(deadline) => break,
                _ = tokio::signal::ctrl_c() => break,
                _ = recv_term(&mut term) => break,
            };
            let Some(ev) = ev else { break };
            out_ok = out_ok && print_new(&mut state, ev, &clock, format, out, &mut printed);
            if !out_ok {
                break;
            }
        }
        stop.store(true, Ordering::Release);
        while let Some(ev) = rx.recv().await {
            if out_ok {
                out_ok = print_new(&mut state, ev, &clock, format, out, &mut printed);
            }
        }
    });
    let _ = reader.join();
    let k = probes.counters()?;
    Ok(StreamReport {
        printed,
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

/// Feeds `ev` to the core and prints the records it added that pass the filter.
fn print_new(
    state: &mut AppState,
    ev: Event,
    clock: &WallClock,
    format: Format,
    out: &mut impl Write,
    printed: &mut u64,
) -> bool {
    let from = state.buffer.next_seq();
    update(state, ev);
    let to = state.buffer.next_seq();
    let seqs: Box<dyn Iterator<Item = u64>> = if state.stream.filter.is_empty() {
        Box::new(from..to)
    } else {
        let start = state.stream.matched.partition_point(|s| *s < from);
        Box::new(
            state
                .stream
                .matched
                .range(start..)
                .copied()
                .collect::<Vec<_>>()
                .into_iter(),
        )
    };
    for seq in seqs {
        let Some(ev) = state.buffer.get(seq) else {
            continue;
        };
        if write_record(out, format, state, &ev, clock).is_err() {
            return false;
        }
        *printed += 1;
    }
    out.flush().is_ok()
}
