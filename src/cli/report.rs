//! `ktriage report FILE [-o OUT.md|OUT.html|OUT.json]`: the postmortem of a recording.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ktriage::safe_fs::{Existing, create_output};
use ktriage::session::report;

use super::common::usage;

#[derive(Args)]
pub struct ReportArgs {
    /// The session file.
    file: PathBuf,
    /// Write the report to OUT (format from its extension: .md, .html, .json; created 0600, never over a file). Default: Markdown on stdout.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: Option<PathBuf>,
    /// The format on stdout (md, html, json).
    #[arg(long, value_name = "FORMAT", conflicts_with = "output")]
    format: Option<String>,
}

pub fn run(a: ReportArgs) -> ExitCode {
    let ext = a
        .output
        .as_ref()
        .and_then(|p| p.extension())
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .or_else(|| a.format.clone())
        .unwrap_or_else(|| "md".into());
    if !matches!(ext.as_str(), "md" | "markdown" | "html" | "htm" | "json") {
        return usage(format!(
            "report format `{ext}`: expected md, html or json (from -o's extension or --format)"
        ));
    }
    let r = match report::build(&a.file) {
        Ok(r) => r,
        Err(e) => {
            note!("ktriage: {}", ktriage::session::located(&a.file, &e));
            return ExitCode::from(2);
        }
    };
    let text = match ext.as_str() {
        "html" | "htm" => report::html(&r),
        "json" => serde_json::to_string_pretty(&r).unwrap_or_default() + "\n",
        _ => report::markdown(&r),
    };
    let written = match &a.output {
        Some(path) => match create_output("-o", path, Existing::Refuse) {
            Ok(mut f) => f.write_all(text.as_bytes()).and_then(|()| f.sync_all()),
            Err(e) => return usage(e),
        },
        None => std::io::stdout().write_all(text.as_bytes()),
    };
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        note!("ktriage: writing the report: {e}");
        return ExitCode::FAILURE;
    }
    if let Some(p) = &a.output {
        note!("ktriage: report written to {}", p.display());
    }
    if r.verdict == "OK" {
        ExitCode::SUCCESS
    } else {
        note!(
            "ktriage: the recording is {}: {}",
            r.verdict,
            r.verify_detail
        );
        ExitCode::from(1)
    }
}
