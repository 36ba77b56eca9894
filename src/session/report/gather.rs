//! The report's streaming passes over a recording: `verify` for the verdict and hash, one pass for the timeline, alerts and blind spots, one for what the alerted processes did.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use super::{Entry, LIST_CAP, Process, Report};
use crate::app::buffer::EventBuffer;
use crate::app::{Event, Fact, describe};
use crate::collector::clock::WallClock;
use crate::model::{AggRow, CollectorState};
use crate::session::entry::{Item, ItemDecoder};
use crate::session::verify::{Verdict, verify_file};
use crate::session::{SessionError, SessionReader};

/// Builds the report of the recording at `path`.
pub fn build(path: &Path) -> Result<Report, SessionError> {
    let v = verify_file(path)?;
    let mut r = Report {
        file: path.display().to_string(),
        header: v.header.clone(),
        verdict: match v.verdict {
            Verdict::Ok => "OK",
            Verdict::Truncated => "truncated",
            Verdict::Tampered => "changed",
            Verdict::Corrupt => "corrupt",
        }
        .to_string(),
        verify_detail: v
            .error
            .clone()
            .unwrap_or_else(|| "complete and unchanged".into()),
        final_hash: v.final_hash.clone(),
        ..Report::default()
    };
    if v.verdict != Verdict::Ok {
        r.blind_spots.push(format!(
            "the recording is {}: {} (reported up to there)",
            r.verdict, r.verify_detail
        ));
    }
    let clock = v
        .header
        .as_ref()
        .map_or_else(|| WallClock::with_offset(0), |h| h.wall_clock());
    let mut first = FirstPass::default();
    for it in items(path)? {
        first.take(&mut r, &clock, it);
    }
    first.finish(&mut r, &clock);
    let mut second = SecondPass::new(&first.alerted);
    for it in items(path)? {
        second.take(it);
    }
    r.processes = first.processes(second);
    Ok(r)
}

/// The file's items up to the first damage (the verdict already says where).
fn items(path: &Path) -> Result<impl Iterator<Item = Item>, SessionError> {
    let reader = SessionReader::open(path)?;
    let mut dec = ItemDecoder::default();
    Ok(reader
        .map_while(Result::ok)
        .map_while(move |r| dec.item(r).ok()))
}

#[derive(Default)]
struct FirstPass {
    span: Option<(u64, u64)>,
    alerted: BTreeMap<u32, Process>,
    last_summary: Vec<AggRow>,
    retired: HashMap<(u32, u32), (u64, u64)>,
    kernel_dropped: u64,
    agg_full: u64,
    undecodable: u64,
    degraded: BTreeSet<String>,
    malformed: u64,
    redacted: BTreeSet<String>,
}

impl FirstPass {
    fn take(&mut self, r: &mut Report, clock: &WallClock, it: Item) {
        r.records += 1;
        let ts = it.ts_ns();
        if ts > 0 {
            let (lo, hi) = self.span.unwrap_or((ts, ts));
            self.span = Some((lo.min(ts), hi.max(ts)));
        }
        let mut line = |kind: &str, text: String| {
            if r.timeline.len() < LIST_CAP {
                r.timeline.push(Entry {
                    time: clock.rfc3339(ts),
                    kind: kind.into(),
                    text,
                });
            } else {
                r.timeline_more += 1;
            }
        };
        match it {
            Item::Event { event, .. } => match event {
                Event::Kernel(b) => r.kernel_events += b.events.len() as u64,
                Event::Alerts(alerts) => {
                    for a in alerts {
                        let who = a.pid.map_or(String::new(), |p| format!(" (pid {p})"));
                        line(
                            "alert",
                            format!("{:?} {}{who}: {}", a.priority, a.rule, a.output),
                        );
                        if let Some(pid) = a.pid {
                            let p = self.alerted.entry(pid).or_insert_with(|| Process {
                                pid,
                                ..Process::default()
                            });
                            fill_from_alert(p, &a);
                        }
                    }
                }
                Event::Inspected { pid, result } => match result {
                    Ok(_) => line("inspection", format!("pid {pid} inspected")),
                    Err(e) => line("inspection", format!("pid {pid}: {}", e.message)),
                },
                Event::Drill(crate::app::drill_task::DrillEvent::Task(t)) => line(
                    "drill",
                    format!("{}: {} ({}s allowed)", t.name, t.title, t.time_limit),
                ),
                Event::Summary(rows) => self.last_summary = rows,
                Event::Retired(rows) => {
                    for row in rows {
                        let e = self.retired.entry((row.tgid, row.nr)).or_default();
                        e.0 += row.calls;
                        e.1 += row.errors;
                    }
                }
                Event::Stats(s) => {
                    self.kernel_dropped = self.kernel_dropped.max(s.kernel_dropped);
                    self.agg_full = self.agg_full.max(s.agg_full);
                    self.undecodable = self.undecodable.max(s.undecodable);
                }
                Event::Collector(CollectorState::Degraded { reason, .. }) => {
                    self.degraded.insert(reason);
                }
                Event::AlertIntake(stats) => self.malformed = self.malformed.max(stats.malformed),
                _ => {}
            },
            Item::Fact { fact, .. } => match fact {
                Fact::Note { text } => line("note", text),
                Fact::Pivot { rule, pid } => line(
                    "pivot",
                    match pid {
                        Some(p) => format!("from alert {rule} to pid {p}"),
                        None => format!("from alert {rule} (no process)"),
                    },
                ),
                Fact::Revealed { pid, names } => line(
                    "revealed",
                    format!("secrets of pid {pid} shown on screen: {}", names.join(", ")),
                ),
                Fact::DrillAnswer { drill, answer } => {
                    line("answer", format!("drill {drill}: {answer}"))
                }
                Fact::DrillHint { drill, shown, of } => {
                    line("hint", format!("drill {drill}: hint {shown}/{of} shown"))
                }
                Fact::DrillGraded { drill, result } => {
                    line("grade", format!("drill {drill}: {result}"))
                }
            },
            Item::Redacted { names, .. } => {
                for n in names {
                    if self.redacted.len() < LIST_CAP {
                        self.redacted.insert(n);
                    }
                }
            }
        }
    }

    fn finish(&mut self, r: &mut Report, clock: &WallClock) {
        r.span = self
            .span
            .map(|(lo, hi)| (clock.rfc3339(lo), clock.rfc3339(hi)));
        if self.kernel_dropped > 0 {
            r.blind_spots.push(format!(
                "the kernel dropped {} records (ring buffer full): events are missing from the stream",
                self.kernel_dropped
            ));
        }
        if self.agg_full > 0 {
            r.blind_spots.push(format!(
                "{} syscall counts were lost (aggregation map full): summaries are low",
                self.agg_full
            ));
        }
        if self.undecodable > 0 {
            r.blind_spots
                .push(format!("{} records could not be decoded", self.undecodable));
        }
        for d in &self.degraded {
            r.blind_spots.push(format!("degraded: {d}"));
        }
        if self.malformed > 0 {
            r.blind_spots.push(format!(
                "{} alert lines from Falco could not be read",
                self.malformed
            ));
        }
        if r.blind_spots.is_empty() {
            r.blind_spots
                .push("none recorded: no drops, no degraded mode".into());
        }
        r.redacted = std::mem::take(&mut self.redacted).into_iter().collect();
    }

    fn processes(self, second: SecondPass) -> Vec<Process> {
        let mut out: Vec<Process> = self.alerted.into_values().collect();
        for p in out.iter_mut() {
            let mut calls: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
            for row in self.last_summary.iter().filter(|r| r.tgid == p.pid) {
                let e = calls.entry(row.nr).or_default();
                (e.0, e.1) = (e.0 + row.calls, e.1 + row.errors);
            }
            for ((tgid, nr), (c, e)) in &self.retired {
                if *tgid == p.pid {
                    let x = calls.entry(*nr).or_default();
                    (x.0, x.1) = (x.0 + c, x.1 + e);
                }
            }
            let mut rows: Vec<(String, u64, u64)> = calls
                .into_iter()
                .map(|(nr, (c, e))| {
                    let name = crate::collector::syscalls::name(nr)
                        .map_or_else(|| format!("syscall_{nr}"), str::to_string);
                    (name, c, e)
                })
                .collect();
            rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            p.syscalls = rows;
            if let Some(seen) = second.seen.get(&p.pid) {
                p.files.clone_from(&seen.files);
                p.files_more = seen.files_more;
                p.connections.clone_from(&seen.connections);
                p.connections_more = seen.connections_more;
                p.execs.clone_from(&seen.execs);
                if p.comm.is_empty() {
                    p.comm.clone_from(&seen.comm);
                }
            }
        }
        out
    }
}

fn fill_from_alert(p: &mut Process, a: &crate::alerts::Alert) {
    if !p.rules.contains(&a.rule) {
        p.rules.push(a.rule.clone());
    }
    if p.container.is_none() {
        p.container = a.container_id.clone();
    }
    let Some(f) = a.facts.as_ref() else { return };
    if p.cmdline.is_empty() {
        p.cmdline = crate::sanitize::join_argv(&f.argv);
        p.comm.clone_from(&f.comm);
        p.parents = f
            .ancestors
            .iter()
            .map(|x| format!("{} {}", x.pid, x.comm))
            .collect();
    }
    if let Some(c) = &f.identity.container {
        let name = c.name.as_deref().unwrap_or("?");
        p.container = Some(format!("{} ({name})", &c.id[..c.id.len().min(12)]));
    }
    if let Some(pod) = &f.identity.pod {
        let ns = pod.namespace.as_deref().unwrap_or("?");
        p.pod = Some(format!("{ns}/{}", pod.name.as_deref().unwrap_or("?")));
    }
}

/// What the alerted processes did, from the kernel events.
struct SecondPass {
    seen: HashMap<u32, Seen>,
    scratch: EventBuffer,
}

#[derive(Default)]
struct Seen {
    comm: String,
    files: Vec<String>,
    files_more: u64,
    connections: Vec<String>,
    connections_more: u64,
    execs: Vec<String>,
    distinct: BTreeSet<String>,
}

impl SecondPass {
    fn new(alerted: &BTreeMap<u32, Process>) -> Self {
        Self {
            seen: alerted.keys().map(|p| (*p, Seen::default())).collect(),
            scratch: EventBuffer::new(crate::app::buffer::CHUNK),
        }
    }

    fn take(&mut self, it: Item) {
        let Item::Event {
            event: Event::Kernel(batch),
            ..
        } = it
        else {
            return;
        };
        for ev in &batch.events {
            let Some(s) = self.seen.get_mut(&ev.pid) else {
                continue;
            };
            let seq = self.scratch.push(ev);
            let Some(e) = self.scratch.get(seq) else {
                continue;
            };
            if s.comm.is_empty() {
                s.comm = String::from_utf8_lossy(e.comm_bytes())
                    .trim_end_matches('\0')
                    .to_string();
            }
            let name = describe::syscall_name(&e);
            let line = format!("{name} {} = {}", describe::args_line(&e), e.ret());
            let (list, more) = match &*name {
                n if n.starts_with("open") || n == "creat" || n == "truncate" => {
                    (&mut s.files, &mut s.files_more)
                }
                "connect" | "accept" | "accept4" | "bind" | "listen" => {
                    (&mut s.connections, &mut s.connections_more)
                }
                "execve" | "execveat" => {
                    if s.execs.len() < LIST_CAP {
                        s.execs.push(describe::args_line(&e));
                    }
                    continue;
                }
                _ => continue,
            };
            if !s.distinct.insert(line.clone()) {
                continue;
            }
            if list.len() < LIST_CAP {
                list.push(line);
            } else {
                *more += 1;
            }
        }
    }
}
