//! `ktriage alerts`: evaluates the Falco rules on the live event stream; Falco text or JSON lines.

use std::io::Write;
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use ktriage::collector::stop::Stop;
use ktriage::headless::out::StopAwareOut;
use ktriage::identity::cri::SharedCri;
use ktriage::rules::{live, setup, syscall_set};

use super::alerts_audit;
use super::common::usage;

#[derive(Args)]
pub struct AlertsArgs {
    /// Extra rule file, loaded after the defaults (repeatable, in order).
    #[arg(long = "rules")]
    rules: Vec<PathBuf>,
    /// Do not load the shipped rules nor /etc/falco/falco_rules.local.yaml.
    #[arg(long)]
    no_default_rules: bool,
    /// One Falco json_output object per alert.
    #[arg(long)]
    json: bool,
    /// Stop after SECS seconds.
    #[arg(long)]
    duration: Option<f64>,
    /// Also append each alert line to PATH (like Falco's file_output; created 0600; a regular file, never through a symlink).
    #[arg(long)]
    alerts_file: Option<PathBuf>,
    /// Do not ask the container runtime (CRI) for container and pod names.
    #[arg(long, conflicts_with = "cri_socket")]
    no_cri: bool,
    /// Container runtime socket (default: auto-detect containerd, CRI-O, k3s).
    #[arg(long, value_name = "PATH")]
    cri_socket: Option<PathBuf>,
    #[command(flatten)]
    append: AppendArgs,
    /// Ring buffer size in MiB (power of two).
    #[arg(long, default_value_t = 16)]
    ring_mb: u32,
    /// Run the rules over a recorded session file instead of the live kernel (nothing live is read).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["duration", "cri_socket", "no_cri", "audit_log", "audit_listen"])]
    from: Option<PathBuf>,
    /// Also run the k8s_audit rules over the API server's audit log, followed like `tail -F`
    /// from its end (text lines then say each alert's source).
    #[arg(long, value_name = "PATH", conflicts_with = "audit_listen")]
    audit_log: Option<PathBuf>,
    /// Also run the k8s_audit rules over the audit webhook's EventList POSTs on ADDR.
    #[arg(long, value_name = "ADDR")]
    audit_listen: Option<String>,
}

/// Falco's `append_output`: identity fields at the end of every alert.
#[derive(Args, Clone, Default)]
pub struct AppendArgs {
    /// Fields appended to every alert as `label=value` (comma-separated; default: container id,
    /// image, tag and name, pod namespace and name, as Falco's -pk).
    #[arg(long, value_name = "FIELDS", conflicts_with = "no_append_output")]
    append_output: Option<String>,
    /// Print the rules' output only (no identity suffix, no extra output_fields).
    #[arg(long)]
    no_append_output: bool,
}

impl AppendArgs {
    /// What to append, or the usage error.
    pub fn append(&self) -> Result<Option<ktriage::rules::append::Append>, String> {
        use ktriage::rules::append::Append;
        match (&self.append_output, self.no_append_output) {
            (_, true) => Ok(None),
            (Some(list), false) => Append::parse(list).map(Some),
            (None, false) => Ok(Some(Append::default())),
        }
    }
}

pub fn run(a: AlertsArgs) -> ExitCode {
    let append = match a.append.append() {
        Ok(x) => x,
        Err(e) => return usage(e),
    };
    let duration = match a.duration {
        Some(d) if !(d.is_finite() && d > 0.0) => {
            return usage("--duration must be a positive number of seconds");
        }
        d => d.map(Duration::from_secs_f64),
    };
    if let Some(path) = a.from.clone() {
        return from_recording(&a, &path, append);
    }
    if !a.ring_mb.is_power_of_two() {
        return usage(format!(
            "--ring-mb must be a power of two, got {}",
            a.ring_mb
        ));
    }
    let (mut engine, cov) = match setup::build_engine(&setup::EngineOpts {
        rules: a.rules.clone(),
        defaults: !a.no_default_rules,
        cri: (!a.no_cri).then(|| SharedCri::new(a.cri_socket.as_deref())),
        append,
    }) {
        Ok(e) => e,
        Err(e) => return usage(e),
    };
    for line in setup::rule_errors(&cov) {
        note!("ktriage: {line}");
    }
    let audit_src = match alerts_audit::source(a.audit_log.as_ref(), a.audit_listen.as_deref()) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let open_file = || match &a.alerts_file {
        Some(p) => ktriage::safe_fs::open_append("--alerts-file", p)
            .map(Some)
            .map_err(|e| e.to_string()),
        None => Ok(None),
    };
    let file = match open_file() {
        Ok(f) => f,
        Err(e) => return usage(e),
    };
    let tag = audit_src.is_some();
    let audit = match audit_src {
        Some(src) => {
            let file = match open_file() {
                Ok(f) => f,
                Err(e) => return usage(e),
            };
            match alerts_audit::start(src, &a.rules, !a.no_default_rules, a.json, duration, file) {
                Ok(side) => Some(side),
                Err(e) => return usage(ktriage::sanitize::sanitize(&e)),
            }
        }
        None => None,
    };
    let stop = Stop::new();
    let opts = live::LiveOpts {
        collector: ktriage::collector::CollectorConfig {
            ring_bytes: a.ring_mb.saturating_mul(1024 * 1024),
            stream_syscalls: syscall_set::stream_set(&engine.wanted_types()),
            ..Default::default()
        },
        duration,
        json: a.json,
        stop: Some(stop.clone()),
    };
    let rules_n = engine.rule_count();
    let stdout = std::io::stdout();
    // A slow reader of stdout holds the output only until the run stops.
    let mut out = StopAwareOut::new(stdout.as_fd(), stop);
    let res = live::run(
        &mut engine,
        &opts,
        || note!("ktriage: watching with {rules_n} rules"),
        live::writer(&mut out, file, a.json, tag),
    );
    let _ = out.flush();
    if let Some(side) = audit {
        match side.finish() {
            Ok(r) => note!(
                "ktriage: {} k8s_audit alerts, {} malformed audit lines",
                r.alerts,
                r.malformed
            ),
            Err(e) => note!("ktriage: {e}"),
        }
    }
    match res {
        Ok(r) => {
            note!(
                "ktriage: {} alerts; {} events received, {} dropped by the kernel",
                r.alerts,
                r.received,
                r.kernel_dropped
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            note!("ktriage: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// `alerts --from FILE`: the rules over a recording's kernel events.
fn from_recording(
    a: &AlertsArgs,
    path: &std::path::Path,
    append: Option<ktriage::rules::append::Append>,
) -> ExitCode {
    let opts = setup::EngineOpts {
        rules: a.rules.clone(),
        defaults: !a.no_default_rules,
        cri: None,
        append,
    };
    let mut file = match &a.alerts_file {
        Some(p) => match ktriage::safe_fs::open_append("--alerts-file", p) {
            Ok(f) => Some(f),
            Err(e) => return usage(e.to_string()),
        },
        None => None,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let res = ktriage::headless::replay::alerts(
        path,
        &opts,
        |al| {
            let line = live::alert_line(al, a.json);
            if let Some(f) = file.as_mut() {
                let _ = writeln!(f, "{line}");
            }
            writeln!(out, "{line}").is_ok()
        },
        |d| note!("ktriage: {d}"),
    );
    let _ = out.flush();
    match res {
        Ok(end) => {
            note!("ktriage: {} alerts from {}", end.printed, path.display());
            match end.damage {
                Some(d) => {
                    note!("ktriage: the recording is damaged: {d} (alerts up to there)");
                    ExitCode::from(1)
                }
                None => ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            note!("ktriage: {e}");
            ExitCode::from(2)
        }
    }
}
