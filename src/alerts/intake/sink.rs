//! Where an intake puts what it read: parsed alerts and counters, sent to the core in batches.

use tokio::sync::mpsc::Sender;

use super::lines::Piece;
use super::{
    IntakeFeed, IntakeState, IntakeStats, LineError, MALFORMED_KEEP, MALFORMED_SAMPLES, MAX_LINE,
    Malformed, ParseCtx, now_ns, parse_line,
};
use crate::alerts::Alert;
use crate::model::audit::AuditEvent;

/// How a line becomes an alert (Falco line, or a journal record around one).
pub type LineParser = fn(&str, &ParseCtx) -> Result<Alert, LineError>;

/// Collects one intake's alerts and counters between flushes.
#[derive(Debug)]
pub struct IntakeSink {
    tx: Sender<IntakeFeed>,
    stats: IntakeStats,
    pending: Vec<Alert>,
    parser: LineParser,
    dirty: bool,
    /// An audit intake: lines are audit events ([`IntakeSink::audit`]).
    audit: Option<Vec<AuditEvent>>,
}

impl IntakeSink {
    /// A sink for the intake `name`, parsing Falco lines.
    pub fn new(name: impl Into<String>, tx: Sender<IntakeFeed>) -> Self {
        Self {
            tx,
            stats: IntakeStats {
                intake: name.into(),
                ..IntakeStats::default()
            },
            pending: Vec::new(),
            parser: parse_line,
            dirty: true,
            audit: None,
        }
    }

    /// The same reading Kubernetes audit events instead of Falco alerts.
    pub fn audit(mut self) -> Self {
        self.audit = Some(Vec::new());
        self
    }

    /// True for an audit intake.
    pub fn is_audit(&self) -> bool {
        self.audit.is_some()
    }

    /// Counts one input unit that gave `events` (audit intake).
    pub fn accept_audit(&mut self, events: Vec<AuditEvent>) {
        self.stats.lines += 1;
        self.stats.alerts += events.len() as u64;
        self.audit.get_or_insert_with(Vec::new).extend(events);
        self.dirty = true;
    }

    /// The same with another line parser (journal records).
    pub fn with_parser(mut self, parser: LineParser) -> Self {
        self.parser = parser;
        self
    }

    /// The intake's name.
    pub fn name(&self) -> &str {
        &self.stats.intake
    }

    /// Counters so far.
    pub fn stats(&self) -> &IntakeStats {
        &self.stats
    }

    /// A parse context for a line read now.
    pub fn ctx(&self) -> ParseCtx {
        ParseCtx {
            intake: self.stats.intake.clone(),
            now_ns: now_ns(),
        }
    }

    /// Takes a piece from a [`super::lines::LineSplitter`]. Blank lines are skipped, not counted.
    pub fn piece(&mut self, piece: Piece<'_>) {
        match piece {
            Piece::Line(l) if l.iter().all(u8::is_ascii_whitespace) => {}
            Piece::Line(l) if self.audit.is_some() => {
                match super::audit::parse_line(&String::from_utf8_lossy(l)) {
                    Ok(e) => self.accept_audit(vec![e]),
                    Err(e) => self.reject(l, e),
                }
            }
            Piece::Line(l) => {
                let text = String::from_utf8_lossy(l);
                let ctx = self.ctx();
                match (self.parser)(&text, &ctx) {
                    Ok(a) => self.accept(a),
                    Err(e) => self.reject(l, e),
                }
            }
            Piece::TooLong(head) => self.reject(head, LineError::TooLong(MAX_LINE)),
        }
    }

    /// Counts one input unit (line or body) that gave `alerts`.
    pub fn accept_many(&mut self, alerts: Vec<Alert>) {
        self.stats.lines += 1;
        self.stats.alerts += alerts.len() as u64;
        self.pending.extend(alerts);
        self.dirty = true;
    }

    /// One line, one alert.
    pub fn accept(&mut self, alert: Alert) {
        self.accept_many(vec![alert]);
    }

    /// Counts and keeps a malformed line.
    pub fn reject(&mut self, raw: &[u8], reason: LineError) {
        self.stats.lines += 1;
        self.stats.malformed += 1;
        self.dirty = true;
        if self.stats.samples.len() >= MALFORMED_SAMPLES {
            self.stats.samples.remove(0);
        }
        let keep = &raw[..raw.len().min(MALFORMED_KEEP)];
        self.stats.samples.push(Malformed {
            intake: self.stats.intake.clone(),
            line_no: self.stats.lines,
            text: String::from_utf8_lossy(keep).into_owned(),
            reason: reason.to_string(),
        });
    }

    /// Changes the state (reported at the next flush).
    pub fn set_state(&mut self, state: IntakeState) {
        if self.stats.state != state {
            self.stats.state = state;
            self.dirty = true;
        }
    }

    /// Sends pending alerts and, when anything changed, the counters. `false`
    /// when the core is gone (the source should stop).
    pub async fn flush(&mut self) -> bool {
        if !self.pending.is_empty() {
            let batch = std::mem::take(&mut self.pending);
            if self.tx.send(IntakeFeed::Alerts(batch)).await.is_err() {
                return false;
            }
        }
        if let Some(events) = self.audit.as_mut().filter(|a| !a.is_empty()) {
            let batch = std::mem::take(events);
            if self.tx.send(IntakeFeed::Audit(batch)).await.is_err() {
                return false;
            }
        }
        if self.dirty {
            self.dirty = false;
            let report = self.stats.clone();
            self.stats.samples.clear();
            if self.tx.send(IntakeFeed::Stats(report)).await.is_err() {
                return false;
            }
        }
        true
    }

    /// True when the core is gone.
    pub fn closed(&self) -> bool {
        self.tx.is_closed()
    }

    /// The channel to the core (to wait for it to close).
    pub fn sender(&self) -> Sender<IntakeFeed> {
        self.tx.clone()
    }
}
