//! `ktriage intake`: Falco alerts in (file, stdin, journald, HTTP), printed as Falco text or JSON lines; and the TUI's `--falco-*` flags.

use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use ktriage::alerts::intake::IntakeSource;
use ktriage::alerts::intake::headless::{self, HeadlessOpts};
use ktriage::alerts::intake::http::parse_listen;
use ktriage::alerts::intake::journald::JournaldConfig;
use ktriage::collector::stop::Stop;
use ktriage::headless::out::StopAwareOut;

use super::common::usage;

#[derive(Args)]
pub struct IntakeArgs {
    /// Follow Falco's file_output FILE like `tail -F` (repeatable).
    #[arg(long = "file", value_name = "PATH")]
    files: Vec<PathBuf>,
    /// Read the files (journald: this boot) from the start, not only what is appended from now on.
    #[arg(long)]
    from_start: bool,
    /// Read lines from standard input until it closes.
    #[arg(long)]
    stdin: bool,
    /// Follow journald (`journalctl -u UNIT -o json -f`).
    #[arg(long)]
    journald: bool,
    /// systemd unit of Falco, for --journald.
    #[arg(long, default_value = "falco")]
    unit: String,
    /// Listen for Falco's http_output on ADDR (PORT alone binds 127.0.0.1).
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// Print Falco JSON lines (default: Falco text lines).
    #[arg(long)]
    json: bool,
    /// Stop after SECS seconds (default: when every source has ended).
    #[arg(long)]
    duration: Option<f64>,
    /// Container runtime socket, to name the containers and pods of alerts (default: auto-detect).
    #[arg(long, value_name = "PATH")]
    cri_socket: Option<PathBuf>,
    /// Do not ask the container runtime (CRI) for container and pod names.
    #[arg(long, conflicts_with = "cri_socket")]
    no_cri: bool,
}

/// The TUI's Falco intake flags.
#[derive(Args, Clone, Default)]
pub struct FalcoArgs {
    /// Follow Falco's file_output FILE (JSON or text lines) like `tail -F` (repeatable).
    #[arg(long = "falco-file", value_name = "PATH")]
    pub falco_files: Vec<PathBuf>,
    /// Read --falco-file (and journald, this boot) from the start, not only new lines.
    #[arg(long)]
    pub falco_from_start: bool,
    /// Take Falco's alerts from journald (`journalctl -u falco -o json -f`).
    #[arg(long)]
    pub falco_journald: bool,
    /// systemd unit of Falco, for --falco-journald.
    #[arg(long, default_value = "falco")]
    pub falco_unit: String,
    /// Listen for Falco's http_output on ADDR (PORT alone binds 127.0.0.1).
    #[arg(long, value_name = "ADDR")]
    pub falco_listen: Option<String>,
    /// Follow the API server's audit log like `tail -F` (default: --audit-log-path of
    /// /etc/kubernetes/manifests/kube-apiserver.yaml, when that file names one).
    #[arg(long, value_name = "PATH")]
    pub audit_log: Option<PathBuf>,
    /// Listen for the API server's audit webhook (EventList POSTs) on ADDR.
    #[arg(long, value_name = "ADDR")]
    pub audit_listen: Option<String>,
}

/// A followed file may not exist yet (it is waited for), but what is there
/// now must be a regular file: a FIFO or device is refused at once.
fn check_followed(flag: &str, path: &Path) -> Result<(), String> {
    match ktriage::safe_fs::open_input(flag, path) {
        Err(e @ ktriage::safe_fs::FileError::NotRegular { .. }) => Err(e.to_string()),
        _ => Ok(()),
    }
}

fn sources(
    (flag, files): (&str, &[PathBuf]),
    from_start: bool,
    journald: bool,
    unit: &str,
    listen: Option<&str>,
) -> Result<Vec<IntakeSource>, String> {
    let mut out = Vec::with_capacity(files.len() + 2);
    for p in files {
        check_followed(flag, p)?;
        out.push(IntakeSource::File {
            path: p.clone(),
            from_start,
        });
    }
    if journald {
        out.push(IntakeSource::Journald(JournaldConfig {
            unit: unit.to_string(),
            from_start,
            ..JournaldConfig::default()
        }));
    }
    if let Some(l) = listen {
        out.push(IntakeSource::Http(parse_listen(l)?));
    }
    Ok(out)
}

impl FalcoArgs {
    /// The intake sources these flags ask for.
    pub fn sources(&self) -> Result<Vec<IntakeSource>, String> {
        let mut out = sources(
            ("--falco-file", &self.falco_files),
            self.falco_from_start,
            self.falco_journald,
            &self.falco_unit,
            self.falco_listen.as_deref(),
        )?;
        let log = self.audit_log.clone().or_else(|| {
            std::fs::read_to_string(ktriage::alerts::intake::audit::APISERVER_MANIFEST)
                .ok()
                .and_then(|m| ktriage::alerts::intake::audit::log_path_from_manifest(&m))
        });
        if let Some(path) = log {
            check_followed("--audit-log", &path)?;
            out.push(IntakeSource::AuditFile {
                path,
                from_start: self.falco_from_start,
            });
        }
        if let Some(l) = &self.audit_listen {
            out.push(IntakeSource::AuditHttp(parse_listen(l)?));
        }
        Ok(out)
    }
}

pub fn run(a: IntakeArgs) -> ExitCode {
    let mut srcs = match sources(
        ("--file", &a.files),
        a.from_start,
        a.journald,
        &a.unit,
        a.listen.as_deref(),
    ) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    if a.stdin {
        srcs.push(IntakeSource::Stdin);
    }
    if srcs.is_empty() {
        return usage("give a source: --file PATH, --stdin, --journald or --listen ADDR");
    }
    let duration = match a.duration {
        Some(d) if !(d.is_finite() && d > 0.0) => {
            return usage("--duration must be a positive number of seconds");
        }
        d => d.map(Duration::from_secs_f64),
    };
    let stop = Stop::new();
    let opts = HeadlessOpts {
        sources: srcs,
        json: a.json,
        duration,
        cri: (!a.no_cri).then(|| a.cri_socket.clone()),
        stop: Some(stop.clone()),
    };
    let stdout = std::io::stdout();
    // A slow reader of stdout holds the output only until the run stops.
    let mut out = StopAwareOut::new(stdout.as_fd(), stop);
    let mut err = std::io::stderr();
    match headless::run(&opts, &mut out, &mut err) {
        Ok(r) => {
            note!(
                "ktriage: {} alerts, {} malformed lines",
                r.alerts,
                r.malformed
            );
            if r.failed.len() == opts.sources.len() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            note!("ktriage: {e}");
            ExitCode::FAILURE
        }
    }
}
