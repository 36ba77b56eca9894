//! `ktriage intake`: runs intake sources without the TUI and prints the normalized alerts (Falco text or JSON lines).

use std::io::{self, Write};
use std::time::Duration;

use std::sync::Arc;

use tokio::sync::mpsc;

use super::{IntakeFeed, IntakeSource, IntakeState, IntakeStats, run_source};
use crate::alerts::Alert;
use crate::collector::stop::{self, HARD, REQUESTED, Stop};
use crate::sanitize::sanitize;

/// What to run and how to print.
#[derive(Clone, Debug, Default)]
pub struct HeadlessOpts {
    /// Sources, all at once.
    pub sources: Vec<IntakeSource>,
    /// Falco JSON lines instead of Falco text lines.
    pub json: bool,
    /// Stop after this long (default: when every source has ended).
    pub duration: Option<Duration>,
    /// Resolve container ids to names through the runtime (`Some(None)`: auto-detect the socket).
    pub cri: Option<Option<std::path::PathBuf>>,
    /// The run's stop (shared with a stop-aware output); `None`: a new one.
    pub stop: Option<Arc<Stop>>,
}

/// What a run saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeadlessReport {
    /// Alerts printed.
    pub alerts: u64,
    /// Malformed lines.
    pub malformed: u64,
    /// Sources that failed, with why.
    pub failed: Vec<String>,
}

/// One alert as printed: Falco's JSON, or its text line (sanitized for the terminal).
pub fn alert_line(alert: &Alert, json: bool) -> String {
    if json {
        alert.to_falco_json().to_string()
    } else {
        sanitize(&alert.text_line()).into_owned()
    }
}

fn note_stats(
    s: &IntakeStats,
    report: &mut HeadlessReport,
    err: &mut impl Write,
) -> io::Result<()> {
    for m in &s.samples {
        let text: String = m.text.chars().take(200).collect();
        writeln!(
            err,
            "ktriage: {}: malformed line {}: {}: {}",
            sanitize(&m.intake),
            m.line_no,
            m.reason,
            sanitize(&text)
        )?;
    }
    match &s.state {
        IntakeState::Running(what) | IntakeState::Waiting(what) => {
            writeln!(err, "ktriage: {}: {}", sanitize(&s.intake), sanitize(what))?
        }
        IntakeState::Failed(why) => {
            writeln!(err, "ktriage: {}: {}", sanitize(&s.intake), sanitize(why))?;
            report.failed.push(format!("{}: {why}", s.intake));
        }
        IntakeState::Starting | IntakeState::Ended => {}
    }
    Ok(())
}

/// Runs the sources, printing alerts to `out` and intake notes to `err`.
pub fn run(
    opts: &HeadlessOpts,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<HeadlessReport> {
    run_with(opts, out, err, |_, _| Ok(0))
}

/// [`run`], with the audit events of audit sources handed to `on_audit` (it
/// prints what it wants and returns how many alerts it printed).
pub fn run_with<W: Write>(
    opts: &HeadlessOpts,
    out: &mut W,
    err: &mut impl Write,
    mut on_audit: impl FnMut(Vec<crate::model::audit::AuditEvent>, &mut W) -> io::Result<u64>,
) -> io::Result<HeadlessReport> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    rt.block_on(async {
        let (tx, mut rx) = mpsc::channel::<IntakeFeed>(256);
        for s in &opts.sources {
            tokio::spawn(run_source(s.clone(), tx.clone()));
        }
        drop(tx);
        // The deadline and SIGINT/SIGTERM, watched on their own thread so a blocked output cannot delay them.
        let stop = opts.stop.clone().unwrap_or_else(Stop::new);
        let watcher = stop::watch(&stop, opts.duration)?;
        let mut report = HeadlessReport::default();
        let mut last_state: std::collections::HashMap<String, IntakeState> = Default::default();
        let mut malformed: std::collections::HashMap<String, u64> = Default::default();
        let mut names = opts
            .cri
            .as_ref()
            .map(|s| crate::identity::resolve::Resolver::new(s.as_deref(), true));
        let res = loop {
            let ev = tokio::select! {
                _ = stop.reached(REQUESTED) => break Ok(()),
                ev = rx.recv() => ev,
            };
            match ev {
                None => break Ok(()),
                Some(IntakeFeed::Alerts(mut batch)) => {
                    if let Some(r) = names.as_mut() {
                        batch.iter_mut().for_each(|a| super::resolve::resolve(a, r));
                    }
                    let written = batch
                        .iter()
                        .try_for_each(|a| writeln!(out, "{}", alert_line(a, opts.json)))
                        .and_then(|()| out.flush());
                    if let Err(e) = written {
                        break Err(e);
                    }
                    report.alerts += batch.len() as u64;
                }
                Some(IntakeFeed::Audit(batch)) => match on_audit(batch, out) {
                    Ok(n) => report.alerts += n,
                    Err(e) => break Err(e),
                },
                Some(IntakeFeed::Stats(mut s)) => {
                    malformed.insert(s.intake.clone(), s.malformed);
                    // Print a state only when it changes.
                    if last_state.get(&s.intake) == Some(&s.state) {
                        s.state = IntakeState::Starting;
                    } else {
                        last_state.insert(s.intake.clone(), s.state.clone());
                    }
                    // A closed stderr must not stop the alerts.
                    let _ = note_stats(&s, &mut report, err);
                }
            }
        };
        stop.raise(HARD);
        let _ = watcher.join();
        report.malformed = malformed.values().sum();
        // Output gone (closed, or too slow at the stop): still a report, with what was printed.
        let _ = res;
        Ok(report)
    })
}
