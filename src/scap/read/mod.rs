//! Streaming reader of scap captures: block by block with bounded memory (a declared length is
//! checked against a cap and what is left of the file before anything is allocated), in the
//! section's byte order, gzip (`sysdig -z`) detected by its magic; unknown blocks are skipped by
//! their length; every error is located. Events come up to the damage, then the error.

pub mod count;
mod cursor;
mod error;
mod event;
mod fdlist;
pub mod feed;
mod iflist;
pub mod map;
pub mod params;
mod proclist;
#[cfg(test)]
mod tests;
mod userlist;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

pub use error::ScapError;
pub use event::{MAX_PARAMS, RawEvent};
pub use fdlist::FdInfo;
pub use iflist::Interface;
pub use proclist::ThreadInfo;
pub use userlist::UserList;

/// Section header block type (`\r\n\n\r`, the same in both byte orders).
pub const SHB_TYPE: u32 = 0x0A0D_0D0A;
/// Byte-order magic of the section header.
const SHB_MAGIC: u32 = 0x1A2B_3C4D;
/// Machine info block (and its early number).
const MI_TYPES: [u32; 2] = [0x201, 0x8002_ABCD];
/// Largest block read (a process list of a busy host is a few MiB; events are at most a few hundred KiB).
pub const MAX_BLOCK: u64 = 64 << 20;
/// gzip's magic.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// True when `head` (a file's first bytes) starts like a capture: plain (section header block) or gzip.
pub fn looks_like_scap(head: &[u8]) -> bool {
    head.starts_with(&SHB_TYPE.to_le_bytes()) || head.starts_with(&GZIP_MAGIC)
}

/// One block of a capture.
#[derive(Debug)]
pub enum Block<'a> {
    /// A section header (a capture may hold several sections).
    Section { major: u16, minor: u16 },
    /// The machine the capture was taken on.
    Machine {
        /// Its hostname (untrusted).
        hostname: String,
    },
    /// Threads that existed when the capture started.
    Threads(Vec<ThreadInfo>),
    /// The machine's users and groups.
    Users(UserList),
    /// The fds a thread had open when the capture started.
    Fds { tid: u64, fds: Vec<FdInfo> },
    /// The machine's interface addresses.
    Interfaces(Vec<Interface>),
    /// One event.
    Event(RawEvent<'a>),
    /// A block this reader does not use (unknown types), skipped by its length.
    Skipped { block_type: u32 },
}

/// A capture being read block by block.
pub struct ScapReader<R: Read> {
    src: R,
    /// Offset of the next block in the (uncompressed) stream.
    offset: u64,
    /// Length of a plain file (unknown for gzip).
    total: Option<u64>,
    swap: bool,
    buf: Vec<u8>,
    done: std::cell::Cell<bool>,
    /// The first section header is in `buf`, not yet handed out.
    first: bool,
    /// The stream was gzip-compressed.
    pub gzip: bool,
}

impl ScapReader<Box<dyn Read + Send>> {
    /// Opens the capture at `path` (a regular file; gzip detected by its magic).
    pub fn open(path: &Path) -> Result<Self, ScapError> {
        let f = crate::safe_fs::open_input("capture", path)?;
        Self::from_file(f)
    }

    fn from_file(f: File) -> Result<Self, ScapError> {
        let len = f
            .metadata()
            .map_err(|source| ScapError::Io { offset: 0, source })?
            .len();
        Self::from_buf_read(BufReader::with_capacity(1 << 16, f), Some(len))
    }

    /// Reads a capture from `r` (`len`: its length when known), gzip detected by its magic.
    pub fn from_buf_read(
        mut r: impl BufRead + Send + 'static,
        len: Option<u64>,
    ) -> Result<Self, ScapError> {
        let head = r
            .fill_buf()
            .map_err(|source| ScapError::Io { offset: 0, source })?;
        if head.starts_with(&GZIP_MAGIC) {
            let gz = flate2::bufread::MultiGzDecoder::new(r);
            let src: Box<dyn Read + Send> = Box::new(BufReader::with_capacity(1 << 16, gz));
            return Self::new(src, None, true);
        }
        Self::new(Box::new(r), len, false)
    }
}

impl<R: Read> ScapReader<R> {
    /// Reads the section header from `src`; `len`: the stream's length when known.
    pub fn new(src: R, len: Option<u64>, gzip: bool) -> Result<Self, ScapError> {
        let mut r = Self {
            src,
            offset: 0,
            total: len,
            swap: false,
            buf: Vec::new(),
            done: std::cell::Cell::new(false),
            first: true,
            gzip,
        };
        let mut head = [0u8; 12];
        let got = r.fill(&mut head)?;
        let ty = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        if got < 12 || ty != SHB_TYPE {
            return Err(ScapError::NotScap {
                what: if got < 12 {
                    format!("{got} bytes only")
                } else {
                    format!("block type {ty:#x} instead of a section header")
                },
            });
        }
        r.swap = byte_order(&head[8..12]).ok_or_else(|| {
            ScapError::corrupt(
                0,
                SHB_TYPE,
                "byte-order magic is neither 0x1a2b3c4d nor its swap",
            )
        })?;
        let len = r.u32_of(&head[4..8]);
        r.offset = 12;
        r.body(SHB_TYPE, u64::from(len), 12)?;
        // the magic is part of the body the section's decoding reads
        r.buf.splice(0..0, head[8..12].iter().copied());
        Ok(r)
    }

    /// Reads into `buf` until full or the end; the count read.
    fn fill(&mut self, buf: &mut [u8]) -> Result<usize, ScapError> {
        let mut got = 0;
        while got < buf.len() {
            match self.src.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(source) => {
                    return Err(ScapError::Io {
                        offset: self.offset + got as u64,
                        source,
                    });
                }
            }
        }
        Ok(got)
    }

    fn u32_of(&self, b: &[u8]) -> u32 {
        let a = [b[0], b[1], b[2], b[3]];
        if self.swap {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        }
    }

    /// The next block, `None` at the end; after an error, `None`.
    pub fn next_block(&mut self) -> Option<Result<Block<'_>, ScapError>> {
        if self.done.get() {
            return None;
        }
        if std::mem::take(&mut self.first) {
            return Some(self.decode(SHB_TYPE, 0));
        }
        match self.read_block() {
            Ok(Some((ty, offset))) => {
                let r = self.decode(ty, offset);
                if r.is_err() {
                    self.done.set(true);
                }
                Some(r)
            }
            Ok(None) => {
                self.done.set(true);
                None
            }
            Err(e) => {
                self.done.set(true);
                Some(Err(e))
            }
        }
    }

    /// Reads the next block's bytes into `buf`: its type and offset, `None` at a clean end.
    fn read_block(&mut self) -> Result<Option<(u32, u64)>, ScapError> {
        let offset = self.offset;
        let mut head = [0u8; 8];
        let got = self.fill(&mut head)?;
        if got == 0 {
            return Ok(None);
        }
        let mut ty = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        if ty != SHB_TYPE {
            ty = self.u32_of(&head[..4]);
        }
        if got < 8 {
            return Err(ScapError::Truncated {
                offset,
                block_type: ty,
                want: 8,
                got: got as u64,
            });
        }
        self.offset += 8;
        let len = if ty == SHB_TYPE {
            // a new section may change the byte order: its magic says how to read its length
            let mut magic = [0u8; 4];
            let got = self.fill(&mut magic)?;
            self.swap = byte_order(&magic[..got]).ok_or_else(|| {
                ScapError::corrupt(
                    offset,
                    ty,
                    "byte-order magic is neither 0x1a2b3c4d nor its swap",
                )
            })?;
            self.offset += 4;
            let len = self.u32_of(&head[4..8]);
            self.body(ty, u64::from(len), 12)?;
            self.buf.splice(0..0, magic);
            return Ok(Some((ty, offset)));
        } else {
            self.u32_of(&head[4..8])
        };
        self.body(ty, u64::from(len), 8)?;
        Ok(Some((ty, offset)))
    }

    /// Reads the rest of a block of `len` bytes whose first `consumed` were read; checks the trailer.
    fn body(&mut self, ty: u32, len: u64, consumed: u64) -> Result<(), ScapError> {
        let offset = self.offset - consumed;
        let bad = |why| ScapError::BadLength {
            offset,
            block_type: ty,
            len,
            why,
        };
        if len < consumed + 4 {
            return Err(bad("is smaller than a block's header and trailer"));
        }
        if len > MAX_BLOCK {
            return Err(bad("is over the 64 MiB a block may have"));
        }
        if self.total.is_some_and(|t| offset + len > t) {
            return Err(bad("runs past the end of the file"));
        }
        self.buf.clear();
        let want = len - consumed;
        let got = (&mut self.src)
            .take(want)
            .read_to_end(&mut self.buf)
            .map_err(|source| ScapError::Io {
                offset: self.offset,
                source,
            })? as u64;
        if got < want {
            return Err(ScapError::Truncated {
                offset,
                block_type: ty,
                want: len,
                got: consumed + got,
            });
        }
        self.offset += want;
        let n = self.buf.len();
        let trailer = self.u32_of(&self.buf[n - 4..]);
        if u64::from(trailer) != len {
            return Err(ScapError::corrupt(
                offset,
                ty,
                format!("trailer length {trailer} differs from the declared length {len}"),
            ));
        }
        self.buf.truncate(n - 4);
        Ok(())
    }

    /// Decodes the block in `buf`.
    fn decode(&self, ty: u32, offset: u64) -> Result<Block<'_>, ScapError> {
        let data = &self.buf[..];
        if let Some(lay) = event::layout(ty) {
            if self.swap {
                // numbers inside parameters are in the writer's byte order, by type: refused, never misread
                return Err(ScapError::corrupt(
                    offset,
                    ty,
                    "an event of a big-endian section (byte-order magic 0x4d3c2b1a): \
                     its parameters are not read",
                ));
            }
            return event::parse(data, lay, self.swap, offset, ty).map(Block::Event);
        }
        if let Some(v) = proclist::version(ty) {
            return proclist::parse(data, v, self.swap, offset, ty).map(Block::Threads);
        }
        if let Some(v2) = userlist::version(ty) {
            return userlist::parse(data, v2, self.swap, offset, ty).map(Block::Users);
        }
        if let Some(v2) = fdlist::version(ty) {
            return fdlist::parse(data, v2, self.swap, offset, ty)
                .map(|(tid, fds)| Block::Fds { tid, fds });
        }
        if let Some(v2) = iflist::version(ty) {
            return iflist::parse(data, v2, self.swap, offset, ty).map(Block::Interfaces);
        }
        let mut c = cursor::Cursor::new(data, self.swap);
        if ty == SHB_TYPE {
            c.take(4);
            let (major, minor) = (c.u16(), c.u16());
            return match (major, minor) {
                (Some(major), Some(minor)) => Ok(Block::Section { major, minor }),
                _ => Err(ScapError::corrupt(offset, ty, "section header cut short")),
            };
        }
        if MI_TYPES.contains(&ty) {
            c.take(4 + 8 + 8);
            let host = c.take(128).unwrap_or(&[]);
            let end = host.iter().position(|b| *b == 0).unwrap_or(host.len());
            return Ok(Block::Machine {
                hostname: String::from_utf8_lossy(&host[..end]).into_owned(),
            });
        }
        Ok(Block::Skipped { block_type: ty })
    }
}

/// The byte order a section's magic says: `Some(true)` when swapped (big-endian), `None` when it is no magic.
fn byte_order(magic: &[u8]) -> Option<bool> {
    let m: [u8; 4] = magic.try_into().ok()?;
    match u32::from_le_bytes(m) {
        SHB_MAGIC => Some(false),
        x if x.swap_bytes() == SHB_MAGIC => Some(true),
        _ => None,
    }
}

/// True when the file at `path` starts like a capture (by its magic, whatever its name).
pub fn is_capture(path: &Path) -> bool {
    let Ok(mut f) = crate::safe_fs::open_input("capture", path) else {
        return false;
    };
    let mut head = [0u8; 4];
    f.read_exact(&mut head).is_ok() && looks_like_scap(&head)
}

/// What a capture says before its first event.
#[derive(Debug, Default)]
pub struct Preamble {
    /// The machine's hostname (empty when it has no machine block).
    pub host: String,
    /// The threads of its process lists.
    pub threads: Vec<ThreadInfo>,
    /// Its users and groups (the last user list).
    pub users: UserList,
    /// The fds its threads had open (thread id, fds).
    pub fds: Vec<(u64, Vec<FdInfo>)>,
    /// The machine's interface addresses (the last interface list).
    pub interfaces: Vec<Interface>,
}

/// What a capture says before its first event; damage stops it quietly (reading the events
/// reports it). An error only when the file cannot be opened or is no capture.
pub fn preamble(path: &Path) -> Result<Preamble, ScapError> {
    let mut r = ScapReader::open(path)?;
    let mut out = Preamble::default();
    let mut kept = 0usize;
    while let Some(Ok(b)) = r.next_block() {
        match b {
            Block::Machine { hostname } => out.host = hostname,
            Block::Threads(t) => out.threads.extend(t),
            Block::Users(u) => out.users = u,
            Block::Fds { tid, fds } => {
                // bounded: a hostile capture's fd lists cannot grow memory past this
                kept += fds.len();
                if kept <= 1 << 20 {
                    out.fds.push((tid, fds));
                }
            }
            Block::Interfaces(i) => out.interfaces = i,
            Block::Event(_) => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The error with the capture's path in front (an unopenable file's error names it already).
pub fn located(path: &Path, e: &ScapError) -> String {
    match e {
        ScapError::File(_) => e.to_string(),
        _ => format!("{}: {e}", path.display()),
    }
}
