//! `ktriage report`: the postmortem of a recording, gathered in streaming passes (memory bounded by what is reported, not by the file): who, where, when, the final hash; a timeline; each alerted process; drops and blind spots.

mod gather;
mod render;

use serde::Serialize;

pub use gather::build;
pub use render::{html, markdown};

/// Entries kept per list (timeline, files, connections…): the report says how many more there were.
pub const LIST_CAP: usize = 200;

/// The whole report (its JSON form is this struct).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// The recording.
    pub file: String,
    /// Who, where, when: from the file's header.
    pub header: Option<super::Header>,
    /// `OK`, `truncated`, `changed`, `corrupt` (as `ktriage verify` says).
    pub verdict: String,
    /// What `verify` said, in a sentence.
    pub verify_detail: String,
    /// The final hash (hex), when the file is complete.
    pub final_hash: Option<String>,
    /// First and last record, wall clock (RFC 3339).
    pub span: Option<(String, String)>,
    /// Records read, by kind.
    pub records: u64,
    /// Kernel events read.
    pub kernel_events: u64,
    /// What happened, in order.
    pub timeline: Vec<Entry>,
    /// Timeline entries left out past the cap.
    pub timeline_more: u64,
    /// Each process an alert named.
    pub processes: Vec<Process>,
    /// Drops, degraded modes and other blind spots, stated plainly.
    pub blind_spots: Vec<String>,
    /// What was redacted before it reached the file (names, never values).
    pub redacted: Vec<String>,
}

/// One timeline line.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    /// Wall clock (RFC 3339).
    pub time: String,
    /// `alert`, `pivot`, `inspection`, `revealed`, `note`, `finding`.
    pub kind: String,
    /// What (untrusted text, sanitized when rendered).
    pub text: String,
}

/// An alerted process.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Process {
    /// pid on the host.
    pub pid: u32,
    /// comm.
    pub comm: String,
    /// Command line (secret-shaped arguments masked unless the file kept secrets).
    pub cmdline: String,
    /// Container id and name.
    pub container: Option<String>,
    /// Pod `namespace/name`.
    pub pod: Option<String>,
    /// Parent chain, nearest first (`pid comm`).
    pub parents: Vec<String>,
    /// Rules that named it.
    pub rules: Vec<String>,
    /// Syscall summary: (syscall, calls, errors), most calls first.
    pub syscalls: Vec<(String, u64, u64)>,
    /// Files it opened (paths, first seen first).
    pub files: Vec<String>,
    /// Files left out past the cap.
    pub files_more: u64,
    /// Connections it made or accepted (addresses).
    pub connections: Vec<String>,
    /// Connections left out past the cap.
    pub connections_more: u64,
    /// Commands it executed.
    pub execs: Vec<String>,
}
