//! journald intake: `journalctl -u falco -o json -f` records, whose `MESSAGE` holds a Falco line.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;

use super::lines::LineSplitter;
use super::{IntakeSink, IntakeState, LineError, MAX_LINE, ParseCtx, parse_line};
use crate::alerts::Alert;

/// Where journald listens when it runs.
pub const JOURNAL_SOCKET: &str = "/run/systemd/journal/socket";

/// How to reach the journal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournaldConfig {
    /// systemd unit whose entries are read.
    pub unit: String,
    /// The `journalctl` program.
    pub program: PathBuf,
    /// Read the entries of this boot first instead of only new ones.
    pub from_start: bool,
    /// Socket whose presence says journald is running.
    pub socket: PathBuf,
}

impl Default for JournaldConfig {
    fn default() -> Self {
        Self {
            unit: "falco".into(),
            program: "journalctl".into(),
            from_start: false,
            socket: JOURNAL_SOCKET.into(),
        }
    }
}

/// `MESSAGE` of a record: a string, or an array of bytes (journald's form for
/// non-UTF-8 or binary messages).
fn message(v: &Value) -> Option<String> {
    match v.get("MESSAGE")? {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => {
            let bytes: Option<Vec<u8>> = a
                .iter()
                .map(|b| b.as_u64().and_then(|n| u8::try_from(n).ok()))
                .collect();
            Some(String::from_utf8_lossy(&bytes?).into_owned())
        }
        _ => None,
    }
}

/// Parses one `journalctl -o json` line: its `MESSAGE` as a Falco line (JSON
/// or text), dated by the record's `__REALTIME_TIMESTAMP`, with `_HOSTNAME`
/// as the host when the line names none.
pub fn parse_record(line: &str, ctx: &ParseCtx) -> Result<Alert, LineError> {
    let v: Value = serde_json::from_str(line).map_err(|e| LineError::Json(e.to_string()))?;
    if !v.is_object() {
        return Err(LineError::NotAnObject);
    }
    let msg = message(&v).ok_or(LineError::NoMessage)?;
    let realtime_us = v
        .get("__REALTIME_TIMESTAMP")
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<u64>().ok());
    let ctx = ParseCtx {
        intake: ctx.intake.clone(),
        now_ns: realtime_us.map_or(ctx.now_ns, |us| us.saturating_mul(1000)),
    };
    let mut alert = parse_line(&msg, &ctx)?;
    if alert.hostname.is_empty()
        && let Some(h) = v.get("_HOSTNAME").and_then(Value::as_str)
    {
        alert.hostname = h.to_string();
    }
    Ok(alert)
}

/// Why journald cannot be read here, or `None` when it can be tried.
pub fn unavailable(cfg: &JournaldConfig) -> Option<String> {
    if !cfg.socket.exists() {
        return Some(format!(
            "journald is not running here ({} does not exist); read Falco's file_output with --falco-file or use --falco-listen",
            cfg.socket.display()
        ));
    }
    None
}

fn args(cfg: &JournaldConfig) -> Vec<String> {
    let mut a = vec![
        "-u".into(),
        cfg.unit.clone(),
        "-o".into(),
        "json".into(),
        "--all".into(),
        "-f".into(),
        "--no-pager".into(),
    ];
    if cfg.from_start {
        a.push("-b".into());
    } else {
        a.extend(["-n".into(), "0".into()]);
    }
    a
}

/// Runs `journalctl` and feeds its records to `sink` until it exits or the core goes away.
pub async fn run(cfg: JournaldConfig, sink: &mut IntakeSink) {
    if let Some(why) = unavailable(&cfg) {
        sink.set_state(IntakeState::Failed(why));
        sink.flush().await;
        return;
    }
    let spawned = Command::new(&cfg.program)
        .args(args(&cfg))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            sink.set_state(IntakeState::Failed(spawn_error(&cfg.program, &e)));
            sink.flush().await;
            return;
        }
    };
    sink.set_state(IntakeState::Running(format!(
        "{} -u {}",
        cfg.program.display(),
        cfg.unit
    )));
    if !sink.flush().await {
        return;
    }
    let (Some(out), Some(err)) = (child.stdout.take(), child.stderr.take()) else {
        return;
    };
    let mut split = LineSplitter::new(MAX_LINE);
    let mut out = BufReader::new(out);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match out.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        split.push(&buf[..n], |p| sink.piece(p));
        if !sink.flush().await {
            return;
        }
    }
    split.finish(|p| sink.piece(p));
    let mut first_err = String::new();
    let _ = BufReader::new(err).read_line(&mut first_err).await;
    let status = child
        .wait()
        .await
        .map(|s| s.to_string())
        .unwrap_or_default();
    let why = match first_err.trim() {
        "" => format!("journalctl ended ({status})"),
        e => format!("journalctl ended ({status}): {}", super::text::cap(e, 200)),
    };
    sink.set_state(IntakeState::Failed(why));
    sink.flush().await;
}

fn spawn_error(program: &Path, e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        format!(
            "{} not found: journald intake needs systemd's journalctl",
            program.display()
        )
    } else {
        format!("cannot run {}: {e}", program.display())
    }
}
