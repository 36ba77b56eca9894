//! What yaml-cpp (Falco's parser) accepts and strict YAML does not: under-indented flow collections, and per-item recovery.
//!
//! Two helpers used by the loader before and after [`super::yaml::parse`]:
//! - [`relax_flow_indent`] re-indents the continuation lines of a multi-line
//!   flow collection (`items: [` … `]`) that sit at or left of their key's
//!   column; YAML 1.2 rejects them ("invalid indentation"), yaml-cpp loads
//!   them, and upstream rule files contain them. Only leading spaces of lines
//!   inside a flow collection change, so line numbers stay exact (columns of
//!   those lines shift right) and the values are the same (line breaks in a
//!   flow collection fold to one space either way).
//! - [`split_top_level`] cuts a file into its top-level `- ` items, so one
//!   broken item can be reported while the others still load.

use std::borrow::Cow;

/// Re-indents under-indented continuation lines of multi-line flow collections.
pub fn relax_flow_indent(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut changed = false;
    let mut flow = Flow::default();
    // Column of the key that owns a block scalar (`key: >`) while inside it.
    let mut block_scalar: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = &line[indent..];
        let blank = content.trim().is_empty() || content.starts_with('#');
        if flow.depth > 0 && line.starts_with("- ") {
            // a new top-level item: whatever was open was never closed
            flow = Flow::default();
        }
        if flow.depth > 0 {
            if !blank && indent < flow.min_indent {
                out.push_str(&" ".repeat(flow.min_indent));
                out.push_str(content);
                changed = true;
            } else {
                out.push_str(line);
            }
            flow.scan(content.as_bytes());
            continue;
        }
        out.push_str(line);
        if let Some(key_col) = block_scalar {
            if blank || indent > key_col {
                continue;
            }
            block_scalar = None;
        }
        let key_col = indent + dash_prefix(content);
        let rest = &line[key_col..];
        if let Some(start) = flow_value_start(rest) {
            flow = Flow {
                min_indent: key_col + 1,
                ..Flow::default()
            };
            flow.scan(&rest.as_bytes()[start..]);
        } else if opens_block_scalar(rest) {
            block_scalar = Some(key_col);
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// State of an open flow collection across lines.
#[derive(Default)]
struct Flow {
    depth: usize,
    quote: Option<u8>,
    min_indent: usize,
}

impl Flow {
    fn scan(&mut self, b: &[u8]) {
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            match self.quote {
                Some(b'\'') if c == b'\'' => {
                    if b.get(i + 1) == Some(&b'\'') {
                        i += 1;
                    } else {
                        self.quote = None;
                    }
                }
                Some(b'"') if c == b'\\' => i += 1,
                Some(b'"') if c == b'"' => self.quote = None,
                Some(_) => {}
                None => match c {
                    b'\'' | b'"' => self.quote = Some(c),
                    b'#' if i == 0 || b[i - 1] == b' ' => return,
                    b'[' | b'{' => self.depth += 1,
                    b']' | b'}' => {
                        self.depth = self.depth.saturating_sub(1);
                        if self.depth == 0 {
                            return;
                        }
                    }
                    _ => {}
                },
            }
            i += 1;
        }
    }
}

/// Length of leading `- ` sequence-entry indicators (with their spaces).
fn dash_prefix(s: &str) -> usize {
    let mut n = 0;
    let b = s.as_bytes();
    while b.get(n) == Some(&b'-') && matches!(b.get(n + 1), Some(b' ')) {
        n += 2;
        while b.get(n) == Some(&b' ') {
            n += 1;
        }
    }
    n
}

/// Where a flow collection starts in `key: [` / `[`, if the value is one.
fn flow_value_start(rest: &str) -> Option<usize> {
    let value_at = key_end(rest).unwrap_or_default();
    let v = &rest[value_at..];
    let lead = v.len() - v.trim_start().len();
    matches!(v.as_bytes().get(lead), Some(b'[' | b'{')).then_some(value_at + lead)
}

/// Index just after `key:` when the line is a plain `key: value` pair.
fn key_end(rest: &str) -> Option<usize> {
    let b = rest.as_bytes();
    if matches!(b.first(), Some(b'[' | b'{' | b'"' | b'\'' | b'#') | None) {
        return None;
    }
    (0..b.len()).find_map(|i| {
        (b[i] == b':' && matches!(b.get(i + 1), None | Some(b' ' | b'\n' | b'\r'))).then_some(i + 1)
    })
}

/// `key: >`, `key: |-` and the like.
fn opens_block_scalar(rest: &str) -> bool {
    let Some(i) = key_end(rest) else {
        return false;
    };
    let v = rest[i..].split(" #").next().unwrap_or("").trim();
    v.starts_with(['>', '|'])
        && v[1..]
            .bytes()
            .all(|c| matches!(c, b'-' | b'+' | b'0'..=b'9'))
}

/// The file cut before each line that starts a top-level item (`- ` or `-` at
/// column 1): `(first line number, 1-based; text)`. Text before the first item
/// (comments) goes with it.
pub fn split_top_level(text: &str) -> Vec<(usize, &str)> {
    // (byte offset, 1-based line) where each part starts
    let mut starts = vec![(0usize, 1usize)];
    let (mut at, mut line_no) = (0, 1);
    let mut seen_item = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with("- ") || line.trim_end() == "-" {
            if seen_item {
                starts.push((at, line_no));
            }
            seen_item = true;
        }
        at += line.len();
        line_no += 1;
    }
    let mut out: Vec<(usize, &str)> = Vec::with_capacity(starts.len());
    for (i, &(from, line)) in starts.iter().enumerate() {
        let to = starts.get(i + 1).map_or(text.len(), |s| s.0);
        out.push((line, &text[from..to]));
    }
    out
}

#[cfg(test)]
#[path = "yaml_lenient_tests.rs"]
mod tests;
