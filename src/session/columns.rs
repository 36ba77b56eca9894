//! The streams of a chunk: the kernel events' fields go to one column per field (each varint split into byte planes), text to streams of its own, so that zstd codes each alike set of bytes with its own statistics.
//!
//! A chunk's decompressed bytes are a table (`u8` count, a bitmask of the
//! streams with bytes, their varint lengths) followed by the streams in
//! order. The first
//! [`CONTINUOUS`] streams (record fields, path names, other buffers) are
//! text that repeats across chunks: the compression keeps one zstd stream
//! per file for each. The rest are columns of small numbers, compressed
//! chunk by chunk. A column's varint has its first byte in plane 0, its
//! second in plane 1 and the rest in plane 2: the low bytes of a duration are
//! noise, its high byte is not, and apart each costs what it carries.

use super::error::DecodeError;
use super::varint::{Cursor, put_u64, zigzag};

/// Record fields (tags, cgroups, other records, thread and directory definitions).
pub const FIELDS: usize = 0;
/// Path names (after the last `/`).
pub const NAMES: usize = 1;
/// Buffers that are not paths (sockaddrs, argv).
pub const BUFS: usize = 2;
/// Streams compressed as one zstd stream per file.
pub const CONTINUOUS: usize = 3;
/// First plane of the first column.
const COL0: usize = 3;

/// The columns of numbers, in stream order.
#[derive(Clone, Copy)]
pub enum C {
    /// Form reference: 0 a new form (defined in the fields), k + 1 the chunk's form k.
    Form,
    /// Time delta to the previous event.
    Ts,
    /// Thread context reference.
    Thread,
    /// Duration.
    Duration,
    /// Return value.
    Ret,
    /// Argument deltas.
    Args,
    /// The chunk's path a buffer repeats.
    PathRef,
    /// Directory of a new path: 0 new (defined in the fields), k + 1 the chunk's directory k.
    Dir,
    /// Length of a new path's name.
    NameLen,
    /// Length of a buffer that is not a path.
    BufLen,
}

const NCOLS: usize = 10;
/// Streams in every chunk.
pub const STREAMS: usize = COL0 + 3 * NCOLS;

const COL_NAMES: [&str; NCOLS] = [
    "form", "ts", "thread", "duration", "ret", "args", "pathref", "dir", "namelen", "buflen",
];

/// A stream's name, for messages and the benchmarks (`ts.0`: plane 0 of the time column).
pub fn stream_name(i: usize) -> String {
    match i {
        FIELDS => "fields".into(),
        NAMES => "names".into(),
        BUFS => "buffers".into(),
        i if i < STREAMS => format!("{}.{}", COL_NAMES[(i - COL0) / 3], (i - COL0) % 3),
        i => format!("stream {i}"),
    }
}

/// The stream of plane `k` (0, 1, 2) of column `c`.
pub fn plane(c: C, k: usize) -> usize {
    COL0 + 3 * c as usize + k.min(2)
}

/// A chunk's streams being filled.
pub struct Streams {
    s: Vec<Vec<u8>>,
    /// Bytes in all streams (kept as they grow: the writer asks after every event).
    total: usize,
}

impl Default for Streams {
    fn default() -> Self {
        Self {
            s: vec![Vec::new(); STREAMS],
            total: 0,
        }
    }
}

impl Streams {
    /// Appends `v` to column `c`, its bytes spread over the column's planes.
    #[inline]
    pub fn put(&mut self, c: C, mut v: u64) {
        let base = plane(c, 0);
        let mut plane = 0;
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            self.total += 1;
            if v == 0 {
                self.s[base + plane].push(b);
                return;
            }
            self.s[base + plane].push(b | 0x80);
            plane = (plane + 1).min(2);
        }
    }

    /// Appends a signed value (zigzag) to column `c`.
    #[inline]
    pub fn put_i(&mut self, c: C, v: i64) {
        self.put(c, zigzag(v));
    }

    /// Appends `b` to stream `i` (names, buffers).
    #[inline]
    pub fn extend(&mut self, i: usize, b: &[u8]) {
        self.total += b.len();
        self.s[i].extend_from_slice(b);
    }

    /// Bytes held in all streams.
    pub fn bytes(&self) -> usize {
        self.total
    }

    /// Empties every stream.
    pub fn clear(&mut self) {
        self.s.iter_mut().for_each(Vec::clear);
        self.total = 0;
    }

    /// The chunk's bytes: the table, then the streams (`fields` stands for stream 0).
    pub fn assemble(&self, fields: &[u8], dst: &mut Vec<u8>) {
        let mut parts: [&[u8]; STREAMS] = std::array::from_fn(|i| &self.s[i][..]);
        parts[FIELDS] = fields;
        join(&parts, dst);
    }
}

/// Writes a stream table: the number of streams, a bitmask of those with
/// bytes, and the lengths of those (`lens` of every stream).
pub fn put_table(lens: impl Iterator<Item = u64> + Clone, dst: &mut Vec<u8>) {
    dst.push(STREAMS as u8);
    let mask = lens
        .clone()
        .enumerate()
        .fold(0u64, |m, (i, l)| if l > 0 { m | 1 << i } else { m });
    put_u64(dst, mask);
    lens.filter(|&l| l > 0).for_each(|l| put_u64(dst, l));
}

/// Reads a stream table (see [`put_table`]): each stream's length.
pub fn get_table(c: &mut Cursor<'_>) -> Result<[u64; STREAMS], DecodeError> {
    if c.u8()? as usize != STREAMS {
        return Err(c.err("chunk has another number of streams than this format"));
    }
    let mask = c.u64()?;
    if mask >> STREAMS != 0 {
        return Err(c.err("stream table names streams this format does not have"));
    }
    let mut lens = [0u64; STREAMS];
    for (i, l) in lens.iter_mut().enumerate() {
        if mask & (1 << i) != 0 {
            *l = c.u64()?;
            if *l == 0 {
                return Err(c.err("stream table marks an empty stream"));
            }
        }
    }
    Ok(lens)
}

/// A chunk's bytes from its streams: the table, then the streams in order.
pub fn join(parts: &[&[u8]], dst: &mut Vec<u8>) {
    debug_assert_eq!(parts.len(), STREAMS);
    dst.clear();
    put_table(parts.iter().map(|s| s.len() as u64), dst);
    for s in parts {
        dst.extend_from_slice(s);
    }
}

/// Where each stream of a chunk lies in its bytes.
pub fn table(raw: &[u8]) -> Result<[(usize, usize); STREAMS], DecodeError> {
    let mut c = Cursor::new(raw);
    let lens = get_table(&mut c)?;
    let mut at = c.pos();
    let mut out = [(0, 0); STREAMS];
    for (o, l) in out.iter_mut().zip(lens) {
        if l > (raw.len() - at) as u64 {
            return Err(c.err("stream runs past the end of the chunk"));
        }
        *o = (at, at + l as usize);
        at += l as usize;
    }
    if at != raw.len() {
        return Err(DecodeError {
            at,
            what: "bytes after the last stream",
        });
    }
    Ok(out)
}

/// Read positions in every stream of a chunk.
#[derive(Clone, Copy)]
pub struct Positions {
    /// Current position of each stream (absolute in the chunk).
    pub pos: [usize; STREAMS],
    /// End of each stream.
    pub end: [usize; STREAMS],
}

impl Default for Positions {
    fn default() -> Self {
        Self {
            pos: [0; STREAMS],
            end: [0; STREAMS],
        }
    }
}

impl Positions {
    /// Positions at the start of each stream of `raw`.
    pub fn of(raw: &[u8]) -> Result<Self, DecodeError> {
        let t = table(raw)?;
        Ok(Self {
            pos: t.map(|s| s.0),
            end: t.map(|s| s.1),
        })
    }

    /// A cursor on stream `i` of `raw` at its position (offsets stay absolute).
    pub fn cursor<'a>(&self, raw: &'a [u8], i: usize) -> Cursor<'a> {
        let mut c = Cursor::new(&raw[..self.end[i]]);
        c.skip_to(self.pos[i]);
        c
    }

    /// The first stream with bytes left, if any.
    pub fn unread(&self) -> Option<usize> {
        (0..STREAMS)
            .find(|&i| self.pos[i] < self.end[i])
            .map(|i| self.pos[i])
    }
}

/// Cursors on every stream of a chunk for one record's decoding.
pub struct Readers<'a> {
    s: [Cursor<'a>; STREAMS],
}

impl<'a> Readers<'a> {
    /// Cursors at `p` in `raw`.
    pub fn new(raw: &'a [u8], p: &Positions) -> Self {
        Self {
            s: std::array::from_fn(|i| p.cursor(raw, i)),
        }
    }

    /// Stream `i`.
    #[inline]
    pub fn at(&mut self, i: usize) -> &mut Cursor<'a> {
        &mut self.s[i]
    }

    /// Where each cursor stands.
    pub fn save(&self, p: &mut Positions) {
        for (i, c) in self.s.iter().enumerate() {
            p.pos[i] = c.pos();
        }
    }

    /// The next value of column `c`.
    #[inline]
    pub fn get(&mut self, c: C) -> Result<u64, DecodeError> {
        let base = plane(c, 0);
        let mut v = 0u64;
        for i in 0..10 {
            let cur = &mut self.s[base + i.min(2)];
            let b = cur.u8()?;
            if i == 9 && b > 1 {
                return Err(cur.err("varint overflows 64 bits"));
            }
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.s[base + 2].err("varint longer than 10 bytes"))
    }

    /// The next signed value of column `c`.
    #[inline]
    pub fn get_i(&mut self, c: C) -> Result<i64, DecodeError> {
        Ok(super::varint::unzigzag(self.get(c)?))
    }

    /// `n` bytes of stream `i`.
    #[inline]
    pub fn take(&mut self, i: usize, n: u64) -> Result<&'a [u8], DecodeError> {
        self.s[i].take(n)
    }
}
