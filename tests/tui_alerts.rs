//! End to end in tmux: Falco alerts followed from a file show in the TUI, and the pivot opens the live process, then its flight-recorder snapshot once it has exited.

#[path = "support/tmux.rs"]
mod tmux;

use std::io::Write;
use std::process::{Command, Stdio};

use tmux::Tmux;

#[test]
fn falco_alert_pivots_to_the_process_and_its_snapshot() {
    let dir = tempfile::tempdir().expect("tempdir");
    let events = dir.path().join("events.json");
    std::fs::write(&events, "").expect("events file");
    let mut victim = Command::new("sleep")
        .arg("300")
        .env("API_TOKEN", "s3cr3t-t0ken-value-abcdef")
        .stdout(Stdio::null())
        .spawn()
        .expect("sleep runs");
    let pid = victim.id();
    let bin = env!("CARGO_BIN_EXE_ktriage");
    let t = Tmux::start(
        "alerts",
        &format!(
            "HOME=/nonexistent {bin} --no-bpf --falco-file {}; echo EXIT=$?",
            events.display()
        ),
    );
    t.wait_for("the intake following the file", |s| s.contains("following"));
    let line = format!(
        "{{\"hostname\":\"node-1\",\"output\":\"10:12:31.516397588: Warning Sensitive file opened for reading by non-trusted program (file=/etc/shadow command=sleep 300)\",\"output_fields\":{{\"proc.pid\":{pid},\"fd.name\":\"/etc/shadow\"}},\"priority\":\"Warning\",\"rule\":\"Read sensitive file untrusted\",\"source\":\"syscall\",\"tags\":[],\"time\":\"2024-01-12T10:12:31.516397588Z\"}}\n"
    );
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&events)
        .expect("open");
    f.write_all(line.as_bytes()).expect("append");
    drop(f);
    t.wait_for("the alert listed", |s| {
        s.contains("Read sensitive file") && s.contains("alerts 1")
    });
    t.keys(&["a"]);
    t.wait_for("the snapshot taken", |s| s.contains("snapshot: taken"));
    t.keys(&["p"]);
    // The snapshot is shown at once; the live inspection replaces it (the process is alive).
    t.wait_for("the live inspect view", |s| {
        s.contains(&format!("pid {pid}"))
            && s.contains("sleep 300")
            && !s.contains("flight-recorder snapshot")
    });
    t.keys(&["Escape"]);
    t.wait_for("the stream filtered to the pid", |s| {
        s.contains(&format!("pid:{pid}"))
    });
    victim.kill().expect("kill");
    victim.wait().expect("reap");
    t.keys(&["a"]);
    t.keys(&["p"]);
    let s = t.wait_for("the snapshot shown", |s| {
        s.contains("flight-recorder snapshot")
    });
    assert!(s.contains("sleep 300"), "{s}");
    // The environ tab of the snapshot keeps the token masked.
    t.keys(&["Tab", "Tab"]);
    let s = t.wait_for("the environ tab", |s| s.contains("API_TOKEN"));
    assert!(!s.contains("s3cr3t"), "secret shown:\n{s}");
    // Separate sends: ESC followed at once by q reads as alt-q.
    t.keys(&["Escape"]);
    t.wait_for("the inspect view closed", |s| !s.contains("Environ"));
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXIT=0"));
}
