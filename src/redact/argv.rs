//! Secrets in argv: secret flags and their values, `-pX` for MySQL clients and sshpass, `user:pass` of curl-like tools, and secret-shaped arguments.

use std::borrow::Cow;

use super::text::mask_pairs;
use super::{MASK, is_secret_name, shapes};

/// Programs whose `-pX` / `-p X` is a password.
const DASH_P_PASSWORD: &[&str] = &[
    "mysql",
    "mysqldump",
    "mysqladmin",
    "mysqlimport",
    "mysqlcheck",
    "mysqlshow",
    "mysqlpump",
    "mysqlslap",
    "mysqlsh",
    "mariadb",
    "mariadb-dump",
    "mariadb-admin",
    "mariadb-import",
    "mariadb-check",
    "sshpass",
];

/// Flags whose value is `user:password` (curl, wget-like tools).
const USER_FLAGS: &[&str] = &["-u", "--user", "--proxy-user", "-U"];

/// argv with every secret replaced by [`MASK`] (see the module doc of [`super`]).
pub fn mask_argv(argv: &[String]) -> Vec<String> {
    let toks: Vec<&str> = argv.iter().map(String::as_str).collect();
    mask_tokens(&toks)
        .into_iter()
        .map(Cow::into_owned)
        .collect()
}

/// What the next argument is, given the one before it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Next {
    Plain,
    /// The whole next argument is secret.
    Secret,
    /// `user:password`: mask after the first colon.
    UserPass,
    /// An `Authorization:` value: a scheme word (`Bearer`) then the secret.
    AuthValue,
}

/// Masks a sequence of arguments (argv, or the words of a command line).
pub(super) fn mask_tokens<'a>(toks: &[&'a str]) -> Vec<Cow<'a, str>> {
    let mut out = Vec::with_capacity(toks.len());
    let mut dash_p = false;
    let mut next = Next::Plain;
    for &t in toks {
        let prog = program_name(t);
        if DASH_P_PASSWORD.contains(&prog) {
            dash_p = true;
        }
        let is_flag = t.starts_with('-') && t.len() > 1;
        match next {
            Next::Secret if !t.is_empty() && !is_flag => {
                // already masked as a pair (`"password": "…"`) keeps its quotes
                out.push(if t.contains(MASK) {
                    Cow::Borrowed(t)
                } else {
                    Cow::Borrowed(MASK)
                });
                next = Next::Plain;
                continue;
            }
            Next::AuthValue if !t.is_empty() => {
                let scheme = matches!(
                    t.to_ascii_lowercase().as_str(),
                    "bearer" | "basic" | "token" | "digest" | "negotiate" | "apikey"
                );
                if scheme {
                    out.push(Cow::Borrowed(t));
                    next = Next::Secret;
                } else {
                    out.push(Cow::Borrowed(MASK));
                    next = Next::Plain;
                }
                continue;
            }
            Next::UserPass if !is_flag => {
                out.push(match t.split_once(':') {
                    Some((u, p)) if !p.is_empty() => Cow::Owned(format!("{u}:{MASK}")),
                    _ => Cow::Borrowed(t),
                });
                next = Next::Plain;
                continue;
            }
            _ => next = Next::Plain,
        }
        if let Some(long) = t.strip_prefix("--").filter(|l| !l.is_empty()) {
            match long.split_once('=') {
                Some((name, v)) if is_secret_name(name) && !v.is_empty() => {
                    out.push(Cow::Owned(format!("--{name}={MASK}")));
                    continue;
                }
                Some((name, v)) if USER_FLAGS.contains(&format!("--{name}").as_str()) => {
                    out.push(match v.split_once(':') {
                        Some((u, p)) if !p.is_empty() => Cow::Owned(format!("--{name}={u}:{MASK}")),
                        _ => Cow::Borrowed(t),
                    });
                    continue;
                }
                None if is_secret_name(long) => {
                    next = Next::Secret;
                    out.push(Cow::Borrowed(t));
                    continue;
                }
                _ => {}
            }
        }
        if USER_FLAGS.contains(&t) {
            next = Next::UserPass;
            out.push(Cow::Borrowed(t));
            continue;
        }
        if dash_p && !t.starts_with("--") {
            if t == "-p" && prog_is_sshpass(toks) {
                next = Next::Secret;
                out.push(Cow::Borrowed(t));
                continue;
            }
            if let Some(p) = t.strip_prefix("-p").filter(|p| !p.is_empty()) {
                let _ = p;
                out.push(Cow::Owned(format!("-p{MASK}")));
                continue;
            }
        }
        if let Some(key) = t.strip_suffix(':') {
            let key = key.trim_matches(['"', '\'']);
            if key.eq_ignore_ascii_case("authorization")
                || key.eq_ignore_ascii_case("proxy-authorization")
            {
                next = Next::AuthValue;
                out.push(Cow::Borrowed(t));
                continue;
            }
            if is_secret_name(key) {
                next = Next::Secret;
                out.push(Cow::Borrowed(t));
                continue;
            }
        }
        out.push(mask_token(t));
    }
    out
}

fn prog_is_sshpass(toks: &[&str]) -> bool {
    toks.iter().any(|t| program_name(t) == "sshpass")
}

/// The program a word names: its last path component, after a `key=` prefix.
fn program_name(t: &str) -> &str {
    let t = t.rsplit('=').next().unwrap_or(t);
    t.rsplit('/').next().unwrap_or(t)
}

/// One argument on its own: `NAME=value` / `-Dname=value` with a secret name,
/// pairs and JSON members inside it, a URL's password, a secret-shaped value.
pub(super) fn mask_token(t: &str) -> Cow<'_, str> {
    if let Some(m) = mask_pairs(t) {
        return Cow::Owned(m);
    }
    if let Some((a, b)) = shapes::url_password(t) {
        return Cow::Owned(format!("{}{MASK}{}", &t[..a], &t[b..]));
    }
    // the value after `name=` (or the whole word) has a secret shape
    let (prefix, value) = match t.find('=') {
        Some(i) if i > 0 && !t[..i].contains(['/', ' ']) => t.split_at(i + 1),
        _ => ("", t),
    };
    if shapes::looks_like_secret_arg(value) {
        return Cow::Owned(format!("{prefix}{MASK}"));
    }
    Cow::Borrowed(t)
}
