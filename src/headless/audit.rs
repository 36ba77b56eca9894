//! `ktriage audit`: Kubernetes audit events (a log file, read or followed, or the webhook) filtered and printed, with the `k8s_audit` rules' alerts.

use std::io::{self, Read, Write};
use std::path::Path;

use crate::alerts::intake::audit::parse_line;
use crate::alerts::intake::headless::alert_line;
use crate::alerts::intake::lines::{LineSplitter, Piece};
use crate::alerts::intake::{LineError, MAX_LINE};
use crate::app::audit_view::AuditFilter;
use crate::model::alert::{Alert, iso_time};
use crate::model::audit::AuditEvent;
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
    /// Prints what passes the filter, then the alerts the batch raised; returns the alerts.
    pub fn batch(&mut self, batch: Vec<AuditEvent>, out: &mut impl Write) -> io::Result<u64> {
        let mut alerts: Vec<Alert> = Vec::new();
        for e in &batch {
            if let Some(engine) = self.engine.as_mut() {
                engine.process_audit(e, &mut alerts);
            }
            if !self.filter.matches(e) {
                continue;
            }
            self.printed += 1;
            if self.json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string(e).map_err(io::Error::other)?
                )?;
            } else {
                writeln!(out, "{}", text_line(e))?;
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

/// What reading a file found.
#[derive(Debug, Default)]
pub struct FileRead {
    /// Events parsed.
    pub events: Vec<AuditEvent>,
    /// Lines that are not audit events: (line number, why, first bytes).
    pub malformed: Vec<(u64, LineError, String)>,
}

/// Reads an audit log to its end (a regular file only: see [`crate::safe_fs`]).
pub fn read_file(path: &Path) -> Result<FileRead, String> {
    let mut f = crate::safe_fs::open_input("--file", path).map_err(|e| e.to_string())?;
    let mut split = LineSplitter::new(MAX_LINE);
    let mut r = FileRead::default();
    let mut n = 0u64;
    let mut take = |p: Piece<'_>, r: &mut FileRead| {
        n += 1;
        let (raw, res) = match p {
            Piece::Line(l) if l.iter().all(u8::is_ascii_whitespace) => return,
            Piece::Line(l) => (l, parse_line(&String::from_utf8_lossy(l))),
            Piece::TooLong(h) => (h, Err(LineError::TooLong(MAX_LINE))),
        };
        match res {
            Ok(e) => r.events.push(e),
            Err(e) => {
                let head = String::from_utf8_lossy(&raw[..raw.len().min(200)]).into_owned();
                r.malformed.push((n, e, head));
            }
        }
    };
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let got = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(k) => k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("--file {}: {e}", path.display())),
        };
        split.push(&buf[..got], |p| take(p, &mut r));
    }
    split.finish(|p| take(p, &mut r));
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
