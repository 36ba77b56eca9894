//! The bounded event buffer: compact records in fixed-size chunks, oldest chunk dropped (and counted) at the cap.

use std::collections::VecDeque;

use super::event::{EventKind, SysEvent};
use crate::model::hash::FxMap;

/// Records per chunk; the buffer grows and shrinks a chunk at a time.
pub const CHUNK: usize = 4096;
/// Default cap on buffered events.
pub const DEFAULT_CAP: usize = 1_000_000;

/// `Stored::nr` of records that are not a syscall.
const NR_NONE16: u16 = u16::MAX;

/// A record as stored (104 bytes): fixed fields, interned comm and cgroup, and
/// a slice of its chunk's byte arena.
#[derive(Clone, Copy, Debug)]
struct Stored {
    ts_ns: u64,
    ret: i64,
    args: [u64; 6],
    /// Saturates at ~4.29 s.
    duration_ns: u32,
    pid: u32,
    tid: u32,
    ppid: u32,
    uid: u32,
    comm: u32,
    cgroup: u32,
    data_off: u32,
    len: [u16; 2],
    nr: u16,
    kind: EventKind,
    truncated: u8,
}

const _: () = assert!(std::mem::size_of::<Stored>() == 104);

#[derive(Default)]
struct Chunk {
    events: Vec<Stored>,
    data: Vec<u8>,
}

/// Interned values (comms, cgroup ids): many records share few of them.
struct Interner<T> {
    ids: FxMap<T, u32>,
    values: Vec<T>,
}

impl<T> Default for Interner<T> {
    fn default() -> Self {
        Self {
            ids: FxMap::default(),
            values: Vec::new(),
        }
    }
}

impl<T: Copy + Eq + std::hash::Hash> Interner<T> {
    fn intern(&mut self, v: T) -> u32 {
        if let Some(id) = self.ids.get(&v) {
            return *id;
        }
        let id = self.values.len() as u32;
        self.values.push(v);
        self.ids.insert(v, id);
        id
    }
}

/// Bounded, sequence-numbered store of kernel records.
pub struct EventBuffer {
    chunks: VecDeque<Chunk>,
    cap: usize,
    first_seq: u64,
    len: usize,
    dropped: u64,
    /// Records released by time retention (the flight recorder's window), not by the cap.
    expired: u64,
    comms: Interner<[u8; 16]>,
    cgroups: Interner<u64>,
    /// The last chunk released, emptied, kept for the next one (a full
    /// buffer then allocates nothing: no page faults, no copies).
    spare: Option<Chunk>,
}

impl EventBuffer {
    /// A buffer holding at most `cap` records (at least one chunk).
    pub fn new(cap: usize) -> Self {
        Self {
            chunks: VecDeque::new(),
            cap: cap.max(CHUNK),
            first_seq: 0,
            len: 0,
            dropped: 0,
            expired: 0,
            comms: Interner::default(),
            cgroups: Interner::default(),
            spare: None,
        }
    }

    /// Configured cap.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Records held now.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Records dropped because the buffer was full.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Sequence number of the oldest held record.
    pub fn first_seq(&self) -> u64 {
        self.first_seq
    }

    /// Sequence number the next record will get.
    pub fn next_seq(&self) -> u64 {
        self.first_seq + self.len as u64
    }

    /// Appends a record, dropping the oldest chunk first when full. Returns its sequence number.
    pub fn push(&mut self, ev: &SysEvent) -> u64 {
        if self.len >= self.cap
            && let Some(n) = self.release_oldest()
        {
            self.dropped += n as u64;
        }
        if self.chunks.back().is_none_or(|c| c.events.len() >= CHUNK) {
            let next = match self.spare.take() {
                Some(c) => c,
                None => {
                    // the arena starts as big as the last chunk's ended (grown once at most)
                    let data = self.chunks.back().map_or(0, |c| c.data.len());
                    Chunk {
                        events: Vec::with_capacity(CHUNK),
                        data: Vec::with_capacity(data + data / 4),
                    }
                }
            };
            self.chunks.push_back(next);
        }
        let comm = self.comms.intern(ev.comm);
        let cgroup = self.cgroups.intern(ev.cgroup_id);
        let chunk = self.chunks.back_mut().expect("a chunk was just ensured");
        let data_off = chunk.data.len() as u32;
        let mut len = [0u16; 2];
        let mut truncated = 0u8;
        for (i, b) in ev.bufs.iter().enumerate() {
            let bytes = &b.bytes[..b.bytes.len().min(u16::MAX as usize)];
            chunk.data.extend_from_slice(bytes);
            len[i] = bytes.len() as u16;
            truncated |= (b.truncated as u8) << i;
        }
        chunk.events.push(Stored {
            ts_ns: ev.ts_ns,
            ret: ev.ret,
            args: ev.args,
            duration_ns: ev.duration_ns.min(u32::MAX as u64) as u32,
            pid: ev.pid,
            tid: ev.tid,
            ppid: ev.ppid,
            uid: ev.uid,
            comm,
            cgroup,
            nr: u16::try_from(ev.nr).unwrap_or(NR_NONE16),
            data_off,
            len,
            kind: ev.kind,
            truncated,
        });
        self.len += 1;
        self.next_seq() - 1
    }

    /// The record with sequence number `seq`, if still held.
    pub fn get(&self, seq: u64) -> Option<EventRef<'_>> {
        if seq < self.first_seq || seq >= self.next_seq() {
            return None;
        }
        let idx = (seq - self.first_seq) as usize;
        let chunk = self.chunks.get(idx / CHUNK)?;
        let stored = chunk.events.get(idx % CHUNK)?;
        Some(EventRef {
            seq,
            stored,
            data: &chunk.data,
            comm: &self.comms.values[stored.comm as usize],
            cgroup_id: self.cgroups.values[stored.cgroup as usize],
        })
    }

    /// Records with sequence numbers in `from..to` (clamped to what is held), oldest first.
    pub fn range(&self, from: u64, to: u64) -> impl Iterator<Item = EventRef<'_>> {
        let from = from.max(self.first_seq);
        let to = to.min(self.next_seq());
        (from..to).filter_map(|s| self.get(s))
    }

    /// Records released by [`EventBuffer::expire_before`].
    pub fn expired(&self) -> u64 {
        self.expired
    }

    /// Releases whole chunks whose newest record is older than `ts_ns` (the
    /// chunk being filled is kept). Returns how many records went.
    pub fn expire_before(&mut self, ts_ns: u64) -> u64 {
        let mut gone = 0u64;
        while self.chunks.len() > 1
            && self
                .chunks
                .front()
                .and_then(|c| c.events.last())
                .is_some_and(|e| e.ts_ns < ts_ns)
        {
            if let Some(n) = self.release_oldest() {
                gone += n as u64;
            }
        }
        self.expired += gone;
        gone
    }

    /// Drops the oldest chunk (kept, emptied, as the spare); how many records it held.
    fn release_oldest(&mut self) -> Option<usize> {
        let mut old = self.chunks.pop_front()?;
        let n = old.events.len();
        self.first_seq += n as u64;
        self.len -= n;
        old.events.clear();
        old.data.clear();
        self.spare = Some(old);
        Some(n)
    }

    /// Approximate heap bytes held (records + arenas), for the memory benchmark.
    pub fn heap_bytes(&self) -> usize {
        self.chunks
            .iter()
            .chain(&self.spare)
            .map(|c| c.events.capacity() * std::mem::size_of::<Stored>() + c.data.capacity())
            .sum()
    }
}

/// A borrowed view of one stored record.
#[derive(Clone, Copy)]
pub struct EventRef<'a> {
    /// Sequence number.
    pub seq: u64,
    stored: &'a Stored,
    data: &'a [u8],
    comm: &'a [u8; 16],
    cgroup_id: u64,
}

impl<'a> EventRef<'a> {
    /// Boot-clock ns.
    pub fn ts_ns(&self) -> u64 {
        self.stored.ts_ns
    }
    /// cgroup id.
    pub fn cgroup_id(&self) -> u64 {
        self.cgroup_id
    }
    /// Syscall duration in ns.
    pub fn duration_ns(&self) -> u64 {
        self.stored.duration_ns as u64
    }
    /// Return value.
    pub fn ret(&self) -> i64 {
        self.stored.ret
    }
    /// Raw arguments.
    pub fn args(&self) -> &'a [u64; 6] {
        &self.stored.args
    }
    /// Kind.
    pub fn kind(&self) -> EventKind {
        self.stored.kind
    }
    /// Syscall number (or `NR_NONE`).
    pub fn nr(&self) -> u32 {
        match self.stored.nr {
            NR_NONE16 => ktriage_common::NR_NONE,
            nr => nr as u32,
        }
    }
    /// tgid.
    pub fn pid(&self) -> u32 {
        self.stored.pid
    }
    /// Thread id.
    pub fn tid(&self) -> u32 {
        self.stored.tid
    }
    /// Parent tgid.
    pub fn ppid(&self) -> u32 {
        self.stored.ppid
    }
    /// Real uid.
    pub fn uid(&self) -> u32 {
        self.stored.uid
    }
    /// comm bytes up to the first NUL (untrusted).
    pub fn comm_bytes(&self) -> &'a [u8] {
        let end = self.comm.iter().position(|b| *b == 0).unwrap_or(16);
        &self.comm[..end]
    }
    /// Captured buffer `i` (0 or 1) and whether it was cut.
    pub fn buf(&self, i: usize) -> (&'a [u8], bool) {
        let s = self.stored;
        let start = s.data_off as usize + if i == 0 { 0 } else { s.len[0] as usize };
        let len = s.len.get(i).copied().unwrap_or(0) as usize;
        let bytes = self.data.get(start..start + len).unwrap_or(&[]);
        (bytes, s.truncated & (1 << i) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::event::Captured;

    fn ev(pid: u32, path: &str) -> SysEvent {
        SysEvent {
            ts_ns: pid as u64,
            cgroup_id: 1,
            duration_ns: 0,
            ret: 0,
            args: [0; 6],
            kind: EventKind::Syscall,
            nr: 257,
            pid,
            tid: pid,
            ppid: 1,
            uid: 0,
            comm: *b"cat\0\0\0\0\0\0\0\0\0\0\0\0\0",
            bufs: [
                Captured {
                    bytes: path.as_bytes().to_vec(),
                    truncated: false,
                },
                Captured {
                    bytes: b"two".to_vec(),
                    truncated: true,
                },
            ],
        }
    }

    #[test]
    fn stores_and_reads_back() {
        let mut b = EventBuffer::new(10);
        let s = b.push(&ev(7, "/etc/shadow"));
        let r = b.get(s).expect("held");
        assert_eq!(r.pid(), 7);
        assert_eq!(r.comm_bytes(), b"cat");
        assert_eq!(r.buf(0), (&b"/etc/shadow"[..], false));
        assert_eq!(r.buf(1), (&b"two"[..], true));
        assert_eq!((r.nr(), r.cgroup_id()), (257, 1));
        let mut exit = ev(8, "");
        exit.nr = ktriage_common::NR_NONE;
        exit.cgroup_id = 99;
        exit.duration_ns = u64::MAX;
        let seq = b.push(&exit);
        let r = b.get(seq).expect("held");
        assert_eq!(
            (r.nr(), r.cgroup_id(), r.duration_ns()),
            (ktriage_common::NR_NONE, 99, u32::MAX as u64)
        );
    }

    #[test]
    fn expires_whole_chunks_older_than_a_time() {
        let mut b = EventBuffer::new(CHUNK * 4);
        for i in 0..(CHUNK * 2 + 5) {
            b.push(&ev(i as u32, "p"));
        }
        // ts_ns == pid: the first chunk ends at CHUNK-1, the second at 2*CHUNK-1.
        assert_eq!(
            b.expire_before(CHUNK as u64 - 1),
            0,
            "its newest is not older"
        );
        assert_eq!(b.expire_before(CHUNK as u64 + 10), CHUNK as u64);
        assert_eq!(
            (b.first_seq(), b.expired(), b.dropped()),
            (CHUNK as u64, CHUNK as u64, 0)
        );
        assert_eq!(
            b.expire_before(u64::MAX),
            CHUNK as u64,
            "the chunk being filled stays"
        );
        assert_eq!(b.len(), 5);
    }

    #[test]
    fn drops_oldest_chunk_and_counts() {
        let mut b = EventBuffer::new(CHUNK * 2);
        for i in 0..(CHUNK * 2 + 5) {
            b.push(&ev(i as u32, "p"));
        }
        assert_eq!(b.dropped(), CHUNK as u64);
        assert_eq!(b.len(), CHUNK + 5);
        assert_eq!(b.first_seq(), CHUNK as u64);
        assert!(b.get(0).is_none());
        assert_eq!(b.get(CHUNK as u64).map(|r| r.pid()), Some(CHUNK as u32));
        assert_eq!(b.range(0, u64::MAX).count(), CHUNK + 5);
    }

    /// A full buffer reuses the chunk it drops: what it holds stays the same size, and the reused chunk's old records are gone.
    #[test]
    fn a_full_buffer_reuses_the_chunk_it_drops() {
        let mut b = EventBuffer::new(4 * CHUNK);
        let path = "/var/lib/some/long/path/name";
        for i in 0..5 * CHUNK as u32 {
            b.push(&ev(i, path));
        }
        let held = b.heap_bytes();
        for i in 0..20 * CHUNK as u32 {
            b.push(&ev(i, path));
        }
        assert_eq!(b.heap_bytes(), held);
        assert_eq!(b.len(), 4 * CHUNK);
        let last = b.get(b.next_seq() - 1).unwrap();
        assert_eq!(last.pid(), 20 * CHUNK as u32 - 1);
        let first = b.get(b.first_seq()).unwrap();
        assert_eq!(first.pid(), 16 * CHUNK as u32);
        assert_eq!(b.dropped(), 21 * CHUNK as u64);
    }
}
