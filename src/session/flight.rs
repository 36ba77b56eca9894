//! The flight recorder to disk (`--flight-dir`): the last seconds of events kept in memory, and for each alert at or above a priority a session file with what came before and after it, named by time and rule, capped in count and bytes.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::recorder::{WriteState, write_event, write_fact};
use super::{Header, SessionWriter, WriterOpts};
use crate::alerts::Priority;
use crate::app::{Event, Fact, Tap};
use crate::collector::clock::{WallClock, boot_ns};

/// Kernel events kept in memory at most for the window before an alert (older ones go first).
const RING_EVENTS: usize = 2_000_000;
/// The longest a capture goes on after its first alert, however many alerts follow.
const MAX_AFTER_NS: u64 = 600 * 1_000_000_000;

/// What the flight recorder keeps and writes.
#[derive(Clone, Debug)]
pub struct FlightOpts {
    /// Where the files go (must exist).
    pub dir: PathBuf,
    /// Seconds kept before an alert.
    pub before_s: u64,
    /// Seconds written after it.
    pub after_s: u64,
    /// Alerts at or above this priority start a file.
    pub priority: Priority,
    /// Files written at most.
    pub max_files: usize,
    /// Bytes written at most (a file started under the cap is finished).
    pub max_bytes: u64,
    /// The header each file starts with.
    pub header: Header,
}

/// What the flight recorder did (for the closing lines and the tests).
#[derive(Clone, Debug, Default)]
pub struct FlightLog {
    /// Files written (complete).
    pub files: Vec<PathBuf>,
    /// Alerts that found the caps full, or a file that could not be written, and why.
    pub skipped: Vec<String>,
    /// Bytes written.
    pub bytes: u64,
}

struct Open {
    writer: SessionWriter,
    path: PathBuf,
    until_ns: u64,
    started_ns: u64,
    named: WriteState,
}

/// The tap.
pub struct FlightTap {
    opts: FlightOpts,
    ring: VecDeque<(u64, Event)>,
    ring_events: usize,
    open: Option<Open>,
    log: Arc<Mutex<FlightLog>>,
    clock: WallClock,
}

impl FlightTap {
    /// A flight recorder and the log of what it wrote.
    pub fn new(opts: FlightOpts) -> (FlightTap, Arc<Mutex<FlightLog>>) {
        let log = Arc::new(Mutex::new(FlightLog::default()));
        let clock = opts.header.wall_clock();
        let tap = FlightTap {
            opts,
            ring: VecDeque::new(),
            ring_events: 0,
            open: None,
            log: log.clone(),
            clock,
        };
        (tap, log)
    }

    fn log(&self) -> std::sync::MutexGuard<'_, FlightLog> {
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn keep(&mut self, ts: u64, event: &Event) {
        let n = match event {
            Event::Kernel(b) => b.events.len(),
            _ => 1,
        };
        self.ring.push_back((ts, event.clone()));
        self.ring_events += n;
        let horizon = ts.saturating_sub(self.opts.before_s.saturating_mul(1_000_000_000));
        while let Some((t, e)) = self.ring.front() {
            if *t >= horizon && self.ring_events <= RING_EVENTS {
                break;
            }
            self.ring_events -= match e {
                Event::Kernel(b) => b.events.len(),
                _ => 1,
            };
            self.ring.pop_front();
        }
    }

    /// Starts a file for the first alert at or above the priority, or extends the open one.
    fn on_alerts(&mut self, ts: u64, alerts: &[crate::alerts::Alert]) {
        let Some(a) = alerts.iter().find(|a| a.priority <= self.opts.priority) else {
            return;
        };
        let after = self.opts.after_s.saturating_mul(1_000_000_000);
        if let Some(o) = self.open.as_mut() {
            o.until_ns = (ts + after).min(o.started_ns + MAX_AFTER_NS);
            return;
        }
        let (files, bytes) = {
            let l = self.log();
            (l.files.len(), l.bytes)
        };
        if files >= self.opts.max_files || bytes >= self.opts.max_bytes {
            let why = format!(
                "alert {} at {}: not written, the flight recorder's cap is reached ({files} files, {bytes} bytes)",
                a.rule,
                self.clock.short(ts)
            );
            self.log().skipped.push(why);
            return;
        }
        let path = self.opts.dir.join(file_name(&self.clock, ts, &a.rule));
        let writer =
            match SessionWriter::create(&path, self.opts.header.clone(), WriterOpts::default()) {
                Ok(w) => w,
                Err(e) => {
                    self.log().skipped.push(format!("{}: {e}", path.display()));
                    return;
                }
            };
        let mut open = Open {
            writer,
            path,
            until_ns: ts + after,
            started_ns: ts,
            named: WriteState::default(),
        };
        let mut failed = None;
        for (_, e) in &self.ring {
            if let Err(err) = write_event(&mut open.writer, &mut open.named, false, e) {
                failed = Some(err.to_string());
                break;
            }
        }
        match failed {
            Some(e) => self
                .log()
                .skipped
                .push(format!("{}: {e}", open.path.display())),
            None => self.open = Some(open),
        }
    }

    fn finish(&mut self) {
        let Some(o) = self.open.take() else { return };
        let path = o.path.clone();
        match o.writer.finish() {
            Ok(s) => {
                let bytes: u64 = s
                    .paths
                    .iter()
                    .filter_map(|p| std::fs::metadata(p).ok())
                    .map(|m| m.len())
                    .sum();
                let mut l = self.log();
                l.bytes += bytes;
                l.files.push(path);
            }
            Err(e) => self.log().skipped.push(format!("{}: {e}", path.display())),
        }
    }
}

/// `YYYYMMDDTHHMMSS.mmmZ-<rule>.ktr`, the rule reduced to letters, digits, `-` and `_`.
fn file_name(clock: &WallClock, ts: u64, rule: &str) -> String {
    let t = clock.rfc3339(ts);
    let stamp: String = t
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, 'T' | 'Z' | '.'))
        .collect();
    let stamp = match stamp.split_once('.') {
        Some((a, b)) => format!("{a}.{}Z", &b.get(..3).unwrap_or(b)),
        None => stamp,
    };
    let mut name: String = rule
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    if name.is_empty() {
        name.push_str("alert");
    }
    format!("{stamp}-{name}.ktr")
}

impl Tap for FlightTap {
    fn event(&mut self, event: &Event) {
        if matches!(event, Event::Replay(_)) {
            return;
        }
        let ts = match event {
            Event::Kernel(b) => b.events.first().map_or_else(boot_ns, |e| e.ts_ns),
            _ => boot_ns(),
        };
        self.keep(ts, event);
        if let Some(o) = self.open.as_mut() {
            if let Err(e) = write_event(&mut o.writer, &mut o.named, false, event) {
                let why = format!("{}: {e}", o.path.display());
                self.open = None;
                self.log().skipped.push(why);
                return;
            }
            if ts > o.until_ns && !matches!(event, Event::Alerts(_)) {
                self.finish();
            }
        }
        if let Event::Alerts(alerts) = event {
            self.on_alerts(ts, alerts);
        }
    }

    fn fact(&mut self, fact: &Fact) {
        if let Some(o) = self.open.as_mut() {
            let _ = write_fact(&mut o.writer, fact);
        }
    }
}

impl Drop for FlightTap {
    fn drop(&mut self) {
        self.finish();
    }
}
