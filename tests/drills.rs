//! Every shipped drill on a real lab (root, containerd, runc): setup succeeds, a reference solution found with ktriage's headless commands grades PASS, a wrong answer grades FAIL with its reason, and teardown leaves no process, mount, cgroup or directory, also after the daemon was killed with SIGKILL.

mod support;

#[path = "drills/solve.rs"]
mod solve;

use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::Instant;

use ktriage::drill::lab::{LabDirs, LabState, leftovers};
use support::lab_available;

/// The lab has fixed directories: one test at a time.
static LAB: Mutex<()> = Mutex::new(());

/// `ktriage drill ARGS` with the scores in `data` (never the user's).
fn drill(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .arg("drill")
        .args(args)
        .env("XDG_DATA_HOME", data)
        .output()
        .expect("ktriage runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(data: &std::path::Path, args: &[&str]) -> String {
    let o = drill(data, args);
    assert!(o.status.success(), "drill {args:?}: {}", text(&o));
    text(&o)
}

/// Grades: (passed, the output); asserts the exit code is 0 (pass) or 1 (fail) and agrees with the text.
fn grade(data: &std::path::Path) -> (bool, String) {
    let o = drill(data, &["grade"]);
    let out = text(&o);
    let passed = match o.status.code() {
        Some(0) => true,
        Some(1) => false,
        other => panic!("grade exit {other:?}: {out}"),
    };
    assert_eq!(out.starts_with("PASS"), passed, "{out}");
    (passed, out)
}

fn assert_clean(dirs: &LabDirs) {
    let left = leftovers(dirs);
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn every_shipped_drill_grades_pass_on_its_solution_and_fail_on_a_wrong_one() {
    if !lab_available("every_shipped_drill_grades_pass_on_its_solution_and_fail_on_a_wrong_one") {
        return;
    }
    let _g = LAB.lock().unwrap_or_else(|e| e.into_inner());
    let data = tempfile::tempdir().expect("tmp");
    let dirs = LabDirs::default();
    let t0 = Instant::now();
    let mut timings = Vec::new();
    for (name, _) in ktriage::drill::catalog::SHIPPED {
        let t = Instant::now();
        // Each start tears the previous drill's lab down first.
        let out = ok(data.path(), &["start", name]);
        assert!(out.contains(&format!("drill {name}")), "{out}");
        let state = LabState::load(&dirs).expect("state file");
        assert_eq!(&state.drill, name);
        solve::solve(name, &state, &|args| ok(data.path(), args), &|| {
            grade(data.path())
        });
        timings.push(format!("{name} {:.1}s", t.elapsed().as_secs_f64()));
    }
    ok(data.path(), &["stop"]);
    assert_clean(&dirs);
    let scores = ok(data.path(), &["scores"]);
    for (name, _) in ktriage::drill::catalog::SHIPPED {
        assert!(scores.contains(name), "{scores}");
    }
    eprintln!(
        "drill suite: {} drills in {:.1}s ({})",
        timings.len(),
        t0.elapsed().as_secs_f64(),
        timings.join(", ")
    );
}

#[test]
fn stop_after_the_daemon_was_killed_leaves_nothing_behind() {
    if !lab_available("stop_after_the_daemon_was_killed_leaves_nothing_behind") {
        return;
    }
    let _g = LAB.lock().unwrap_or_else(|e| e.into_inner());
    let data = tempfile::tempdir().expect("tmp");
    let dirs = LabDirs::default();
    ok(data.path(), &["start", "port-owner"]);
    let state = LabState::load(&dirs).expect("state");
    let pids: Vec<u32> = state
        .pods
        .iter()
        .flat_map(|p| p.containers.iter().map(|c| c.pid))
        .collect();
    // SAFETY: kill(2) of the lab's containerd, by the pid its state file records.
    unsafe { libc::kill(state.daemon_pid, libc::SIGKILL) };
    let o = drill(data.path(), &["stop"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_clean(&dirs);
    for pid in pids {
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists()
                || std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .is_ok_and(|s| s.contains(") Z")),
            "container process {pid} survived"
        );
    }
    // Stopping twice is fine; `status` then says no lab runs (exit 2).
    ok(data.path(), &["stop"]);
    let o = drill(data.path(), &["status"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("no drill lab is running"), "{}", text(&o));
}

#[test]
fn drills_dir_adds_drills_and_a_bad_file_is_named_with_its_byte() {
    let data = tempfile::tempdir().expect("tmp");
    let dir = tempfile::tempdir().expect("tmp");
    let mine = dir.path().join("my-drill");
    std::fs::create_dir(&mine).expect("mkdir");
    std::fs::write(
        mine.join("drill.toml"),
        "title = \"mine\"\ntime_limit = 60\nstatement = \"s\"\nhints = [\"h\"]\n[[checks]]\nkind = \"others_running\"\n",
    )
    .expect("write");
    let d = dir.path().display().to_string();
    let list = ok(data.path(), &["--drills", &d, "list"]);
    assert!(
        list.contains("my-drill") && list.contains("env-secret"),
        "{list}"
    );
    let o = drill(data.path(), &["start", "no-such-drill"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("no drill no-such-drill"), "{}", text(&o));
    std::fs::write(
        mine.join("drill.toml"),
        "title = \"x\"\ntime_limit = \"soon\"\n",
    )
    .expect("write");
    let o = drill(data.path(), &["--drills", &d, "list"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("drill.toml: byte "), "{}", text(&o));
}

#[test]
fn a_killercoda_scenario_imports_and_its_steps_grade_by_their_verify_scripts() {
    let data = tempfile::tempdir().expect("tmp");
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/killercoda/node-basics"
    );
    let list = ok(data.path(), &["import", scenario]);
    assert!(
        list.contains("node-basics-step1")
            && list.contains("node-basics-step3")
            && list.contains("skipped: step 2 (Look around): no verify script"),
        "{list}"
    );
    // a scenario whose verify script is a symlink out of its directory is refused, exit 2
    let bad = tempfile::tempdir().expect("tmp");
    let sc = bad.path().join("evil");
    std::fs::create_dir(&sc).expect("mkdir");
    std::fs::write(
        sc.join("index.json"),
        r#"{"title":"e","details":{"steps":[{"text":"t.md","verify":"v.sh"}]}}"#,
    )
    .expect("index");
    std::fs::write(sc.join("t.md"), "t").expect("text");
    std::os::unix::fs::symlink("/etc/shadow", sc.join("v.sh")).expect("symlink");
    let o = drill(
        data.path(),
        &["--drills", &bad.path().display().to_string(), "list"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("leads out of the scenario directory"),
        "{}",
        text(&o)
    );

    if !lab_available("a_killercoda_scenario_imports_and_its_steps_grade_by_their_verify_scripts") {
        return;
    }
    let _g = LAB.lock().unwrap_or_else(|e| e.into_inner());
    let dirs = LabDirs::default();
    let t = Instant::now();
    ok(
        data.path(),
        &["--drills", scenario, "start", "node-basics-step1"],
    );
    // graded without --drills: the lab keeps the drill it started
    let (passed, out) = grade(data.path());
    assert!(
        !passed && out.contains("no marker.txt in the work directory"),
        "{out}"
    );
    std::fs::write(dirs.work().join("marker.txt"), "triaged\n").expect("marker");
    let (passed, out) = grade(data.path());
    assert!(passed, "{out}");

    // step 3: the answer is checked by a script that asks the lab's socket with `ctr`
    ok(
        data.path(),
        &["--drills", scenario, "start", "node-basics-step3"],
    );
    ok(data.path(), &["answer", "/run/containerd/containerd.sock"]);
    let (passed, out) = grade(data.path());
    assert!(!passed, "{out}");
    let socket = dirs.socket().display().to_string();
    ok(data.path(), &["answer", &socket]);
    let (passed, out) = grade(data.path());
    assert!(passed, "{out}");
    ok(data.path(), &["stop"]);
    assert_clean(&dirs);
    eprintln!("killercoda steps: {:.1}s", t.elapsed().as_secs_f64());
}
