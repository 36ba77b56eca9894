//! What can go wrong writing or reading a session file, located by byte offset and chunk number.

use std::io;

use crate::safe_fs::FileError;

/// A malformed record inside a decompressed chunk: the byte (within the
/// chunk's raw bytes) where decoding stopped, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("at byte {at} of the chunk's records: {what}")]
pub struct DecodeError {
    /// Offset in the decompressed chunk.
    pub at: usize,
    /// What was wrong.
    pub what: &'static str,
}

/// Why a session file could not be written, or read past some point.
/// Every read error names the byte offset in the file and, past the header,
/// the chunk.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The output or input could not be opened (symlink, exists, not a regular file…).
    #[error(transparent)]
    File(#[from] FileError),
    /// A file of another format replayed like a session (a scap capture) could not be read.
    #[error("{0}")]
    Other(String),
    /// A read or write failed.
    #[error("{what} at byte {offset}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// Byte offset in the file.
        offset: u64,
        #[source]
        source: io::Error,
    },
    /// The file does not start with the session magic.
    #[error("not a ktriage session file (no KTRSESS magic at byte 0)")]
    NotSession,
    /// A session file of a format version this build does not read.
    #[error(
        "session format version {found} is not supported (this ktriage reads version {supported}); use a ktriage of the version that wrote it"
    )]
    Version {
        /// Version in the file.
        found: u16,
        /// Version this build reads and writes.
        supported: u16,
    },
    /// The header block is malformed or its hash does not match.
    #[error("header at byte {offset}: {what}")]
    Header {
        /// Byte offset.
        offset: u64,
        /// What is wrong.
        what: String,
    },
    /// The file ends before a block it started (a killed writer, or a cut copy).
    #[error(
        "truncated at byte {offset}: {what} (file ends at byte {file_end}); {} and no trailer was found",
        match last_good { Some(c) => format!("last complete chunk is {c}"), None => "no complete chunk".to_string() }
    )]
    Truncated {
        /// Where the incomplete block starts.
        offset: u64,
        /// Where the file ends.
        file_end: u64,
        /// What was incomplete.
        what: String,
        /// The last chunk read whole and verified.
        last_good: Option<u64>,
        /// Boot-clock time of its last record.
        last_good_ts: Option<u64>,
    },
    /// A block tag other than a chunk or the trailer.
    #[error(
        "chunk {chunk} at byte {offset}: no chunk or trailer tag (bytes changed or not a block boundary)"
    )]
    BadTag {
        /// Chunk number expected there.
        chunk: u64,
        /// Byte offset.
        offset: u64,
    },
    /// A declared length over the cap (never allocated).
    #[error(
        "chunk {chunk} at byte {offset}: declares {declared} bytes of {what}, over the {cap}-byte cap"
    )]
    TooLarge {
        /// Chunk number.
        chunk: u64,
        /// Byte offset.
        offset: u64,
        /// Which length.
        what: &'static str,
        /// The length declared.
        declared: u64,
        /// The cap.
        cap: u64,
    },
    /// The chunk's hash does not match its bytes and the chain: its bytes (or an earlier chunk's) changed.
    #[error(
        "chunk {chunk} at byte {offset}: hash mismatch, its bytes were changed after it was written"
    )]
    HashMismatch {
        /// Chunk number (0 is the first after the header).
        chunk: u64,
        /// Byte offset of its frame.
        offset: u64,
        /// The boot-clock time of its first record, as its frame says (may itself be altered).
        first_ts: u64,
    },
    /// A chunk whose frame fields contradict themselves or the chain.
    #[error("chunk {chunk} at byte {offset}: {what}")]
    BadChunk {
        /// Chunk number.
        chunk: u64,
        /// Byte offset of its frame.
        offset: u64,
        /// What is wrong.
        what: String,
    },
    /// A chunk's records could not be decoded (its hash matched: a writer bug or a forged chain).
    #[error("chunk {chunk} at byte {offset}: {source}")]
    Decode {
        /// Chunk number.
        chunk: u64,
        /// Byte offset of its frame.
        offset: u64,
        #[source]
        source: DecodeError,
    },
    /// The trailer is malformed or does not match the chunks.
    #[error("trailer at byte {offset}: {what}")]
    Trailer {
        /// Byte offset.
        offset: u64,
        /// What is wrong.
        what: String,
    },
    /// Bytes after the trailer.
    #[error("{extra} bytes after the trailer at byte {offset}")]
    TrailingBytes {
        /// Where the extra bytes start.
        offset: u64,
        /// How many.
        extra: u64,
    },
    /// A record too large to be written into one chunk.
    #[error("record of {size} bytes is over the {cap}-byte cap of a chunk")]
    RecordTooLarge {
        /// Its encoded size.
        size: usize,
        /// The cap.
        cap: usize,
    },
    /// The writer was used after an error or after `finish`.
    #[error("session writer is closed{}", if reason.is_empty() { String::new() } else { format!(": {reason}") })]
    Closed {
        /// The error that closed it, if any.
        reason: String,
    },
}

impl SessionError {
    /// Whether the file is cut short (as opposed to changed or malformed).
    pub fn is_truncated(&self) -> bool {
        matches!(self, Self::Truncated { .. })
    }
}
