//! `verify`: reads a whole session file and says OK (with counts and the final hash), tampered (the first chunk whose bytes changed), or truncated (the last good chunk and its time).

use std::path::Path;

use serde::Serialize;

use super::error::SessionError;
use super::frame::Counts;
use super::header::Header;
use super::reader::{ChunkInfo, SessionReader};

/// The outcome of a verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Complete and unchanged.
    Ok,
    /// Cut short: no trailer.
    Truncated,
    /// Bytes changed after they were written (a hash does not match, or a frame was altered).
    Tampered,
    /// Hashes match but the content does not decode (a writer bug, or a forged chain).
    Corrupt,
}

/// What `verify` found, for the text and JSON outputs.
#[derive(Clone, Debug, Serialize)]
pub struct VerifyReport {
    /// The verdict.
    pub verdict: Verdict,
    /// The header (absent when the header itself is damaged).
    pub header: Option<Header>,
    /// Records read, by kind (up to the damage).
    pub counts: Counts,
    /// Chunks read whole and verified.
    pub chunks_ok: u64,
    /// The final hash (hex), when the file is complete.
    pub final_hash: Option<String>,
    /// Earliest and latest record time (boot clock) of the verified part.
    pub first_ts: Option<u64>,
    /// Latest record time (boot clock) of the verified part.
    pub last_ts: Option<u64>,
    /// The last chunk read whole (number, offset, times).
    pub last_good: Option<ChunkRef>,
    /// The chunk where the damage is (`None`: the header or the trailer, or a cut).
    pub bad_chunk: Option<u64>,
    /// Byte offset of the damage.
    pub bad_offset: Option<u64>,
    /// Boot-clock time the damaged chunk's frame gives (not trusted: its bytes changed).
    pub bad_ts: Option<u64>,
    /// The reader's message.
    pub error: Option<String>,
}

/// A chunk, as the report names it.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ChunkRef {
    /// Sequence number.
    pub chunk: u64,
    /// Byte offset of its frame.
    pub offset: u64,
    /// Boot-clock time of its earliest record.
    pub first_ts: u64,
    /// Boot-clock time of its latest record.
    pub last_ts: u64,
}

impl From<&ChunkInfo> for ChunkRef {
    fn from(c: &ChunkInfo) -> Self {
        Self {
            chunk: c.seq,
            offset: c.offset,
            first_ts: c.first_ts,
            last_ts: c.last_ts,
        }
    }
}

/// Verifies the file at `path`. `Err` only when it cannot be judged at all
/// (cannot be opened, not a session file, another format version).
pub fn verify_file(path: &Path) -> Result<VerifyReport, SessionError> {
    let reader = match SessionReader::open(path) {
        Ok(r) => r,
        Err(e) => return header_damage(e),
    };
    Ok(verify_reader(reader))
}

fn header_damage(e: SessionError) -> Result<VerifyReport, SessionError> {
    let verdict = match &e {
        SessionError::Truncated { .. } => Verdict::Truncated,
        SessionError::Header { .. } => Verdict::Tampered,
        _ => return Err(e),
    };
    Ok(VerifyReport {
        verdict,
        header: None,
        counts: Counts::default(),
        chunks_ok: 0,
        final_hash: None,
        first_ts: None,
        last_ts: None,
        last_good: None,
        bad_chunk: None,
        bad_offset: Some(0),
        bad_ts: None,
        error: Some(e.to_string()),
    })
}

/// Reads `reader` to its end or its first damage.
pub fn verify_reader<R: std::io::Read>(mut reader: SessionReader<R>) -> VerifyReport {
    let mut first_ts: Option<u64> = None;
    let mut last_ts: Option<u64> = None;
    let mut err = None;
    for r in reader.by_ref() {
        match r {
            Ok(rec) => {
                if let Some((lo, hi)) = rec.time_range() {
                    first_ts = Some(first_ts.map_or(lo, |f| f.min(lo)));
                    last_ts = Some(last_ts.map_or(hi, |l| l.max(hi)));
                }
            }
            Err(e) => err = Some(e),
        }
    }
    let last_good = reader.last_good().map(ChunkRef::from);
    let (verdict, bad_chunk, bad_offset, bad_ts) = match &err {
        None => (Verdict::Ok, None, None, None),
        Some(e) => classify(e),
    };
    VerifyReport {
        verdict,
        header: Some(reader.header().clone()),
        counts: *reader.counts(),
        chunks_ok: last_good.map_or(0, |c| c.chunk + 1),
        final_hash: reader.final_hash(),
        first_ts,
        last_ts,
        last_good,
        bad_chunk,
        bad_offset,
        bad_ts,
        error: err.map(|e| e.to_string()),
    }
}

type Located = (Verdict, Option<u64>, Option<u64>, Option<u64>);

fn classify(e: &SessionError) -> Located {
    use SessionError as E;
    match e {
        E::Truncated { offset, .. } => (Verdict::Truncated, None, Some(*offset), None),
        E::HashMismatch {
            chunk,
            offset,
            first_ts,
        } => (
            Verdict::Tampered,
            Some(*chunk),
            Some(*offset),
            Some(*first_ts),
        ),
        E::BadTag { chunk, offset }
        | E::TooLarge { chunk, offset, .. }
        | E::BadChunk { chunk, offset, .. } => {
            (Verdict::Tampered, Some(*chunk), Some(*offset), None)
        }
        E::Decode { chunk, offset, .. } => (Verdict::Corrupt, Some(*chunk), Some(*offset), None),
        E::Trailer { offset, .. } | E::TrailingBytes { offset, .. } | E::Header { offset, .. } => {
            (Verdict::Tampered, None, Some(*offset), None)
        }
        _ => (Verdict::Corrupt, None, None, None),
    }
}
