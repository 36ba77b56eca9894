//! `ktriage audit`: the API server's audit trail (log file or webhook) filtered, with the `k8s_audit` rules' alerts.

use std::os::fd::AsFd;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use ktriage::alerts::intake::IntakeSource;
use ktriage::alerts::intake::audit::{APISERVER_MANIFEST, log_path_from_manifest};
use ktriage::alerts::intake::headless::{self, HeadlessOpts};
use ktriage::alerts::intake::http::parse_listen;
use ktriage::app::audit_view::AuditFilter;
use ktriage::collector::stop::Stop;
use ktriage::headless::audit::{AuditPrinter, HEADER, read_file};
use ktriage::headless::out::StopAwareOut;
use ktriage::rules::{Engine, setup};
use ktriage::sanitize::sanitize;

use super::common::usage;

#[derive(Args)]
pub struct AuditArgs {
    /// Filter: `user:NAME verb:VERB ns:NS resource:RES[/SUB] pod:NAME` and free words (`NAME*`: a prefix).
    filter: Vec<String>,
    /// The API server's audit log (default: --audit-log-path of /etc/kubernetes/manifests/kube-apiserver.yaml).
    #[arg(long = "file", value_name = "PATH", conflicts_with = "listen")]
    file: Option<PathBuf>,
    /// Keep following the file like `tail -F` (rotation, truncation) instead of stopping at its end.
    #[arg(long)]
    follow: bool,
    /// Listen for the audit webhook backend (EventList POSTs) on ADDR (PORT alone binds 127.0.0.1).
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// JSON lines: events as the API server wrote them (secret data dropped) with `time_ns`; alerts as Falco JSON.
    #[arg(long)]
    json: bool,
    /// Extra k8s_audit rule file, loaded after the shipped audit rules (repeatable).
    #[arg(long = "rules")]
    rules: Vec<PathBuf>,
    /// Do not load the shipped audit rules.
    #[arg(long)]
    no_default_rules: bool,
    /// Only the exec audit events linked to process PID: who ran `kubectl exec` that started it.
    #[arg(long, value_name = "PID")]
    pid: Option<u32>,
    /// Do not link exec events to the processes they started (no /proc scan, no CRI).
    #[arg(long, conflicts_with = "pid")]
    no_link: bool,
    /// Container runtime socket, to name the pods of processes (default: auto-detect).
    #[arg(long, value_name = "PATH")]
    cri_socket: Option<PathBuf>,
    /// Stop after SECS seconds (with --follow or --listen).
    #[arg(long)]
    duration: Option<f64>,
}

fn engine(a: &AuditArgs) -> Result<Option<Engine>, String> {
    let engine = setup::build_audit_engine(&a.rules, !a.no_default_rules)?;
    Ok((engine.audit_rule_count() > 0).then_some(engine))
}

pub fn run(a: AuditArgs) -> ExitCode {
    let filter = match AuditFilter::parse(&a.filter.join(" ")) {
        Ok(f) => f,
        Err(e) => return usage(format!("filter: {e}")),
    };
    let duration = match a.duration {
        Some(d) if !(d.is_finite() && d > 0.0) => {
            return usage("--duration must be a positive number of seconds");
        }
        d => d.map(Duration::from_secs_f64),
    };
    let engine = match engine(&a) {
        Ok(e) => e,
        Err(e) => return usage(sanitize(&e)),
    };
    let mut printer = AuditPrinter {
        filter,
        json: a.json,
        engine,
        printed: 0,
        alerts: 0,
        link: (!a.no_link).then(|| ktriage::headless::ps::PsOpts {
            containers_only: false,
            cri_socket: a.cri_socket.clone(),
            no_cri: false,
            ..Default::default()
        }),
        pid: a.pid,
    };
    let source = match (&a.listen, &a.file) {
        (Some(l), _) => match parse_listen(l) {
            Ok(addr) => IntakeSource::AuditHttp(addr),
            Err(e) => return usage(e),
        },
        (None, file) => {
            let Some(path) = file.clone().or_else(|| {
                std::fs::read_to_string(APISERVER_MANIFEST)
                    .ok()
                    .and_then(|m| log_path_from_manifest(&m))
            }) else {
                return usage(format!(
                    "give --file PATH or --listen ADDR (no --audit-log-path in {APISERVER_MANIFEST})"
                ));
            };
            if !a.follow {
                return once(&path, &mut printer);
            }
            IntakeSource::AuditFile {
                path,
                from_start: true,
            }
        }
    };
    let stop = Stop::new();
    let opts = HeadlessOpts {
        sources: vec![source],
        json: a.json,
        duration,
        cri: None,
        stop: Some(stop.clone()),
    };
    if !a.json {
        println!("{HEADER}");
    }
    let stdout = std::io::stdout();
    let mut out = StopAwareOut::new(stdout.as_fd(), stop);
    let mut err = std::io::stderr();
    match headless::run_with(&opts, &mut out, &mut err, |b, o| printer.batch(b, o)) {
        Ok(r) => {
            note!(
                "ktriage: {} audit events shown, {} alerts, {} malformed",
                printer.printed,
                r.alerts,
                r.malformed
            );
            if r.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            note!("ktriage: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Reads the file to its end: exit 0, or 1 when it cannot be read (or printed).
fn once(path: &std::path::Path, printer: &mut AuditPrinter) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if !printer.json {
        let _ = std::io::Write::write_all(&mut out, format!("{HEADER}\n").as_bytes());
    }
    let read = read_file(path, |batch| printer.batch(batch, &mut out).map(|_| ()));
    let read = match read {
        Ok(r) => r,
        Err(e) if e.ends_with("Broken pipe (os error 32)") => return ExitCode::SUCCESS,
        Err(e) => {
            note!("ktriage: {}", sanitize(&e));
            return ExitCode::FAILURE;
        }
    };
    for (n, why, head) in &read.samples {
        note!(
            "ktriage: {}: malformed line {n}: {why}: {}",
            sanitize(&path.display().to_string()),
            sanitize(head)
        );
    }
    note!(
        "ktriage: {} audit events, {} shown, {} alerts, {} malformed lines",
        read.events,
        printer.printed,
        printer.alerts,
        read.malformed
    );
    ExitCode::SUCCESS
}
