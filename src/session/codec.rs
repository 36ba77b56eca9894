//! Records inside a chunk: the tagged record layout, and the compact kernel-event codec (delta timestamps, per-chunk interned process context, length-prefixed buffers).
//!
//! Each chunk's records are decodable on their own: the interning tables and
//! the timestamp base start empty at every chunk. A chunk's bytes are two
//! streams: `varint(len) | fields | buffers`: the kernel events' captured
//! buffers (paths, sockaddrs, argv) go to the second stream, so that zstd
//! sees the regular fields apart from the text. A kernel event is a flag
//! byte (kind, which buffers, truncation, zero duration/ret), a zigzag delta
//! to the previous event's time, a reference into the chunk's table of
//! process contexts (pid, tid, ppid, uid, cgroup, comm; `0` defines a new
//! one inline), the syscall number, duration and return value when non-zero,
//! a bitmask of the arguments that differ from the previous call of the same
//! syscall in the chunk followed by their deltas, and the buffers. Argument
//! registers nothing reads once decoded (the addresses of captured paths and
//! sockaddrs, skipped arguments) are recorded as 0 ([`stored_args`]).

use super::Record;
use super::error::DecodeError;
use super::frame::BATCH_CAP;
use super::varint::{Cursor, put_bytes, put_i64, put_u64};
use crate::model::hash::FxMap;
use crate::model::{Captured, CgroupInfo, EventKind, KernelBatch, SysEvent};

const TAG_KERNEL: u8 = 1;
const TAG_OTHER: u8 = 2;
const TAG_NOTE: u8 = 3;
const TAG_REDACTED: u8 = 4;

// Buffer i present: F_BUF0 << i; buffer i truncated: F_TRUNC0 << i.
const F_BUF0: u8 = 1 << 2;
const F_TRUNC0: u8 = 1 << 4;
const F_DURATION: u8 = 1 << 6;
const F_RET: u8 = 1 << 7;

/// Smallest encoded kernel event (flags, ts, thread ref, nr, args mask).
const MIN_EVENT: usize = 5;

/// The per-event fields that repeat for a thread: interned once per chunk.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Thread {
    pid: u32,
    tid: u32,
    ppid: u32,
    uid: u32,
    cgroup_id: u64,
    comm: [u8; 16],
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

/// The previous arguments of each syscall number in the chunk (the
/// predictor of the next call's; numbers past 511, exits and forks share the
/// last slot).
#[derive(Default)]
struct ArgsTable(Vec<[u64; 6]>);

impl ArgsTable {
    fn slot(&mut self, nr: u32) -> &mut [u64; 6] {
        if self.0.is_empty() {
            self.0 = vec![[0; 6]; 512];
        }
        &mut self.0[(nr as usize).min(511)]
    }

    fn clear(&mut self) {
        self.0.iter_mut().for_each(|a| *a = [0; 6]);
    }
}

/// Encoding state of the chunk being filled.
#[derive(Default)]
pub struct Encoder {
    threads: FxMap<Thread, u32>,
    prev_ts: u64,
    args: ArgsTable,
    bufs: Vec<u8>,
}

impl Encoder {
    /// Forgets the tables: the next record starts a new chunk.
    pub fn reset(&mut self) {
        self.threads.clear();
        self.prev_ts = 0;
        self.args.clear();
        self.bufs.clear();
    }

    /// Bytes of the buffer stream held for the chunk being filled.
    pub fn pending(&self) -> usize {
        self.bufs.len()
    }

    /// The chunk's bytes (`fields`: what the record calls appended) into
    /// `dst`, and a reset for the next chunk.
    pub fn assemble(&mut self, fields: &[u8], dst: &mut Vec<u8>) {
        dst.clear();
        put_u64(dst, fields.len() as u64);
        dst.extend_from_slice(fields);
        dst.extend_from_slice(&self.bufs);
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

    /// Appends one kernel event (inside a kernel record).
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
        out.push(flags);
        put_i64(out, e.ts_ns.wrapping_sub(self.prev_ts) as i64);
        self.prev_ts = e.ts_ns;
        let t = Thread::of(e);
        let next = self.threads.len() as u32;
        match self.threads.entry(t) {
            std::collections::hash_map::Entry::Occupied(o) => put_u64(out, u64::from(*o.get()) + 1),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(next);
                out.push(0);
                put_u64(out, u64::from(t.pid));
                put_i64(out, i64::from(t.tid) - i64::from(t.pid));
                put_u64(out, u64::from(t.ppid));
                put_u64(out, u64::from(t.uid));
                put_u64(out, t.cgroup_id);
                let len = 16 - t.comm.iter().rev().take_while(|&&b| b == 0).count();
                put_bytes(out, &t.comm[..len]);
            }
        }
        // NR_NONE (u32::MAX) becomes 0: one byte for exits and forks.
        put_u64(out, u64::from(e.nr.wrapping_add(1)));
        if e.duration_ns != 0 {
            put_u64(out, e.duration_ns);
        }
        if e.ret != 0 {
            put_i64(out, e.ret);
        }
        // Arguments as deltas to the previous call of the same syscall in this
        // chunk; the mask says which differ.
        let args = stored_args(e);
        let prev = self.args.slot(e.nr);
        let mask = (0..6).fold(0u8, |m, i| if args[i] != prev[i] { m | 1 << i } else { m });
        out.push(mask);
        for i in (0..6).filter(|i| mask & (1 << i) != 0) {
            put_i64(out, args[i].wrapping_sub(prev[i]) as i64);
        }
        *prev = args;
        for (i, b) in e.bufs.iter().enumerate() {
            if flags & (F_BUF0 << i) != 0 {
                put_bytes(&mut self.bufs, &b.bytes);
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

/// Decoding state of one chunk's records (the chunk's bytes are passed to
/// each call, so a reader can own them next to this state).
#[derive(Default)]
pub struct Decoder {
    /// End of the fields stream (0: not parsed yet).
    fields_end: usize,
    pos: usize,
    bpos: usize,
    threads: Vec<Thread>,
    prev_ts: u64,
    args: ArgsTable,
}

impl Decoder {
    /// Starts over, for a new chunk.
    pub fn reset(&mut self) {
        *self = Self {
            threads: std::mem::take(&mut self.threads),
            args: std::mem::take(&mut self.args),
            ..Self::default()
        };
        self.threads.clear();
        self.args.clear();
    }

    /// The next record of the chunk `raw`, `None` at its end.
    pub fn next_record(&mut self, raw: &[u8]) -> Option<Result<Record, DecodeError>> {
        if self.fields_end == 0 {
            if raw.is_empty() {
                return None;
            }
            let mut c = Cursor::new(raw);
            let n = match c.u64() {
                Ok(n) if n <= c.remaining() as u64 => n as usize,
                Ok(_) => return self.stop(raw, c.err("fields stream longer than the chunk")),
                Err(e) => return self.stop(raw, e),
            };
            self.pos = c.pos();
            self.fields_end = c.pos() + n;
            self.bpos = self.fields_end;
        }
        if self.pos >= self.fields_end {
            if self.bpos < raw.len() {
                let at = self.bpos;
                self.bpos = raw.len();
                return Some(Err(DecodeError {
                    at,
                    what: "buffer bytes no record uses",
                }));
            }
            return None;
        }
        let mut c = Cursor::new(&raw[..self.fields_end]);
        c.skip_to(self.pos);
        let mut b = Cursor::new(raw);
        b.skip_to(self.bpos);
        let r = self.record(&mut c, &mut b);
        match r {
            Ok(_) => {
                self.pos = c.pos();
                self.bpos = b.pos();
            }
            Err(_) => {
                self.pos = self.fields_end;
                self.bpos = raw.len();
            }
        }
        Some(r)
    }

    fn stop(&mut self, raw: &[u8], e: DecodeError) -> Option<Result<Record, DecodeError>> {
        self.fields_end = raw.len().max(1);
        self.pos = self.fields_end;
        self.bpos = raw.len();
        Some(Err(e))
    }

    fn record(&mut self, c: &mut Cursor<'_>, bc: &mut Cursor<'_>) -> Result<Record, DecodeError> {
        match c.u8()? {
            TAG_KERNEL => {
                let n = c.count(3)?;
                let mut cgroups = Vec::with_capacity(n);
                for _ in 0..n {
                    let id = c.u64()?;
                    let path = opt(c)?;
                    let container_id = opt(c)?;
                    cgroups.push(CgroupInfo {
                        id,
                        path,
                        container_id,
                    });
                }
                let n = c.count(MIN_EVENT)?;
                if n > BATCH_CAP {
                    return Err(c.err("more kernel events in one record than the cap"));
                }
                let mut events = Vec::with_capacity(n);
                for _ in 0..n {
                    events.push(self.event(c, bc)?);
                }
                Ok(Record::Kernel(KernelBatch { cgroups, events }))
            }
            TAG_OTHER => Ok(Record::Other {
                ts_ns: c.u64()?,
                bytes: c.bytes()?.to_vec(),
            }),
            TAG_NOTE => Ok(Record::Note {
                ts_ns: c.u64()?,
                text: c.string()?,
            }),
            TAG_REDACTED => {
                let ts_ns = c.u64()?;
                let n = c.count(1)?;
                let mut names = Vec::with_capacity(n);
                for _ in 0..n {
                    names.push(c.string()?);
                }
                Ok(Record::Redacted { ts_ns, names })
            }
            _ => {
                let at = c.pos() - 1;
                Err(DecodeError {
                    at,
                    what: "unknown record tag",
                })
            }
        }
    }

    fn event(&mut self, c: &mut Cursor<'_>, bc: &mut Cursor<'_>) -> Result<SysEvent, DecodeError> {
        let flags = c.u8()?;
        let kind = match flags & 3 {
            0 => EventKind::Syscall,
            1 => EventKind::Exec,
            2 => EventKind::Exit,
            _ => EventKind::Fork,
        };
        let ts_ns = self.prev_ts.wrapping_add(c.i64()? as u64);
        self.prev_ts = ts_ns;
        let r = c.u64()?;
        let t = if r == 0 {
            let pid = c.u32()?;
            let tid = u32::try_from(i64::from(pid) + c.i64()?)
                .map_err(|_| c.err("thread id out of range"))?;
            let ppid = c.u32()?;
            let uid = c.u32()?;
            let cgroup_id = c.u64()?;
            let name = c.bytes()?;
            if name.len() > 16 {
                return Err(c.err("comm longer than 16 bytes"));
            }
            let mut comm = [0u8; 16];
            comm[..name.len()].copy_from_slice(name);
            let t = Thread {
                pid,
                tid,
                ppid,
                uid,
                cgroup_id,
                comm,
            };
            self.threads.push(t);
            t
        } else {
            *self
                .threads
                .get((r - 1) as usize)
                .ok_or_else(|| c.err("process context not defined in this chunk"))?
        };
        let nr = (c.u64()? as u32).wrapping_sub(1);
        let duration_ns = if flags & F_DURATION != 0 { c.u64()? } else { 0 };
        let ret = if flags & F_RET != 0 { c.i64()? } else { 0 };
        let mask = c.u8()?;
        if mask >= 1 << 6 {
            return Err(c.err("argument mask has more than 6 bits"));
        }
        let prev = self.args.slot(nr);
        let mut args = *prev;
        for (i, a) in args.iter_mut().enumerate() {
            if mask & (1 << i) != 0 {
                *a = prev[i].wrapping_add(c.i64()? as u64);
            }
        }
        *prev = args;
        let mut bufs = [Captured::default(), Captured::default()];
        for (i, b) in bufs.iter_mut().enumerate() {
            if flags & (F_BUF0 << i) != 0 {
                b.bytes = bc.bytes()?.to_vec();
                b.truncated = flags & (F_TRUNC0 << i) != 0;
            }
        }
        Ok(SysEvent {
            ts_ns,
            cgroup_id: t.cgroup_id,
            duration_ns,
            ret,
            args,
            kind,
            nr,
            pid: t.pid,
            tid: t.tid,
            ppid: t.ppid,
            uid: t.uid,
            comm: t.comm,
            bufs,
        })
    }
}

fn opt(c: &mut Cursor<'_>) -> Result<Option<String>, DecodeError> {
    match c.u8()? {
        0 => Ok(None),
        1 => Ok(Some(c.string()?)),
        _ => Err(c.err("bad option tag")),
    }
}
