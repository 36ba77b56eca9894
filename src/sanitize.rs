//! Untrusted text (comms, paths, argv, environ, alert text) made safe to draw on a terminal: nothing can pass for something else.
//!
//! - control characters (C0, DEL, C1) become `\xNN`;
//! - characters that change or hide what is around them become `\u{NNNN}`:
//!   zero-width (U+200B–U+200D, U+2060, U+FEFF), bidi marks, embeddings,
//!   overrides and isolates (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069,
//!   U+061C), line and paragraph separators (U+2028, U+2029);
//! - a backslash becomes `\\`, so the text `\x1b` from a workload reads
//!   `\\x1b` and cannot pass for an escaped ESC.
//!
//! Argv lists are joined with [`join_argv`]: an argument that is empty or holds
//! whitespace or a quote is shell-quoted, so `a b` and `a` `b` never look alike.

use std::borrow::Cow;

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || c == '\\'
        || matches!(
            c,
            '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{2060}'
                | '\u{feff}'
                | '\u{061c}'
        )
}

/// Replaces control characters (C0, DEL, C1), zero-width and bidi characters
/// and backslashes with visible `\xNN` / `\u{NNNN}` / `\\` escapes. Returns the
/// input unchanged when it is clean.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if c == '\\' {
            out.push_str("\\\\");
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

/// One argument shell-quoted when it is empty or holds whitespace or a quote
/// (`'…'`, a `'` inside written `'"'"'`); raw otherwise. Still untrusted:
/// [`sanitize`] the result before drawing.
pub fn quote_arg(a: &str) -> Cow<'_, str> {
    if !a.is_empty()
        && !a
            .chars()
            .any(|c| c.is_whitespace() || c == '\'' || c == '"')
    {
        return Cow::Borrowed(a);
    }
    Cow::Owned(format!("'{}'", a.replace('\'', "'\"'\"'")))
}

/// argv joined by spaces, each argument through [`quote_arg`] (sanitize before drawing).
pub fn join_argv<S: AsRef<str>>(argv: &[S]) -> String {
    argv.iter()
        .map(|a| quote_arg(a.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
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

    #[test]
    fn zero_width_and_bidi_are_shown() {
        for (c, want) in [
            ('\u{200b}', "\\u{200b}"),
            ('\u{200c}', "\\u{200c}"),
            ('\u{200d}', "\\u{200d}"),
            ('\u{200e}', "\\u{200e}"),
            ('\u{200f}', "\\u{200f}"),
            ('\u{202a}', "\\u{202a}"),
            ('\u{202b}', "\\u{202b}"),
            ('\u{202c}', "\\u{202c}"),
            ('\u{202d}', "\\u{202d}"),
            ('\u{202e}', "\\u{202e}"),
            ('\u{2066}', "\\u{2066}"),
            ('\u{2067}', "\\u{2067}"),
            ('\u{2068}', "\\u{2068}"),
            ('\u{2069}', "\\u{2069}"),
            ('\u{2028}', "\\u{2028}"),
            ('\u{2029}', "\\u{2029}"),
            ('\u{feff}', "\\u{feff}"),
            ('\u{2060}', "\\u{2060}"),
        ] {
            assert_eq!(
                sanitize(&format!("a{c}b")),
                format!("a{want}b"),
                "{:x}",
                c as u32
            );
        }
        // `evil\u{202e}gpj.exe` cannot pass for `evilexe.jpg`
        assert_eq!(sanitize("evil\u{202e}gpj.exe"), "evil\\u{202e}gpj.exe");
        // ordinary non-ASCII stays as it is
        assert_eq!(
            sanitize("café ünïcode 日本"),
            Cow::Borrowed("café ünïcode 日本")
        );
    }

    #[test]
    fn a_literal_backslash_cannot_pass_for_an_escape() {
        // the text `\x1b` (4 characters) and a real ESC now read differently
        assert_eq!(sanitize("\\x1b"), "\\\\x1b");
        assert_eq!(sanitize("\x1b"), "\\x1b");
        assert_ne!(sanitize("\\x1b"), sanitize("\x1b"));
        assert_eq!(sanitize("C:\\dir"), "C:\\\\dir");
        assert_eq!(sanitize_multiline("a\\\n\tb"), "a\\\\\n\tb");
    }

    #[test]
    fn argv_is_quoted_unambiguously() {
        assert_eq!(join_argv(&["ls", "-l", "/tmp"]), "ls -l /tmp");
        assert_eq!(join_argv(&["a b"]), "'a b'");
        assert_ne!(join_argv(&["a b"]), join_argv(&["a", "b"]));
        assert_eq!(join_argv(&["echo", ""]), "echo ''");
        assert_eq!(join_argv(&["it's"]), "'it'\"'\"'s'");
        assert_eq!(join_argv(&["say \"hi\""]), "'say \"hi\"'");
        assert_eq!(join_argv(&["tab\there"]), "'tab\there'");
        // sanitized after quoting: the control is visible, the quoting intact
        assert_eq!(sanitize(&join_argv(&["x\ty"])), "'x\\x09y'");
    }
}
