//! Falco text lines: `TIME: Priority output`, with an optional syslog / journald prefix before them.

use std::collections::BTreeMap;

use super::fields::{container_of, description, pid_of, text_fields};
use super::timefmt::{Stamp, stamp};
use super::{LineError, ParseCtx};
use crate::alerts::{Alert, Priority};

/// The `TIME: Priority ` header found in a line, and where the output starts.
struct Header {
    at: usize,
    stamp: Stamp,
    priority: Priority,
    output_at: usize,
}

/// Tries a header at byte `at` of `line`.
fn header_at(line: &str, at: usize, now_ns: u64) -> Option<Header> {
    let rest = &line[at..];
    let st = stamp(rest, now_ns)?;
    let after = rest[st.len..].strip_prefix(": ")?;
    let word_len = after.find(' ').unwrap_or(after.len());
    let priority = Priority::parse(&after[..word_len])?;
    let output_at = at + st.len + 2 + word_len;
    Some(Header {
        at,
        stamp: st,
        priority,
        output_at,
    })
}

/// The first header in the line: at its start, or after a prefix such as
/// `Jan 12 11:50:44 node1 falco[812]: ` or `2024-01-12T11:50:44+0000 node1 falco: `.
fn find_header(line: &str, now_ns: u64) -> Option<Header> {
    let b = line.as_bytes();
    (0..b.len())
        .filter(|&i| b[i].is_ascii_digit() && (i == 0 || b[i - 1] == b' '))
        .find_map(|i| header_at(line, i, now_ns))
}

/// The host named by a syslog-style prefix (`... HOST IDENT[PID]: `), if any.
fn prefix_host(prefix: &str) -> Option<&str> {
    let p = prefix.trim_end().strip_suffix(':')?;
    let mut words = p.split_whitespace().rev();
    let ident = words.next()?;
    let name = ident.split('[').next()?;
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    let host = words.next()?;
    // A host name, not the time or the day of the syslog stamp.
    (!host.contains(':') && host.bytes().any(|b| b.is_ascii_alphabetic())).then_some(host)
}

/// Parses one text line. Text lines carry no rule name: the output's
/// description part (before its fields) stands in for it.
pub fn parse_text(line: &str, ctx: &ParseCtx) -> Result<Alert, LineError> {
    let h = find_header(line, ctx.now_ns).ok_or(LineError::NoHeader)?;
    let output = line[h.output_at..].trim();
    if output.is_empty() {
        return Err(LineError::NoOutput);
    }
    let output_fields: BTreeMap<_, _> = text_fields(output);
    let rule = description(output);
    let rule = if rule.is_empty() { output } else { rule };
    Ok(Alert {
        time_ns: h.stamp.ns,
        rule: cap(rule, 120),
        priority: h.priority,
        source: "syscall".into(),
        hostname: prefix_host(&line[..h.at]).unwrap_or_default().to_string(),
        output: output.to_string(),
        pid: pid_of(&output_fields),
        container_id: container_of(&output_fields),
        facts: None,
        output_fields,
        tags: Vec::new(),
        origin: ctx.origin(),
    })
}

/// At most `max` characters of `s`.
pub fn cap(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Strips a leading `TIME: Priority ` (Falco puts it in the JSON `output` too).
pub fn strip_header(output: &str, now_ns: u64) -> (&str, Option<(u64, Priority)>) {
    match header_at(output, 0, now_ns) {
        Some(h) => (
            output[h.output_at..].trim_start(),
            Some((h.stamp.ns, h.priority)),
        ),
        None => (output, None),
    }
}
