//! Secrets inside free text: `key=value` / `key: value` pairs with a secret key (connection strings, query strings, JSON members, kubeconfig lines), and command lines word by word.

use std::borrow::Cow;

use super::argv::mask_tokens;
use super::{MASK, is_secret_name};

/// Masks secrets in a line of text (an alert's output, a `proc.cmdline`, a JSON
/// string): pairs with a secret key, then word by word as argv (flags, `-pX`,
/// URLs with a password, secret-shaped words). Whitespace is kept as it was.
pub fn mask_text(s: &str) -> Cow<'_, str> {
    let pem = mask_pem(s);
    let s0: &str = pem.as_deref().unwrap_or(s);
    let paired = mask_pairs(s0).or(pem.clone());
    let base: &str = paired.as_deref().unwrap_or(s0);
    // words and the whitespace before each
    let mut seps = Vec::new();
    let mut words = Vec::new();
    let mut rest = base;
    loop {
        let ws = rest.len() - rest.trim_start().len();
        let (sep, tail) = rest.split_at(ws);
        if tail.is_empty() {
            seps.push(sep);
            break;
        }
        let end = tail.find(char::is_whitespace).unwrap_or(tail.len());
        seps.push(sep);
        words.push(&tail[..end]);
        rest = &tail[end..];
    }
    let masked = mask_tokens(&words);
    if paired.is_none() && masked.iter().all(|w| matches!(w, Cow::Borrowed(_))) {
        let same = masked.iter().zip(&words).all(|(m, w)| m.as_ref() == *w);
        if same {
            return Cow::Borrowed(s);
        }
    }
    let mut out = String::with_capacity(base.len());
    for (i, w) in masked.iter().enumerate() {
        out.push_str(seps[i]);
        out.push_str(w);
    }
    out.push_str(seps.last().copied().unwrap_or(""));
    Cow::Owned(out)
}

/// PEM private key blocks (to their END line, or the end of the text) replaced by [`MASK`].
fn mask_pem(s: &str) -> Option<String> {
    let start = s.find("-----BEGIN ")?;
    let head_end = s[start + 11..].find("-----")? + start + 11;
    if !s[start..head_end].ends_with("PRIVATE KEY") {
        return None;
    }
    let end = match s[head_end..].find("-----END ") {
        Some(e) => {
            let e = head_end + e + 9;
            s[e..].find("-----").map_or(s.len(), |x| e + x + 5)
        }
        None => s.len(),
    };
    let rest = &s[end..];
    Some(format!(
        "{}{MASK}{}",
        &s[..start],
        mask_pem(rest).as_deref().unwrap_or(rest)
    ))
}

/// True when `s` holds a pair whose key is secret (`;Password=x`, `"token": "x"`).
pub fn has_secret_pair(s: &str) -> bool {
    mask_pairs(s).is_some()
}

fn key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')
}

/// `s` with the value of every secret-keyed pair masked; `None` when there is none.
///
/// A pair is `key=value` (value up to `; & , "` `'` `}` or whitespace, or a
/// quoted value), `"key": value` (JSON) or `key: value` (YAML, headers: a space
/// after the colon). `Authorization: …` masks the rest of the text.
pub(super) fn mask_pairs(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        let sep = b[i];
        if sep != b'=' && sep != b':' {
            i += 1;
            continue;
        }
        // the key before the separator, possibly quoted
        let mut k_end = i;
        let quoted_key = k_end > 0 && matches!(b[k_end - 1], b'"' | b'\'');
        if quoted_key {
            k_end -= 1;
        }
        let mut k_start = k_end;
        while k_start > 0 && key_char(b[k_start - 1]) {
            k_start -= 1;
        }
        let key = &s[k_start..k_end];
        let mut v = i + 1;
        if sep == b':' {
            // `scheme://` and `user:pass@` are not pairs; JSON keys are quoted; YAML/headers have a space
            let spaced = b.get(v) == Some(&b' ');
            if !(quoted_key || spaced) || key.is_empty() {
                i += 1;
                continue;
            }
        }
        let pwd = key.eq_ignore_ascii_case("pwd") && b.get(v) != Some(&b'/');
        if key.is_empty() || !(pwd || is_secret_name(key)) {
            i += 1;
            continue;
        }
        while b.get(v) == Some(&b' ') {
            v += 1;
        }
        let (v_start, v_end) = if key.eq_ignore_ascii_case("authorization")
            || key.eq_ignore_ascii_case("proxy-authorization")
        {
            let end = s[v..].find(['"', '\'', '\n']).map_or(b.len(), |e| v + e);
            (v, end)
        } else if matches!(b.get(v), Some(b'"' | b'\'')) {
            let q = b[v];
            let end = s[v + 1..].find(q as char).map_or(b.len(), |e| v + 1 + e);
            (v + 1, end)
        } else {
            let end = s[v..]
                .find(|c: char| {
                    matches!(c, ';' | '&' | ',' | '"' | '\'' | '}') || c.is_whitespace()
                })
                .map_or(b.len(), |e| v + e);
            (v, end)
        };
        if v_end > v_start && &s[v_start..v_end] != MASK {
            out.push_str(&s[copied..v_start]);
            out.push_str(MASK);
            copied = v_end;
        }
        i = v_end.max(i + 1);
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&s[copied..]);
    Some(out)
}

/// An alert's output line and string fields with secrets masked (`proc.cmdline`,
/// `proc.env`, `fd.name` of a URL…): alerts, ours or a Falco's, are never revealed.
pub fn mask_output(
    output: &mut String,
    fields: &mut std::collections::BTreeMap<String, serde_json::Value>,
) {
    for v in fields.values_mut() {
        if let serde_json::Value::String(s) = v
            && let Cow::Owned(m) = mask_text(s)
        {
            *s = m;
        }
    }
    if let Cow::Owned(m) = mask_text(output) {
        *output = m;
    }
}
