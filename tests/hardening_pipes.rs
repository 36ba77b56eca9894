//! Closed pipes: a headless command whose stdout or stderr reader went away ends quietly (never exit 101, never a panic message).

mod support;

use std::io::{BufRead, BufReader};
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn ktriage() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ktriage"))
}

/// A pipe whose read end is already closed (writes fail with EPIPE).
fn closed_pipe() -> OwnedFd {
    let mut fds = [0; 2];
    // SAFETY: pipe writes two fds into our array.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: both fds were just created and are owned by nobody else.
    let (r, w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(r);
    w
}

/// Waits (bounded) for `child`; its exit code.
fn wait(child: &mut std::process::Child, what: &str) -> Option<i32> {
    let end = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(st) = child.try_wait().expect("wait") {
            return st.code();
        }
        if Instant::now() > end {
            let _ = child.kill();
            panic!("{what}: still running");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn closed_stdout_never_panics() {
    let bpf = support::bpf_available("closed_stdout_never_panics");
    let mut cases: Vec<Vec<&str>> = vec![
        vec!["ps"],
        vec!["ps", "--json"],
        vec!["rules", "check", "/dev/null"],
        vec!["inspect", "1", "--json"],
        vec!["intake", "--stdin"],
    ];
    if bpf {
        cases.push(vec!["stream", "--json", "--duration", "1"]);
        cases.push(vec!["stream", "--duration", "1"]);
        cases.push(vec!["alerts", "--duration", "1"]);
        cases.push(vec!["count", "--json", "--", "true"]);
    }
    for args in cases {
        let mut child = ktriage()
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(closed_pipe())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        if args[0] == "intake" {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("stdin");
            let _ = stdin.write_all(
                b"10:12:31.516397588: Warning a text alert (user=root)\n"
                    .repeat(100)
                    .as_slice(),
            );
        }
        drop(child.stdin.take());
        let code = wait(&mut child, &args.join(" "));
        let mut err = String::new();
        let _ = std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err);
        assert_ne!(code, Some(101), "{args:?} panicked: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn stream_into_head_exits_quietly() {
    if !support::bpf_available("stream_into_head_exits_quietly") {
        return;
    }
    // `ktriage stream --duration 2 2>&1 | head -1`: both outputs on one pipe, closed after one line.
    for fmt in [&[][..], &["--json"][..]] {
        let mut child = ktriage()
            .arg("stream")
            .args(fmt)
            .args(["--duration", "2"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        let out = child.stdout.take().expect("stdout");
        let err = child.stderr.take().expect("stderr");
        // Keep activity going so there is output to cut.
        let busy = std::thread::spawn(|| {
            for _ in 0..40 {
                let _ = std::fs::read("/etc/hostname");
                std::thread::sleep(Duration::from_millis(25));
            }
        });
        let mut first = String::new();
        let _ = BufReader::new(err).read_line(&mut first);
        let _ = BufReader::new(out).read_line(&mut first);
        // Both readers dropped: like `head -1` exiting.
        let code = wait(&mut child, "stream");
        let _ = busy.join();
        assert!(
            code == Some(0),
            "stream {fmt:?} with closed stdout and stderr exited {code:?} (101 is a panic)"
        );
    }
}
