//! `ktriage stream --json`: live records as JSON lines, through the core's buffer and filter.

use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

use crate::app::buffer::{CHUNK, EventRef};
use crate::app::describe;
use crate::app::event::Setup;
use crate::app::filter::Filter;
use crate::app::state::AppState;
use crate::app::{Core, Event};
use crate::collector::clock::{TsCache, WallClock};
use std::sync::Arc;

use crate::collector::drive::drive_until;
use crate::collector::reader::Gap;
use crate::collector::stop::Stop;
use crate::collector::{CollectorConfig, CollectorError};
use crate::identity::resolve::Resolver;
use crate::runtime::Runtime;
use crate::sanitize::{sanitize, sanitize_bytes};

/// Options of `stream`.
#[derive(Clone, Debug, Default)]
pub struct StreamOpts {
    /// Collector settings (filters pushed into the kernel).
    pub collector: CollectorConfig,
    /// User-space filter (comm, pseudo syscalls) in the `/` syntax.
    pub filter: String,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Ask the container runtime for container and pod names (`Some(None)`: auto-detect the socket).
    pub cri: Option<Option<std::path::PathBuf>>,
    /// The run's stop (shared with a [`super::out::StopAwareOut`]); `None`: a new one.
    pub stop: Option<Arc<Stop>>,
    /// Called once the probes are attached (the duration starts then).
    pub ready: Option<fn()>,
}

/// Container and pod names by container id, from the runtime (misses are asked again, rate-limited by the CRI cache),
/// or, replaying a recording, from the processes it recorded.
struct Names {
    resolver: Option<Resolver>,
    recorded: bool,
    known: HashMap<String, [Option<String>; 3]>,
}

impl Names {
    fn new(cri: Option<&Option<std::path::PathBuf>>) -> Self {
        Self {
            // the runtime's resolver: one CRI cache, as in a TUI session
            resolver: cri.map(|s| Runtime::new(s.as_deref(), true).resolver()),
            recorded: false,
            known: HashMap::new(),
        }
    }

    fn recorded() -> Self {
        Self {
            resolver: None,
            recorded: true,
            known: HashMap::new(),
        }
    }

    /// Names of container `id` as the recorded /proc poll gave them.
    fn from_state(state: &AppState, id: &str) -> [Option<String>; 3] {
        let p = state
            .processes
            .iter()
            .find(|p| p.container_id.as_deref() == Some(id) && p.container_name.is_some());
        p.map_or_else(Default::default, |p| {
            [
                p.container_name.clone(),
                p.pod_namespace.clone(),
                p.pod_name.clone(),
            ]
        })
    }

    /// `[container_name, pod_namespace, pod_name]` of container `id`.
    fn of(&mut self, id: &str, state: &AppState) -> super::json::Names<'_> {
        if !self.known.contains_key(id) {
            let n = if self.recorded {
                Self::from_state(state, id)
            } else {
                let Some(r) = self.resolver.as_mut() else {
                    return Default::default();
                };
                let ident = r.identify_container(id);
                let c = ident.container.and_then(|c| c.name);
                let (ns, pod) = ident.pod.map_or((None, None), |p| (p.namespace, p.name));
                [c, ns, pod]
            };
            // a recording's answer holds until its next poll (misses too: no scan per event);
            // a live miss is asked again (the CRI cache rate-limits it)
            if !self.recorded && n.iter().all(Option::is_none) {
                return Default::default();
            }
            self.known.insert(id.to_string(), n);
        }
        self.known
            .get(id)
            .map(|n| n.each_ref().map(Option::as_deref))
            .unwrap_or_default()
    }
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
    names: &mut Names,
    ts: &mut TsCache,
) -> std::io::Result<()> {
    match format {
        Format::Json => {
            let names = match state
                .cgroups
                .get(&ev.cgroup_id())
                .and_then(|c| c.container_id.as_deref())
            {
                Some(id) => names.of(id, state),
                None => Default::default(),
            };
            super::json::write_line(out, state, ev, clock, ts, names)
        }
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
    Filter::parse(&opts.filter).map_err(|e| CollectorError::Refused {
        what: "filter".into(),
        detail: e.to_string(),
    })?;
    let mut core = Core::new(AppState::new(CHUNK * 16));
    core.dispatch(Event::Setup(Setup::Filter(opts.filter.clone())));
    let clock = WallClock::now();
    let mut printed = 0u64;
    let mut names = Names::new(opts.cri.as_ref());
    let mut ts = TsCache::default();
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
            let mut sink = Sink {
                out: &mut **out,
                printed: &mut printed,
                names: &mut names,
                ts: &mut ts,
            };
            print_new(&mut core, ev, &clock, format, &mut sink)
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

/// Where records go and what printing them needs.
struct Sink<'a, W: Write> {
    out: &'a mut W,
    printed: &'a mut u64,
    names: &'a mut Names,
    ts: &'a mut TsCache,
}

/// Feeds `ev` to the core and prints the records it added that pass the filter.
fn print_new<W: Write>(
    core: &mut Core,
    ev: Event,
    clock: &WallClock,
    format: Format,
    sink: &mut Sink<'_, W>,
) -> bool {
    let from = core.state().buffer.next_seq();
    core.dispatch(ev);
    let state = core.state();
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
        if write_record(sink.out, format, state, &ev, clock, sink.names, sink.ts).is_err() {
            return false;
        }
        *sink.printed += 1;
    }
    sink.out.flush().is_ok()
}

/// Prints what a core adds to its buffer, as `stream` does, with names from the recorded processes (replay).
pub struct Printer<'a, W: Write> {
    out: &'a mut W,
    format: Format,
    clock: WallClock,
    names: Names,
    ts: TsCache,
    /// Records printed.
    pub printed: u64,
}

impl<'a, W: Write> Printer<'a, W> {
    /// A printer for a recording whose boot-clock times `clock` turns into wall-clock times.
    pub fn recorded(out: &'a mut W, format: Format, clock: WallClock) -> Self {
        Self {
            out,
            format,
            clock,
            names: Names::recorded(),
            ts: TsCache::default(),
            printed: 0,
        }
    }

    /// Feeds `ev` to `core` and prints the records it added; `false` once the output is gone.
    pub fn feed(&mut self, core: &mut Core, ev: Event) -> bool {
        if matches!(ev, Event::Processes(_)) {
            // names come from the polls: a new one may name what the last did not
            self.names.known.clear();
        }
        let mut sink = Sink {
            out: &mut *self.out,
            printed: &mut self.printed,
            names: &mut self.names,
            ts: &mut self.ts,
        };
        print_new(core, ev, &self.clock, self.format, &mut sink)
    }
}
