//! Reading a session file as a stream of records: the chunks read, checked and decompressed by [`super::blocks`] (on a second thread for files, a chunk ahead), their records decoded here, and an error (with offset and chunk) at the first damage.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};

use super::Record;
use super::blocks::{Block, Blocks, fill};
use super::decoder::Decoder;
use super::error::SessionError;
use super::frame::{Counts, HEADER_CAP, Hash, MAGIC, PREAMBLE_LEN, Trailer, VERSION, header_hash};
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
    blocks: Source<R>,
    header: Header,
    raw: Vec<u8>,
    dec: Decoder,
    chunk: Option<(ChunkInfo, u32)>,
    yielded: u32,
    last_good: Option<ChunkInfo>,
    counts: Counts,
    trailer: Option<(Trailer, Hash)>,
    done: bool,
}

/// Where the blocks come from: read here, or by a thread a chunk ahead.
enum Source<R> {
    Here(Box<Blocks<R>>),
    Ahead(Ahead),
}

/// A block reader on its own thread. Its buffers come back to it once decoded, so at most three
/// chunks' records are held (one decoded, one queued, one being read); dropping this stops it.
struct Ahead {
    blocks: Receiver<(Result<Block, SessionError>, Vec<u8>)>,
    spent: SyncSender<Vec<u8>>,
}

impl SessionReader<BufReader<File>> {
    /// Opens the session file `path` (a regular file; FIFOs and devices refused); its chunks are
    /// read and decompressed on a second thread while this one decodes the records.
    pub fn open(path: &Path) -> Result<Self, SessionError> {
        let f = open_input("", path)?;
        let len = f.metadata().map_err(|source| SessionError::Io {
            what: "reading the file's size",
            offset: 0,
            source,
        })?;
        let (header, blocks) =
            read_header(BufReader::with_capacity(256 << 10, f), Some(len.len()))?;
        let ahead = Ahead::spawn(blocks).map_err(|source| SessionError::Io {
            what: "starting the chunk reading thread",
            offset: 0,
            source,
        })?;
        Ok(Self::from_parts(header, Source::Ahead(ahead)))
    }
}

impl Ahead {
    /// Starts the reading thread.
    fn spawn<R: Read + Send + 'static>(mut b: Blocks<R>) -> std::io::Result<Self> {
        let (tx, blocks) = sync_channel(1);
        let (spent, spent_rx) = sync_channel::<Vec<u8>>(3);
        std::thread::Builder::new()
            .name("session-chunks".into())
            .spawn(move || {
                loop {
                    let mut raw = match spent_rx.try_recv() {
                        Ok(v) => v,
                        Err(TryRecvError::Empty) => Vec::new(),
                        Err(TryRecvError::Disconnected) => return,
                    };
                    let r = b.next_block(&mut raw);
                    let last = !matches!(r, Ok(Block::Chunk { .. }));
                    if tx.send((r, raw)).is_err() || last {
                        return;
                    }
                }
            })?;
        Ok(Self { blocks, spent })
    }
}

impl<R: Read> SessionReader<R> {
    /// Reads and checks the header block from `src` (`file_len`: its size, when known); the
    /// chunks are then read on this thread.
    pub fn new(src: R, file_len: Option<u64>) -> Result<Self, SessionError> {
        let (header, blocks) = read_header(src, file_len)?;
        Ok(Self::from_parts(header, Source::Here(Box::new(blocks))))
    }

    fn from_parts(header: Header, blocks: Source<R>) -> Self {
        Self {
            blocks,
            header,
            raw: Vec::new(),
            dec: Decoder::default(),
            chunk: None,
            yielded: 0,
            last_good: None,
            counts: Counts::default(),
            trailer: None,
            done: false,
        }
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

    /// The next block from wherever blocks are read; a chunk's records land in `self.raw`.
    fn next_block(&mut self) -> Result<Block, SessionError> {
        match &mut self.blocks {
            Source::Here(b) => b.next_block(&mut self.raw),
            Source::Ahead(a) => {
                let Ok((r, raw)) = a.blocks.recv() else {
                    return Err(SessionError::Io {
                        what: "reading chunks (the reading thread stopped)",
                        offset: self.last_good.map_or(0, |c| c.offset),
                        source: std::io::Error::other("reading thread gone"),
                    });
                };
                let spent = std::mem::replace(&mut self.raw, raw);
                let _ = a.spent.try_send(spent);
                r
            }
        }
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
            match self.next_block()? {
                Block::Chunk { info, records } => {
                    self.dec.reset();
                    self.yielded = 0;
                    self.chunk = Some((info, records));
                }
                Block::Trailer { trailer, hash, at } => {
                    if trailer.counts != self.counts {
                        return Err(SessionError::Trailer {
                            offset: at,
                            what: "its counts differ from the records read".into(),
                        });
                    }
                    self.trailer = Some((trailer, hash));
                    return Ok(None);
                }
            }
        }
    }
}

/// Reads and checks the header block from `src` (`file_len`: its size, when known): the header, and
/// the blocks that follow it.
fn read_header<R: Read>(
    mut src: R,
    file_len: Option<u64>,
) -> Result<(Header, Blocks<R>), SessionError> {
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
    let header: Header = serde_json::from_slice(&block[PREAMBLE_LEN..body_end]).map_err(|e| {
        SessionError::Header {
            offset: PREAMBLE_LEN as u64,
            what: format!("not a valid header: {e}"),
        }
    })?;
    let blocks = Blocks::new(src, block.len() as u64, file_len, h)?;
    Ok((header, blocks))
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
