//! End to end in tmux on the live kernel: the shipped Falco rules fire inside the TUI and the pivot opens the process.

mod support;
#[path = "support/tmux.rs"]
mod tmux;

use std::process::{Command, Stdio};

use support::bpf_available;
use tmux::Tmux;

#[test]
fn engine_alert_in_the_tui_pivots_to_the_process() {
    if !bpf_available("engine_alert_in_the_tui_pivots_to_the_process") {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_ktriage");
    let t = Tmux::start("rules", &format!("HOME=/nonexistent {bin}; echo EXIT=$?"));
    t.wait_for("the collector running", |s| s.contains("running"));
    let mut reader = Command::new("python3")
        .args([
            "-c",
            "open('/etc/shadow').read()\nimport time\ntime.sleep(60)",
        ])
        .stdout(Stdio::null())
        .spawn()
        .expect("python3 runs");
    let pid = reader.id();
    let s = t.wait_for("the engine's alert listed", |s| {
        s.contains("Read sensitive file") || s.contains("Sensitive file opened")
    });
    assert!(s.contains("alerts"), "{s}");
    t.keys(&["a"]);
    t.keys(&["p"]);
    let s = t.wait_for("the inspect view of the reader", |s| {
        s.contains(&format!("pid {pid}")) && s.contains("python3")
    });
    assert!(s.contains("/etc/shadow") || s.contains("time.sleep"), "{s}");
    reader.kill().expect("kill");
    reader.wait().expect("reap");
    t.keys(&["Escape"]);
    t.wait_for("the inspect view closed", |s| !s.contains("Environ"));
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXIT=0"));
}
