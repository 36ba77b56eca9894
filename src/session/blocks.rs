//! A session file's blocks after its header: each chunk read whole, its length checked against a cap and the file size before anything is allocated, its hash checked against the chain, and its records decompressed; then the trailer, checked against the chain.

use std::io::Read;

use super::error::SessionError;
use super::frame::{
    CHUNK_CAP, CHUNK_TAG, ChunkFrame, FRAME_LEN, Hash, TRAILER_CAP, TRAILER_TAG, Trailer,
    trailer_hash,
};
use super::header::hex;
use super::reader::ChunkInfo;

/// What comes next in the file.
#[derive(Debug)]
pub(super) enum Block {
    /// A chunk, its records now in the caller's buffer.
    Chunk { info: ChunkInfo, records: u32 },
    /// The trailer, its hash checked against the chain (not yet its record counts).
    Trailer {
        trailer: Trailer,
        hash: Hash,
        at: u64,
    },
}

/// The block reader's state: where it is in the file and the chain so far.
pub(super) struct Blocks<R> {
    pub(super) src: R,
    pub(super) offset: u64,
    pub(super) file_len: Option<u64>,
    pub(super) prev: Hash,
    pub(super) next_seq: u64,
    comp: Vec<u8>,
    zstd: super::zstream::Unpacker,
    last_read: Option<ChunkInfo>,
}

/// Reads until `buf` is full or the input ends; returns how much was read.
pub(super) fn fill(
    src: &mut impl Read,
    buf: &mut [u8],
    offset: u64,
) -> Result<usize, SessionError> {
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

impl<R: Read> Blocks<R> {
    /// Blocks of `src`, whose header (ending at `offset`, hashing to `prev`) was read.
    pub(super) fn new(
        src: R,
        offset: u64,
        file_len: Option<u64>,
        prev: Hash,
    ) -> Result<Self, SessionError> {
        let zstd = super::zstream::Unpacker::new().map_err(|source| SessionError::Io {
            what: "starting zstd",
            offset: 0,
            source,
        })?;
        Ok(Self {
            src,
            offset,
            file_len,
            prev,
            next_seq: 0,
            comp: Vec::new(),
            zstd,
            last_read: None,
        })
    }

    fn truncated(&self, at: u64, what: String) -> SessionError {
        SessionError::Truncated {
            offset: at,
            file_end: self.file_len.unwrap_or(self.offset),
            what,
            last_good: self.last_read.map(|c| c.seq),
            last_good_ts: self.last_read.map(|c| c.last_ts),
        }
    }

    fn read_into(&mut self, buf: &mut [u8]) -> Result<usize, SessionError> {
        let n = fill(&mut self.src, buf, self.offset)?;
        self.offset += n as u64;
        Ok(n)
    }

    /// Reads the next block: a chunk (its records decompressed into `raw`) or the trailer.
    pub(super) fn next_block(&mut self, raw: &mut Vec<u8>) -> Result<Block, SessionError> {
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
            let (trailer, hash) = self.read_trailer(at)?;
            return Ok(Block::Trailer { trailer, hash, at });
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
            .unpack(&self.comp, frame.raw_len as usize, raw)
            .map_err(bad)?;
        self.prev = h;
        self.next_seq += 1;
        let info = ChunkInfo {
            seq,
            offset: at,
            first_ts: frame.first_ts,
            last_ts: frame.last_ts,
        };
        // handed over whole: a later block's damage names this one as the last good
        self.last_read = Some(info);
        Ok(Block::Chunk {
            info,
            records: frame.records,
        })
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

    /// Reads and checks the trailer (all but its record counts, which the decoding side checks).
    fn read_trailer(&mut self, at: u64) -> Result<(Trailer, Hash), SessionError> {
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
        Ok((t, h))
    }
}
