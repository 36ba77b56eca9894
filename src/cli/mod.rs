//! Command-line parsing: one file per subcommand, each with its `Args` and `run`.

mod common;
mod count;
mod inspect;
mod kube_args;
mod pods;
mod ps;
mod stream;
mod tui;

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
    /// List the pods scheduled on this node, from the Kubernetes API.
    Pods(pods::PodsArgs),
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
            Some(Cmd::Pods(a)) => pods::run(a),
        }
    }
}
