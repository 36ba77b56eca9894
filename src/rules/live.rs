//! `ktriage alerts`: the live kernel stream through the engine, alerts printed and appended like Falco's outputs.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;

use super::engine::Engine;
use crate::alerts::Alert;
use crate::app::Event;
use crate::collector::probes::Probes;
use crate::collector::reader::{ReaderCounts, spawn_reader};
use crate::collector::{CollectorConfig, CollectorError};
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
    let mut probes = Probes::load(&opts.collector)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CollectorError::map("runtime", e))?;
    let (tx, mut rx) = mpsc::channel::<Event>(64);
    let stop = Arc::new(AtomicBool::new(false));
    let counts = Arc::new(ReaderCounts::default());
    let ring = probes
        .ring
        .take()
        .ok_or(CollectorError::MissingMap("EVENTS"))?;
    let reader = spawn_reader(
        ring,
        tx,
        stop.clone(),
        counts.clone(),
        opts.collector.poll_ms,
    );
    ready();
    let mut report = LiveReport::default();
    let mut alerts = Vec::new();
    let mut ok = true;
    rt.block_on(async {
        let deadline = opts.duration.map(|d| tokio::time::Instant::now() + d);
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        loop {
            let ev = tokio::select! {
                ev = rx.recv() => ev,
                _ = sleep_until(deadline) => break,
                _ = tokio::signal::ctrl_c() => break,
                _ = recv_term(&mut term) => break,
            };
            let Some(ev) = ev else { break };
            ok = feed(engine, ev, &mut alerts, &mut emit, &mut report);
            if !ok {
                break;
            }
        }
        stop.store(true, Ordering::Release);
        while let Some(ev) = rx.recv().await {
            if ok {
                ok = feed(engine, ev, &mut alerts, &mut emit, &mut report);
            }
        }
    });
    let _ = reader.join();
    let k = probes.counters()?;
    report.received = counts.received.load(Ordering::Relaxed);
    report.kernel_dropped = k.kernel_dropped;
    Ok(report)
}

fn feed(
    engine: &mut Engine,
    ev: Event,
    alerts: &mut Vec<Alert>,
    emit: &mut impl FnMut(&Alert) -> bool,
    report: &mut LiveReport,
) -> bool {
    let Event::Kernel(batch) = ev else {
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

/// Writes each alert to `out` and, when given, appends it to `file` (Falco's `file_output`).
pub fn writer<'a>(
    out: &'a mut dyn Write,
    mut file: Option<std::fs::File>,
    json: bool,
) -> impl FnMut(&Alert) -> bool + 'a {
    move |a| {
        let line = alert_line(a, json);
        if let Some(f) = file.as_mut() {
            // a full disk must not stop the alerts on stdout
            let _ = writeln!(f, "{line}").and_then(|()| f.flush());
        }
        writeln!(out, "{line}").and_then(|()| out.flush()).is_ok()
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

async fn recv_term(sig: &mut Option<tokio::signal::unix::Signal>) {
    match sig {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending().await,
    }
}
