//! Value shapes that are credentials whatever their name: provider token prefixes, JWTs, PEM keys, URLs and connection strings with passwords, high-entropy tokens.

/// Prefixes of provider tokens (followed by at least 10 token characters).
pub(super) const TOKEN_PREFIXES: &[&str] = &[
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_", // GitHub
    "glpat-",
    "gldt-",
    "glrt-", // GitLab
    "xoxb-",
    "xoxa-",
    "xoxp-",
    "xoxr-",
    "xoxs-",
    "xoxe-", // Slack
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "whsec_", // Stripe
    "sk-proj-",
    "sk-ant-",
    "sk-", // OpenAI, Anthropic
    "hf_",
    "npm_",
    "pypi-",
    "dop_v1_",
    "shpat_",
    "SG.", // Hugging Face, npm, PyPI, DigitalOcean, Shopify, SendGrid
];

/// Value heuristics, any of which masks:
/// - provider tokens: [`TOKEN_PREFIXES`] (GitHub, GitLab, Slack, Stripe,
///   OpenAI/Anthropic `sk-`, Hugging Face, npm, PyPI…) followed by ≥ 10 token
///   characters, anywhere in the value; Google API keys (`AIza` + 35);
/// - AWS access key ids: `AKIA` / `ASIA` followed by 16 upper-case alphanumerics, anywhere;
/// - PEM private keys (`-----BEGIN … PRIVATE KEY-----`), kubeconfig
///   `client-key-data:` / `token:` entries;
/// - JWTs: `eyJ` then three base64url segments joined by dots (also after `Bearer `);
/// - URLs with a password (`scheme://user:pass@host`), connection strings with
///   `Password=` / `Pwd=`, `password=` / `pass=` / `pwd=` pairs, JSON
///   `"password": "…"` members (see [`super::text`]);
/// - a single token of ≥ 32 characters that is all hex with letters and digits
///   and ≥ 3 bits/char of Shannon entropy, or all base64 / base64url (not both
///   `/` and `-`) with upper and lower case, ≥ 2 digits, ≥ 4 bits/char, and a
///   character class (upper/lower/digit) switching at ≥ 42% of positions.
///   Paths (leading `/`), UUIDs, `sha256:` digests and CamelCase identifiers
///   stay visible; a few percent of random base64 strings slip through that
///   last rule (their names usually give them away).
pub fn looks_like_secret(value: &str) -> bool {
    shape(value, true)
}

/// [`looks_like_secret`] for one argument of a command line: all-hex words are
/// not taken for secrets there (container ids, digests and commit hashes fill
/// container tooling's argv).
pub fn looks_like_secret_arg(value: &str) -> bool {
    shape(value, false)
}

fn shape(value: &str, hex: bool) -> bool {
    let v = value.trim();
    has_aws_key_id(v)
        || (v.len() >= 11 && v.contains("-----BEGIN ") && v.contains("PRIVATE KEY"))
        || is_jwt(v.strip_prefix("Bearer ").unwrap_or(v))
        || has_any_token_prefix(v)
        || has_google_key(v)
        || url_has_password(v)
        || super::text::has_secret_pair(v)
        || is_high_entropy(v, hex)
}

/// Which bytes begin one of [`TOKEN_PREFIXES`] (a word is looked at only where one stands).
const PREFIX_FIRST: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < TOKEN_PREFIXES.len() {
        t[TOKEN_PREFIXES[i].as_bytes()[0] as usize] = true;
        i += 1;
    }
    t
};

/// One of [`TOKEN_PREFIXES`] at a word start followed by a token ([`token_after`]), in one pass over `v`.
pub(super) fn has_any_token_prefix(v: &str) -> bool {
    let b = v.as_bytes();
    (0..b.len()).any(|i| {
        PREFIX_FIRST[b[i] as usize]
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            // an ASCII byte is a char boundary: `v[i..]` is a str
            && TOKEN_PREFIXES
                .iter()
                .any(|p| b[i..].starts_with(p.as_bytes()) && token_after(&b[i + p.len()..], p))
    })
}

fn has_aws_key_id(v: &str) -> bool {
    let b = v.as_bytes();
    (0..b.len().saturating_sub(19)).any(|i| {
        (b[i..].starts_with(b"AKIA") || b[i..].starts_with(b"ASIA"))
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && b[i + 4..i + 20]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    })
}

fn has_google_key(v: &str) -> bool {
    // `AIza` and 35 more
    v.len() >= 39
        && v.match_indices("AIza").any(|(i, _)| {
            v[i + 4..]
                .bytes()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
                .count()
                >= 35
        })
}

/// The bytes after a token prefix begin a token: at least 10 token characters (after `sk-`,
/// common in words such as `task-runner`, with a digit and a letter among them).
fn token_after(rest: &[u8], prefix: &str) -> bool {
    let body = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'-');
    let (mut n, mut digit, mut alpha) = (0, false, false);
    for c in body {
        n += 1;
        digit |= c.is_ascii_digit();
        alpha |= c.is_ascii_alphabetic();
    }
    n >= 10 && (prefix != "sk-" || (digit && alpha))
}

/// `eyJ…` with three dot-separated base64url segments, the first two non-empty.
pub(super) fn is_jwt(v: &str) -> bool {
    if !v.starts_with("eyJ") {
        return false;
    }
    let parts: Vec<&str> = v.split('.').collect();
    v.starts_with("eyJ")
        && parts.len() == 3
        && parts.iter().take(2).all(|p| !p.is_empty())
        && parts.iter().all(|p| {
            p.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'='))
        })
}

/// Where the password of `scheme://user:pass@host` is (byte range), if any.
pub(super) fn url_password(v: &str) -> Option<(usize, usize)> {
    // no `@`, no password (and no searcher built for `://`)
    v.as_bytes().contains(&b'@').then_some(())?;
    let scheme_end = v.find("://")?;
    let start = scheme_end + 3;
    let rest = &v[start..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_len];
    let at = authority.rfind('@')?;
    let colon = authority[..at].find(':')?;
    (colon + 1 < at).then_some((start + colon + 1, start + at))
}

fn url_has_password(v: &str) -> bool {
    url_password(v).is_some()
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

fn is_high_entropy(v: &str, hex: bool) -> bool {
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
        return hex && digit && (upper || lower) && entropy(v) >= 3.0;
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
