//! Session files: the chunked, compressed, hash-chained record of everything that entered the core; writer (with rotation), streaming reader, verification.
//!
//! A file is a header block (what, where, when, who), then chunks of records
//! (one zstd stream flushed at every chunk's end, see [`zstream`]; each hash-chained to the one before and written whole, so a killed
//! recorder leaves a file readable up to its last complete chunk), then, on a
//! clean close, a trailer with the counts and the final hash. See [`frame`]
//! for the byte layout and [`codec`] for the records inside a chunk.
//!
//! Layering: imports `model`, `app` (the events it records), `safe_fs`, `redact` and
//! the collector's clock; only `cli`, `headless` and `ui` import it.

mod blocks;
pub mod codec;
pub mod columns;
pub mod compact;
mod decoder;
pub mod entry;
pub mod error;
pub mod flight;
pub mod frame;
pub mod header;
mod intern;
pub mod player;
pub mod read_ahead;
pub mod reader;
pub mod recorder;
pub mod recording;
pub mod report;
mod varint;
pub mod verify;
pub mod writer;
pub mod zstream;

#[cfg(test)]
mod codec_tests;
#[cfg(test)]
mod tests;

pub use entry::{Entry, Item, ItemDecoder};
pub use error::{DecodeError, SessionError};
pub use frame::{Counts, Trailer};
pub use header::{Header, RuleFileHash};
pub use reader::SessionReader;
pub use recorder::{RecordHandle, Recorder};
pub use recording::{RecordSpec, Recording};
pub use verify::{Verdict, VerifyReport, verify_file};
pub use writer::{SessionWriter, WriterOpts, WriterSummary};

use crate::model::KernelBatch;

/// One record of a session file.
#[derive(Clone, Debug, PartialEq)]
pub enum Record {
    /// Kernel events (with the cgroups first seen in them), in the compact codec.
    Kernel(KernelBatch),
    /// Any other core event, serialized (self-describing bytes, e.g. JSON), at a boot-clock time.
    Other {
        /// CLOCK_BOOTTIME ns when it entered the core.
        ts_ns: u64,
        /// The serialized event.
        bytes: Vec<u8>,
    },
    /// A note the operator typed.
    Note {
        /// CLOCK_BOOTTIME ns.
        ts_ns: u64,
        /// The text.
        text: String,
    },
    /// Values were redacted before they reached the file: which names (never the values).
    Redacted {
        /// CLOCK_BOOTTIME ns.
        ts_ns: u64,
        /// Names of what was redacted (environment variables, flags).
        names: Vec<String>,
    },
}

impl Record {
    /// Earliest and latest boot-clock time in the record (`None`: a batch without events).
    pub fn time_range(&self) -> Option<(u64, u64)> {
        match self {
            Record::Kernel(b) => Self::kernel_time_range(&b.events),
            Record::Other { ts_ns, .. }
            | Record::Note { ts_ns, .. }
            | Record::Redacted { ts_ns, .. } => Some((*ts_ns, *ts_ns)),
        }
    }

    /// Earliest and latest time of `events`.
    pub fn kernel_time_range(events: &[crate::model::SysEvent]) -> Option<(u64, u64)> {
        events.iter().fold(None, |acc, e| match acc {
            None => Some((e.ts_ns, e.ts_ns)),
            Some((lo, hi)) => Some((e.ts_ns.min(lo), e.ts_ns.max(hi))),
        })
    }
}

/// An error about the session file at `path`, naming the file unless the message already does.
pub fn located(path: &std::path::Path, e: &dyn std::fmt::Display) -> String {
    let msg = e.to_string();
    let p = path.display().to_string();
    if msg.contains(&p) {
        msg
    } else {
        format!("{p}: {msg}")
    }
}
