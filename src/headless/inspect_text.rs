//! Text rendering of an inspection's JSON for people: identity, security, fds, environ, mounts last, as indented `key: value` lines; untrusted text sanitized.

use std::io::{self, Write};

use serde_json::Value;

use crate::sanitize::{quote_arg, sanitize};

/// Sections in the order a person reads them; other keys follow, `mounts` comes last.
const ORDER: [&str; 17] = [
    "pid",
    "comm",
    "exe",
    "exited",
    "container",
    "pod",
    "overview",
    "security",
    "namespaces",
    "declared",
    "immutable",
    "findings",
    "posture_error",
    "fds",
    "environ",
    "revealed_secrets",
    "errors",
];

/// Writes `v` as indented lines, sections in [`ORDER`]; masked environment
/// values show as `****` unless the JSON carries them (`--reveal-secrets`).
pub fn write(v: &Value, out: &mut impl Write) -> io::Result<()> {
    let Some(m) = v.as_object() else {
        return walk(v, 0, out);
    };
    let rest = m
        .keys()
        .filter(|k| !ORDER.contains(&k.as_str()) && k.as_str() != "mounts");
    let keys = ORDER
        .iter()
        .copied()
        .chain(rest.map(String::as_str))
        .chain(["mounts"]);
    for k in keys {
        let Some(val) = m.get(k) else { continue };
        match (k, val) {
            ("environ", Value::Array(a)) => {
                writeln!(out, "environ:")?;
                for e in a {
                    writeln!(out, "  - {}", env_line(e))?;
                }
            }
            ("namespaces", Value::Object(ns)) => {
                writeln!(out, "namespaces:")?;
                for n in ns
                    .get("list")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    writeln!(out, "  - {}", ns_line(n))?;
                }
                let others: serde_json::Map<String, Value> = ns
                    .iter()
                    .filter(|(k, _)| k.as_str() != "list")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                walk(&Value::Object(others), 1, out)?;
            }
            _ => walk(&serde_json::json!({ k: val }), 0, out)?,
        }
    }
    Ok(())
}

/// `NAME=value`, `NAME=**** (masked)`, or `NAME=value (secret, revealed)`.
fn env_line(e: &Value) -> String {
    let name = e.get("name").map(scalar).unwrap_or_default();
    let masked = e.get("masked") == Some(&Value::Bool(true));
    match e.get("value") {
        Some(Value::Null) | None if masked => format!("{name}=**** (masked)"),
        Some(v) if masked => format!("{name}={} (secret, revealed)", scalar(v)),
        Some(v) => format!("{name}={}", scalar(v)),
        None => format!("{name}="),
    }
}

/// `mnt 4026531832 shared with host: yes|no|unknown` (unknown when the host's inode is not known).
fn ns_line(n: &Value) -> String {
    let kind = n.get("kind").map(scalar).unwrap_or_default();
    let ino = n.get("inode").map(scalar).unwrap_or_else(|| "-".into());
    let shared = match n.get("shared_with_host") {
        Some(Value::Bool(true)) => "yes",
        Some(Value::Bool(false)) => "no",
        _ => "unknown",
    };
    format!("{kind} {ino} shared with host: {shared}")
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => sanitize(s).into_owned(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Object(_) | Value::Array(_))
}

fn walk(v: &Value, depth: usize, out: &mut impl Write) -> io::Result<()> {
    let pad = "  ".repeat(depth);
    match v {
        Value::Object(m) => {
            if m.get("masked") == Some(&Value::Bool(true)) {
                let name = m.get("name").map(scalar).unwrap_or_default();
                return writeln!(out, "{pad}- {name}=**** (masked)");
            }
            for (k, val) in m {
                if is_scalar(val) {
                    writeln!(out, "{pad}{k}: {}", scalar(val))?;
                } else if val.as_array().is_some_and(|a| a.iter().all(is_scalar)) {
                    // shell-quoted where needed: `[sh, -c, 'sleep 60']` is one list of three
                    let items: Vec<String> = val
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|v| match v {
                            Value::String(s) => sanitize(&quote_arg(s)).into_owned(),
                            other => scalar(other),
                        })
                        .collect();
                    writeln!(out, "{pad}{k}: [{}]", items.join(", "))?;
                } else {
                    writeln!(out, "{pad}{k}:")?;
                    walk(val, depth + 1, out)?;
                }
            }
            Ok(())
        }
        Value::Array(a) => {
            for item in a {
                if is_scalar(item) {
                    writeln!(out, "{pad}- {}", scalar(item))?;
                } else if let Some(m) = item.as_object().filter(|m| m.values().all(is_scalar)) {
                    if m.get("masked") == Some(&Value::Bool(true)) {
                        walk(item, depth, out)?;
                        continue;
                    }
                    let line: Vec<String> = m
                        .iter()
                        .map(|(k, v)| format!("{k}={}", scalar(v)))
                        .collect();
                    writeln!(out, "{pad}- {}", line.join(" "))?;
                } else {
                    writeln!(out, "{pad}-")?;
                    walk(item, depth + 1, out)?;
                }
            }
            Ok(())
        }
        other => writeln!(out, "{pad}{}", scalar(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_ordered_for_a_person_and_environ_has_one_format() {
        let v = serde_json::json!({
            "pid": 7,
            "comm": "sh",
            "mounts": [{"target": "/"}],
            "environ": [
                {"name": "A", "value": "b", "masked": false},
                {"name": "TOKEN", "value": null, "masked": true},
                {"name": "PASSWORD", "value": "hunter2", "masked": true},
            ],
            "fds": [{"fd": 0, "target": "/dev/null"}],
            "security": {"no_new_privs": true},
            "namespaces": {"list": [
                {"kind": "mnt", "inode": 1, "host_inode": null, "shared_with_host": null},
                {"kind": "net", "inode": 2, "host_inode": 2, "shared_with_host": true},
            ]},
            "container": null,
        });
        let mut out = Vec::new();
        write(&v, &mut out).expect("write");
        let text = String::from_utf8(out).expect("utf8");
        let at = |needle: &str| {
            text.find(needle)
                .unwrap_or_else(|| panic!("{needle}:\n{text}"))
        };
        assert!(at("pid: 7") < at("security:"), "{text}");
        assert!(at("security:") < at("fds:"), "{text}");
        assert!(at("fds:") < at("environ:"), "{text}");
        assert!(at("environ:") < at("mounts:"), "{text}");
        assert!(text.contains("  - A=b\n"), "{text}");
        assert!(text.contains("  - TOKEN=**** (masked)"), "{text}");
        assert!(
            text.contains("  - PASSWORD=hunter2 (secret, revealed)"),
            "{text}"
        );
        assert!(text.contains("mnt 1 shared with host: unknown"), "{text}");
        assert!(text.contains("net 2 shared with host: yes"), "{text}");
    }

    #[test]
    fn masks_and_sanitizes() {
        let v = serde_json::json!({
            "pid": 7,
            "comm": "ev\u{1b}il",
            "environ": [{"name": "DB_PASSWORD", "value": null, "masked": true}, {"name": "A", "value": "b", "masked": false}],
            "caps": {"effective": ["CAP_KILL"]},
        });
        let mut out = Vec::new();
        write(&v, &mut out).expect("write");
        let text = String::from_utf8(out).expect("utf8");
        assert!(text.contains("comm: ev\\x1bil"), "{text}");
        assert!(text.contains("- DB_PASSWORD=**** (masked)"), "{text}");
        assert!(text.contains("- A=b"), "{text}");
        assert!(text.contains("effective: [CAP_KILL]"), "{text}");
    }
}
