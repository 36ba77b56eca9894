//! Errors reading a capture: each says what and where (byte offset in the capture's uncompressed stream, block type).

use std::io;

use crate::safe_fs::FileError;

/// Why a capture could not be read (further).
#[derive(Debug, thiserror::Error)]
pub enum ScapError {
    /// The file could not be opened (missing, not a regular file…).
    #[error(transparent)]
    File(#[from] FileError),
    /// The first block is not a section header block.
    #[error("not a scap capture: {what} at byte 0")]
    NotScap {
        /// What was found instead.
        what: String,
    },
    /// A block declares a length that cannot be right (smaller than a block, over the cap, past the end of the file).
    #[error("block {block_type:#x} at byte {offset}: declared length {len} {why}")]
    BadLength {
        /// Where the block starts.
        offset: u64,
        /// Its type.
        block_type: u32,
        /// The length it declares.
        len: u64,
        /// Why it is refused.
        why: &'static str,
    },
    /// The file (or the compressed stream) ends inside a block.
    #[error("block {block_type:#x} at byte {offset}: cut short, {got} of {want} bytes")]
    Truncated {
        /// Where the block starts.
        offset: u64,
        /// Its type.
        block_type: u32,
        /// Bytes the block declares.
        want: u64,
        /// Bytes there were.
        got: u64,
    },
    /// The block's content does not hold together.
    #[error("block {block_type:#x} at byte {offset}: {what}")]
    Corrupt {
        /// Where the block starts.
        offset: u64,
        /// Its type.
        block_type: u32,
        /// What is wrong.
        what: String,
    },
    /// Reading (or decompressing) failed.
    #[error("reading at byte {offset}: {source}")]
    Io {
        /// Where.
        offset: u64,
        /// The I/O or gzip error.
        #[source]
        source: io::Error,
    },
}

impl ScapError {
    /// A [`ScapError::Corrupt`].
    pub(super) fn corrupt(offset: u64, block_type: u32, what: impl Into<String>) -> Self {
        Self::Corrupt {
            offset,
            block_type,
            what: what.into(),
        }
    }
}
