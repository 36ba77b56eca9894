//! Deadlines and signals win over load: `stream --json` under a syscall flood into a slow reader stops on time with its summary, and marks in-band where the kernel lost events.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use support::bpf_available;

/// A child that floods failing openat calls once it reads a line on stdin,
/// for `secs` seconds (until killed when 0).
fn flooder(secs: f64) -> Child {
    let code = format!(
        "import os,sys,time\nsys.stdin.readline()\nend=time.time()+{secs}\nwhile {secs}==0 or time.time()<end:\n  for _ in range(100):\n    try: os.open('/nonexistent-ktriage-flood',0)\n    except OSError: pass\n"
    );
    Command::new("python3")
        .args(["-c", &code])
        .stdin(Stdio::piped())
        .spawn()
        .expect("python3 (installed by .ci/run)")
}

fn go(child: &mut Child) {
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"go\n").expect("go");
}

/// `ktriage stream --json ARGS` with stderr lines sent (with their arrival time) to the returned receiver.
/// `stream` of `pid`'s openat calls through a 1 MiB ring, for `secs` seconds.
fn stream_openat_of(pid: &str, secs: &str) -> (Child, mpsc::Receiver<(Instant, String)>) {
    let args = [
        "--duration",
        secs,
        "--ring-mb",
        "1",
        "--pid",
        pid,
        "--syscall",
        "openat",
    ];
    stream(&args)
}

fn stream(args: &[&str]) -> (Child, mpsc::Receiver<(Instant, String)>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .args(["stream", "--json"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ktriage runs");
    let err = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            let _ = tx.send((Instant::now(), line));
        }
    });
    (child, rx)
}

/// Waits (bounded) for the stderr line containing `what`; returns when it came.
fn wait_line(rx: &mpsc::Receiver<(Instant, String)>, what: &str) -> (Instant, String) {
    let end = Instant::now() + Duration::from_secs(30);
    loop {
        let left = end.saturating_duration_since(Instant::now());
        let (t, l) = rx
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no stderr line with {what:?}"));
        if l.contains(what) {
            return (t, l);
        }
    }
}

/// Waits (bounded) for the child to exit; returns when it did.
fn wait_exit(child: &mut Child, max: Duration) -> (Instant, std::process::ExitStatus) {
    let end = Instant::now() + max;
    loop {
        if let Some(st) = child.try_wait().expect("wait") {
            return (Instant::now(), st);
        }
        if Instant::now() > end {
            let _ = child.kill();
            panic!("ktriage still running {max:?} later");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Reads stdout slowly (a few KiB per 10 ms) in a thread, as a slow consumer would.
fn slow_reader(mut out: impl Read + Send + 'static) -> std::thread::JoinHandle<usize> {
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        let mut total = 0;
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            total += n;
            std::thread::sleep(Duration::from_millis(10));
        }
        total
    })
}

#[test]
fn duration_wins_over_a_flood_into_a_slow_reader() {
    if !bpf_available("duration_wins_over_a_flood_into_a_slow_reader") {
        return;
    }
    let mut flood = flooder(0.0);
    let pid = flood.id().to_string();
    let (mut child, err) = stream_openat_of(&pid, "2");
    let reader = slow_reader(child.stdout.take().expect("stdout"));
    let (ready, _) = wait_line(&err, "probes attached");
    go(&mut flood);
    let (exited, status) = wait_exit(&mut child, Duration::from_secs(20));
    let _ = flood.kill();
    let _ = flood.wait();
    let took = exited - ready;
    let (_, summary) = wait_line(&err, "events printed");
    eprintln!(
        "stream --duration 2 under a flood into a slow reader: exited {took:?} after attaching; {summary}"
    );
    assert!(status.success(), "{status:?}");
    assert!(
        took < Duration::from_secs(3),
        "ran {took:?} for --duration 2"
    );
    assert!(summary.contains("dropped by the kernel"), "{summary}");
    assert!(reader.join().expect("reader") > 0, "something was printed");
}

#[test]
fn sigint_and_sigterm_win_over_a_flood_into_a_slow_reader() {
    if !bpf_available("sigint_and_sigterm_win_over_a_flood_into_a_slow_reader") {
        return;
    }
    for sig in [libc::SIGINT, libc::SIGTERM] {
        let mut flood = flooder(0.0);
        let pid = flood.id().to_string();
        let (mut child, err) = stream(&["--pid", &pid, "--syscall", "openat"]);
        let reader = slow_reader(child.stdout.take().expect("stdout"));
        wait_line(&err, "probes attached");
        go(&mut flood);
        // Let the flood back up into the ring and the pipe (sets up load; the result is timed below).
        std::thread::sleep(Duration::from_millis(700));
        let sent = Instant::now();
        // SAFETY: signalling the ktriage this test started.
        assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
        let (exited, status) = wait_exit(&mut child, Duration::from_secs(20));
        let _ = flood.kill();
        let _ = flood.wait();
        let took = exited - sent;
        let (_, summary) = wait_line(&err, "events printed");
        eprintln!("signal {sig} under a flood: exited {took:?} later; {summary}");
        assert!(status.success(), "signal {sig}: {status:?}");
        assert!(
            took < Duration::from_secs(1),
            "signal {sig}: exited {took:?} later"
        );
        let _ = reader.join();
    }
}

#[test]
fn drop_records_mark_where_events_were_lost() {
    if !bpf_available("drop_records_mark_where_events_were_lost") {
        return;
    }
    let mut flood = flooder(1.0);
    let pid = flood.id().to_string();
    let (mut child, err) = stream_openat_of(&pid, "8");
    let mut out = child.stdout.take().expect("stdout");
    let all = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    wait_line(&err, "probes attached");
    go(&mut flood);
    assert!(flood.wait().expect("flood").success());
    let (_, status) = wait_exit(&mut child, Duration::from_secs(30));
    assert!(status.success());
    let (_, summary) = wait_line(&err, "events printed");
    let text = all.join().expect("stdout");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect();
    let drops: Vec<(usize, &serde_json::Value)> = lines
        .iter()
        .enumerate()
        .filter(|(_, v)| v["kind"] == "drop")
        .collect();
    let kernel_dropped: u64 = summary
        .split(", ")
        .find_map(|p| p.split_once(" dropped by the kernel")?.0.parse().ok())
        .unwrap_or_else(|| panic!("a kernel drop count in {summary:?}"));
    eprintln!(
        "{} lines, {} drop records, summary: {summary}",
        lines.len(),
        drops.len()
    );
    assert!(
        kernel_dropped > 0,
        "a 1 MiB ring drops under the flood: {summary}"
    );
    assert!(!drops.is_empty(), "drop records in the stream");
    let (first, rec) = drops[0];
    assert!(first > 0, "events came before the first loss");
    assert!(
        lines[first..].iter().any(|v| v["kind"] == "syscall"),
        "events come after a drop record: it is in-band, not only at the end"
    );
    assert!(rec["ts"].as_str().is_some_and(|t| t.contains('T')), "{rec}");
    assert_eq!(rec["buffer"], 0, "{rec}");
    let total: u64 = drops
        .iter()
        .map(|(_, v)| v["kernel"].as_u64().expect("kernel count"))
        .sum();
    assert_eq!(
        total, kernel_dropped,
        "the drop records add up to the summary's kernel drops"
    );
}

#[test]
fn count_passes_signals_on_and_still_reports() {
    if !bpf_available("count_passes_signals_on_and_still_reports") {
        return;
    }
    // SIGINT/SIGTERM go on to the command as SIGTERM; one that ignores it is killed a grace later.
    for (sig, cmd, code) in [
        (libc::SIGTERM, "exec sleep 30", 128 + libc::SIGTERM),
        (libc::SIGINT, "exec sleep 30", 128 + libc::SIGTERM),
        (libc::SIGTERM, "trap '' TERM; sleep 30", 128 + libc::SIGKILL),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ktriage"))
            .args(["count", "--", "sh", "-c", cmd])
            .stderr(Stdio::piped())
            .spawn()
            .expect("ktriage runs");
        let pid = child.id().to_string();
        // Wait (bounded) until the command runs: its sleep is a child of ktriage's sh.
        let end = Instant::now() + Duration::from_secs(20);
        while !std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
            .is_ok_and(|c| !c.trim().is_empty())
        {
            assert!(Instant::now() < end, "count never started its command");
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(300));
        let sent = Instant::now();
        // SAFETY: signalling the ktriage this test started.
        assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
        let (exited, status) = wait_exit(&mut child, Duration::from_secs(20));
        let took = exited - sent;
        let mut err = String::new();
        let _ = child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut err);
        eprintln!("count -- sh -c {cmd:?}, signal {sig}: exited {took:?} later with {status:?}");
        assert!(took < Duration::from_secs(1), "{cmd}: {took:?}");
        assert_eq!(
            status.code(),
            Some(code),
            "{cmd}: the command's status; {err}"
        );
        assert!(
            err.contains("% time") && err.contains("total"),
            "{cmd}: the table: {err}"
        );
    }
}
