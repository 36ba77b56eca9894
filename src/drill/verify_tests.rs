//! Unit tests of the verify-script runner: exit codes, the environment, the timeout, output caps, no terminal.

use std::time::{Duration, Instant};

use super::*;

fn lab() -> (tempfile::TempDir, LabDirs) {
    let t = tempfile::tempdir().unwrap();
    let dirs = LabDirs {
        run: t.path().join("run"),
        root: t.path().join("root"),
    };
    std::fs::create_dir_all(dirs.work()).unwrap();
    (t, dirs)
}

const T: Duration = Duration::from_secs(10);

#[test]
fn exit_zero_passes_and_a_failure_quotes_the_last_lines() {
    let (_t, dirs) = lab();
    let v = run(&dirs, "ok.sh", "exit 0", "", T).unwrap();
    assert_eq!(outcome("ok.sh", &v, T), Ok(()));
    let v = run(
        &dirs,
        "no.sh",
        "echo one; echo two; echo three; echo four >&2; exit 3",
        "",
        T,
    )
    .unwrap();
    let e = outcome("no.sh", &v, T).unwrap_err();
    assert_eq!(e, "no.sh exited with status 3: two | three | four");
}

#[test]
fn the_script_sees_the_lab_the_answer_and_nothing_else() {
    let (_t, dirs) = lab();
    let script = r#"[ "$KTRIAGE_ANSWER" = "fd 7" ] || exit 1
[ "$PWD" = "$KTRIAGE_WORK" ] || exit 2
[ "$CONTAINER_RUNTIME_ENDPOINT" = "unix://$KTRIAGE_LAB/containerd.sock" ] || exit 3
[ "$CONTAINERD_ADDRESS" = "$KTRIAGE_LAB/containerd.sock" ] || exit 4
[ -z "$CARGO_MANIFEST_DIR" ] || exit 5
[ "$0" = "step1/verify.sh" ] || exit 6
read x && exit 7
# no controlling terminal
(exec 3</dev/tty) 2>/dev/null && exit 8
exit 0"#;
    let v = run(&dirs, "step1/verify.sh", script, "fd 7", T).unwrap();
    assert_eq!(v.code, Some(0), "{}", v.output);
}

#[test]
fn a_script_past_its_timeout_is_killed_with_its_children() {
    let (_t, dirs) = lab();
    let t0 = Instant::now();
    let short = Duration::from_millis(300);
    let v = run(
        &dirs,
        "hang.sh",
        "sleep 60 & echo started; sleep 60",
        "",
        short,
    )
    .unwrap();
    assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());
    assert_eq!(v.code, None);
    let e = outcome("hang.sh", &v, short).unwrap_err();
    assert!(e.contains("did not finish in 0 s (killed): started"), "{e}");
}

#[test]
fn a_flood_of_output_is_cut_at_the_cap() {
    let (_t, dirs) = lab();
    let v = run(
        &dirs,
        "flood.sh",
        "yes flood | head -c 5000000; exit 1",
        "",
        T,
    )
    .unwrap();
    assert_eq!(v.code, Some(1));
    assert!(v.output.len() <= 2 * OUTPUT_CAP, "{}", v.output.len());
}

#[test]
fn a_process_that_escapes_the_group_does_not_hold_the_grade() {
    let (_t, dirs) = lab();
    let t0 = Instant::now();
    let v = run(&dirs, "esc.sh", "echo bye; setsid sleep 30 & exit 0", "", T).unwrap();
    assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());
    assert_eq!(v.code, Some(0));
    assert!(v.output.contains("bye"), "{}", v.output);
}
