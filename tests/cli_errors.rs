//! Error messages name what was asked: `inspect` of a pid that never existed, `count --container`/`--pod` naming nothing, with their flags and exit codes.

use std::process::Command;

fn ktriage(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .args(args)
        .output()
        .expect("ktriage runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn inspect_of_a_pid_that_never_existed_says_no_such_process() {
    // No pid reaches pid_max.
    let max = std::fs::read_to_string("/proc/sys/kernel/pid_max").expect("pid_max");
    let (code, err) = ktriage(&["inspect", max.trim()]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("no such process"), "{err}");
    assert!(!err.contains("exited"), "{err}");
}

#[test]
fn count_target_errors_name_their_flags() {
    let (code, err) = ktriage(&["count", "--container", "zz"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--container zz"), "{err}");
    let (code, err) = ktriage(&["count", "--pod", "nopod"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--pod nopod"), "{err}");
    let (code, err) = ktriage(&["count", "--pod", "team-x/none", "--duration", "1"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--pod team-x/none"), "{err}");
}
