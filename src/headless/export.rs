//! `ktriage export SESSION -o OUT.scap`: the capture created safely (0600, never through a symlink,
//! never over a file unless asked), the session exported into it, and the summary and exit code.

use std::collections::BTreeMap;
use std::path::Path;

use crate::safe_fs::{Existing, FileError, create_output};
use crate::scap::write::{ExportError, Exported, export};

/// Why an export did not run or did not finish.
#[derive(Debug, thiserror::Error)]
pub enum ExportFail {
    /// `-o` refused (exists, symlink, not a regular file…).
    #[error("{0}")]
    Output(#[from] FileError),
    /// The session or the writing failed.
    #[error("{0}")]
    Export(#[from] ExportError),
}

/// Exports `session` to a new file `out` (`existing`: whether a regular file there may be replaced).
/// The session is opened first: an unreadable one creates no file; a failed write removes it.
pub fn run(session: &Path, out: &Path, existing: Existing) -> Result<Exported, ExportFail> {
    crate::session::SessionReader::open(session).map_err(|e| {
        ExportFail::Export(ExportError::Session(crate::session::located(session, &e)))
    })?;
    let file = create_output("-o", out, existing)?;
    export(session, file).map_err(|e| {
        // a capture cut short by a write error is not left behind (unlink: never follows a symlink)
        let _ = std::fs::remove_file(out);
        e.into()
    })
}

fn counts(m: &BTreeMap<String, u64>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The summary for stderr: what was written per record kind, what was skipped, the damage.
pub fn summary(out: &Path, e: &Exported) -> String {
    let records: u64 = e.written.values().sum();
    let mut s = format!(
        "exported {records} kernel records as {} events and {} threads to {} ({} bytes)",
        e.events,
        e.threads,
        out.display(),
        e.bytes
    );
    if !e.written.is_empty() {
        s.push_str(&format!(": {}", counts(&e.written)));
    }
    if !e.skipped.is_empty() {
        let n: u64 = e.skipped.values().sum();
        s.push_str(&format!(
            "\nskipped {n} records the .scap format has no event for: {}",
            counts(&e.skipped)
        ));
    }
    if let Some(d) = &e.damage {
        s.push_str(&format!(
            "\nthe session is damaged: {d} (exported up to there)"
        ));
    }
    crate::sanitize::sanitize_multiline(&s).into_owned()
}

/// 0 everything exported, 1 partial (records skipped or the session damaged).
pub fn exit_code(e: &Exported) -> u8 {
    u8::from(!e.skipped.is_empty() || e.damage.is_some())
}
