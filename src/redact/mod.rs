//! The one place secrets are recognised and masked: environment entries, argv, and free text (alert output, cmdlines).
//!
//! Recognised by NAME (environment variables, `--flag` names, `key=` pairs):
//! contains `PASS` (PASSWORD, PASSWD, PASSPHRASE, DB_PASS…), `SECRET`,
//! `TOKEN`, `CREDENTIAL`, `PRIVATE`, `AUTH` (not `…_SOCK` / `…_SOCKET`, which
//! are socket paths such as `SSH_AUTH_SOCK`), ends in `_PWD` / `-PWD` / is
//! `PWD` as a flag, or has a word (split at `_ - .` and camelCase) that is or
//! ends in `KEY`/`KEYS` (`API_KEY`, `apiKey`, `SSH_KEY`, `ACCESSKEY`), not
//! `KEYBOARD_LAYOUT`, `KEYMAP` or `KEYCLOAK_URL`. Trade-off: `BYPASS_PROXY`,
//! `PASSENGER_*` or `AUTHOR` are masked too (a masked harmless value costs one
//! `R` press; a shown credential cannot be taken back).
//!
//! Recognised by VALUE shape: see [`looks_like_secret`] (token prefixes, JWTs,
//! PEM keys, URLs with a password, connection strings, high-entropy tokens).
//!
//! Argv: `--password=X`, `--token X` (any secret flag name), `-pX` for the
//! MySQL/MariaDB clients and sshpass, `-u user:pass` / `--user` for curl-like
//! tools, `NAME=value` with a secret NAME, `Authorization: …` headers, and any
//! argument whose value has a secret shape (a URL keeps all but its password).

mod argv;
mod shapes;
mod text;

pub use argv::mask_argv;
pub use shapes::{entropy, looks_like_secret};
pub use text::{mask_output, mask_text};

/// What a masked value is shown as.
pub const MASK: &str = "••••••••";

/// True when a variable, flag or key NAME marks its value secret (see the module doc).
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let upper = upper.trim_start_matches('-');
    if upper.is_empty() {
        return false;
    }
    if upper.ends_with("_SOCK") || upper.ends_with("_SOCKET") {
        return false;
    }
    if ["PASS", "SECRET", "TOKEN", "CREDENTIAL", "PRIVATE", "AUTH"]
        .iter()
        .any(|w| upper.contains(w))
        && !matches!(
            upper,
            "XAUTHORITY" | "AUTHOR" | "GIT_AUTHOR_NAME" | "GIT_AUTHOR_EMAIL"
        )
    {
        return true;
    }
    if upper.ends_with("_PWD") || upper.ends_with("-PWD") {
        return true;
    }
    words(name).iter().any(|w| {
        let w = w.to_ascii_uppercase();
        w == "KEY"
            || w == "KEYS"
            || (w.len() > 3
                && (w.ends_with("KEY") || w.ends_with("KEYS"))
                && !w.ends_with("HOTKEY"))
    })
}

/// A name cut into words at `_`, `-`, `.` and lower→upper case changes.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if matches!(c, '_' | '-' | '.' | ' ') {
            out.push(std::mem::take(&mut cur));
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c);
    }
    out.push(cur);
    out.retain(|w| !w.is_empty());
    out
}

/// Whether an environment entry (`NAME` and value; an entry without `=` has the
/// whole text as its name and no value) must be masked.
pub fn mask_env_entry(name: &str, value: Option<&str>) -> bool {
    match value {
        Some(v) => is_secret_name(name) || looks_like_secret(v),
        // no `=`: the text itself may be the secret
        None => looks_like_secret(name) || text::has_secret_pair(name),
    }
}

#[cfg(test)]
mod tests;
