//! Exit codes and one-line reasons: usage errors (2) and BPF unavailable (3, here: not root).

use std::process::{Command, Output};

fn ktriage(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .args(args)
        .output()
        .expect("ktriage runs")
}

/// Runs ktriage as the unprivileged user `nobody` (needs root to switch; CI is root).
fn as_nobody(args: &[&str]) -> Option<Output> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        let msg = "SKIPPED as_nobody checks: switching to nobody needs root";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{msg} (a skip is a failure under CI=true)"
        );
        eprintln!("\n!!!!!!!! {msg} !!!!!!!!\n");
        return None;
    }
    Some(
        Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                env!("CARGO_BIN_EXE_ktriage"),
            ])
            .args(args)
            .output()
            .expect("setpriv (util-linux) runs"),
    )
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["stream", "--bogus"][..],
        &["stream", "--syscall", "not_a_syscall"],
        &["stream", "--duration", "-1"],
        &["stream", "--ring-mb", "3"],
        &["count"],
    ] {
        let out = ktriage(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stderr.is_empty(), "{args:?} says why");
    }
}

#[test]
fn bpf_unavailable_exits_3_with_one_line() {
    for args in [
        &["stream", "--json", "--duration", "1"][..],
        &["count", "--", "true"],
    ] {
        let Some(out) = as_nobody(args) else { return };
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.contains("not running as root"), "{err}");
        assert!(out.stdout.is_empty());
    }
}
