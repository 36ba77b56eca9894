//! A capture as the events a replay feeds the core, each with its time: the process list as a process poll, the events as kernel batches (cgroups first, at most 10 ms of capture each) with the per-process syscall summary after them, the damage last.

use std::collections::{HashMap, VecDeque};
use std::io::Read;
use std::path::Path;

use super::map::Mapper;
use super::{Block, ScapError, ScapReader};
use crate::app::Event;
use crate::model::{AggRow, CollectorState, EventKind, KernelBatch, SysEvent};

/// Records per kernel batch at most (a batch under the allocator's mmap threshold: no page faults per batch).
const BATCH: usize = 256;
/// Capture time a kernel batch spans at most (a replay at 1× paces the batches).
const BATCH_NS: u64 = 10_000_000;

/// A capture being turned into events.
pub struct Feed<R: Read> {
    reader: ScapReader<R>,
    out: Out,
    /// The machine's hostname, once its block was read.
    pub hostname: Option<String>,
    /// Events read.
    pub events: u64,
    ended: bool,
    damage: Option<ScapError>,
}

/// What the events became, waiting to be handed out.
#[derive(Default)]
struct Out {
    mapper: Mapper,
    batch: Vec<SysEvent>,
    queue: VecDeque<(u64, Event)>,
    /// Calls, errors and time per (process, syscall), as the kernel's aggregation would have them.
    summary: HashMap<(u32, u32), AggRow>,
    /// Time of the last record.
    last_ts: u64,
}

impl Out {
    /// The end (or the damage): enter events still waiting, the last batch, the collector stopped.
    fn finish(&mut self) {
        self.mapper.flush(&mut self.batch);
        self.flush();
        let ts = self.last_ts;
        self.queue
            .push_back((ts, Event::Collector(CollectorState::Stopped)));
    }

    /// The batch (and the cgroups first seen) queued, then the summary if it changed.
    fn flush(&mut self) {
        let events = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        let cgroups = self.mapper.take_cgroups();
        if events.is_empty() && cgroups.is_empty() {
            return;
        }
        let ts_ns = events.first().map_or(self.last_ts, |e| e.ts_ns);
        let mut counted = false;
        for ev in &events {
            self.last_ts = self.last_ts.max(ev.ts_ns);
            let Some(nr) =
                super::count::syscall_of(ev).and_then(|n| crate::collector::syscalls::number(&n))
            else {
                continue;
            };
            let row = self.summary.entry((ev.pid, nr)).or_insert(AggRow {
                tgid: ev.pid,
                nr,
                ..AggRow::default()
            });
            row.calls += 1;
            row.errors += u64::from(ev.ret < 0 && ev.kind != EventKind::Fork);
            row.time_ns += ev.duration_ns;
            counted = true;
        }
        self.queue
            .push_back((ts_ns, Event::Kernel(KernelBatch { cgroups, events })));
        if counted {
            let rows = self.summary.values().copied().collect();
            self.queue.push_back((self.last_ts, Event::Summary(rows)));
        }
    }
}

impl Feed<Box<dyn Read + Send>> {
    /// Opens the capture at `path`.
    pub fn open(path: &Path) -> Result<Self, ScapError> {
        Ok(Self::new(ScapReader::open(path)?))
    }
}

impl<R: Read> Feed<R> {
    /// Events from `reader`.
    pub fn new(reader: ScapReader<R>) -> Self {
        let mut out = Out {
            batch: Vec::with_capacity(BATCH),
            ..Out::default()
        };
        out.queue
            .push_back((0, Event::Collector(CollectorState::Running)));
        // a capture's enter/exit pairs give syscall times: the summary shows them
        out.queue.push_back((
            0,
            Event::Stats(crate::model::CollectorStats {
                timing: true,
                ..Default::default()
            }),
        ));
        Self {
            reader,
            out,
            hostname: None,
            events: 0,
            ended: false,
            damage: None,
        }
    }

    /// Threads and cgroups of the capture so far.
    pub fn mapper(&self) -> &Mapper {
        &self.out.mapper
    }

    /// The next event and its time (wall-clock ns); the damage, if any, after the events before it; then `None`.
    pub fn next_item(&mut self) -> Option<Result<(u64, Event), ScapError>> {
        loop {
            if let Some(it) = self.out.queue.pop_front() {
                return Some(Ok(it));
            }
            if self.ended {
                return self.damage.take().map(Err);
            }
            let out = &mut self.out;
            match self.reader.next_block() {
                None => {
                    self.ended = true;
                    out.finish();
                }
                Some(Err(e)) => {
                    self.ended = true;
                    out.finish();
                    // the events before the damage first, then the damage
                    self.damage = Some(e);
                }
                Some(Ok(Block::Threads(list))) => {
                    let rows = out.mapper.threads(&list);
                    out.flush();
                    let ts = out.last_ts;
                    out.queue.push_back((ts, Event::Processes(rows)));
                }
                Some(Ok(Block::Machine { hostname })) => self.hostname = Some(hostname),
                Some(Ok(Block::Fds { tid, fds })) => out.mapper.fd_list(tid, &fds),
                Some(Ok(Block::Event(ev))) => {
                    self.events += 1;
                    if out
                        .batch
                        .first()
                        .is_some_and(|f| ev.ts > f.ts_ns.saturating_add(BATCH_NS))
                    {
                        out.flush();
                    }
                    out.mapper.event(&ev, &mut out.batch);
                    if out.batch.len() >= BATCH {
                        out.flush();
                    }
                }
                Some(Ok(_)) => {}
            }
        }
    }
}

impl<R: Read> crate::session::player::ItemSource for Feed<R> {
    fn next_item(&mut self) -> Option<Result<crate::session::Item, String>> {
        Some(match Feed::next_item(self)? {
            Ok((ts_ns, event)) => Ok(crate::session::Item::Event { ts_ns, event }),
            Err(e) => Err(e.to_string()),
        })
    }
}

/// The player's opener of captures: `None` when `path` is no capture (by its first bytes).
pub fn replay_source(path: &Path) -> Option<crate::session::player::OtherOpened> {
    if !super::is_capture(path) {
        return None;
    }
    let opened = super::preamble(path).and_then(|p| Ok((p.host, Feed::open(path)?)));
    Some(match opened {
        Ok((host, feed)) => {
            let header = crate::session::Header {
                host,
                ..crate::session::Header::default()
            };
            Ok((Box::new(feed), header))
        }
        Err(e) => Err(super::located(path, &e)),
    })
}
