//! A capture as the items a session replay feeds the core: the process list as a process poll, the events as kernel batches (cgroups first), the damage last.

use std::collections::VecDeque;
use std::io::Read;
use std::path::Path;

use super::map::Mapper;
use super::{Block, ScapError, ScapReader};
use crate::app::Event;
use crate::model::{KernelBatch, SysEvent};
use crate::session::entry::Item;

/// Records per kernel batch.
const BATCH: usize = 1024;

/// A capture being turned into items.
pub struct Feed<R: Read> {
    reader: ScapReader<R>,
    /// Threads and cgroups of the capture so far.
    pub mapper: Mapper,
    batch: Vec<SysEvent>,
    queue: VecDeque<Item>,
    /// The machine's hostname, once its block was read.
    pub hostname: Option<String>,
    /// Events read.
    pub events: u64,
    ended: bool,
    damage: Option<ScapError>,
}

impl Feed<Box<dyn Read + Send>> {
    /// Opens the capture at `path`.
    pub fn open(path: &Path) -> Result<Self, ScapError> {
        Ok(Self::new(ScapReader::open(path)?))
    }
}

impl<R: Read> Feed<R> {
    /// Items from `reader`.
    pub fn new(reader: ScapReader<R>) -> Self {
        Self {
            reader,
            mapper: Mapper::default(),
            batch: Vec::with_capacity(BATCH),
            queue: VecDeque::new(),
            hostname: None,
            events: 0,
            ended: false,
            damage: None,
        }
    }

    fn flush(&mut self) {
        let events = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        let cgroups = self.mapper.take_cgroups();
        if !events.is_empty() || !cgroups.is_empty() {
            self.push_batch(cgroups, events);
        }
    }

    fn push_batch(&mut self, cgroups: Vec<crate::model::CgroupInfo>, events: Vec<SysEvent>) {
        let ts_ns = events.first().map_or(0, |e| e.ts_ns);
        self.queue.push_back(Item::Event {
            ts_ns,
            event: Event::Kernel(KernelBatch { cgroups, events }),
        });
    }

    /// The next item; the damage, if any, after the items before it; then `None`.
    pub fn next_item(&mut self) -> Option<Result<Item, ScapError>> {
        loop {
            if let Some(it) = self.queue.pop_front() {
                return Some(Ok(it));
            }
            if self.ended {
                return self.damage.take().map(Err);
            }
            match self.reader.next_block() {
                None => {
                    self.ended = true;
                    self.mapper.flush(&mut self.batch);
                    self.flush();
                }
                Some(Err(e)) => {
                    self.ended = true;
                    self.mapper.flush(&mut self.batch);
                    self.flush();
                    // the items before the damage first, then the damage
                    self.damage = Some(e);
                }
                Some(Ok(Block::Threads(list))) => {
                    let rows = self.mapper.threads(&list);
                    self.flush();
                    let ts_ns = self.batch.first().map_or(0, |e| e.ts_ns);
                    self.queue.push_back(Item::Event {
                        ts_ns,
                        event: Event::Processes(rows),
                    });
                }
                Some(Ok(Block::Machine { hostname })) => self.hostname = Some(hostname),
                Some(Ok(Block::Event(ev))) => {
                    self.events += 1;
                    self.mapper.event(&ev, &mut self.batch);
                    if self.batch.len() >= BATCH {
                        self.flush();
                    }
                }
                Some(Ok(_)) => {}
            }
        }
    }
}
