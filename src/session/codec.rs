//! Records inside a chunk: the tagged record layout, and the compact kernel-event codec (delta timestamps, per-chunk interned process context, paths and directories, one column per field).
//!
//! Each chunk's records are decodable on their own: the interning tables and
//! the timestamp base start empty at every chunk. Records (tags, cgroups,
//! other events, notes) are written to the fields stream; a kernel event is
//! spread over the chunk's columns ([`super::columns`]): a reference to its
//! form (flags: kind, which buffers, truncation, non-zero duration and ret;
//! the syscall number; which arguments changed; each buffer's shape), `0`
//! defining a new one in the fields stream, the time as a delta
//! to the previous event's, a reference into the chunk's table of process
//! contexts (pid, tid, ppid, uid, cgroup, comm; `0` defines a new one in the
//! fields stream), duration and return value when non-zero, the deltas of
//! the arguments that differ from the previous call of the same syscall in
//! the chunk, and the buffers. A
//! buffer the chunk had before is a reference to it; a new path (one
//! NUL-terminated string) is its directory (a reference, or defined in the
//! fields stream) and its name (to the names stream); other buffers go whole
//! to the buffers stream. Argument registers nothing reads once decoded (the addresses of
//! captured paths and sockaddrs, skipped arguments) are recorded as 0
//! ([`stored_args`]).

use std::collections::hash_map::Entry;

use super::Record;
use super::columns::{BUFS, C, NAMES, Streams};
use super::frame::CHUNK_CAP;
use super::intern::{Strings, hash};
use super::varint::{put_bytes, put_i64, put_u64};
use crate::model::hash::FxMap;
use crate::model::{CgroupInfo, EventKind, SysEvent};

pub(super) const TAG_KERNEL: u8 = 1;
pub(super) const TAG_OTHER: u8 = 2;
pub(super) const TAG_NOTE: u8 = 3;
pub(super) const TAG_REDACTED: u8 = 4;

// Buffer i present: F_BUF0 << i; buffer i truncated: F_TRUNC0 << i.
pub(super) const F_BUF0: u8 = 1 << 2;
pub(super) const F_TRUNC0: u8 = 1 << 4;
pub(super) const F_DURATION: u8 = 1 << 6;
pub(super) const F_RET: u8 = 1 << 7;

/// Longest path interned (PATH_MAX); longer buffers are kept whole.
pub(super) const PATH_CAP: usize = 4096;
/// Bytes a chunk's path references may rebuild (a hostile chunk repeating
/// one long path cannot make the reader allocate more).
pub(super) const REBUILT_CAP: u64 = CHUNK_CAP;
/// Rebuilt bytes that count as one byte of a chunk's size on the writer's side.
const REBUILT_PER_BYTE: u64 = 64;
/// Largest chunk a writer fills: its path references rebuild at most [`REBUILT_CAP`].
pub const MAX_CHUNK: usize = (REBUILT_CAP / REBUILT_PER_BYTE) as usize;

/// The per-event fields that repeat for a thread: interned once per chunk.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Thread {
    pub(super) pid: u32,
    pub(super) tid: u32,
    pub(super) ppid: u32,
    pub(super) uid: u32,
    pub(super) cgroup_id: u64,
    pub(super) comm: [u8; 16],
}

impl Thread {
    fn of(e: &SysEvent) -> Self {
        Self {
            pid: e.pid,
            tid: e.tid,
            ppid: e.ppid,
            uid: e.uid,
            cgroup_id: e.cgroup_id,
            comm: e.comm,
        }
    }
}

impl Thread {
    /// Defines this thread in the fields stream.
    fn define(&self, out: &mut Vec<u8>) {
        put_u64(out, u64::from(self.pid));
        put_i64(out, i64::from(self.tid) - i64::from(self.pid));
        put_u64(out, u64::from(self.ppid));
        put_u64(out, u64::from(self.uid));
        put_u64(out, self.cgroup_id);
        let len = 16 - self.comm.iter().rev().take_while(|&&b| b == 0).count();
        put_bytes(out, &self.comm[..len]);
    }
}

/// A buffer new to the chunk, kept whole (not a path).
pub(super) const RAW: u8 = 0;
/// A path new to the chunk: directory and name.
pub(super) const NEW: u8 = 1;
/// A buffer the chunk had before.
pub(super) const REF: u8 = 2;

/// What an event is made of, apart from its values: flags, syscall number,
/// the arguments that changed, the shape of each buffer. A chunk's events
/// have few forms, and one reference to the form stands for all of them
/// (they predict each other: an openat has a path and a return value).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Form {
    pub(super) flags: u8,
    pub(super) nr: u32,
    pub(super) mask: u8,
    pub(super) shapes: [u8; 2],
}

impl Form {
    /// Defines this form in the fields stream.
    fn define(&self, out: &mut Vec<u8>) {
        out.push(self.flags);
        // NR_NONE (u32::MAX) becomes 0: one byte for exits and forks.
        put_u64(out, u64::from(self.nr.wrapping_add(1)));
        out.push(self.mask);
        out.push(self.shapes[0] | self.shapes[1] << 4);
    }
}

/// The previous arguments of each syscall number in the chunk (the
/// predictor of the next call's; numbers past 511, exits and forks share the
/// last slot).
#[derive(Default)]
pub(super) struct ArgsTable(Vec<[u64; 6]>);

impl ArgsTable {
    pub(super) fn slot(&mut self, nr: u32) -> &mut [u64; 6] {
        if self.0.is_empty() {
            self.0 = vec![[0; 6]; 512];
        }
        &mut self.0[(nr as usize).min(511)]
    }

    pub(super) fn clear(&mut self) {
        self.0.iter_mut().for_each(|a| *a = [0; 6]);
    }
}

/// Where a path buffer splits into directory and name: after its last `/`
/// (0 for a name alone), when it is one string (one NUL, at its end, at
/// most [`PATH_CAP`] bytes).
pub(super) fn path_split(b: &[u8]) -> Option<usize> {
    if b.len() > PATH_CAP || b.last() != Some(&0) {
        return None;
    }
    let body = &b[..b.len() - 1];
    if body.contains(&0) {
        return None;
    }
    Some(body.iter().rposition(|&c| c == b'/').map_or(0, |i| i + 1))
}

/// Whether a buffer goes into the chunk's table of buffers, so a later one
/// equal to it is a reference (paths, sockaddrs, argv: a node opens the same
/// files and connects to the same endpoints again and again).
pub(super) fn interned(b: &[u8]) -> bool {
    b.len() <= PATH_CAP
}

/// Encoding state of the chunk being filled.
#[derive(Default)]
pub struct Encoder {
    forms: FxMap<Form, u32>,
    threads: FxMap<Thread, u32>,
    prev_ts: u64,
    args: ArgsTable,
    cols: Streams,
    bufs: Strings,
    dirs: Strings,
    rebuilt: u64,
}

impl Encoder {
    /// Forgets the tables: the next record starts a new chunk.
    pub fn reset(&mut self) {
        self.forms.clear();
        self.threads.clear();
        self.prev_ts = 0;
        self.args.clear();
        self.cols.clear();
        self.bufs.clear();
        self.dirs.clear();
        self.rebuilt = 0;
    }

    /// Bytes the chunk being filled stands for beyond the record fields: its
    /// columns, plus a 64th of what its path references rebuild, so a chunk
    /// of one long path repeated closes long before a reader would refuse it
    /// (the writer's chunks are at most [`MAX_CHUNK`]).
    pub fn pending(&self) -> usize {
        self.cols.bytes() + (self.rebuilt / REBUILT_PER_BYTE) as usize
    }

    /// The chunk's bytes (`fields`: what the record calls appended) into
    /// `dst`, and a reset for the next chunk.
    pub fn assemble(&mut self, fields: &[u8], dst: &mut Vec<u8>) {
        self.cols.assemble(fields, dst);
        self.reset();
    }

    /// Appends one record to `out`.
    pub fn record(&mut self, out: &mut Vec<u8>, r: &Record) {
        match r {
            Record::Kernel(b) => self.kernel(out, &b.cgroups, &b.events),
            Record::Other { ts_ns, bytes } => {
                out.push(TAG_OTHER);
                put_u64(out, *ts_ns);
                put_bytes(out, bytes);
            }
            Record::Note { ts_ns, text } => {
                out.push(TAG_NOTE);
                put_u64(out, *ts_ns);
                put_bytes(out, text.as_bytes());
            }
            Record::Redacted { ts_ns, names } => {
                out.push(TAG_REDACTED);
                put_u64(out, *ts_ns);
                put_u64(out, names.len() as u64);
                for n in names {
                    put_bytes(out, n.as_bytes());
                }
            }
        }
    }

    /// Appends a kernel batch (or a slice of one) as one record.
    pub fn kernel(&mut self, out: &mut Vec<u8>, cgroups: &[CgroupInfo], events: &[SysEvent]) {
        self.kernel_head(out, cgroups, events.len());
        for e in events {
            self.event(out, e);
        }
    }

    /// Appends the start of a kernel record: its cgroups and the count of the `n` events that follow.
    pub fn kernel_head(&mut self, out: &mut Vec<u8>, cgroups: &[CgroupInfo], n: usize) {
        out.push(TAG_KERNEL);
        put_u64(out, cgroups.len() as u64);
        for c in cgroups {
            put_u64(out, c.id);
            put_opt(out, c.path.as_deref());
            put_opt(out, c.container_id.as_deref());
        }
        put_u64(out, n as u64);
    }

    /// Appends one kernel event (inside a kernel record): its definitions
    /// (forms, threads, directories) to `out`, the rest to the columns.
    pub fn event(&mut self, out: &mut Vec<u8>, e: &SysEvent) {
        let mut flags = (e.kind as u8 - 1) & 3;
        for (i, b) in e.bufs.iter().enumerate() {
            if !b.bytes.is_empty() || b.truncated {
                flags |= F_BUF0 << i;
            }
            if b.truncated {
                flags |= F_TRUNC0 << i;
            }
        }
        if e.duration_ns != 0 {
            flags |= F_DURATION;
        }
        if e.ret != 0 {
            flags |= F_RET;
        }
        // Arguments as deltas to the previous call of the same syscall in this
        // chunk; the mask says which differ.
        let args = stored_args(e);
        let prev = *self.args.slot(e.nr);
        let mask = (0..6).fold(0u8, |m, i| if args[i] != prev[i] { m | 1 << i } else { m });
        let mut shapes = [RAW; 2];
        let mut found = [(0u64, None); 2];
        for (i, b) in e.bufs.iter().enumerate() {
            if flags & (F_BUF0 << i) != 0 {
                let h = hash(&b.bytes);
                let k = self.bufs.find(h, &b.bytes);
                found[i] = (h, k);
                shapes[i] = if k.is_some() {
                    REF
                } else if path_split(&b.bytes).is_some() {
                    NEW
                } else {
                    RAW
                };
            }
        }
        let form = Form {
            flags,
            nr: e.nr,
            mask,
            shapes,
        };
        let c = &mut self.cols;
        let next = self.forms.len() as u32;
        match self.forms.entry(form) {
            Entry::Occupied(o) => c.put(C::Form, u64::from(*o.get()) + 1),
            Entry::Vacant(v) => {
                v.insert(next);
                c.put(C::Form, 0);
                form.define(out);
            }
        }
        c.put_i(C::Ts, e.ts_ns.wrapping_sub(self.prev_ts) as i64);
        self.prev_ts = e.ts_ns;
        let t = Thread::of(e);
        let next = self.threads.len() as u32;
        match self.threads.entry(t) {
            Entry::Occupied(o) => c.put(C::Thread, u64::from(*o.get()) + 1),
            Entry::Vacant(v) => {
                v.insert(next);
                c.put(C::Thread, 0);
                t.define(out);
            }
        }
        if e.duration_ns != 0 {
            c.put(C::Duration, e.duration_ns);
        }
        if e.ret != 0 {
            c.put_i(C::Ret, e.ret);
        }
        for i in (0..6).filter(|i| mask & (1 << i) != 0) {
            c.put_i(C::Args, args[i].wrapping_sub(prev[i]) as i64);
        }
        *self.args.slot(e.nr) = args;
        for (i, b) in e.bufs.iter().enumerate() {
            if flags & (F_BUF0 << i) != 0 {
                self.buffer(out, &b.bytes, shapes[i], found[i]);
            }
        }
    }

    /// Writes buffer `b` of shape `shape`; `found`: its hash and its number
    /// when the chunk had it before this event.
    fn buffer(&mut self, out: &mut Vec<u8>, b: &[u8], shape: u8, found: (u64, Option<u32>)) {
        let c = &mut self.cols;
        let (h, k) = found;
        match (shape, path_split(b)) {
            (REF, _) => {
                c.put(C::PathRef, u64::from(k.unwrap_or_default()));
                self.rebuilt += b.len() as u64;
            }
            (NEW, Some(cut)) => {
                self.bufs.add(h, b);
                let dh = hash(&b[..cut]);
                match self.dirs.find(dh, &b[..cut]) {
                    Some(k) => c.put(C::Dir, u64::from(k) + 1),
                    None => {
                        self.dirs.add(dh, &b[..cut]);
                        c.put(C::Dir, 0);
                        put_bytes(out, &b[..cut]);
                    }
                }
                let name = &b[cut..b.len() - 1];
                c.put(C::NameLen, name.len() as u64);
                c.extend(NAMES, name);
            }
            _ => {
                if interned(b) {
                    self.bufs.add(h, b);
                }
                c.put(C::BufLen, b.len() as u64);
                c.extend(BUFS, b);
            }
        }
    }
}

/// The argument registers as recorded: for a syscall, those nothing reads
/// once it is decoded (skipped arguments, addresses of captured paths and
/// sockaddrs) are 0 (see [`crate::collector::args::unread_registers`]).
pub fn stored_args(e: &SysEvent) -> [u64; 6] {
    let mut args = e.args;
    if e.kind == EventKind::Syscall {
        let captured = [!e.bufs[0].bytes.is_empty(), !e.bufs[1].bytes.is_empty()];
        let unread = crate::collector::args::unread_registers(e.nr, captured);
        for (i, a) in args.iter_mut().enumerate() {
            if unread & (1 << i) != 0 {
                *a = 0;
            }
        }
    }
    args
}

fn put_opt(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            put_bytes(out, s.as_bytes());
        }
    }
}
