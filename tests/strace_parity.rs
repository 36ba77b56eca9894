//! Real kernel: `ktriage count` agrees with `strace -f -c` on a deterministic workload.

mod support;

use std::collections::BTreeMap;
use std::process::Command;

use support::bpf_available;

const DD: [&str; 5] = [
    "dd",
    "if=/dev/zero",
    "of=/dev/null",
    "bs=512",
    "count=20000",
];

fn strace_counts() -> BTreeMap<String, (u64, u64)> {
    support::strace_c(&DD)
}

fn ktriage_counts(cmd: &[&str]) -> BTreeMap<String, (u64, u64)> {
    let out = Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .args(["count", "--json", "--"])
        .args(cmd)
        .output()
        .expect("ktriage runs");
    assert!(
        out.status.success(),
        "ktriage count failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
            for k in ["syscall", "calls", "errors", "usecs"] {
                assert!(v.get(k).is_some(), "{k} in {l}");
            }
            let name = v["syscall"].as_str().expect("name").to_string();
            (
                name,
                (
                    v["calls"].as_u64().expect("calls"),
                    v["errors"].as_u64().expect("errors"),
                ),
            )
        })
        .collect()
}

#[test]
fn count_matches_strace_on_dd() {
    if !bpf_available("count_matches_strace_on_dd") {
        return;
    }
    let st = strace_counts();
    let kt = ktriage_counts(&DD);
    assert!(
        st.get("read").is_some_and(|r| r.0 >= 20000),
        "strace saw dd's reads: {st:?}"
    );
    let names: std::collections::BTreeSet<&String> = st.keys().chain(kt.keys()).collect();
    for n in names {
        let (sc, se) = st.get(n).copied().unwrap_or((0, 0));
        let (kc, ke) = kt.get(n).copied().unwrap_or((0, 0));
        if sc.max(kc) >= 100 {
            assert_eq!((kc, ke), (sc, se), "{n}: ktriage (calls, errors) vs strace");
        } else {
            assert!(
                kc.abs_diff(sc) <= 2 && ke.abs_diff(se) <= 2,
                "{n}: ktriage {kc}/{ke} vs strace {sc}/{se}"
            );
        }
    }
}

/// Forks and threads: each fork, vfork, clone or clone3 counts once, for its
/// caller (the new task's own return from it is no call), as strace counts it.
#[test]
fn count_matches_strace_on_forks_and_threads() {
    if !bpf_available("count_matches_strace_on_forks_and_threads") {
        return;
    }
    let script = "for i in 1 2 3 4 5 6; do /bin/true; done; /bin/true & wait; \
                  python3 -c 'import threading\nfor i in range(5):\n    t = threading.Thread(target=int); t.start(); t.join()'";
    let cmd = ["sh", "-c", script];
    let st = support::strace_c(&cmd);
    let kt = ktriage_counts(&cmd);
    let forks: u64 = ["clone", "clone3", "fork", "vfork"]
        .iter()
        .filter_map(|n| st.get(*n))
        .map(|c| c.0)
        .sum();
    assert!(forks >= 12, "strace saw the forks and threads: {st:?}");
    for n in ["clone", "clone3", "fork", "vfork", "execve"] {
        assert_eq!(
            kt.get(n).copied().unwrap_or((0, 0)),
            st.get(n).copied().unwrap_or((0, 0)),
            "{n}: ktriage (calls, errors) vs strace"
        );
    }
    // the shell's `wait` polls wait4 as SIGCHLD arrives: the two runs may differ by a call
    let (kw, sw) = (
        kt.get("wait4").copied().unwrap_or((0, 0)),
        st.get("wait4").copied().unwrap_or((0, 0)),
    );
    assert!(
        kw.0.abs_diff(sw.0) <= 2 && kw.1.abs_diff(sw.1) <= 2,
        "wait4: ktriage {kw:?} vs strace {sw:?}"
    );
}

#[test]
fn count_table_has_strace_shape() {
    if !bpf_available("count_table_has_strace_shape") {
        return;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .args(["count", "--", "sh", "-c", "exit 3"])
        .output()
        .expect("ktriage runs");
    assert_eq!(
        out.status.code(),
        Some(3),
        "exit status of the command is passed on"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    let mut lines = err.lines();
    assert_eq!(
        lines.next(),
        Some("% time     seconds  usecs/call     calls    errors syscall")
    );
    assert_eq!(
        lines.next(),
        Some("------ ----------- ----------- --------- --------- ----------------")
    );
    assert!(
        err.lines()
            .last()
            .is_some_and(|l| l.starts_with("100.00") && l.ends_with(" total")),
        "{err}"
    );
}

#[test]
fn count_reports_a_missing_command() {
    let out = Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .args(["count", "--", "/nonexistent/ktriage-no-such-cmd"])
        .output()
        .expect("ktriage runs");
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ktriage-no-such-cmd"));
}
