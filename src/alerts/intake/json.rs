//! Falco `json_output` lines: `time`, `rule`, `priority`, `source`, `hostname`, `output`, `output_fields`, `tags`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::fields::{container_of, pid_of, text_fields};
use super::text::{cap, strip_header};
use super::timefmt::iso;
use super::{LineError, ParseCtx};
use crate::alerts::{Alert, Priority};

fn take_text(m: &mut Map<String, Value>, key: &'static str) -> Option<String> {
    match m.remove(key)? {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// Parses one JSON object as Falco writes it.
pub fn parse_json(line: &str, ctx: &ParseCtx) -> Result<Alert, LineError> {
    let v: Value = serde_json::from_str(line).map_err(|e| LineError::Json(e.to_string()))?;
    from_value(v, ctx)
}

/// Builds an alert from a parsed Falco JSON object.
pub fn from_value(v: Value, ctx: &ParseCtx) -> Result<Alert, LineError> {
    let Value::Object(mut m) = v else {
        return Err(LineError::NotAnObject);
    };
    let rule = take_text(&mut m, "rule").ok_or(LineError::Missing("rule"))?;
    let raw_output = take_text(&mut m, "output").unwrap_or_default();
    let (output, header) = strip_header(&raw_output, ctx.now_ns);
    let priority = match m.get("priority").and_then(Value::as_str) {
        Some(p) => Priority::parse(p).ok_or_else(|| LineError::BadPriority(cap(p, 40)))?,
        None => header.map(|h| h.1).ok_or(LineError::Missing("priority"))?,
    };
    let output_fields: BTreeMap<String, Value> = match m.remove("output_fields") {
        Some(Value::Object(f)) => f.into_iter().collect(),
        _ => BTreeMap::new(),
    };
    let evt_time = output_fields.get("evt.time").and_then(Value::as_u64);
    let time_ns = m
        .get("time")
        .and_then(Value::as_str)
        .and_then(iso)
        .map(|s| s.ns)
        .or(evt_time)
        .or(header.map(|h| h.0))
        .unwrap_or(ctx.now_ns);
    let mut pid = pid_of(&output_fields);
    let mut container_id = container_of(&output_fields);
    if pid.is_none() || container_id.is_none() {
        // Fields the output names but `output_fields` lacks still serve the pivot.
        let from_text = text_fields(output);
        pid = pid.or_else(|| pid_of(&from_text));
        container_id = container_id.or_else(|| container_of(&from_text));
    }
    let tags = match m.remove("tags") {
        Some(Value::Array(a)) => a
            .into_iter()
            .filter_map(|t| match t {
                Value::String(s) => Some(s),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(Alert {
        time_ns,
        rule: cap(&rule, 200),
        priority,
        source: take_text(&mut m, "source").unwrap_or_else(|| "syscall".into()),
        hostname: take_text(&mut m, "hostname").unwrap_or_default(),
        output: output.trim().to_string(),
        output_fields,
        tags,
        origin: ctx.origin(),
        pid,
        container_id,
        facts: None,
    })
}
