//! `ktriage alerts --audit-log PATH / --audit-listen ADDR`: the `k8s_audit` rules over the API server's audit events, run beside the kernel's rules on their own thread, their alerts on the same output (each line saying its source).

use std::io::Write;
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use ktriage::alerts::intake::IntakeSource;
use ktriage::alerts::intake::headless::{self, HeadlessOpts, HeadlessReport};
use ktriage::alerts::intake::http::parse_listen;
use ktriage::collector::stop::Stop;
use ktriage::headless::out::StopAwareOut;
use ktriage::rules::{live, setup};

/// The audit side of an `alerts` run.
pub struct AuditSide {
    /// Its own stop: raised when the kernel side ends.
    pub stop: Arc<Stop>,
    thread: JoinHandle<std::io::Result<HeadlessReport>>,
}

/// What the audit flags ask for (`None`: no audit input).
pub fn source(log: Option<&PathBuf>, listen: Option<&str>) -> Result<Option<IntakeSource>, String> {
    match (log, listen) {
        (Some(_), Some(_)) => Err("give --audit-log or --audit-listen, not both".into()),
        (Some(path), None) => {
            if let Err(e @ ktriage::safe_fs::FileError::NotRegular { .. }) =
                ktriage::safe_fs::open_input("--audit-log", path)
            {
                return Err(e.to_string());
            }
            Ok(Some(IntakeSource::AuditFile {
                path: path.clone(),
                from_start: false,
            }))
        }
        (None, Some(l)) => Ok(Some(IntakeSource::AuditHttp(parse_listen(l)?))),
        (None, None) => Ok(None),
    }
}

/// Starts the audit side: its engine from the same rule files, alerts printed (and appended
/// to `file`) as they come; `Err` when the rules do not load.
pub fn start(
    src: IntakeSource,
    rules: &[PathBuf],
    defaults: bool,
    json: bool,
    duration: Option<Duration>,
    mut file: Option<std::fs::File>,
) -> Result<AuditSide, String> {
    let mut engine = setup::build_audit_engine(rules, defaults)?;
    let stop = Stop::new();
    let opts = HeadlessOpts {
        sources: vec![src],
        json,
        duration,
        cri: None,
        stop: Some(stop.clone()),
    };
    let out_stop = stop.clone();
    let thread = std::thread::Builder::new()
        .name("ktriage-audit".into())
        .spawn(move || {
            let stdout = std::io::stdout();
            let mut out = StopAwareOut::new(stdout.as_fd(), out_stop);
            let mut err = std::io::stderr();
            headless::run_with(&opts, &mut out, &mut err, |batch, o| {
                let mut raised = Vec::new();
                for e in &batch {
                    engine.process_audit(e, &mut raised);
                }
                for a in &raised {
                    let line = live::tagged_line(a, json, true);
                    if let Some(f) = file.as_mut() {
                        let _ = writeln!(f, "{line}").and_then(|()| f.flush());
                    }
                    writeln!(o, "{line}")?;
                }
                o.flush()?;
                Ok(raised.len() as u64)
            })
        })
        .map_err(|e| format!("starting the audit thread: {e}"))?;
    Ok(AuditSide { stop, thread })
}

impl AuditSide {
    /// Stops the audit side and waits for it: its report.
    pub fn finish(self) -> Result<HeadlessReport, String> {
        self.stop.raise(ktriage::collector::stop::HARD);
        match self.thread.join() {
            Ok(r) => r.map_err(|e| format!("audit intake: {e}")),
            Err(_) => Err("the audit thread panicked".into()),
        }
    }
}
