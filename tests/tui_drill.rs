//! One drill end to end in the TUI (tmux, 80×24, real lab): `drill start env-secret`; ktriage shows the task panel;
//! `H` reveals a hint; the operator finds the secret with ktriage's keys (finder → the pod's process → Environ → `R`),
//! gives a wrong `:answer` (`:grade` → FAIL with its reason) then the right one (`:grade` → PASS); after `q` the
//! attempt's recording is in the XDG data dir, named `…-pass.ktr`, verifies, `report` names the drill, the answers and
//! the grades, `drill scores` names the file; `drill stop` leaves nothing behind. The hint revealed in the TUI is counted
//! by the lab (`drill status`), the report and the scores. And a drill imported from a killercoda scenario
//! (`--drills DIR` at start only) gets the same drill mode: its task panel, `:grade` running its verify script.

mod support;
#[path = "support/tmux.rs"]
mod tmux;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ktriage::drill::lab::{LabDirs, LabState, leftovers};
use support::lab_available;
use tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_ktriage");

fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("XDG_DATA_HOME", data)
        .output()
        .expect("ktriage runs")
}

fn ok(data: &Path, args: &[&str]) -> String {
    let o = run(data, args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "ktriage {args:?}: {text}");
    text
}

/// The lab is one per machine: one test at a time.
static LAB: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The value after `DB_PASSWORD=` on the screen (the Environ tab, revealed).
fn shown_secret(screen: &str) -> Option<String> {
    let line = screen.lines().find(|l| l.contains("DB_PASSWORD="))?;
    let v = line.split("DB_PASSWORD=").nth(1)?;
    let v: String = v
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '┃')
        .collect();
    (!v.is_empty() && !v.contains('•')).then_some(v)
}

/// The TUI in tmux session `name` at 80x24, its data in `data`; prints `EXIT=code` when it ends.
fn tui(data: &Path, name: &str) -> Tmux {
    let tm = Tmux::start(
        name,
        &format!(
            // HOME: an empty directory of the test's (no user keymap, nothing written outside it)
            "XDG_DATA_HOME={0} HOME={0} {BIN}; echo EXIT=$?",
            data.display()
        ),
    );
    assert!(
        tm.cmd(&["resize-window", "-t", "t", "-x", "80", "-y", "24"])
            .status
            .success()
    );
    tm
}

/// `:grade` in the TUI; the screen once it shows `want`.
fn grade_key(tm: &Tmux, want: &str) -> String {
    tm.keys(&["-l", ":grade"]);
    tm.keys(&["Enter"]);
    tm.wait_for(want, |s| s.contains(want))
}

fn attempts(data: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(data.join("ktriage/drills/attempts"))
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[test]
fn a_drill_solved_in_the_tui_grades_pass_and_its_attempt_verifies() {
    if !lab_available("a_drill_solved_in_the_tui_grades_pass_and_its_attempt_verifies") {
        return;
    }
    let _g = LAB.lock().unwrap_or_else(|e| e.into_inner());
    let data = tempfile::tempdir().expect("tmp");
    let d = data.path();
    let dirs = LabDirs::default();
    ok(d, &["drill", "start", "env-secret"]);
    let state = LabState::load(&dirs).expect("lab state");
    let pid = state.container("web-frontend", "web").expect("web pod").pid;

    let tm = tui(d, "drill");
    tm.wait_for("the task panel", |s| {
        s.contains("drill env-secret") && s.contains("DB_PASSWORD") && s.contains(" left")
    });
    tm.keys(&["H"]);
    tm.wait_for("the first hint", |s| {
        s.contains("hint 1:") && s.contains("hints 1/2")
    });
    // the lab counts it (the terminal edge writes the state file after the key)
    let end = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while LabState::load(&dirs).expect("lab state").hints_shown != 1 {
        assert!(
            std::time::Instant::now() < end,
            "the TUI's hint was not counted"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        ok(d, &["drill", "status"]).contains("hints shown 1/2"),
        "drill status"
    );
    // the pod's process, through the finder, on its Environ tab, secrets revealed
    tm.keys(&["C-p"]);
    tm.wait_for("the finder", |s| s.contains("find pid"));
    tm.keys(&["-l", &pid.to_string()]);
    tm.keys(&["Enter"]);
    tm.wait_for("the pod's process inspected", |s| {
        s.contains("pod shop/web-frontend") && s.contains("Overview")
    });
    tm.keys(&["Tab"]);
    tm.wait_for("the Fds tab", |s| s.contains("fd "));
    tm.keys(&["Tab"]);
    tm.wait_for("the Environ tab", |s| s.contains("DB_PASSWORD=•"));
    tm.keys(&["R"]);
    let screen = tm.wait_for("the secret revealed", |s| shown_secret(s).is_some());
    let secret = shown_secret(&screen).expect("secret");

    tm.keys(&["-l", ":answer not-the-secret"]);
    tm.keys(&["Enter"]);
    let failed = grade_key(&tm, "FAIL in");
    assert!(failed.contains("the answer does not hold"), "{failed}");
    tm.keys(&["-l", &format!(":answer {secret}")]);
    tm.keys(&["Enter"]);
    grade_key(&tm, "PASS in");
    tm.keys(&["q"]);
    tm.wait_for("ktriage exited", |s| s.contains("EXIT=0"));

    let files = attempts(d);
    assert_eq!(files.len(), 1, "{files:?}");
    let file = &files[0];
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("env-secret-") && name.ends_with("-pass.ktr"),
        "{name}"
    );
    {
        use std::os::unix::fs::MetadataExt;
        assert_eq!(std::fs::metadata(file).unwrap().mode() & 0o777, 0o600);
    }
    let f = file.to_str().unwrap();
    ok(d, &["verify", f]);
    let report = ok(d, &["report", f]);
    for want in [
        "env-secret",
        "**answer** drill env-secret: not-the-secret",
        "FAIL in",
        "the answer does not hold",
        "PASS in",
        "pid ",
        "**hint** drill env-secret: hint 1/2 shown",
    ] {
        assert!(report.contains(want), "{want} in:\n{report}");
    }
    let scores = ok(d, &["drill", "scores"]);
    assert!(scores.contains(&name), "{scores}");
    // best pass and last grade: one hint each
    let row = scores
        .lines()
        .find(|l| l.starts_with("env-secret "))
        .expect("row");
    assert!(row.ends_with("1  pass (1)"), "{row}");

    ok(d, &["drill", "stop"]);
    let left = leftovers(&dirs);
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn an_imported_killercoda_step_gets_drill_mode_and_grades_by_its_verify_script() {
    if !lab_available("an_imported_killercoda_step_gets_drill_mode_and_grades_by_its_verify_script")
    {
        return;
    }
    let _g = LAB.lock().unwrap_or_else(|e| e.into_inner());
    let data = tempfile::tempdir().expect("tmp");
    let d = data.path();
    let dirs = LabDirs::default();
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/killercoda/node-basics"
    );
    ok(
        d,
        &["drill", "--drills", scenario, "start", "node-basics-step1"],
    );
    // no --drills from here on: the lab keeps the drill it started
    let tm = tui(d, "kc");
    tm.wait_for("the imported task panel", |s| {
        s.contains("drill node-basics-step1") && s.contains(" left")
    });
    let failed = grade_key(&tm, "FAIL in");
    assert!(
        failed.contains("step1/verify.sh exited with status 1"),
        "{failed}"
    );
    std::fs::write(dirs.work().join("marker.txt"), "triaged\n").expect("marker");
    grade_key(&tm, "PASS in");
    tm.keys(&["q"]);
    tm.wait_for("ktriage exited", |s| s.contains("EXIT=0"));
    let files = attempts(d);
    assert!(
        files.len() == 1 && files[0].to_string_lossy().ends_with("-pass.ktr"),
        "{files:?}"
    );
    ok(d, &["drill", "stop"]);
    let left = leftovers(&dirs);
    assert!(left.is_empty(), "left behind: {left:?}");
}
