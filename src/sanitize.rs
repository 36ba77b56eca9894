//! Untrusted text (comms, paths, argv, environ, alert text) made safe to draw on a terminal.

use std::borrow::Cow;

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// Replaces control characters (C0, DEL, C1), and bidi overrides, with visible
/// `\xNN` / `\u{NNNN}` escapes. Returns the input unchanged when it is clean.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:04x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

/// Like [`sanitize`] but keeps newlines and tabs (file previews).
pub fn sanitize_multiline(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && c != '\n' && c != '\t') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.split('\n')
            .map(|l| {
                l.split('\t')
                    .map(|p| sanitize(p))
                    .collect::<Vec<_>>()
                    .join("\t")
            })
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// [`sanitize`] over lossily decoded bytes.
pub fn sanitize_bytes(b: &[u8]) -> String {
    sanitize(&String::from_utf8_lossy(b)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(sanitize("ok"), Cow::Borrowed("ok"));
        assert_eq!(sanitize("\x1b[2Jx\x07"), "\\x1b[2Jx\\x07");
        assert_eq!(sanitize("a\u{9b}b\u{202e}c\n"), "a\\x9bb\\u{202e}c\\x0a");
        assert_eq!(sanitize_bytes(b"\xff\x1b"), "\u{fffd}\\x1b");
        assert_eq!(sanitize_multiline("a\n\tb\x1b"), "a\n\tb\\x1b");
    }
}
