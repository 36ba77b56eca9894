//! `ktriage export SESSION -o OUT.scap`: a session file as a capture `sysdig -r` reads.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ktriage::headless::export::{self, ExportFail};
use ktriage::safe_fs::{Existing, FileError};

use super::common::usage;

#[derive(Args)]
#[command(
    after_help = "Exit codes: 0 everything exported; 1 partial (records the .scap format has no event for were skipped, or the session is damaged: exported up to the damage); 2 nothing exported (the session is unreadable or not a session file, -o refused, a write failed)."
)]
pub struct ExportArgs {
    /// The session file (written by --record or record -o).
    session: PathBuf,
    /// The capture to write (created 0600; never through a symlink, never over a file unless --force).
    #[arg(short = 'o', long = "output", value_name = "OUT.scap")]
    output: PathBuf,
    /// Let -o replace an existing regular file (never a symlink).
    #[arg(long)]
    force: bool,
}

pub fn run(a: ExportArgs) -> ExitCode {
    let existing = if a.force {
        Existing::Truncate
    } else {
        Existing::Refuse
    };
    match export::run(&a.session, &a.output, existing) {
        Ok(done) => {
            note!("ktriage: {}", export::summary(&a.output, &done));
            ExitCode::from(export::exit_code(&done))
        }
        Err(ExportFail::Output(e @ FileError::Exists { .. })) => {
            usage(format!("{e} (--force replaces it)"))
        }
        Err(e) => usage(ktriage::sanitize::sanitize(&e.to_string())),
    }
}
