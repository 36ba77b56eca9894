//! `ktriage stream --json`: live records as JSON lines, through the core's buffer and filter.

use std::io::Write;
use std::time::Duration;

use crate::app::buffer::{CHUNK, EventRef};
use crate::app::describe;
use crate::app::filter::Filter;
use crate::app::state::AppState;
use crate::app::{Event, update};
use crate::collector::clock::WallClock;
use std::sync::Arc;

use crate::collector::drive::drive_until;
use crate::collector::reader::Gap;
use crate::collector::stop::Stop;
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
    /// The run's stop (shared with a [`super::out::StopAwareOut`]); `None`: a new one.
    pub stop: Option<Arc<Stop>>,
    /// Called once the probes are attached (the duration starts then).
    pub ready: Option<fn()>,
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
    /// Records read but not printed because the run was stopping (slow output).
    pub unprinted: u64,
    /// In-band drop records printed.
    pub drop_records: u64,
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
    let mut state = AppState::new(CHUNK * 16, Keymap::default());
    state.stream.filter = filter;
    let clock = WallClock::now();
    let mut printed = 0u64;
    let mut drop_records = 0u64;
    let stop = opts.stop.clone().unwrap_or_else(Stop::new);
    let out = std::cell::RefCell::new(out);
    let r = drive_until(
        &opts.collector,
        &stop,
        opts.duration,
        || {
            if let Some(f) = opts.ready {
                f()
            }
        },
        |ev| {
            let mut out = out.borrow_mut();
            print_new(&mut state, ev, &clock, format, &mut **out, &mut printed)
        },
        |gap| {
            drop_records += 1;
            let mut out = out.borrow_mut();
            write_gap(&mut **out, format, &gap, &clock)
                .and_then(|()| out.flush())
                .is_ok()
        },
    )?;
    Ok(StreamReport {
        printed,
        received: r.received,
        kernel_dropped: r.kernel_dropped,
        attempted: r.attempted,
        unprinted: r.unhanded,
        drop_records,
    })
}

/// The in-band drop record: where the kernel lost records, how many, and when they were counted.
pub fn gap_json(gap: &Gap, clock: &WallClock) -> serde_json::Value {
    serde_json::json!({
        "kind": "drop",
        "ts": clock.rfc3339(gap.boot_ns),
        "kernel": gap.kernel,
        "buffer": 0,
    })
}

fn write_gap(
    out: &mut impl Write,
    format: Format,
    gap: &Gap,
    clock: &WallClock,
) -> std::io::Result<()> {
    match format {
        Format::Json => writeln!(out, "{}", gap_json(gap, clock)),
        Format::Text => writeln!(
            out,
            "{} -- {} records dropped by the kernel here (ring buffer full) --",
            clock.short(gap.boot_ns),
            gap.kernel
        ),
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
