//! `ktriage count -- CMD`: strace -c style syscall counts of a command.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ktriage::headless::count;

#[derive(Args)]
pub struct CountArgs {
    /// One JSON object per syscall instead of the table.
    #[arg(long)]
    json: bool,
    /// Write the table/JSON to FILE instead of stderr/stdout.
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
    /// The command and its arguments.
    #[arg(last = true, required = true)]
    cmd: Vec<String>,
}

pub fn run(a: CountArgs) -> ExitCode {
    let report = match count::run(&a.cmd) {
        Ok(r) => r,
        Err(count::CountError::Collector(e)) => {
            note!("ktriage: {e}");
            return ExitCode::from(e.exit_code() as u8);
        }
        Err(e) => {
            note!("ktriage: {e}");
            return ExitCode::from(127);
        }
    };
    let text = if a.json {
        report.json_lines()
    } else {
        report.table()
    };
    let written = match a.output {
        Some(p) => std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display())),
        None if a.json => std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string()),
        None => std::io::stderr()
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string()),
    };
    if let Err(e) = written {
        note!("ktriage: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::from(report.exit_code.clamp(0, 255) as u8)
}
