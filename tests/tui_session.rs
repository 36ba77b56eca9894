//! A recorded TUI session in tmux at 80×24 on a real containerd pod: the operator pivots to an alert, opens the pod
//! process's Fds and Environ, types a note and quits; `replay` of the file reaches the same screen and shows the note;
//! the pod's secret is in the file only with `--record-secrets`; `report` (md, html) has the alert, the pod, the note
//! and the final hash.

#[path = "support/containerd.rs"]
mod containerd;
mod support;
#[path = "support/tmux.rs"]
mod tmux;

use std::process::Command;

use support::bpf_available;
use tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_ktriage");
const NOTE: &str = "tail read shadow in web-0";

fn tui(name: &str, args: &str) -> Tmux {
    let tm = Tmux::start(
        name,
        &format!("HOME=/nonexistent {BIN} {args}; echo EXIT=$?"),
    );
    assert!(
        tm.cmd(&["resize-window", "-t", "t", "-x", "80", "-y", "24"])
            .status
            .success()
    );
    tm
}

/// The inspect view of the pod's process, opened through the finder, on its Environ tab.
fn inspect_pod_environ(tm: &Tmux, pod: &containerd::ContainerdPod) -> String {
    tm.keys(&["C-p"]);
    tm.wait_for("the finder", |s| s.contains("find pid"));
    tm.keys(&["-l", &pod.pid.to_string()]);
    tm.keys(&["Enter"]);
    tm.wait_for("the pod process inspected", |s| {
        s.contains("Overview") && s.contains(&pod.pod_name) && s.contains("sleep")
    });
    tm.keys(&["Tab"]);
    tm.wait_for("the Fds tab", |s| s.contains("fd "));
    tm.keys(&["Tab"]);
    tm.wait_for("the Environ tab", |s| s.contains(containerd::SECRET_ENV.0))
}

/// The body of a screen: everything above the replay bar and the status line.
fn body(screen: &str) -> String {
    screen.lines().take(21).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_recorded_tui_session_replays_to_the_same_screen() {
    let t = "a_recorded_tui_session_replays_to_the_same_screen";
    if !bpf_available(t) || !containerd::containerd_available(t) {
        return;
    }
    let pod = containerd::ContainerdPod::start();
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("tui.ktr");
    let f = file.to_str().unwrap();
    let sock = pod.socket.display().to_string();
    let tm = tui("rec", &format!("--cri-socket {sock} --record {f}"));
    tm.wait_for("the collector running", |s| s.contains("running"));
    pod.exec_sync(&["sh", "-c", "tail -f /etc/shadow & sleep 2; kill $!"]);
    tm.wait_for("the alert", |s| s.contains("alerts "));
    tm.keys(&["a"]);
    tm.wait_for("the alerts pane", |s| s.contains("Read sensitive file"));
    tm.keys(&["p"]);
    tm.wait_for("the pivot", |s| s.contains("inspect"));
    tm.keys(&["Escape"]);
    tm.wait_for("the inspect view closed", |s| !s.contains("Overview │"));
    let live = inspect_pod_environ(&tm, &pod);
    assert!(!live.contains(containerd::SECRET_ENV.1), "masked on screen");
    tm.keys(&[":"]);
    tm.keys(&["-l", &format!("note {NOTE}")]);
    tm.keys(&["Enter"]);
    let live = tm.wait_for("the note kept", |s| s.contains("note kept"));
    tm.keys(&["q"]);
    tm.wait_for("exit", |s| s.contains("EXIT=0"));
    drop(tm);

    let bytes = support::session_bytes(&file);
    assert!(
        !support::holds(&bytes, containerd::SECRET_ENV.1),
        "the value is redacted"
    );
    assert!(
        support::holds(&bytes, containerd::SECRET_ENV.0),
        "the name says what was redacted"
    );
    assert!(support::holds(&bytes, NOTE));

    // the replay reaches the same screen, with the note on the timeline and in the status line
    let tm = tui("replay", &format!("replay {f}"));
    tm.wait_for("the replay bar", |s| s.contains("▶ 1×"));
    tm.keys(&[">", ">"]);
    let replayed = tm.wait_for("the end of the replay", |s| s.contains("■ max"));
    assert_eq!(
        body(&replayed),
        body(&live),
        "replayed:\n{replayed}\nlive:\n{live}"
    );
    assert!(replayed.contains("note kept"), "{replayed}");
    let bar = replayed.lines().nth(22).unwrap_or_default();
    assert!(
        bar.contains('n') && bar.contains('A'),
        "the note and the alert on the timeline: {bar}"
    );
    tm.keys(&["q"]);
    tm.wait_for("exit", |s| s.contains("EXIT=0"));
    drop(tm);

    // the report
    let o = Command::new(BIN).args(["verify", f]).output().unwrap();
    let v = String::from_utf8_lossy(&o.stdout).into_owned();
    let hash = v
        .lines()
        .find_map(|l| l.strip_prefix("final hash: "))
        .expect("hash")
        .to_string();
    for ext in ["md", "html"] {
        let out = dir.path().join(format!("report.{ext}"));
        let o = Command::new(BIN)
            .args(["report", f, "-o", out.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = std::fs::read_to_string(&out).unwrap();
        for want in [
            "Read sensitive file untrusted",
            pod.pod_name.as_str(),
            NOTE,
            hash.as_str(),
        ] {
            assert!(text.contains(want), "report.{ext} lacks {want}");
        }
        assert!(!text.contains(containerd::SECRET_ENV.1));
    }

    // with --record-secrets, the inspected value is kept, and the file says so
    let kept = dir.path().join("kept.ktr");
    let tm = tui(
        "kept",
        &format!(
            "--cri-socket {sock} --record {} --record-secrets",
            kept.display()
        ),
    );
    tm.wait_for("the collector running", |s| s.contains("running"));
    inspect_pod_environ(&tm, &pod);
    tm.keys(&["q"]);
    tm.wait_for("exit", |s| s.contains("EXIT=0"));
    assert!(
        support::holds(&support::session_bytes(&kept), containerd::SECRET_ENV.1),
        "kept on request"
    );
    let o = Command::new(BIN)
        .args(["report", kept.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("KEPT in this recording"));
}
