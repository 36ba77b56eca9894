//! Command-line parsing: one file per subcommand, each with its `Args` and `run`.

/// `eprintln!` that never panics: a closed or broken stderr is ignored (`cmd 2>&1 | head -1`).
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod alerts;
mod alerts_audit;
mod audit;
mod common;
mod count;
mod drill;
mod export;
mod inspect;
mod intake;
mod kube_args;
mod pods;
mod posture;
mod ps;
mod record;
mod replay;
mod report;
mod rules;
mod session;
mod stream;
mod tui;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "ktriage",
    version,
    about = "Runtime-security incident triage for Kubernetes nodes"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
    #[command(flatten)]
    tui: tui::TuiArgs,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print live events, one per line.
    Stream(stream::StreamArgs),
    /// Run CMD and count its syscalls (and its descendants') like `strace -f -c`.
    Count(count::CountArgs),
    /// List processes with their container and pod.
    Ps(ps::PsArgs),
    /// Inspect a process: identity, fds, environ (secrets masked), mounts, namespaces, security.
    Inspect(inspect::InspectArgs),
    /// Pods' declared securityContext vs what their processes have: findings and immutability.
    Posture(posture::PostureArgs),
    /// Take in a running Falco's alerts (file, stdin, journald, HTTP) and print them normalized.
    Intake(intake::IntakeArgs),
    /// Evaluate the Falco rules on live events; Falco text or JSON alert lines.
    Alerts(alerts::AlertsArgs),
    /// The API server's audit trail (log file or webhook), filtered, with the k8s_audit rules' alerts.
    Audit(audit::AuditArgs),
    /// Falco rule files: `rules check FILE...` reports what loads and what can run.
    Rules(rules::RulesArgs),
    /// List the pods scheduled on this node, from the Kubernetes API.
    Pods(pods::PodsArgs),
    /// Record a live session (no terminal) to a session file.
    Record(Box<record::RecordArgs>),
    /// Play a session file back in the TUI (or print its events with --json).
    Replay(replay::ReplayArgs),
    /// The postmortem of a session file: who, where, when, timeline, alerted processes, blind spots.
    Report(report::ReportArgs),
    /// Write a session file as a .scap capture that `sysdig -r` reads.
    Export(export::ExportArgs),
    /// CKS runtime-security drills on a private containerd lab: list, start, hint, answer, grade, stop, scores.
    Drill(drill::DrillArgs),
    /// Check a session file: OK with counts and the final hash, or the first changed chunk, or truncated.
    Verify(verify::VerifyArgs),
}

impl Cli {
    /// Runs the chosen subcommand (the TUI when none).
    pub fn run(self) -> ExitCode {
        match self.command {
            None => tui::run(self.tui),
            Some(Cmd::Stream(a)) => stream::run(a),
            Some(Cmd::Count(a)) => count::run(a),
            Some(Cmd::Ps(a)) => ps::run(a),
            Some(Cmd::Inspect(a)) => inspect::run(a),
            Some(Cmd::Posture(a)) => posture::run(a),
            Some(Cmd::Intake(a)) => intake::run(a),
            Some(Cmd::Alerts(a)) => alerts::run(a),
            Some(Cmd::Rules(a)) => rules::run(a),
            Some(Cmd::Audit(a)) => audit::run(a),
            Some(Cmd::Pods(a)) => pods::run(a),
            Some(Cmd::Verify(a)) => verify::run(a),
            Some(Cmd::Drill(a)) => drill::run(a),
            Some(Cmd::Record(a)) => record::run(*a),
            Some(Cmd::Replay(a)) => replay::run(a),
            Some(Cmd::Report(a)) => report::run(a),
            Some(Cmd::Export(a)) => export::run(a),
        }
    }
}
