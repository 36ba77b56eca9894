//! Alerts in from a running Falco: line parsing (JSON and text) and the sources (file, stdin, journald, HTTP).
//!
//! Every source turns what it reads into [`Alert`]s and sends them as
//! [`IntakeFeed::Alerts`], with its counters as [`IntakeFeed::Stats`] (the
//! runtime names them and hands them to the core as its events). A line that
//! does not parse is counted and kept (capped) as a [`Malformed`] sample; it
//! never stops the source.

pub mod audit;
pub mod fields;
pub mod follow;
pub mod headless;
pub mod http;
pub mod http_conn;
pub mod journald;
mod json;
pub mod lines;
pub mod resolve;
pub mod sink;
pub mod source;
mod text;
pub mod timefmt;

/// What an intake reports (the core's event type converts from it).
#[derive(Clone, Debug, PartialEq)]
pub enum IntakeFeed {
    /// Alerts read since the last report.
    Alerts(Vec<Alert>),
    /// The intake's counters and state.
    Stats(IntakeStats),
    /// Kubernetes audit events read since the last report.
    Audit(Vec<crate::model::audit::AuditEvent>),
}

#[cfg(test)]
mod tests;

pub use json::{from_value, parse_json};
pub use sink::IntakeSink;
pub use source::{IntakeSource, run_source};
pub use text::parse_text;

use crate::alerts::{Alert, AlertOrigin};

/// Longest line accepted (longer lines are counted as malformed and skipped).
pub const MAX_LINE: usize = 64 * 1024;
/// Longest HTTP body accepted (larger bodies get 413 and count as malformed).
pub const MAX_BODY: usize = 1024 * 1024;
/// Bytes of a malformed line kept for display.
pub const MALFORMED_KEEP: usize = 512;
/// Malformed samples a stats report carries at most.
pub const MALFORMED_SAMPLES: usize = 16;

/// What a line is parsed against: the intake's name and the time used to
/// complete time-of-day stamps with a date.
#[derive(Clone, Debug)]
pub struct ParseCtx {
    /// Intake name (`file:/var/log/falco.json`, `stdin`, `journald`, `http`).
    pub intake: String,
    /// Reference time (ns since the epoch): now, or the journal entry's time.
    pub now_ns: u64,
}

impl ParseCtx {
    /// The origin every alert of this intake carries.
    pub fn origin(&self) -> AlertOrigin {
        AlertOrigin::Falco(self.intake.clone())
    }
}

/// Why a line is not an alert.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("empty line")]
    Empty,
    #[error("line longer than {0} bytes")]
    TooLong(usize),
    #[error("body larger than {0} bytes")]
    BodyTooLarge(usize),
    #[error("invalid JSON: {0}")]
    Json(String),
    #[error("JSON is not an object")]
    NotAnObject,
    #[error("missing `{0}`")]
    Missing(&'static str),
    #[error("unknown priority `{0}`")]
    BadPriority(String),
    #[error("no `TIME: Priority` header")]
    NoHeader,
    #[error("no output after the priority")]
    NoOutput,
    #[error("journal entry without MESSAGE")]
    NoMessage,
}

/// A line that did not parse, as kept for display (raw: sanitize before drawing).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Malformed {
    /// Intake it came from.
    pub intake: String,
    /// Line number within the intake (1-based; HTTP: request number).
    pub line_no: u64,
    /// The first [`MALFORMED_KEEP`] bytes, lossily decoded.
    pub text: String,
    /// Why it was rejected.
    pub reason: String,
}

/// Where an intake stands.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum IntakeState {
    /// Starting up.
    #[default]
    Starting,
    /// Reading (or listening): what, e.g. `listening on 127.0.0.1:8765`.
    Running(String),
    /// Waiting for something that is not there yet (a file to appear).
    Waiting(String),
    /// Stopped for good, and why (journald not running, port taken...).
    Failed(String),
    /// The input ended (stdin closed).
    Ended,
}

/// Counters of one intake (cumulative) and the malformed lines seen since its last report.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IntakeStats {
    /// Intake name.
    pub intake: String,
    /// Where it stands.
    pub state: IntakeState,
    /// Lines (or HTTP bodies) read.
    pub lines: u64,
    /// Alerts parsed (an audit intake: audit events parsed).
    pub alerts: u64,
    /// Lines that did not parse.
    pub malformed: u64,
    /// New malformed samples since the previous report (at most [`MALFORMED_SAMPLES`]).
    pub samples: Vec<Malformed>,
}

/// Parses one line: JSON when it starts with `{` (or `[`), else a text line.
/// Secrets in the output and its fields are masked, as in the engine's alerts.
pub fn parse_line(line: &str, ctx: &ParseCtx) -> Result<Alert, LineError> {
    let t = line.trim();
    if t.is_empty() {
        return Err(LineError::Empty);
    }
    let mut alert = if t.starts_with('{') || t.starts_with('[') {
        parse_json(t, ctx)
    } else {
        parse_text(t, ctx)
    }?;
    crate::redact::mask_output(&mut alert.output, &mut alert.output_fields);
    Ok(alert)
}

/// Current time in ns since the epoch.
pub fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}
