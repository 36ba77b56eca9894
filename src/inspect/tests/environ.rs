//! Unit tests of `inspect::environ` on the fixture tree `tests/fixtures/proc`.
use super::*;
use crate::inspect::fixture_root;

fn env() -> Vec<EnvEntry> {
    read_environ(&fixture_root(), 4242).unwrap()
}

fn masked(name: &str) -> bool {
    env().iter().find(|e| e.name == name).unwrap().masked
}

#[test]
fn names_with_secret_words_are_masked() {
    assert!(masked("DB_PASSWORD"));
    assert!(masked("api_token"));
    assert!(!masked("PATH"));
    assert!(!masked("HOSTNAME"));
    assert!(!masked("NGINX_VERSION"));
    for n in [
        "MY_PASSWD",
        "client_secret",
        "SSH_KEY",
        "GOOGLE_CREDENTIALS",
        "PRIVATE_X",
        "HTTP_AUTH",
    ] {
        assert!(is_secret_name(n), "{n}");
    }
}

#[test]
fn values_that_look_like_credentials_are_masked() {
    for n in [
        "BACKUP_TARGET",
        "UPSTREAM",
        "SESSION",
        "GH",
        "SLACK_HOOK",
        "TLS",
        "RANDOM_BLOB",
        "BUILD_SHA",
    ] {
        assert!(masked(n), "{n} should be masked");
    }
    for n in ["KUBERNETES_SERVICE_HOST", "POD_UID", "DOCROOT", "NOVALUE"] {
        assert!(!masked(n), "{n} should be visible");
    }
}

#[test]
fn heuristics_edges() {
    assert!(looks_like_secret("prefix AKIAIOSFODNN7EXAMPLE suffix"));
    assert!(!looks_like_secret("AKIAshort"));
    assert!(looks_like_secret("Bearer eyJhbGciOi.eyJzdWIi.sig"));
    assert!(!looks_like_secret("eyJ.not"));
    assert!(!looks_like_secret("ghp_short"));
    assert!(looks_like_secret("https://u:p@example.com/x"));
    assert!(!looks_like_secret("https://user@example.com/x"));
    assert!(!looks_like_secret("https://example.com/a:b@c"));
    assert!(!looks_like_secret(
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    ));
    assert!(!looks_like_secret(
        "/usr/local/lib/python3.11/site-packages/Xyz0"
    ));
    assert!(!looks_like_secret(
        "ThisIsAFairlyLongCamelCaseIdentifierName1"
    ));
    assert!(looks_like_secret("c2VjcmV0LXZhbHVlLXRoYXQtaXMtbG9uZw9Xk2Q"));
    assert!(entropy("abcd") > 1.99 && entropy("abcd") < 2.01);
}

#[test]
fn display_never_leaks_a_masked_value() {
    let e = env();
    let pw = e.iter().find(|e| e.name == "DB_PASSWORD").unwrap();
    assert_eq!(pw.value(false), None);
    assert_eq!(pw.value(true), Some("hunter2"));
    assert_eq!(pw.display(false), format!("DB_PASSWORD={MASK}"));
    assert_eq!(pw.display(true), "DB_PASSWORD=hunter2");
    assert!(!format!("{pw:?}").contains("hunter2"));
    let path = e.iter().find(|e| e.name == "PATH").unwrap();
    assert!(path.display(false).starts_with("PATH=/usr/local/sbin"));
    let novalue = e.iter().find(|e| e.name == "NOVALUE").unwrap();
    assert_eq!(novalue.value, "");
}

#[test]
fn hostile_values_are_sanitized_on_display() {
    let e = read_environ(&fixture_root(), 6666).unwrap();
    assert_eq!(e[1].value, "\x1b[2Jx");
    assert_eq!(e[1].display(false), "EVIL=\\x1b[2Jx");
    assert!(e[2].masked, "github token by value");
    assert!(!e[0].masked);
}
