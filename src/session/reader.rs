//! Reading a session file as a stream of records: one chunk in memory at a time, every length checked against a cap and the file size before anything is allocated, the hash chain checked as it goes, and an error (with offset and chunk) at the first damage.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use super::Record;
use super::codec::Decoder;
use super::error::SessionError;
use super::frame::{
    CHUNK_CAP, CHUNK_TAG, ChunkFrame, Counts, FRAME_LEN, HEADER_CAP, Hash, MAGIC, PREAMBLE_LEN,
    TRAILER_CAP, TRAILER_TAG, Trailer, VERSION, header_hash, trailer_hash,
};
use super::header::{Header, hex};
use crate::safe_fs::open_input;

/// Where a chunk is and what it covers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChunkInfo {
    /// Sequence number.
    pub seq: u64,
    /// Byte offset of its frame.
    pub offset: u64,
    /// Boot-clock time of its earliest record.
    pub first_ts: u64,
    /// Boot-clock time of its latest record.
    pub last_ts: u64,
}

/// A streaming reader: an iterator of records that ends with `None` after
/// the trailer, or with one `Err` at the first damage (then `None`).
pub struct SessionReader<R: Read> {
    src: R,
    offset: u64,
    file_len: Option<u64>,
    header: Header,
    prev: Hash,
    next_seq: u64,
    comp: Vec<u8>,
    raw: Vec<u8>,
    zstd: super::zstream::Unpacker,
    dec: Decoder,
    chunk: Option<(ChunkInfo, u32)>,
    yielded: u32,
    last_good: Option<ChunkInfo>,
    counts: Counts,
    trailer: Option<(Trailer, Hash)>,
    done: bool,
}

impl SessionReader<BufReader<File>> {
    /// Opens the session file `path` (a regular file; FIFOs and devices refused).
    pub fn open(path: &Path) -> Result<Self, SessionError> {
        let f = open_input("", path)?;
        let len = f.metadata().map_err(|source| SessionError::Io {
            what: "reading the file's size",
            offset: 0,
            source,
        })?;
        Self::new(BufReader::with_capacity(256 << 10, f), Some(len.len()))
    }
}

/// Reads until `buf` is full or the input ends; returns how much was read.
fn fill(src: &mut impl Read, buf: &mut [u8], offset: u64) -> Result<usize, SessionError> {
    let mut got = 0;
    while got < buf.len() {
        match src.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(SessionError::Io {
                    what: "reading",
                    offset: offset + got as u64,
                    source,
                });
            }
        }
    }
    Ok(got)
}

impl<R: Read> SessionReader<R> {
    /// Reads and checks the header block from `src` (`file_len`: its size, when known).
    pub fn new(mut src: R, file_len: Option<u64>) -> Result<Self, SessionError> {
        let end = |got: usize| file_len.unwrap_or(got as u64);
        let mut pre = [0u8; PREAMBLE_LEN];
        let got = fill(&mut src, &mut pre, 0)?;
        if got < MAGIC.len() || &pre[..8] != MAGIC {
            if got > 0 && got < MAGIC.len() && pre[..got] == MAGIC[..got] {
                return Err(truncated(0, end(got), "header incomplete", None));
            }
            return Err(SessionError::NotSession);
        }
        if got < PREAMBLE_LEN {
            return Err(truncated(0, end(got), "header incomplete", None));
        }
        let version = u16::from_le_bytes([pre[8], pre[9]]);
        if version != VERSION {
            return Err(SessionError::Version {
                found: version,
                supported: VERSION,
            });
        }
        let len = u64::from(u32::from_le_bytes([pre[10], pre[11], pre[12], pre[13]]));
        if len > HEADER_CAP {
            return Err(SessionError::Header {
                offset: 10,
                what: format!("declares {len} bytes, over the {HEADER_CAP}-byte cap"),
            });
        }
        let mut block = pre.to_vec();
        block.resize(PREAMBLE_LEN + len as usize + 32, 0);
        let got = fill(&mut src, &mut block[PREAMBLE_LEN..], PREAMBLE_LEN as u64)?;
        if got < len as usize + 32 {
            let e = end(PREAMBLE_LEN + got);
            return Err(truncated(0, e, "header incomplete", None));
        }
        let body_end = PREAMBLE_LEN + len as usize;
        let h = header_hash(&block[..body_end]);
        if h[..] != block[body_end..] {
            return Err(SessionError::Header {
                offset: 0,
                what: "hash mismatch, the header's bytes were changed after it was written".into(),
            });
        }
        let header: Header =
            serde_json::from_slice(&block[PREAMBLE_LEN..body_end]).map_err(|e| {
                SessionError::Header {
                    offset: PREAMBLE_LEN as u64,
                    what: format!("not a valid header: {e}"),
                }
            })?;
        let zstd = super::zstream::Unpacker::new().map_err(|source| SessionError::Io {
            what: "starting zstd",
            offset: 0,
            source,
        })?;
        Ok(Self {
            src,
            offset: block.len() as u64,
            file_len,
            header,
            prev: h,
            next_seq: 0,
            comp: Vec::new(),
            raw: Vec::new(),
            zstd,
            dec: Decoder::default(),
            chunk: None,
            yielded: 0,
            last_good: None,
            counts: Counts::default(),
            trailer: None,
            done: false,
        })
    }

    /// The file's header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The trailer, once the reader has reached it.
    pub fn trailer(&self) -> Option<&Trailer> {
        self.trailer.as_ref().map(|t| &t.0)
    }

    /// The final hash (hex), once the trailer is read and verified.
    pub fn final_hash(&self) -> Option<String> {
        self.trailer.as_ref().map(|t| hex(&t.1))
    }

    /// Records yielded so far, by kind.
    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// The last chunk read whole, verified and decoded.
    pub fn last_good(&self) -> Option<&ChunkInfo> {
        self.last_good.as_ref()
    }

    /// The chunk being decoded now.
    pub fn current_chunk(&self) -> Option<&ChunkInfo> {
        self.chunk.as_ref().map(|c| &c.0)
    }

    fn truncated(&self, at: u64, what: String) -> SessionError {
        SessionError::Truncated {
            offset: at,
            file_end: self.file_len.unwrap_or(self.offset),
            what,
            last_good: self.last_good.map(|c| c.seq),
            last_good_ts: self.last_good.map(|c| c.last_ts),
        }
    }

    fn read_into(&mut self, buf: &mut [u8]) -> Result<usize, SessionError> {
        let n = fill(&mut self.src, buf, self.offset)?;
        self.offset += n as u64;
        Ok(n)
    }

    /// Reads the next block: a chunk (then `Ok(true)`) or the trailer (`Ok(false)`).
    fn next_block(&mut self) -> Result<bool, SessionError> {
        let at = self.offset;
        let seq = self.next_seq;
        let mut tag = [0u8; 4];
        match self.read_into(&mut tag)? {
            0 => {
                return Err(
                    self.truncated(at, "no trailer (the writer did not close the file)".into())
                );
            }
            4 => {}
            _ => return Err(self.truncated(at, format!("chunk {seq} incomplete"))),
        }
        if &tag == TRAILER_TAG {
            self.read_trailer(at)?;
            return Ok(false);
        }
        if &tag != CHUNK_TAG {
            return Err(SessionError::BadTag {
                chunk: seq,
                offset: at,
            });
        }
        let mut rest = [0u8; FRAME_LEN - 4];
        if self.read_into(&mut rest)? < rest.len() {
            return Err(self.truncated(at, format!("chunk {seq} incomplete (its frame)")));
        }
        let mut fields = [0u8; 36];
        fields.copy_from_slice(&rest[..36]);
        let frame = ChunkFrame::parse(&fields);
        let too_large = |what, declared: u32| SessionError::TooLarge {
            chunk: seq,
            offset: at,
            what,
            declared: u64::from(declared),
            cap: CHUNK_CAP,
        };
        if u64::from(frame.raw_len) > CHUNK_CAP {
            return Err(too_large("records", frame.raw_len));
        }
        if u64::from(frame.comp_len) > CHUNK_CAP {
            return Err(too_large("compressed records", frame.comp_len));
        }
        let comp_len = u64::from(frame.comp_len);
        if let Some(len) = self.file_len
            && self.offset + comp_len > len
        {
            return Err(self.past_end(at, seq, comp_len, len));
        }
        self.comp.clear();
        let got = (&mut self.src)
            .take(comp_len)
            .read_to_end(&mut self.comp)
            .map_err(|source| SessionError::Io {
                what: "reading a chunk",
                offset: self.offset,
                source,
            })?;
        self.offset += got as u64;
        if (got as u64) < comp_len {
            return Err(self.truncated(at, format!("chunk {seq} incomplete")));
        }
        let h = frame.hash(&self.prev, &self.comp);
        if h[..] != rest[36..] {
            return Err(SessionError::HashMismatch {
                chunk: seq,
                offset: at,
                first_ts: frame.first_ts,
            });
        }
        let bad = |what: String| SessionError::BadChunk {
            chunk: seq,
            offset: at,
            what,
        };
        if frame.seq != seq {
            return Err(bad(format!(
                "sequence number {} where {seq} was expected",
                frame.seq
            )));
        }
        self.zstd
            .unpack(&self.comp, frame.raw_len as usize, &mut self.raw)
            .map_err(bad)?;
        self.prev = h;
        self.next_seq += 1;
        self.dec.reset();
        self.yielded = 0;
        let info = ChunkInfo {
            seq,
            offset: at,
            first_ts: frame.first_ts,
            last_ts: frame.last_ts,
        };
        self.chunk = Some((info, frame.records));
        Ok(true)
    }

    /// A chunk declares more bytes than the file has: the file was cut there
    /// (a killed writer), unless later blocks follow (then its frame changed).
    fn past_end(&mut self, at: u64, seq: u64, declared: u64, len: u64) -> SessionError {
        let mut rest = Vec::new();
        let _ = (&mut self.src).take(CHUNK_CAP).read_to_end(&mut rest);
        let later = rest
            .windows(4)
            .any(|w| w == CHUNK_TAG.as_slice() || w == TRAILER_TAG.as_slice());
        if later {
            SessionError::BadChunk {
                chunk: seq,
                offset: at,
                what: format!(
                    "declares {declared} compressed bytes, past the end of the file, yet later blocks follow: its frame was changed"
                ),
            }
        } else {
            let left = len.saturating_sub(self.offset);
            self.truncated(
                at,
                format!("chunk {seq} incomplete ({left} of its {declared} bytes)"),
            )
        }
    }

    fn read_trailer(&mut self, at: u64) -> Result<(), SessionError> {
        let mut len = [0u8; 4];
        if self.read_into(&mut len)? < 4 {
            return Err(self.truncated(at, "trailer incomplete".into()));
        }
        let n = u64::from(u32::from_le_bytes(len));
        let bad = |what: String| SessionError::Trailer { offset: at, what };
        if n > TRAILER_CAP {
            return Err(bad(format!(
                "declares {n} bytes, over the {TRAILER_CAP}-byte cap"
            )));
        }
        let mut b = len.to_vec();
        b.resize(4 + n as usize + 32, 0);
        if self.read_into(&mut b[4..])? < n as usize + 32 {
            return Err(self.truncated(at, "trailer incomplete".into()));
        }
        let body_end = 4 + n as usize;
        let h = trailer_hash(&self.prev, &b[..body_end]);
        if h[..] != b[body_end..] {
            return Err(bad(
                "hash mismatch, the trailer's bytes were changed after it was written".into(),
            ));
        }
        let t: Trailer = serde_json::from_slice(&b[4..body_end])
            .map_err(|e| bad(format!("not a valid trailer: {e}")))?;
        if t.chunks != self.next_seq {
            return Err(bad(format!(
                "says {} chunks, the file has {}",
                t.chunks, self.next_seq
            )));
        }
        if t.counts != self.counts {
            return Err(bad("its counts differ from the records read".into()));
        }
        if t.last_chunk_hash != hex(&self.prev) {
            return Err(bad("its last chunk hash differs from the chain".into()));
        }
        let mut one = [0u8; 1];
        let extra_at = self.offset;
        if self.read_into(&mut one)? > 0 {
            let extra = self.file_len.map_or(1, |l| l.saturating_sub(extra_at));
            return Err(SessionError::TrailingBytes {
                offset: extra_at,
                extra,
            });
        }
        self.trailer = Some((t, h));
        Ok(())
    }

    fn step(&mut self) -> Result<Option<Record>, SessionError> {
        loop {
            if let Some((info, declared)) = self.chunk {
                match self.dec.next_record(&self.raw) {
                    Some(Ok(r)) => {
                        self.yielded += 1;
                        self.counts.add(&r);
                        return Ok(Some(r));
                    }
                    Some(Err(source)) => {
                        return Err(SessionError::Decode {
                            chunk: info.seq,
                            offset: info.offset,
                            source,
                        });
                    }
                    None if self.yielded != declared => {
                        return Err(SessionError::BadChunk {
                            chunk: info.seq,
                            offset: info.offset,
                            what: format!(
                                "holds {} records, its frame says {declared}",
                                self.yielded
                            ),
                        });
                    }
                    None => {
                        self.last_good = Some(info);
                        self.chunk = None;
                    }
                }
            }
            if !self.next_block()? {
                return Ok(None);
            }
        }
    }
}

fn truncated(offset: u64, file_end: u64, what: &str, last: Option<ChunkInfo>) -> SessionError {
    SessionError::Truncated {
        offset,
        file_end,
        what: what.to_string(),
        last_good: last.map(|c| c.seq),
        last_good_ts: last.map(|c| c.last_ts),
    }
}

impl<R: Read> Iterator for SessionReader<R> {
    type Item = Result<Record, SessionError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.step() {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                self.chunk = None;
                Some(Err(e))
            }
        }
    }
}
