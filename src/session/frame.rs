//! The byte layout of a session file: header block, chunk frames, trailer; and the hash chain that ties them.
//!
//! ```text
//! header  "KTRSESS\0" u16 version, u32 len, JSON header, [32] h0 = sha256(all before)
//! chunk   "KTCK" u64 seq, u64 first_ts, u64 last_ts, u32 records, u32 raw_len, u32 comp_len,
//!         [32] h = sha256(h_prev || seq..comp_len || zstd bytes), zstd bytes
//! trailer "KTTR" u32 len, JSON trailer, [32] final = sha256(h_prev || "KTTR" || len || JSON)
//! ```
//! Integers are little-endian. `h_prev` of chunk 0 is `h0`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// First bytes of every session file.
pub const MAGIC: &[u8; 8] = b"KTRSESS\0";
/// The format version this build writes and reads.
pub const VERSION: u16 = 3;
/// Tag of a chunk frame.
pub const CHUNK_TAG: &[u8; 4] = b"KTCK";
/// Tag of the trailer.
pub const TRAILER_TAG: &[u8; 4] = b"KTTR";
/// Magic + version + header length.
pub const PREAMBLE_LEN: usize = 14;
/// A chunk frame before its compressed bytes.
pub const FRAME_LEN: usize = 72;
/// Cap of the header's JSON.
pub const HEADER_CAP: u64 = 1 << 20;
/// Cap of the trailer's JSON.
pub const TRAILER_CAP: u64 = 64 << 10;
/// Cap of a chunk's decompressed and compressed lengths (checked before anything is allocated).
pub const CHUNK_CAP: u64 = 64 << 20;
/// Cap of kernel events in one record (the writer slices bigger batches).
pub const BATCH_CAP: usize = 1 << 16;

/// A chain hash.
pub type Hash = [u8; 32];

/// Records written, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Records of all kinds (a kernel batch is one record).
    pub records: u64,
    /// Kernel batches.
    pub kernel_batches: u64,
    /// Kernel events in them.
    pub kernel_events: u64,
    /// Other core events (serialized).
    pub events: u64,
    /// Operator notes.
    pub notes: u64,
    /// Redaction notices.
    pub redacted: u64,
}

impl Counts {
    /// Adds `o` into these counts.
    pub fn merge(&mut self, o: &Counts) {
        self.records += o.records;
        self.kernel_batches += o.kernel_batches;
        self.kernel_events += o.kernel_events;
        self.events += o.events;
        self.notes += o.notes;
        self.redacted += o.redacted;
    }

    /// Counts one record.
    pub fn add(&mut self, r: &super::Record) {
        self.records += 1;
        match r {
            super::Record::Kernel(b) => {
                self.kernel_batches += 1;
                self.kernel_events += b.events.len() as u64;
            }
            super::Record::Other { .. } => self.events += 1,
            super::Record::Note { .. } => self.notes += 1,
            super::Record::Redacted { .. } => self.redacted += 1,
        }
    }
}

/// What the trailer of a cleanly closed file says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trailer {
    /// Chunks in the file.
    pub chunks: u64,
    /// Records, by kind.
    pub counts: Counts,
    /// Boot-clock time of the earliest record.
    pub first_ts: Option<u64>,
    /// Boot-clock time of the latest record.
    pub last_ts: Option<u64>,
    /// Wall clock at close, ns since the epoch.
    pub wall_end_ns: u64,
    /// CLOCK_BOOTTIME at close.
    pub boot_end_ns: u64,
    /// Hex hash of the last chunk (the header's when there is none).
    pub last_chunk_hash: String,
}

/// The fixed fields of a chunk frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChunkFrame {
    /// Sequence number, 0 for the first chunk of a file.
    pub seq: u64,
    /// Boot-clock time of the earliest record in it.
    pub first_ts: u64,
    /// Boot-clock time of the latest record in it.
    pub last_ts: u64,
    /// Records in it.
    pub records: u32,
    /// Decompressed length.
    pub raw_len: u32,
    /// Compressed length.
    pub comp_len: u32,
}

impl ChunkFrame {
    /// The 36 hashed bytes (seq..comp_len).
    pub fn fields(&self) -> [u8; 36] {
        let mut b = [0u8; 36];
        b[0..8].copy_from_slice(&self.seq.to_le_bytes());
        b[8..16].copy_from_slice(&self.first_ts.to_le_bytes());
        b[16..24].copy_from_slice(&self.last_ts.to_le_bytes());
        b[24..28].copy_from_slice(&self.records.to_le_bytes());
        b[28..32].copy_from_slice(&self.raw_len.to_le_bytes());
        b[32..36].copy_from_slice(&self.comp_len.to_le_bytes());
        b
    }

    /// From the 36 bytes after the tag.
    pub fn parse(b: &[u8; 36]) -> Self {
        let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
        let u32_at = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap_or_default());
        Self {
            seq: u64_at(0),
            first_ts: u64_at(8),
            last_ts: u64_at(16),
            records: u32_at(24),
            raw_len: u32_at(28),
            comp_len: u32_at(32),
        }
    }

    /// The chain hash of this chunk.
    pub fn hash(&self, prev: &Hash, comp: &[u8]) -> Hash {
        let mut h = Sha256::new();
        h.update(prev);
        h.update(self.fields());
        h.update(comp);
        h.finalize().into()
    }
}

/// Hash of the header block (`h0`).
pub fn header_hash(preamble_and_json: &[u8]) -> Hash {
    Sha256::digest(preamble_and_json).into()
}

/// The final hash: the trailer chained to the last chunk.
pub fn trailer_hash(prev: &Hash, len_and_json: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(TRAILER_TAG);
    h.update(len_and_json);
    h.finalize().into()
}
