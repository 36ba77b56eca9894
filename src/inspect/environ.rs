//! `/proc/PID/environ` with credential-looking entries masked unless explicitly revealed.

use std::io;
use std::path::Path;

use crate::sanitize::sanitize;

/// Substrings of a variable NAME (case-insensitive) that mark it secret.
pub const SECRET_NAME_WORDS: [&str; 8] = [
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "KEY",
    "CREDENTIAL",
    "PRIVATE",
    "AUTH",
];

/// What a masked value is shown as.
pub const MASK: &str = "••••••••";

/// One environment variable. `Debug` never prints a masked value.
#[derive(Clone, PartialEq, Eq)]
pub struct EnvEntry {
    /// Raw name; sanitize before drawing.
    pub name: String,
    /// Raw value; read it through [`EnvEntry::value`] / [`EnvEntry::display`].
    pub value: String,
    /// The name or the value looks like a credential (see [`is_secret_name`], [`looks_like_secret`]).
    pub masked: bool,
}

impl EnvEntry {
    /// Builds an entry, deciding `masked`.
    pub fn new(name: String, value: String) -> Self {
        let masked = is_secret_name(&name) || looks_like_secret(&value);
        EnvEntry {
            name,
            value,
            masked,
        }
    }

    /// The value, or `None` when masked and not revealed.
    pub fn value(&self, reveal: bool) -> Option<&str> {
        (!self.masked || reveal).then_some(self.value.as_str())
    }

    /// `NAME=value`, sanitized for a terminal; a masked value reads [`MASK`] unless `reveal`.
    pub fn display(&self, reveal: bool) -> String {
        let value = self.value(reveal).map(sanitize).unwrap_or(MASK.into());
        format!("{}={value}", sanitize(&self.name))
    }
}

impl std::fmt::Debug for EnvEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvEntry")
            .field("name", &self.name)
            .field("value", &self.value(false).unwrap_or(MASK))
            .field("masked", &self.masked)
            .finish()
    }
}

/// Reads and parses `<proc_root>/<pid>/environ`.
pub fn read_environ(proc_root: &Path, pid: u32) -> io::Result<Vec<EnvEntry>> {
    Ok(parse_environ(&std::fs::read(
        proc_root.join(pid.to_string()).join("environ"),
    )?))
}

/// Splits NUL-separated `NAME=value` entries (a missing `=` gives an empty value).
pub fn parse_environ(raw: &[u8]) -> Vec<EnvEntry> {
    raw.split(|b| *b == 0)
        .filter(|e| !e.is_empty())
        .map(|e| {
            let (n, v) = match e.iter().position(|b| *b == b'=') {
                Some(i) => (&e[..i], &e[i + 1..]),
                None => (e, &e[e.len()..]),
            };
            EnvEntry::new(
                String::from_utf8_lossy(n).into_owned(),
                String::from_utf8_lossy(v).into_owned(),
            )
        })
        .collect()
}

/// True when the name contains one of [`SECRET_NAME_WORDS`], ignoring case.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_NAME_WORDS.iter().any(|w| upper.contains(w))
}

/// Value heuristics, any of which masks:
/// - AWS access key ids: `AKIA` / `ASIA` followed by 16 upper-case alphanumerics, anywhere;
/// - PEM private keys: `-----BEGIN ` … `PRIVATE KEY-----`;
/// - JWTs: `eyJ` then three non-empty base64url segments joined by dots;
/// - GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`) and
///   Slack tokens (`xoxb-`, `xoxa-`, `xoxp-`, `xoxr-`, `xoxs-`), anywhere;
/// - URLs with a password (`scheme://user:pass@host`);
/// - a single token of ≥ 32 characters that is all hex with letters and digits
///   and ≥ 3 bits/char of Shannon entropy, or all base64 / base64url (not both
///   `/` and `-`) with upper and lower case, ≥ 2 digits, ≥ 4 bits/char, and a
///   character class (upper/lower/digit) switching at ≥ 42% of positions.
///   Paths (leading `/`), UUIDs and CamelCase identifiers stay visible; a few
///   percent of random base64 strings slip through that last rule (their names
///   usually give them away).
pub fn looks_like_secret(value: &str) -> bool {
    let v = value.trim();
    has_aws_key_id(v)
        || (v.contains("-----BEGIN ") && v.contains("PRIVATE KEY-----"))
        || is_jwt(v)
        || ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"]
            .iter()
            .any(|p| has_token_prefix(v, p))
        || ["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"]
            .iter()
            .any(|p| has_token_prefix(v, p))
        || url_has_password(v)
        || is_high_entropy(v)
}

fn has_aws_key_id(v: &str) -> bool {
    let b = v.as_bytes();
    (0..b.len().saturating_sub(19)).any(|i| {
        (b[i..].starts_with(b"AKIA") || b[i..].starts_with(b"ASIA"))
            && b[i + 4..i + 20]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    })
}

/// `prefix` followed by at least 10 token characters.
fn has_token_prefix(v: &str, prefix: &str) -> bool {
    v.match_indices(prefix).any(|(i, _)| {
        v[i + prefix.len()..]
            .bytes()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
            .count()
            >= 10
    })
}

fn is_jwt(v: &str) -> bool {
    let v = v.strip_prefix("Bearer ").unwrap_or(v);
    let parts: Vec<&str> = v.split('.').collect();
    v.starts_with("eyJ")
        && parts.len() == 3
        && parts.iter().take(2).all(|p| !p.is_empty())
        && parts.iter().all(|p| {
            p.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'='))
        })
}

fn url_has_password(v: &str) -> bool {
    let Some((_, rest)) = v.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    match authority.rsplit_once('@') {
        Some((userinfo, _)) => userinfo.split_once(':').is_some_and(|(_, p)| !p.is_empty()),
        None => false,
    }
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = f64::from(*c) / n;
            -p * p.log2()
        })
        .sum()
}

fn is_high_entropy(v: &str) -> bool {
    if v.len() < 32 || v.starts_with('/') {
        return false;
    }
    let b = v.as_bytes();
    let has = |f: fn(&u8) -> bool| b.iter().any(f);
    let (digit, upper, lower) = (
        has(u8::is_ascii_digit),
        has(u8::is_ascii_uppercase),
        has(u8::is_ascii_lowercase),
    );
    if b.iter().all(u8::is_ascii_hexdigit) {
        return digit && (upper || lower) && entropy(v) >= 3.0;
    }
    let body = v.trim_end_matches('=');
    let std_alpha = body
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/');
    let url_alpha = body
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
    let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
    (std_alpha || url_alpha)
        && digits >= 2
        && upper
        && lower
        && class_changes(body) * 100 >= 42 * (body.len() - 1)
        && entropy(v) >= 4.0
}

/// How often neighbouring characters switch between upper, lower, digit and
/// other: ~65% in random base64, ~35% in CamelCase identifiers.
fn class_changes(s: &str) -> usize {
    let class = |c: u8| match c {
        b'0'..=b'9' => 0,
        b'A'..=b'Z' => 1,
        b'a'..=b'z' => 2,
        _ => 3,
    };
    s.as_bytes()
        .windows(2)
        .filter(|w| class(w[0]) != class(w[1]))
        .count()
}

#[cfg(test)]
#[path = "tests/environ.rs"]
mod tests;
