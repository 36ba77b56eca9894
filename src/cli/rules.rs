//! `ktriage rules check FILE... [--json]`: which rules load and which can run on ktriage events.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use ktriage::rules::{self, Engine, Env, ProcTable};
use ktriage::sanitize::sanitize_multiline;

#[derive(Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    cmd: RulesCmd,
}

#[derive(Subcommand)]
enum RulesCmd {
    /// Per rule: loaded, evaluable, or not evaluable (with the missing fields); totals.
    /// Exits 0 when nothing has an error (1 otherwise; with --allow-errors, 1 only
    /// when a file could not be loaded at all).
    Check(CheckArgs),
}

#[derive(Args)]
struct CheckArgs {
    /// Rule files, loaded in order (later override earlier). None: the default rules.
    files: Vec<PathBuf>,
    /// Load the shipped rules (and /etc/falco/falco_rules.local.yaml) before FILEs.
    #[arg(long)]
    with_defaults: bool,
    /// The report as one JSON object.
    #[arg(long)]
    json: bool,
    /// Exit 0 even when rules, macros or lists have errors (files that cannot be loaded still fail).
    #[arg(long)]
    allow_errors: bool,
}

pub fn run(a: RulesArgs) -> ExitCode {
    let RulesCmd::Check(c) = a.cmd;
    let set = rules::load_set(&c.files, c.files.is_empty() || c.with_defaults);
    let (_, cov) = Engine::build(
        &set,
        ProcTable::new(None),
        Env::empty("check"),
        ktriage::collector::clock::WallClock::with_offset(0),
    );
    let mut out = std::io::stdout().lock();
    let text = if c.json {
        format!("{}\n", cov.to_json())
    } else {
        sanitize_multiline(&cov.to_text()).into_owned()
    };
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    if cov.files_ok() && (c.allow_errors || cov.error_count() == 0) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
