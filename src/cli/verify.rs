//! `ktriage verify FILE`: is a session file complete and unchanged; exit 0 OK, 1 truncated/tampered/corrupt, 2 unreadable.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ktriage::headless::verify;
use ktriage::sanitize::sanitize;
use ktriage::session::{SessionError, verify_file};

use super::common::usage;

#[derive(Args)]
#[command(
    after_help = "Exit codes: 0 OK; 1 truncated, tampered or corrupt; 2 the file cannot be judged (missing, not a regular file, not a session file, another format version)."
)]
pub struct VerifyArgs {
    /// The session file (written by --record or record -o).
    file: PathBuf,
    /// The report as one JSON object.
    #[arg(long)]
    json: bool,
}

pub fn run(a: VerifyArgs) -> ExitCode {
    let name = a.file.display().to_string();
    let report = match verify_file(&a.file) {
        Ok(r) => r,
        // A file error names the path itself.
        Err(SessionError::File(e)) => return usage(sanitize(&e.to_string())),
        Err(e) => return usage(sanitize(&format!("{name}: {e}"))),
    };
    let text = if a.json {
        verify::json(&name, &report)
    } else {
        verify::text(&name, &report)
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    ExitCode::from(verify::exit_code(&report))
}
