//! `ktriage audit`: Kubernetes audit events (a log file, read or followed, or the webhook) filtered and printed, with the `k8s_audit` rules' alerts.

use std::io::{self, Read, Write};
use std::path::Path;

use crate::alerts::intake::audit::parse_line;
use crate::alerts::intake::headless::alert_line;
use crate::alerts::intake::lines::{LineSplitter, Piece};
use crate::alerts::intake::{LineError, MALFORMED_SAMPLES, MAX_LINE};
use crate::app::audit_view::AuditFilter;
use crate::app::exec_link;
use crate::model::alert::{Alert, iso_time};
use crate::model::audit::{AuditEvent, ExecCandidate, ExecLink};
use crate::rules::Engine;
use crate::sanitize::sanitize;

/// How events are printed and checked.
pub struct AuditPrinter {
    /// Events printed (the others are still given to the rules).
    pub filter: AuditFilter,
    /// JSON lines: each event as the API server wrote it (secrets dropped) plus `time_ns`; alerts as Falco's JSON.
    pub json: bool,
    /// The `k8s_audit` rules (`None`: no rules).
    pub engine: Option<Engine>,
    /// Events printed.
    pub printed: u64,
    /// Alerts raised.
    pub alerts: u64,
    /// Link exec events to the processes they started (the /proc scan's options); `None`: no links.
    pub link: Option<crate::headless::ps::PsOpts>,
    /// Only the exec events linked to this process (who ran `kubectl exec` for it).
    pub pid: Option<u32>,
}

/// How a link is written after a text line.
pub fn link_text(l: &ExecLink) -> String {
    let pids = |cs: &[ExecCandidate]| {
        cs.iter()
            .map(|c| format!("{} ({})", c.pid, sanitize(&c.comm)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match l {
        ExecLink::Exact(c) => format!("  -> pid {}", pids(std::slice::from_ref(c))),
        ExecLink::Ambiguous(cs) => format!("  -> ambiguous: pids {}", pids(cs)),
        ExecLink::None => "  -> no process found".to_string(),
    }
}

fn names(l: &ExecLink, pid: u32) -> bool {
    match l {
        ExecLink::Exact(c) => c.pid == pid,
        ExecLink::Ambiguous(cs) => cs.iter().any(|c| c.pid == pid),
        ExecLink::None => false,
    }
}

/// The column header of the text output.
pub const HEADER: &str = "TIME                      USER                 VERB     RESOURCE          NAMESPACE/NAME                 CODE STAGE            SOURCE";

/// One event as a text line (every field sanitized).
pub fn text_line(e: &AuditEvent) -> String {
    let res = if e.subresource().is_empty() {
        e.resource().to_string()
    } else {
        format!("{}/{}", e.resource(), e.subresource())
    };
    let mut user = e.user.username.clone();
    if let Some(i) = &e.impersonated_user {
        user = format!("{user} as {}", i.username);
    }
    let target = match (e.namespace(), e.name()) {
        ("", n) => n.to_string(),
        (ns, n) => format!("{ns}/{n}"),
    };
    let code = e.code().map_or("-".to_string(), |c| c.to_string());
    let time = if e.time_ns == 0 {
        "-".to_string()
    } else {
        iso_time(e.time_ns)[..23].to_string() + "Z"
    };
    let line = format!(
        "{time:<25} {:<20} {:<8} {:<17} {:<30} {code:<4} {:<16} {}",
        sanitize(&user),
        sanitize(&e.verb),
        sanitize(&res),
        sanitize(&target),
        sanitize(&e.stage),
        sanitize(&e.source_ips.join(","))
    );
    line.trim_end().to_string()
}

impl AuditPrinter {
    /// Prints what passes the filter, then the alerts those events raised; returns the alerts.
    pub fn batch(&mut self, batch: Vec<AuditEvent>, out: &mut impl Write) -> io::Result<u64> {
        let mut alerts: Vec<Alert> = Vec::new();
        let procs = match &self.link {
            Some(o) if batch.iter().any(exec_link::is_exec_start) => {
                crate::headless::audit_link::pod_processes(o)
            }
            _ => Vec::new(),
        };
        for e in &batch {
            let mut raised = Vec::new();
            if let Some(engine) = self.engine.as_mut() {
                engine.process_audit(e, &mut raised);
            }
            let link = self.link.as_ref().and_then(|_| exec_link::link(e, &procs));
            let wanted = match self.pid {
                Some(pid) => link.as_ref().is_some_and(|l| names(l, pid)),
                None => true,
            };
            if !wanted || !self.filter.matches(e) {
                continue;
            }
            // the alerts of the events shown (the filter narrows both)
            alerts.extend(raised);
            self.printed += 1;
            if self.json {
                let mut v = serde_json::to_value(e).map_err(io::Error::other)?;
                if let (Some(l), Some(m)) = (&link, v.as_object_mut()) {
                    let l = serde_json::to_value(l).map_err(io::Error::other)?;
                    m.insert("exec_link".into(), l);
                }
                writeln!(out, "{v}")?;
            } else {
                let tail = link.as_ref().map(link_text).unwrap_or_default();
                writeln!(out, "{}{tail}", text_line(e))?;
            }
        }
        for a in &alerts {
            writeln!(out, "{}", alert_line(a, self.json))?;
        }
        out.flush()?;
        self.alerts += alerts.len() as u64;
        Ok(alerts.len() as u64)
    }
}

/// Events handed on at once while a file is read.
const BATCH: usize = 1024;

/// What reading a file found besides its events.
#[derive(Debug, Default)]
pub struct FileRead {
    /// Events parsed.
    pub events: u64,
    /// Lines that are not audit events.
    pub malformed: u64,
    /// The first [`MALFORMED_SAMPLES`] of them: (line number, why, first bytes with secrets masked).
    pub samples: Vec<(u64, LineError, String)>,
}

/// Reads an audit log to its end (a regular file only: see [`crate::safe_fs`]),
/// handing its events to `on_batch` a batch at a time (memory stays bounded).
pub fn read_file(
    path: &Path,
    mut on_batch: impl FnMut(Vec<AuditEvent>) -> io::Result<()>,
) -> Result<FileRead, String> {
    let mut f = crate::safe_fs::open_input("--file", path).map_err(|e| e.to_string())?;
    let mut split = LineSplitter::new(MAX_LINE);
    let mut r = FileRead::default();
    let mut pending = Vec::new();
    let mut n = 0u64;
    let mut take = |p: Piece<'_>, r: &mut FileRead, pending: &mut Vec<AuditEvent>| {
        n += 1;
        let (raw, res) = match p {
            Piece::Line(l) if l.iter().all(u8::is_ascii_whitespace) => return,
            Piece::Line(l) => (l, parse_line(&String::from_utf8_lossy(l))),
            Piece::TooLong(h) => (h, Err(LineError::TooLong(MAX_LINE))),
        };
        match res {
            Ok(e) => {
                r.events += 1;
                pending.push(e);
            }
            Err(e) => {
                r.malformed += 1;
                if r.samples.len() < MALFORMED_SAMPLES {
                    let head = String::from_utf8_lossy(&raw[..raw.len().min(200)]).into_owned();
                    let head = crate::redact::mask_text(&head).into_owned();
                    r.samples.push((n, e, head));
                }
            }
        }
    };
    let io_err = |e: io::Error| format!("--file {}: {e}", path.display());
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let got = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(k) => k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_err(e)),
        };
        split.push(&buf[..got], |p| take(p, &mut r, &mut pending));
        if pending.len() >= BATCH {
            on_batch(std::mem::take(&mut pending)).map_err(io_err)?;
        }
    }
    split.finish(|p| take(p, &mut r, &mut pending));
    on_batch(pending).map_err(io_err)?;
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_sanitized_in_lines() {
        let mut e = AuditEvent {
            verb: "get\u{1b}[2J".into(),
            stage: "ResponseComplete".into(),
            ..Default::default()
        };
        e.user.username = "eve\u{7}\r\nroot".into();
        let l = text_line(&e);
        assert!(!l.chars().any(|c| c.is_control()), "{l:?}");
    }
}
