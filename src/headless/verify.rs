//! `ktriage verify FILE`: a session file's verification as text lines or one JSON object; the header's strings are untrusted and sanitized.

use crate::collector::clock::WallClock;
use crate::sanitize::sanitize;
use crate::session::{Counts, Verdict, VerifyReport};

/// Process exit code for a verdict: 0 OK, 1 truncated, tampered or corrupt.
pub fn exit_code(r: &VerifyReport) -> u8 {
    match r.verdict {
        Verdict::Ok => 0,
        _ => 1,
    }
}

fn counts_line(c: &Counts) -> String {
    format!(
        "{} records: {} of kernel events ({} events), {} other events and facts, {} notes, {} redaction notices",
        c.records, c.kernel_batches, c.kernel_events, c.events, c.notes, c.redacted
    )
}

/// The report as lines of text; `file` is the path as the user gave it.
pub fn text(file: &str, r: &VerifyReport) -> String {
    let clock = r
        .header
        .as_ref()
        .map_or(WallClock::with_offset(0), |h| h.wall_clock());
    let when = |ts: u64| clock.rfc3339(ts);
    let file = sanitize(file);
    let mut out = Vec::new();
    let verdict = match r.verdict {
        Verdict::Ok => "OK",
        Verdict::Truncated => "TRUNCATED",
        Verdict::Tampered => "TAMPERED",
        Verdict::Corrupt => "CORRUPT",
    };
    out.push(format!("{verdict}: {file}"));
    if let Some(h) = &r.header {
        let sudo = h
            .sudo_user
            .as_deref()
            .map(|u| format!(" (SUDO_USER {})", sanitize(u)))
            .unwrap_or_default();
        out.push(format!(
            "recorded on {} (kernel {}, boot {}) by uid {}{sudo}, ktriage {}, part {}{}",
            sanitize(&h.host),
            sanitize(&h.kernel),
            sanitize(&h.boot_id),
            h.uid,
            sanitize(&h.tool_version),
            h.part,
            if h.secrets_kept {
                ", SECRETS KEPT (--record-secrets)"
            } else {
                ""
            },
        ));
    }
    match r.verdict {
        Verdict::Ok => {
            out.push(format!(
                "{} chunks, {}",
                r.chunks_ok,
                counts_line(&r.counts)
            ));
            if let (Some(a), Some(b)) = (r.first_ts, r.last_ts) {
                out.push(format!("from {} to {}", when(a), when(b)));
            }
        }
        Verdict::Truncated => {
            out.push(
                "no trailer: the recorder did not close the file (killed, or the copy was cut)"
                    .into(),
            );
            match &r.last_good {
                Some(c) => out.push(format!(
                    "last good chunk: {} at byte {}, its last record at {}",
                    c.chunk,
                    c.offset,
                    when(c.last_ts)
                )),
                None => out.push("no complete chunk".into()),
            }
            out.push(format!(
                "readable: {} chunks, {}",
                r.chunks_ok,
                counts_line(&r.counts)
            ));
        }
        Verdict::Tampered | Verdict::Corrupt => {
            let place = match (r.bad_chunk, r.bad_offset) {
                (Some(c), Some(o)) => format!("chunk {c} at byte {o}"),
                (None, Some(o)) => format!("byte {o}"),
                _ => "unknown place".into(),
            };
            let time = r
                .bad_ts
                .map(|t| format!(", records from {} by its frame", when(t)))
                .unwrap_or_default();
            out.push(format!("first damage: {place}{time}"));
            match &r.last_good {
                Some(c) => out.push(format!(
                    "chunks 0..={} verify (last good ends at {}); {}",
                    c.chunk,
                    when(c.last_ts),
                    counts_line(&r.counts)
                )),
                None => out.push("no chunk before it verifies".into()),
            }
        }
    }
    if let Some(e) = &r.error {
        out.push(format!("reason: {}", sanitize(e)));
    }
    match &r.final_hash {
        Some(h) => out.push(format!("final hash: {h}")),
        None => out.push("final hash: none (the file is not complete and unchanged)".into()),
    }
    out.join("\n") + "\n"
}

/// The report as one JSON object (`file`, `verdict`, counts, hashes, the damage).
pub fn json(file: &str, r: &VerifyReport) -> String {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("file".into(), serde_json::Value::String(file.to_string()));
    }
    v.to_string() + "\n"
}
