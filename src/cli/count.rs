//! `ktriage count -- CMD`: strace -c style syscall counts of a command.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ktriage::headless::count;
use ktriage::safe_fs::{Existing, FileError, create_output};

use super::common::usage;

#[derive(Args)]
pub struct CountArgs {
    /// One JSON object per syscall instead of the table.
    #[arg(long)]
    json: bool,
    /// Write the table/JSON to FILE (a new file, mode 0600) instead of stderr/stdout.
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
    /// Let -o replace an existing regular file (never a symlink).
    #[arg(long, requires = "output")]
    force: bool,
    /// The command and its arguments.
    #[arg(last = true, required = true)]
    cmd: Vec<String>,
}

pub fn run(a: CountArgs) -> ExitCode {
    // The output is opened before the command runs: a refused -o costs no run.
    let existing = if a.force {
        Existing::Truncate
    } else {
        Existing::Refuse
    };
    let out_file = match a
        .output
        .as_deref()
        .map(|p| create_output("-o", p, existing))
    {
        None => None,
        Some(Ok(f)) => Some(f),
        Some(Err(e @ FileError::Exists { .. })) => {
            return usage(format!("{e} (--force replaces it)"));
        }
        Some(Err(e)) => return usage(e.to_string()),
    };
    let report = match count::run(&a.cmd) {
        Ok(r) => r,
        Err(count::CountError::Collector(e)) => {
            eprintln!("ktriage: {e}");
            return ExitCode::from(e.exit_code() as u8);
        }
        Err(e) => {
            eprintln!("ktriage: {e}");
            return ExitCode::from(127);
        }
    };
    let text = if a.json {
        report.json_lines()
    } else {
        report.table()
    };
    let written = match (out_file, &a.output) {
        (Some(mut f), Some(p)) => f
            .write_all(text.as_bytes())
            .map_err(|e| format!("-o {}: {e}", p.display())),
        _ if a.json => std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string()),
        _ => std::io::stderr()
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string()),
    };
    if let Err(e) = written {
        eprintln!("ktriage: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::from(report.exit_code.clamp(0, 255) as u8)
}
