//! Text rendering of an inspection's JSON for people: indented `key: value` lines, untrusted text sanitized.

use std::io::{self, Write};

use serde_json::Value;

use crate::sanitize::{quote_arg, sanitize};

/// Writes `v` as indented lines; masked environment values show as `****`.
pub fn write(v: &Value, out: &mut impl Write) -> io::Result<()> {
    walk(v, 0, out)
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
        assert!(text.contains("- masked=false name=A value=b"), "{text}");
        assert!(text.contains("effective: [CAP_KILL]"), "{text}");
    }
}
