//! End to end as a person would: ktriage in tmux (120×40) on the live kernel, read with capture-pane.

mod support;
#[path = "support/tmux.rs"]
mod tmux;

use std::process::Command;
use std::time::Duration;

use support::bpf_available;
use tmux::Tmux;

fn activity(stop: std::sync::Arc<std::sync::atomic::AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            let _ = Command::new("cat").arg("/etc/hostname").output();
            std::thread::sleep(Duration::from_millis(50));
        }
    })
}

#[test]
fn tui_shows_stream_filters_and_quits_cleanly() {
    if !bpf_available("tui_shows_stream_filters_and_quits_cleanly") {
        return;
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let act = activity(stop.clone());
    let bin = env!("CARGO_BIN_EXE_ktriage");
    let t = Tmux::start("live", &format!("{bin}; echo EXIT=$?"));
    let s = t.wait_for("stream rows and status bar", |s| {
        s.contains("openat") && s.contains("/etc/hostname") && s.contains("running")
    });
    assert!(s.contains("ev/s"), "status bar shows the event rate:\n{s}");
    t.keys(&["/"]);
    t.wait_for("filter input", |s| s.lines().any(|l| l.starts_with('/')));
    t.keys(&["c", "o", "m", "m", ":", "c", "a", "t", "Enter"]);
    t.wait_for("filtered title", |s| s.contains("comm:cat"));
    t.keys(&["q"]);
    let s = t.wait_for("exit and prompt", |s| s.contains("EXIT=0"));
    let after = s
        .lines()
        .skip_while(|l| !l.contains("EXIT=0"))
        .nth(1)
        .unwrap_or_default();
    assert!(
        after.starts_with("prompt$"),
        "the shell prompt comes back:\n{s}"
    );
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    act.join().expect("activity thread");
}

#[test]
fn tui_without_root_shows_banner_and_processes() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "needs root to switch to nobody"
        );
        eprintln!(
            "\n!!!!!!!! SKIPPED tui_without_root_shows_banner_and_processes: needs root to switch user !!!!!!!!\n"
        );
        return;
    }
    let bin = env!("CARGO_BIN_EXE_ktriage");
    let t = Tmux::start(
        "degraded",
        &format!(
            "HOME=/nonexistent setpriv --reuid=65534 --regid=65534 --clear-groups {bin}; echo EXIT=$?"
        ),
    );
    let s = t.wait_for("degraded banner", |s| s.contains("not running as root"));
    assert!(s.contains("sudo"), "the banner says how to fix it:\n{s}");
    t.wait_for("processes from /proc", |s| s.contains("kthreadd"));
    t.keys(&["q"]);
    t.wait_for("clean exit", |s| s.contains("EXIT=0"));
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for sig in [libc::SIGTERM, libc::SIGHUP] {
        let bin = env!("CARGO_BIN_EXE_ktriage");
        let pidfile =
            std::env::temp_dir().join(format!("ktriage-tui-{}-{sig}.pid", std::process::id()));
        let t = Tmux::start(
            &format!("sig{sig}"),
            &format!(
                "sh -c 'echo $$ > {}; exec {bin} --no-bpf'; echo EXIT=$?; stty -a | grep -o ' icanon' ",
                pidfile.display()
            ),
        );
        t.wait_for("the TUI", |s| s.contains("processes"));
        let pid: i32 = std::fs::read_to_string(&pidfile)
            .expect("pid file")
            .trim()
            .parse()
            .expect("pid");
        // SAFETY: sending a signal to the ktriage we started.
        assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
        let s = t.wait_for("exit after the signal", |s| s.contains("EXIT="));
        assert!(
            s.contains(" icanon"),
            "cooked mode is back after signal {sig}:\n{s}"
        );
        let _ = std::fs::remove_file(&pidfile);
    }
}
