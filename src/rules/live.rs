//! `ktriage alerts`: the live kernel stream through the engine, alerts printed and appended like Falco's outputs.

use std::io::Write;
use std::time::Duration;

use super::engine::Engine;
use crate::collector::KernelFeed;
use crate::collector::drive::drive_until;
use crate::collector::{CollectorConfig, CollectorError};
use crate::model::alert::Alert;
use crate::sanitize::sanitize;

/// Options of a live run.
#[derive(Clone, Debug, Default)]
pub struct LiveOpts {
    /// Collector settings (the stream set comes from the rules).
    pub collector: CollectorConfig,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Falco `json_output` lines instead of text lines.
    pub json: bool,
    /// The run's stop (shared with a stop-aware output); `None`: a new one.
    pub stop: Option<std::sync::Arc<crate::collector::stop::Stop>>,
}

/// What a run saw.
#[derive(Clone, Copy, Debug, Default)]
pub struct LiveReport {
    pub alerts: u64,
    pub received: u64,
    pub kernel_dropped: u64,
}

/// One alert as a line in the chosen format (terminal-safe).
pub fn alert_line(a: &Alert, json: bool) -> String {
    if json {
        a.to_falco_json().to_string()
    } else {
        sanitize(&a.text_line()).into_owned()
    }
}

/// Runs until `duration`, SIGINT/SIGTERM, or a closed output; `ready` is called once
/// the probes are attached; each alert goes to `emit` (false stops the run).
pub fn run(
    engine: &mut Engine,
    opts: &LiveOpts,
    ready: impl FnOnce(),
    mut emit: impl FnMut(&Alert) -> bool,
) -> Result<LiveReport, CollectorError> {
    let mut report = LiveReport::default();
    let mut alerts = Vec::new();
    let stop = opts
        .stop
        .clone()
        .unwrap_or_else(crate::collector::stop::Stop::new);
    let r = drive_until(
        &opts.collector,
        &stop,
        opts.duration,
        ready,
        |ev| feed(engine, ev, &mut alerts, &mut emit, &mut report),
        |_| true,
    )?;
    report.received = r.received;
    report.kernel_dropped = r.kernel_dropped;
    Ok(report)
}

fn feed(
    engine: &mut Engine,
    ev: KernelFeed,
    alerts: &mut Vec<Alert>,
    emit: &mut impl FnMut(&Alert) -> bool,
    report: &mut LiveReport,
) -> bool {
    let KernelFeed::Batch(batch) = ev else {
        return true;
    };
    alerts.clear();
    engine.process_batch(&batch, alerts);
    for a in alerts.iter() {
        report.alerts += 1;
        if !emit(a) {
            return false;
        }
    }
    true
}

/// One alert as a line, its event source said in text lines too when `tag` (`… source=k8s_audit`;
/// JSON lines always have `"source"`): for runs that mix sources.
pub fn tagged_line(a: &Alert, json: bool, tag: bool) -> String {
    let line = alert_line(a, json);
    if tag && !json {
        format!("{line} source={}", sanitize(&a.source))
    } else {
        line
    }
}

/// Writes each alert to `out` and, when given, appends it to `file` (Falco's `file_output`);
/// text lines say their source when `tag` ([`tagged_line`]).
pub fn writer<'a>(
    out: &'a mut dyn Write,
    mut file: Option<std::fs::File>,
    json: bool,
    tag: bool,
) -> impl FnMut(&Alert) -> bool + 'a {
    move |a| {
        let line = tagged_line(a, json, tag);
        if let Some(f) = file.as_mut() {
            // a full disk must not stop the alerts on stdout
            let _ = writeln!(f, "{line}").and_then(|()| f.flush());
        }
        writeln!(out, "{line}").and_then(|()| out.flush()).is_ok()
    }
}
