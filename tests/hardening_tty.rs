//! SIGINT (`kill -INT`, not the ctrl-c key) restores the terminal like SIGTERM and SIGHUP, under a syscall flood: cooked mode, echo, the main screen, within a second.

mod support;
#[path = "support/tmux.rs"]
mod tmux;

use std::time::{Duration, Instant};

use tmux::Tmux;

#[test]
fn sigint_restores_the_terminal_within_a_second() {
    let bin = env!("CARGO_BIN_EXE_ktriage");
    // With BPF when it is there (the collector and rule engine running), else degraded: both must restore.
    let bpf = support::bpf_available("sigint_restores_the_terminal_within_a_second");
    let flags = if bpf { "" } else { "--no-bpf" };
    let pidfile = std::env::temp_dir().join(format!("ktriage-sigint-{}.pid", std::process::id()));
    let t = Tmux::start(
        "sigint",
        &format!(
            // Quoted halves: the typed command line itself never contains the markers waited for.
            "echo BE''FORE-TUI; sh -c 'echo $$ > {}; exec {bin} {flags}'; echo EX''IT=$?; echo MO''DES: $(stty -a | tr -s ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)')",
            pidfile.display()
        ),
    );
    t.wait_for("the TUI", |s| {
        s.contains("processes") && !s.contains("BEFORE-TUI")
    });
    let pid: i32 = std::fs::read_to_string(&pidfile)
        .expect("pid file")
        .trim()
        .parse()
        .expect("pid");
    // Under load: a syscall flood the collector streams (killed at the end, bounded to 20 s anyway).
    let mut flood = std::process::Command::new("python3")
        .args([
            "-c",
            "import os,time\nend=time.time()+20\nwhile time.time()<end:\n  for _ in range(100):\n    try: os.open('/nonexistent-ktriage-tty',0)\n    except OSError: pass\n",
        ])
        .spawn()
        .expect("python3 (installed by .ci/run)");
    t.wait_for("the flood on screen", |s| {
        !bpf || s.contains("nonexistent-ktriage-tty")
    });
    let sent = Instant::now();
    // SAFETY: sending a signal to the ktriage this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let s = t.wait_for("exit after SIGINT", |s| s.contains("EXIT="));
    let took = sent.elapsed();
    let _ = flood.kill();
    let _ = flood.wait();
    let s = if s.contains("MODES:") {
        s
    } else {
        t.wait_for("stty modes", |s| s.contains("MODES:"))
    };
    let _ = std::fs::remove_file(&pidfile);
    assert!(
        took < Duration::from_millis(1500),
        "exited {took:?} after SIGINT (capture polling adds ~0.1 s)"
    );
    assert!(
        s.contains("MODES: icanon echo"),
        "cooked mode and echo are back after SIGINT:\n{s}"
    );
    assert!(
        s.contains("BEFORE-TUI"),
        "the main screen (with what was there before) is back, not the alternate screen:\n{s}"
    );
    assert!(!s.contains("┏ stream"), "no TUI frame left on screen:\n{s}");
}
