//! `ktriage` command line: the TUI by default, `stream` and `count` headless.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use ktriage::collector::{CollectorConfig, args as sysargs, syscalls};
use ktriage::headless::{count, inspect, ps, stream};
use ktriage::ui::keymap::{Keymap, default_user_keymap_path};
use ktriage::ui::theme::{EnvInfo, Theme};

#[derive(Parser)]
#[command(
    name = "ktriage",
    version,
    about = "Runtime-security incident triage for Kubernetes nodes"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
    #[command(flatten)]
    tui: TuiArgs,
}

#[derive(Args)]
struct TuiArgs {
    /// Theme name (dark, light, high-contrast, mono) or a theme file.
    #[arg(long)]
    theme: Option<String>,
    /// Keymap preset (default, vim).
    #[arg(long, default_value = "default")]
    keymap: String,
    /// User keymap file overriding the preset (default: $XDG_CONFIG_HOME/ktriage/keymap.toml).
    #[arg(long)]
    keymap_file: Option<PathBuf>,
    /// Events kept in memory (oldest dropped and counted).
    #[arg(long, default_value_t = 1_000_000)]
    buffer_cap: usize,
    /// Do not load BPF probes (processes from /proc only).
    #[arg(long)]
    no_bpf: bool,
    /// Container runtime socket (default: auto-detect containerd, CRI-O, k3s).
    #[arg(long)]
    cri_socket: Option<PathBuf>,
    #[command(flatten)]
    filters: FilterArgs,
}

#[derive(Args, Clone, Default)]
struct FilterArgs {
    /// Stream only this process (repeatable).
    #[arg(long = "pid")]
    pids: Vec<u32>,
    /// Stream only processes in containers.
    #[arg(long)]
    containers_only: bool,
    /// Stream these syscalls (repeatable; default: the security-relevant set).
    #[arg(long = "syscall")]
    syscalls: Vec<String>,
    /// Ring buffer size in MiB (power of two).
    #[arg(long, default_value_t = 16)]
    ring_mb: u32,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print live events, one per line.
    Stream {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
        /// Only processes whose comm contains NAME (repeatable).
        #[arg(long = "comm")]
        comms: Vec<String>,
        /// Stop after SECS seconds.
        #[arg(long)]
        duration: Option<f64>,
        #[command(flatten)]
        filters: FilterArgs,
    },
    /// Run CMD and count its syscalls (and its descendants') like `strace -f -c`.
    Count {
        /// One JSON object per syscall instead of the table.
        #[arg(long)]
        json: bool,
        /// Write the table/JSON to FILE instead of stderr/stdout.
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        /// The command and its arguments.
        #[arg(last = true, required = true)]
        cmd: Vec<String>,
    },
    /// List processes with their container and pod.
    Ps {
        /// One JSON object per process.
        #[arg(long)]
        json: bool,
        /// Only processes in containers.
        #[arg(long)]
        containers_only: bool,
        /// Container runtime socket (default: auto-detect containerd, CRI-O, k3s).
        #[arg(long)]
        cri_socket: Option<PathBuf>,
    },
    /// Inspect a process: identity, fds, environ (secrets masked), mounts, namespaces, security.
    Inspect {
        /// The process.
        pid: u32,
        /// JSON output.
        #[arg(long)]
        json: bool,
        /// Show masked environment values.
        #[arg(long)]
        reveal_secrets: bool,
        /// List PATH inside the process's root filesystem.
        #[arg(long, value_name = "PATH", conflicts_with = "cat")]
        ls: Option<String>,
        /// Print the file PATH from the process's root filesystem (capped).
        #[arg(long, value_name = "PATH")]
        cat: Option<String>,
        /// Byte cap for --cat.
        #[arg(long, default_value_t = inspect::CAT_CAP)]
        max_bytes: usize,
        /// Container runtime socket (default: auto-detect containerd, CRI-O, k3s).
        #[arg(long)]
        cri_socket: Option<PathBuf>,
    },
}

fn usage(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("ktriage: {msg}");
    ExitCode::from(2)
}

fn collector_config(f: &FilterArgs) -> Result<CollectorConfig, String> {
    if !f.ring_mb.is_power_of_two() {
        return Err(format!(
            "--ring-mb must be a power of two, got {}",
            f.ring_mb
        ));
    }
    let mut cfg = CollectorConfig {
        pids: f.pids.clone(),
        containers_only: f.containers_only,
        ring_bytes: f.ring_mb.saturating_mul(1024 * 1024),
        ..CollectorConfig::default()
    };
    let real: Vec<String> = f
        .syscalls
        .iter()
        .filter(|s| !matches!(s.as_str(), "procexit" | "clone"))
        .cloned()
        .collect();
    if !f.syscalls.is_empty() {
        cfg.stream_syscalls = sysargs::parse_syscall_list(&real).map_err(|e| e.to_string())?;
    }
    Ok(cfg)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => run_tui(cli.tui),
        Some(Cmd::Stream {
            json,
            comms,
            duration,
            filters,
        }) => run_stream(json, comms, duration, filters),
        Some(Cmd::Count { json, output, cmd }) => run_count(json, output, cmd),
        Some(Cmd::Ps {
            json,
            containers_only,
            cri_socket,
        }) => {
            let rows = ps::rows(&ps::PsOpts {
                containers_only,
                cri_socket,
                no_cri: false,
            });
            let text = if json {
                rows.iter()
                    .map(|p| ps::json(p).to_string() + "\n")
                    .collect()
            } else {
                ps::table(&rows)
            };
            let _ = std::io::stdout().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Some(Cmd::Inspect {
            pid,
            json,
            reveal_secrets,
            ls,
            cat,
            max_bytes,
            cri_socket,
        }) => {
            let what = match (ls, cat) {
                (Some(p), _) => inspect::What::Ls(p),
                (_, Some(p)) => inspect::What::Cat(p),
                _ => inspect::What::Process,
            };
            let opts = inspect::InspectOpts {
                pid,
                what,
                json,
                reveal_secrets,
                cri_socket,
                cap: max_bytes,
            };
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let res = inspect::run(&opts, &mut out);
            let _ = out.flush();
            match res {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("ktriage: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn run_tui(a: TuiArgs) -> ExitCode {
    if let Some(p) = a.keymap_file.as_deref().filter(|p| !p.exists()) {
        return usage(format!("keymap file {} does not exist", p.display()));
    }
    let user = a.keymap_file.clone().or_else(default_user_keymap_path);
    let keymap = match Keymap::load(&a.keymap, user.as_deref()) {
        Ok(k) => k,
        Err(e) => return usage(e),
    };
    let theme = match Theme::choose(a.theme.as_deref(), &EnvInfo::from_env()) {
        Ok(t) => t,
        Err(e) => return usage(e),
    };
    let collector = match collector_config(&a.filters) {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    let opts = ktriage::ui::run::TuiOpts {
        keymap,
        theme,
        collector,
        buffer_cap: a.buffer_cap,
        no_bpf: a.no_bpf,
        cri_socket: a.cri_socket.clone(),
    };
    match ktriage::ui::run::run(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ktriage: terminal: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_stream(json: bool, comms: Vec<String>, duration: Option<f64>, f: FilterArgs) -> ExitCode {
    let mut collector = match collector_config(&f) {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    if let Some(bad) = f
        .syscalls
        .iter()
        .find(|s| syscalls::number(s).is_none() && !matches!(s.as_str(), "procexit" | "clone"))
    {
        return usage(format!("unknown syscall `{bad}`"));
    }
    collector.filter_tgids = !f.pids.is_empty();
    let mut filter: Vec<String> = comms.iter().map(|c| format!("comm:{c}")).collect();
    filter.extend(f.syscalls.iter().map(|s| format!("syscall:{s}")));
    let duration = match duration {
        Some(d) if !(d.is_finite() && d > 0.0) => {
            return usage("--duration must be a positive number of seconds");
        }
        d => d.map(Duration::from_secs_f64),
    };
    let opts = stream::StreamOpts {
        collector,
        filter: filter.join(" "),
        duration,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let format = if json {
        stream::Format::Json
    } else {
        stream::Format::Text
    };
    let res = stream::run(&opts, format, &mut out);
    let _ = out.flush();
    match res {
        Ok(r) => {
            eprintln!(
                "ktriage: {} events printed; {} received, {} dropped by the kernel (ring buffer full){}",
                r.printed,
                r.received,
                r.kernel_dropped,
                if r.kernel_dropped > 0 {
                    ": raise --ring-mb or narrow the filters"
                } else {
                    ""
                }
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ktriage: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn run_count(json: bool, output: Option<PathBuf>, cmd: Vec<String>) -> ExitCode {
    let report = match count::run(&cmd) {
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
    let text = if json {
        report.json_lines()
    } else {
        report.table()
    };
    let written = match output {
        Some(p) => std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display())),
        None if json => std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string()),
        None => std::io::stderr()
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string()),
    };
    if let Err(e) = written {
        eprintln!("ktriage: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::from(report.exit_code.clamp(0, 255) as u8)
}
