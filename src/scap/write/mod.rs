//! `ktriage export`: a session file written as a `.scap` capture that `sysdig -r` reads: the section
//! header, the machine (host name, boot time), the process list (threads known before their first
//! event), then every kernel record as the events sysdig expects, at wall-clock times.
//!
//! Two streaming passes over the session: the first builds the process list and the cgroup names,
//! the second writes, each kernel batch in time order. Reading stops at the first damage; what came
//! before it is exported.

mod block;
mod events;
pub mod layout;
mod procs;
mod syscalls;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::Path;

pub use block::BlockWriter;
pub use events::{Mapped, Mapper, Rec};
pub use procs::{Table, Thread};

use crate::app::Event;
use crate::model::{EventKind, KernelBatch};
use crate::session::{Header, Item};

/// What an export wrote and left out.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Exported {
    /// Threads in the process list.
    pub threads: usize,
    /// Kernel records written, by name (`open`, `execve`, `clone`, `procexit`…).
    pub written: BTreeMap<String, u64>,
    /// Kernel records the format has no event for, by syscall name.
    pub skipped: BTreeMap<String, u64>,
    /// Events written (enter and exit each count).
    pub events: u64,
    /// Bytes of the capture.
    pub bytes: u64,
    /// The damage that ended the session early (everything before it was exported).
    pub damage: Option<String>,
}

/// Why nothing (or not everything) could be exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The session file cannot be opened or is not a session.
    #[error("{0}")]
    Session(String),
    /// Writing the capture failed.
    #[error("writing the capture at byte {offset}: {source}")]
    Write {
        offset: u64,
        #[source]
        source: std::io::Error,
    },
}

/// The session's items in order, then `Err(damage)` if it ends early.
fn items(path: &Path) -> Result<(Header, impl Iterator<Item = Result<Item, String>>), ExportError> {
    crate::session::entry::items(path)
        .map_err(|e| ExportError::Session(crate::session::located(path, &e)))
}

/// The kernel batches and /proc polls of the session, until the damage.
fn walk(
    it: impl Iterator<Item = Result<Item, String>>,
    mut on: impl FnMut(&Event) -> Result<(), ExportError>,
) -> Result<Option<String>, ExportError> {
    for item in it {
        match item {
            Ok(Item::Event { event, .. }) => on(&event)?,
            Ok(_) => {}
            Err(e) => return Ok(Some(e)),
        }
    }
    Ok(None)
}

/// First pass: the cgroups, and the threads as they were before their first event (from the /proc
/// polls, the first record of every thread not born during the recording, and the rule engine's
/// facts of a process that has not exec'd yet).
fn first_pass(path: &Path) -> Result<(Table, HashMap<u64, Vec<u8>>), ExportError> {
    let (_, it) = items(path)?;
    let mut table = Table::default();
    let mut cgroups: HashMap<u64, Vec<u8>> = HashMap::new();
    let mut born: HashSet<u32> = HashSet::new();
    let mut execed: HashSet<u32> = HashSet::new();
    walk(it, |ev| {
        match ev {
            Event::Processes(rows) => {
                for p in rows.iter().filter(|p| !born.contains(&p.pid)) {
                    table
                        .threads
                        .entry(p.pid)
                        .or_insert_with(|| Thread::from_proc(p));
                }
            }
            // the engine's facts of a process, as it was before the recording when it has not
            // exec'd since (argv, exe path, cwd)
            Event::Alerts(alerts) => {
                for f in alerts.iter().filter_map(|a| a.facts.as_deref()) {
                    if born.contains(&f.pid) || execed.contains(&f.pid) {
                        continue;
                    }
                    if let Some(t) = table.threads.get_mut(&f.pid) {
                        t.learn(f);
                    }
                }
            }
            Event::Kernel(KernelBatch {
                cgroups: cg,
                events,
            }) => {
                for c in cg {
                    if let Some(p) = &c.path {
                        cgroups.insert(c.id, procs::cgroups_of(p));
                    }
                }
                for e in events {
                    if !born.contains(&e.tid) {
                        let cg = cgroups.get(&e.cgroup_id).map_or(&[][..], Vec::as_slice);
                        let t = table
                            .threads
                            .entry(e.tid)
                            .or_insert_with(|| Thread::from_event(e, cg));
                        if t.cgroups.is_empty() {
                            t.cgroups = cg.to_vec();
                        }
                    }
                    match e.kind {
                        EventKind::Fork => {
                            born.insert(e.args[1] as u32);
                        }
                        EventKind::Exec => {
                            execed.insert(e.pid);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok((table, cgroups))
}

/// A batch's events in time order, as a driver would have written them (a batch is in ring-buffer
/// order, per CPU, and enters are dated at the call's start), each thread's own events kept in their
/// order whatever their times say (an enter always before its exit).
fn time_order(recs: Vec<Rec>) -> Vec<Rec> {
    use std::cmp::Reverse;
    use std::collections::hash_map::Entry;
    use std::collections::{BinaryHeap, VecDeque};
    let n = recs.len();
    let mut by_tid: HashMap<u64, VecDeque<Rec>> = HashMap::new();
    let mut first: Vec<u64> = Vec::new();
    for r in recs {
        match by_tid.entry(r.tid) {
            Entry::Occupied(q) => q.into_mut().push_back(r),
            Entry::Vacant(v) => {
                first.push(r.tid);
                v.insert(VecDeque::from([r]));
            }
        }
    }
    // (time of the thread's next event, the thread's rank in the batch)
    let mut heads: BinaryHeap<Reverse<(u64, usize)>> = first
        .iter()
        .enumerate()
        .map(|(rank, t)| Reverse((by_tid[t][0].ts, rank)))
        .collect();
    let mut out = Vec::with_capacity(n);
    while let Some(Reverse((_, rank))) = heads.pop() {
        let q = by_tid.get_mut(&first[rank]).expect("a queued thread");
        out.extend(q.pop_front());
        if let Some(next) = q.front() {
            heads.push(Reverse((next.ts, rank)));
        }
    }
    out
}

/// Exports the session at `session` to `out` as a capture.
pub fn export(session: &Path, out: impl Write) -> Result<Exported, ExportError> {
    let (table, cgroups) = first_pass(session)?;
    let (header, it) = items(session)?;
    let mut w = BlockWriter::new(std::io::BufWriter::new(out));
    let werr = |w: &BlockWriter<_>, source| ExportError::Write {
        offset: w.offset(),
        source,
    };
    let boot_wall = u64::try_from(header.wall_ns(0).max(0)).unwrap_or(0);
    let mut done = Exported {
        threads: table.threads.len(),
        ..Exported::default()
    };
    (|| {
        w.section_header()?;
        w.machine_info(header.host.as_bytes(), boot_wall)?;
        w.block(layout::PL_V9, &table.block_body())
    })()
    .map_err(|e| werr(&w, e))?;
    let mut mapper = Mapper {
        table,
        cgroups,
        wall_offset: header.wall_ns(0),
    };
    done.damage = walk(it, |ev| {
        let Event::Kernel(batch) = ev else {
            return Ok(());
        };
        let mut recs = Vec::with_capacity(batch.events.len() * 2);
        for e in &batch.events {
            match mapper.map(e) {
                Mapped::Events(name, r) => {
                    recs.extend(r);
                    *done.written.entry(name.to_string()).or_default() += 1;
                }
                Mapped::Skipped(name) => *done.skipped.entry(name).or_default() += 1,
            }
        }
        done.events += recs.len() as u64;
        for r in &time_order(recs) {
            w.event(r.ts, r.tid, r.ty, &r.params)
                .map_err(|err| werr(&w, err))?;
        }
        Ok(())
    })?;
    done.bytes = w.offset();
    w.finish()
        .and_then(|mut b| b.flush())
        .map_err(|source| ExportError::Write {
            offset: done.bytes,
            source,
        })?;
    Ok(done)
}

#[cfg(test)]
mod tests;
