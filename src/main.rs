//! `ktriage` command line: the TUI by default, headless subcommands in `cli/`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: the replay and capture paths allocate and free per event across two threads, where it
/// is measurably cheaper than glibc's allocator (`benches/session_replay`).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::Cli::parse().run()
}
