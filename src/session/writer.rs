//! Writing a session file: records buffered into chunks (by size or time), compressed, hash-chained and written whole; rotation into FILE.1, FILE.2… with at most N kept.

use std::collections::VecDeque;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::Record;
use super::codec::Encoder;
use super::error::SessionError;
use super::frame::{
    BATCH_CAP, CHUNK_CAP, CHUNK_TAG, ChunkFrame, Counts, FRAME_LEN, Hash, MAGIC, TRAILER_CAP,
    Trailer, VERSION, header_hash, trailer_hash,
};
use super::header::{Header, hex};
use crate::model::KernelBatch;
use crate::safe_fs::{Existing, create_output};

/// Kernel events per record: bigger batches are written as several records.
const SLICE: usize = 4096;
const _: () = assert!(SLICE <= BATCH_CAP);
/// Room kept for the trailer when deciding to rotate.
const TRAILER_ROOM: u64 = 1024;

/// How the writer cuts chunks and files.
#[derive(Clone, Debug)]
pub struct WriterOpts {
    /// Cap of one file in bytes (`--record-max-mb`); past it the file is closed and the next part opened.
    pub max_bytes: Option<u64>,
    /// Files kept with rotation (the oldest part is deleted past it); 0 keeps all.
    pub keep: usize,
    /// A chunk is written once this many raw bytes are buffered (at most [`super::codec::MAX_CHUNK`]).
    pub chunk_bytes: usize,
    /// … or once its first record is this old.
    pub chunk_interval: Duration,
    /// zstd level.
    pub level: i32,
}

impl Default for WriterOpts {
    fn default() -> Self {
        Self {
            max_bytes: None,
            keep: 0,
            chunk_bytes: 256 << 10,
            chunk_interval: Duration::from_secs(1),
            level: 3,
        }
    }
}

/// What a finished recording wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriterSummary {
    /// The files still on disk, oldest first.
    pub paths: Vec<PathBuf>,
    /// Final hash (hex) of the last file.
    pub final_hash: String,
    /// Records of the last file.
    pub counts: Counts,
}

/// Writes one recording (one file, or several with rotation).
pub struct SessionWriter {
    base: PathBuf,
    opts: WriterOpts,
    header: Header,
    parts: VecDeque<PathBuf>,
    file: File,
    offset: u64,
    prev: Hash,
    seq: u64,
    enc: Encoder,
    zstd: super::zstream::Packer,
    comp: Vec<u8>,
    raw: Vec<u8>,
    scratch: Vec<u8>,
    buf: Vec<u8>,
    chunk_records: u32,
    chunk_ts: Option<(u64, u64)>,
    chunk_since: Instant,
    /// Bytes of the biggest chunk written (what a file keeps room for before rotating).
    max_chunk: u64,
    chunk_counts: Counts,
    file_counts: Counts,
    file_ts: Option<(u64, u64)>,
    closed: Option<String>,
}

fn io_err(what: &'static str, offset: u64) -> impl FnOnce(std::io::Error) -> SessionError {
    move |source| SessionError::Io {
        what,
        offset,
        source,
    }
}

fn widen(a: Option<(u64, u64)>, b: (u64, u64)) -> Option<(u64, u64)> {
    Some(a.map_or(b, |(lo, hi)| (lo.min(b.0), hi.max(b.1))))
}

/// Checked before encoding: a refused record leaves the chunk (and its interning tables) untouched.
fn check_size(size: usize) -> Result<(), SessionError> {
    let cap = (CHUNK_CAP / 2) as usize;
    if size > cap {
        return Err(SessionError::RecordTooLarge { size, cap });
    }
    Ok(())
}

/// Most bytes one event can take in the codec.
fn event_bound(e: &crate::model::SysEvent) -> usize {
    128 + e.bufs[0].bytes.len() + e.bufs[1].bytes.len()
}

fn cgroup_bound(c: &crate::model::CgroupInfo) -> usize {
    32 + c.path.as_ref().map_or(0, String::len) + c.container_id.as_ref().map_or(0, String::len)
}

/// Path of part `n` of a recording at `base` (`base`, `base.1`, `base.2`…).
pub fn part_path(base: &Path, n: u32) -> PathBuf {
    if n == 0 {
        base.to_path_buf()
    } else {
        let mut s = base.as_os_str().to_owned();
        s.push(format!(".{n}"));
        PathBuf::from(s)
    }
}

/// Creates `path` (0600, no symlink, never over a file) and writes the header block.
fn open_part(path: &Path, header: &Header) -> Result<(File, u64, Hash), SessionError> {
    let mut f = create_output("--record", path, Existing::Refuse)?;
    let json = serde_json::to_vec(header).map_err(|e| SessionError::Header {
        offset: 0,
        what: e.to_string(),
    })?;
    let mut b = Vec::with_capacity(json.len() + 64);
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(&VERSION.to_le_bytes());
    b.extend_from_slice(&(json.len() as u32).to_le_bytes());
    b.extend_from_slice(&json);
    let h = header_hash(&b);
    b.extend_from_slice(&h);
    f.write_all(&b).map_err(io_err("writing the header", 0))?;
    Ok((f, b.len() as u64, h))
}

impl SessionWriter {
    /// Creates the file `path` and writes `header` (its `part` and
    /// `prev_part_hash` are set by the writer).
    pub fn create(
        path: &Path,
        mut header: Header,
        mut opts: WriterOpts,
    ) -> Result<Self, SessionError> {
        opts.chunk_bytes = opts.chunk_bytes.min(super::codec::MAX_CHUNK);
        header.part = 0;
        header.prev_part_hash = None;
        let (file, offset, prev) = open_part(path, &header)?;
        let zstd = super::zstream::Packer::new(opts.level).map_err(io_err("starting zstd", 0))?;
        Ok(Self {
            base: path.to_path_buf(),
            parts: VecDeque::from([path.to_path_buf()]),
            opts,
            header,
            file,
            offset,
            prev,
            seq: 0,
            enc: Encoder::default(),
            zstd,
            comp: Vec::new(),
            raw: Vec::new(),
            scratch: Vec::new(),
            buf: Vec::new(),
            chunk_records: 0,
            chunk_ts: None,
            chunk_since: Instant::now(),
            max_chunk: 0,
            chunk_counts: Counts::default(),
            file_counts: Counts::default(),
            file_ts: None,
            closed: None,
        })
    }

    fn check_open(&self) -> Result<(), SessionError> {
        match &self.closed {
            Some(reason) => Err(SessionError::Closed {
                reason: reason.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Closes the writer for good after an error, keeping the error's text.
    fn fail<T>(&mut self, r: Result<T, SessionError>) -> Result<T, SessionError> {
        if let Err(e) = &r
            && !matches!(e, SessionError::RecordTooLarge { .. })
        {
            self.closed = Some(e.to_string());
        }
        r
    }

    /// Buffers one record; writes a chunk when enough is buffered or the chunk is old enough.
    pub fn write(&mut self, r: &Record) -> Result<(), SessionError> {
        self.check_open()?;
        let res = self.write_inner(r);
        self.fail(res)
    }

    /// Buffers a kernel batch, borrowed (what a recorder's tap is given).
    pub fn write_kernel(&mut self, b: &KernelBatch) -> Result<(), SessionError> {
        self.check_open()?;
        let res = self.kernel_inner(b);
        self.fail(res)
    }

    fn write_inner(&mut self, r: &Record) -> Result<(), SessionError> {
        let size = match r {
            Record::Kernel(b) => return self.kernel_inner(b),
            Record::Other { bytes, .. } => bytes.len() + 32,
            Record::Note { text, .. } => text.len() + 32,
            Record::Redacted { names, .. } => {
                names.iter().map(|n| n.len() + 10).sum::<usize>() + 32
            }
        };
        check_size(size)?;
        self.open_chunk()?;
        self.enc.record(&mut self.raw, r);
        self.chunk_counts.add(r);
        self.appended(r.time_range())
    }

    /// A kernel batch, sliced: at most SLICE events per record, and a record
    /// ends where the chunk is full, so chunks keep their size.
    fn kernel_inner(&mut self, b: &KernelBatch) -> Result<(), SessionError> {
        let size = b
            .events
            .chunks(SLICE)
            .map(|s| s.iter().map(event_bound).sum::<usize>())
            .max()
            .unwrap_or(0)
            .max(b.cgroups.iter().map(cgroup_bound).sum());
        check_size(size)?;
        self.open_chunk()?;
        let mut cgroups = &b.cgroups[..];
        let mut events = &b.events[..];
        loop {
            if !events.is_empty() && self.chunk_len() >= self.opts.chunk_bytes {
                // The chunk is full before this slice: write it first.
                self.write_chunk()?;
                self.open_chunk()?;
            }
            self.scratch.clear();
            let mut n = 0;
            while n < events.len().min(SLICE)
                && (n == 0 || self.chunk_len() + self.scratch.len() < self.opts.chunk_bytes)
            {
                self.enc.event(&mut self.scratch, &events[n]);
                n += 1;
            }
            self.enc.kernel_head(&mut self.raw, cgroups, n);
            self.raw.extend_from_slice(&self.scratch);
            self.chunk_counts.records += 1;
            self.chunk_counts.kernel_batches += 1;
            self.chunk_counts.kernel_events += n as u64;
            self.appended(Record::kernel_time_range(&events[..n]))?;
            cgroups = &[];
            events = &events[n..];
            if events.is_empty() {
                return Ok(());
            }
            self.open_chunk()?;
        }
    }

    /// Starts a chunk if none is being filled: its clock starts, and when the
    /// file has no room left for a chunk as big as its biggest so far, the
    /// file is closed and the next part opened first. A chunk is thus always
    /// written to the file it started in, so records that depend on earlier
    /// ones (compact summaries) never cross a file; a file passes the cap
    /// only by a chunk bigger than all before it.
    pub fn open_chunk(&mut self) -> Result<(), SessionError> {
        self.check_open()?;
        if !self.raw.is_empty() {
            return Ok(());
        }
        self.chunk_since = Instant::now();
        if let Some(max) = self.opts.max_bytes
            && self.seq > 0
            && self.offset + self.max_chunk + TRAILER_ROOM > max
        {
            let r = self.rotate();
            return self.fail(r);
        }
        Ok(())
    }

    /// The part (0, 1, …) that records written now go to.
    pub fn part(&self) -> u32 {
        self.header.part
    }

    /// Bookkeeping after a record was encoded and counted.
    fn appended(&mut self, ts: Option<(u64, u64)>) -> Result<(), SessionError> {
        self.chunk_records += 1;
        if let Some(t) = ts {
            self.chunk_ts = widen(self.chunk_ts, t);
        }
        if self.chunk_len() >= self.opts.chunk_bytes
            || self.chunk_since.elapsed() >= self.opts.chunk_interval
        {
            self.write_chunk()?;
        }
        Ok(())
    }

    /// Writes the buffered chunk if it is older than the chunk interval (call on a timer when idle).
    pub fn flush_due(&mut self) -> Result<(), SessionError> {
        self.check_open()?;
        if !self.raw.is_empty() && self.chunk_since.elapsed() >= self.opts.chunk_interval {
            let r = self.write_chunk();
            return self.fail(r);
        }
        Ok(())
    }

    /// Writes whatever is buffered as a chunk now.
    pub fn flush(&mut self) -> Result<(), SessionError> {
        self.check_open()?;
        let r = self.write_chunk();
        self.fail(r)
    }

    /// Raw bytes of the chunk being filled (both streams).
    fn chunk_len(&self) -> usize {
        self.raw.len() + self.enc.pending()
    }

    fn write_chunk(&mut self) -> Result<(), SessionError> {
        if self.raw.is_empty() {
            return Ok(());
        }
        self.enc.assemble(&self.raw, &mut self.scratch);
        let mut comp = std::mem::take(&mut self.comp);
        self.zstd
            .pack(&self.scratch, &mut comp)
            .map_err(io_err("compressing a chunk", self.offset))?;
        let r = self.frame_chunk(&comp);
        self.comp = comp;
        r
    }

    /// Writes the compressed chunk `comp` with its frame.
    fn frame_chunk(&mut self, comp: &[u8]) -> Result<(), SessionError> {
        let next = (FRAME_LEN + comp.len()) as u64;
        self.max_chunk = self.max_chunk.max(next);
        let (lo, hi) = self.chunk_ts.unwrap_or((0, 0));
        let frame = ChunkFrame {
            seq: self.seq,
            first_ts: lo,
            last_ts: hi,
            records: self.chunk_records,
            raw_len: self.scratch.len() as u32,
            comp_len: comp.len() as u32,
        };
        let h = frame.hash(&self.prev, comp);
        self.buf.clear();
        self.buf.extend_from_slice(CHUNK_TAG);
        self.buf.extend_from_slice(&frame.fields());
        self.buf.extend_from_slice(&h);
        self.buf.extend_from_slice(comp);
        self.file
            .write_all(&self.buf)
            .map_err(io_err("writing a chunk", self.offset))?;
        self.offset += self.buf.len() as u64;
        self.prev = h;
        self.seq += 1;
        if let Some(t) = self.chunk_ts {
            self.file_ts = widen(self.file_ts, t);
        }
        self.file_counts.merge(&self.chunk_counts);
        self.chunk_counts = Counts::default();
        self.raw.clear();
        self.chunk_records = 0;
        self.chunk_ts = None;
        Ok(())
    }

    /// Writes the trailer of the current file; returns the final hash.
    fn write_trailer(&mut self) -> Result<Hash, SessionError> {
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let t = Trailer {
            chunks: self.seq,
            counts: self.file_counts,
            first_ts: self.file_ts.map(|t| t.0),
            last_ts: self.file_ts.map(|t| t.1),
            wall_end_ns: wall,
            boot_end_ns: crate::collector::clock::boot_ns(),
            last_chunk_hash: hex(&self.prev),
        };
        let json = serde_json::to_vec(&t).map_err(|e| SessionError::Trailer {
            offset: self.offset,
            what: e.to_string(),
        })?;
        debug_assert!((json.len() as u64) < TRAILER_CAP);
        let mut b = Vec::with_capacity(json.len() + 40);
        b.extend_from_slice(super::frame::TRAILER_TAG);
        b.extend_from_slice(&(json.len() as u32).to_le_bytes());
        b.extend_from_slice(&json);
        let h = trailer_hash(&self.prev, &b[4..]);
        b.extend_from_slice(&h);
        self.file
            .write_all(&b)
            .map_err(io_err("writing the trailer", self.offset))?;
        self.offset += b.len() as u64;
        self.file
            .sync_all()
            .map_err(io_err("syncing the file", self.offset))?;
        Ok(h)
    }

    /// Closes the current file with its trailer and continues in the next part.
    fn rotate(&mut self) -> Result<(), SessionError> {
        let fin = self.write_trailer()?;
        let part = self.header.part + 1;
        let mut h = self.header.clone();
        h.part = part;
        h.prev_part_hash = Some(hex(&fin));
        h.wall_start_ns = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        h.boot_start_ns = crate::collector::clock::boot_ns();
        let path = part_path(&self.base, part);
        let (file, offset, prev) = open_part(&path, &h)?;
        self.zstd.restart().map_err(io_err("restarting zstd", 0))?;
        self.header = h;
        self.file = file;
        self.offset = offset;
        self.prev = prev;
        self.seq = 0;
        self.file_ts = None;
        self.file_counts = Counts::default();
        self.parts.push_back(path);
        while self.opts.keep > 0 && self.parts.len() > self.opts.keep {
            if let Some(old) = self.parts.pop_front() {
                let _ = std::fs::remove_file(&old);
            }
        }
        Ok(())
    }

    /// Writes the last chunk and the trailer; the recording is complete.
    pub fn finish(mut self) -> Result<WriterSummary, SessionError> {
        self.check_open()?;
        let r = self.write_chunk().and_then(|()| self.write_trailer());
        let h = self.fail(r)?;
        self.closed = Some("finished".into());
        Ok(WriterSummary {
            paths: self.parts.iter().cloned().collect(),
            final_hash: hex(&h),
            counts: self.file_counts,
        })
    }

    /// The files written so far (oldest kept first).
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.parts.iter().map(PathBuf::as_path)
    }
}

impl Drop for SessionWriter {
    /// Dropped without `finish` (an error path, a panic): what is buffered is
    /// written as a last chunk, with no trailer, so the file reads as truncated.
    fn drop(&mut self) {
        if self.closed.is_none() {
            let _ = self.write_chunk();
        }
    }
}
