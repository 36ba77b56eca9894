//! Falco `json_output` lines: `time`, `rule`, `priority`, `source`, `hostname`, `output`, `output_fields`, `tags`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::fields::{container_of, pid_of, text_fields};
use super::text::{cap, strip_header};
use super::timefmt::iso;
use super::{LineError, ParseCtx};
use crate::alerts::{Alert, Priority};

fn text<'a>(m: &'a Map<String, Value>, key: &'static str) -> Option<&'a str> {
    m.get(key).and_then(Value::as_str)
}

/// Parses one JSON object as Falco writes it.
pub fn parse_json(line: &str, ctx: &ParseCtx) -> Result<Alert, LineError> {
    let v: Value = serde_json::from_str(line).map_err(|e| LineError::Json(e.to_string()))?;
    from_value(&v, ctx)
}

/// Builds an alert from a parsed Falco JSON object.
pub fn from_value(v: &Value, ctx: &ParseCtx) -> Result<Alert, LineError> {
    let m = v.as_object().ok_or(LineError::NotAnObject)?;
    let rule = text(m, "rule").ok_or(LineError::Missing("rule"))?;
    let raw_output = text(m, "output").unwrap_or_default();
    let (output, header) = strip_header(raw_output, ctx.now_ns);
    let priority = match text(m, "priority") {
        Some(p) => Priority::parse(p).ok_or_else(|| LineError::BadPriority(cap(p, 40)))?,
        None => header.map(|h| h.1).ok_or(LineError::Missing("priority"))?,
    };
    let output_fields: BTreeMap<String, Value> = match m.get("output_fields") {
        Some(Value::Object(f)) => f.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => BTreeMap::new(),
    };
    let evt_time = output_fields.get("evt.time").and_then(Value::as_u64);
    let time_ns = text(m, "time")
        .and_then(iso)
        .map(|s| s.ns)
        .or(evt_time)
        .or(header.map(|h| h.0))
        .unwrap_or(ctx.now_ns);
    // Fields the output names but `output_fields` lacks still serve the pivot.
    let from_text = text_fields(output);
    let pid = pid_of(&output_fields).or_else(|| pid_of(&from_text));
    let container_id = container_of(&output_fields).or_else(|| container_of(&from_text));
    let tags = match m.get("tags") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    Ok(Alert {
        time_ns,
        rule: cap(rule, 200),
        priority,
        source: text(m, "source").unwrap_or("syscall").to_string(),
        hostname: text(m, "hostname").unwrap_or_default().to_string(),
        output: output.trim().to_string(),
        output_fields,
        tags,
        origin: ctx.origin(),
        pid,
        container_id,
    })
}
