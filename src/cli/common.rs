//! Pieces shared by several subcommands: collector filter flags and the usage exit.

use std::process::ExitCode;

use clap::Args;
use ktriage::collector::{CollectorConfig, args as sysargs};

/// Prints `ktriage: MSG` and returns the usage exit code (2).
pub fn usage(msg: impl std::fmt::Display) -> ExitCode {
    note!("ktriage: {msg}");
    ExitCode::from(2)
}

#[derive(Args, Clone, Default)]
pub struct FilterArgs {
    /// Stream only this process (repeatable).
    #[arg(long = "pid")]
    pub pids: Vec<u32>,
    /// Stream only processes in containers.
    #[arg(long)]
    pub containers_only: bool,
    /// Stream these syscalls (repeatable; default: the security-relevant set).
    #[arg(long = "syscall")]
    pub syscalls: Vec<String>,
    /// Ring buffer size in MiB (power of two).
    #[arg(long, default_value_t = 16)]
    pub ring_mb: u32,
}

impl FilterArgs {
    /// The filters as flags, for a recording's header.
    pub fn describe(&self) -> Vec<String> {
        let mut v: Vec<String> = self.pids.iter().map(|p| format!("--pid {p}")).collect();
        if self.containers_only {
            v.push("--containers-only".into());
        }
        v.extend(self.syscalls.iter().map(|s| format!("--syscall {s}")));
        v
    }

    /// The collector configuration these flags ask for.
    pub fn collector_config(&self) -> Result<CollectorConfig, String> {
        if !self.ring_mb.is_power_of_two() {
            return Err(format!(
                "--ring-mb must be a power of two, got {}",
                self.ring_mb
            ));
        }
        let mut cfg = CollectorConfig {
            pids: self.pids.clone(),
            containers_only: self.containers_only,
            ring_bytes: self.ring_mb.saturating_mul(1024 * 1024),
            ..CollectorConfig::default()
        };
        let real: Vec<String> = self
            .syscalls
            .iter()
            .filter(|s| !matches!(s.as_str(), "procexit" | "clone"))
            .cloned()
            .collect();
        if !self.syscalls.is_empty() {
            cfg.stream_syscalls = sysargs::parse_syscall_list(&real).map_err(|e| e.to_string())?;
        }
        Ok(cfg)
    }
}
