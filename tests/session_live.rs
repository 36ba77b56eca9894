//! Sessions on the real kernel and a real containerd pod: a headless recording of a known workload (a unique file
//! opened, a local connect, an exec with argv, `/etc/shadow` read in the pod by a process that lives on) replays with
//! the same events as the live `stream --json` of the same run, gives the same alert with `alerts --from`, keeps the
//! pod's secret out of the file, makes a report with the alert, the pod and the final hash, verifies, and names a
//! flipped byte or a cut.

#[path = "support/containerd.rs"]
mod containerd;
mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use support::bpf_available;

const BIN: &str = env!("CARGO_BIN_EXE_ktriage");

/// A ktriage command running until SIGINT, its stdout collected, started once its stderr says `ready`.
struct Running {
    child: Child,
    out: mpsc::Receiver<String>,
    reader: std::thread::JoinHandle<()>,
}

impl Running {
    fn start(args: &[&str], ready: &str) -> Self {
        let mut child = Command::new(BIN)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ktriage runs");
        let (tx, out) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        let reader = std::thread::spawn(move || {
            for l in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
        let (rtx, rrx) = mpsc::channel();
        let stderr = child.stderr.take().expect("stderr");
        let (name, ready) = (args[0].to_string(), ready.to_string());
        std::thread::spawn(move || {
            for l in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("[ktriage {name}] {l}");
                if l.contains(&ready) {
                    let _ = rtx.send(());
                }
            }
        });
        rrx.recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("ktriage {} started", args[0]));
        Running { child, out, reader }
    }

    /// SIGINT, then every stdout line; the exit status must be success.
    fn stop(mut self) -> Vec<String> {
        // SAFETY: kill() on our own child's pid; no memory is involved.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        let st = self.child.wait().expect("wait");
        assert!(st.success(), "exit {st:?}");
        // every line read (the pipe is closed at exit)
        self.reader.join().expect("reader");
        self.out.try_iter().collect()
    }
}

fn ktriage(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(BIN).args(args).output().expect("ktriage runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn json_lines(lines: &[String]) -> Vec<Value> {
    lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Events of `pid` by (tid, syscall, arguments), with their time apart: two collectors stamp the
/// same syscall a few µs apart and each process reads its own wall-clock offset.
fn by_key(events: &[Value], pid: u64) -> BTreeMap<(u64, String, String), (Value, String)> {
    events
        .iter()
        .filter(|e| e["pid"] == pid)
        .map(|e| {
            let k = (
                e["tid"].as_u64().unwrap_or_default(),
                e["syscall"].as_str().unwrap_or_default().to_string(),
                e["args"].to_string(),
            );
            let mut v = e.clone();
            let ts = v
                .as_object_mut()
                .and_then(|m| m.remove("ts"))
                .and_then(|t| t.as_str().map(str::to_string))
                .unwrap_or_default();
            // the syscall's own duration is measured by each collector
            if let Some(m) = v.as_object_mut() {
                m.remove("duration_ns");
            }
            (k, (v, ts))
        })
        .collect()
}

/// Nanoseconds into the day of an RFC 3339 UTC time `…THH:MM:SS.fffffffffZ` (enough to compare two of the same run).
fn ns_of(ts: &str) -> i128 {
    let clock = ts.split('T').nth(1).unwrap_or_else(|| panic!("{ts}"));
    let clock = clock.trim_end_matches('Z');
    let (hms, frac) = clock.split_once('.').unwrap_or((clock, "0"));
    let mut secs = 0i128;
    for part in hms.split(':') {
        secs = secs * 60 + part.parse::<i128>().unwrap_or_else(|_| panic!("{ts}"));
    }
    let frac = format!("{frac:0<9}");
    secs * 1_000_000_000 + frac[..9].parse::<i128>().unwrap_or_else(|_| panic!("{ts}"))
}

#[test]
fn a_recorded_session_replays_like_the_live_stream_and_keeps_secrets_out() {
    let t = "a_recorded_session_replays_like_the_live_stream_and_keeps_secrets_out";
    if !bpf_available(t) || !containerd::containerd_available(t) {
        return;
    }
    let pod = containerd::ContainerdPod::start();
    let sock = pod.socket.to_str().expect("utf-8").to_string();
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("s.ktr");
    let f = file.to_str().unwrap();
    let live = Running::start(&["stream", "--json", "--cri-socket", &sock], "streaming");
    let alerts = Running::start(
        &["alerts", "--json", "--cri-socket", &sock],
        "watching with",
    );
    let rec = Running::start(
        &["record", "-o", f, "--cri-socket", &sock],
        "sources started",
    );

    // the workload: a unique path, a local connect, an exec with argv
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let unique = format!("/tmp/ktriage-session-{}-{port}", std::process::id());
    let script = format!(
        "cat {unique} 2>/dev/null; exec 3<>/dev/tcp/127.0.0.1/{port}; exec /bin/echo recorded-argv-{port}"
    );
    let child = Command::new("bash")
        .args(["-c", &script])
        .stdout(Stdio::null())
        .spawn()
        .expect("bash");
    let child_pid = u64::from(child.id());
    assert!(child.wait_with_output().expect("wait").status.success());
    drop(listener);
    // in the pod: /etc/shadow opened by a process that lives on (its snapshot holds the pod environ)
    pod.exec_sync(&["sh", "-c", "tail -f /etc/shadow & sleep 3; kill $!"]);
    // give the /proc poll and the snapshots time to be recorded
    std::thread::sleep(Duration::from_secs(3));

    let rec_out = rec.stop();
    let live_alerts = json_lines(&alerts.stop());
    let live_events = json_lines(&live.stop());
    assert!(
        rec_out.is_empty(),
        "record prints nothing on stdout: {rec_out:?}"
    );

    // 0600, verifies
    let mode = std::fs::metadata(&file).expect("file").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let (code, out, err) = ktriage(&["verify", f]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("OK"), "{out}");

    // replay --json: the workload's events, field for field as the live stream printed them
    let (code, out, err) = ktriage(&["replay", f, "--json"]);
    assert_eq!(code, 0, "{err}");
    let replayed = json_lines(&out.lines().map(str::to_string).collect::<Vec<_>>());
    let (live_w, rep_w) = (
        by_key(&live_events, child_pid),
        by_key(&replayed, child_pid),
    );
    for (what, needle) in [
        ("the unique open", unique.as_str()),
        ("the connect", &format!("127.0.0.1:{port}")),
        ("the exec argv", &format!("recorded-argv-{port}")),
    ] {
        let pick = |m: &BTreeMap<_, (Value, String)>| {
            m.values()
                .find(|(e, _)| e["args"].to_string().contains(needle))
                .cloned()
                .unwrap_or_else(|| panic!("{what} not in {m:#?}"))
        };
        let ((rep, rep_ts), (liv, liv_ts)) = (pick(&rep_w), pick(&live_w));
        assert_eq!(rep, liv, "{what}: replayed vs live");
        let apart = (ns_of(&rep_ts) - ns_of(&liv_ts)).abs();
        assert!(apart < 5_000_000, "{what}: {rep_ts} vs {liv_ts}");
    }
    let common = rep_w.keys().filter(|k| live_w.contains_key(*k)).count();
    assert!(
        common * 10 >= live_w.len() * 9,
        "most of the child's events in both: {common}/{}",
        live_w.len()
    );

    // alerts --from: the pod's alert, as live
    let shadow = |a: &Value| {
        a["rule"] == "Read sensitive file untrusted"
            && a["output_fields"]["k8s.pod.name"] == pod.pod_name.as_str()
    };
    let live_a = live_alerts
        .iter()
        .find(|a| shadow(a))
        .unwrap_or_else(|| panic!("the live alert: {live_alerts:#?}"));
    let (code, out, err) = ktriage(&["alerts", "--from", f, "--json"]);
    assert_eq!(code, 0, "{err}");
    let from = json_lines(&out.lines().map(str::to_string).collect::<Vec<_>>());
    let from_a = from
        .iter()
        .find(|a| shadow(a))
        .unwrap_or_else(|| panic!("{out}"));
    for field in [
        "proc.pid",
        "proc.name",
        "fd.name",
        "container.id",
        "container.name",
        "k8s.ns.name",
        "k8s.pod.name",
        "evt.type",
    ] {
        assert_eq!(
            from_a["output_fields"][field], live_a["output_fields"][field],
            "{field}: from the recording vs live"
        );
    }
    assert_eq!(from_a["priority"], live_a["priority"]);

    // the pod's secret (in the alerted tail's environ): never in the file, named as redacted
    // (snapshots are masked at the source; --record-secrets is checked on an inspection, tests/tui_session.rs)
    let bytes = support::session_bytes(&file);
    assert!(
        !support::holds(&bytes, containerd::SECRET_ENV.1),
        "the secret value is in the recording"
    );
    assert!(
        support::holds(&bytes, containerd::SECRET_ENV.0),
        "the redaction names the variable"
    );
    let (_, out, _) = ktriage(&["replay", f, "--json"]);
    assert!(!out.contains(containerd::SECRET_ENV.1));

    // report: the alert, the pod, the final hash
    let (code, md, err) = ktriage(&["report", f]);
    assert_eq!(code, 0, "{err}");
    let (_, v, _) = ktriage(&["verify", f]);
    let hash = v
        .lines()
        .find_map(|l| l.strip_prefix("final hash: "))
        .expect("hash");
    for want in ["Read sensitive file untrusted", pod.pod_name.as_str(), hash] {
        assert!(md.contains(want), "report lacks {want}:\n{md}");
    }

    // tamper evidence on the live file: a flipped byte in a middle chunk, a cut copy
    let mut raw = Vec::new();
    std::fs::File::open(&file)
        .unwrap()
        .read_to_end(&mut raw)
        .unwrap();
    let flipped = dir.path().join("flipped.ktr");
    let mut bad = raw.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x40;
    write_new(&flipped, &bad);
    let (code, out, _) = ktriage(&["verify", flipped.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("chunk"), "names the chunk: {out}");
    let cut = dir.path().join("cut.ktr");
    write_new(&cut, &raw[..raw.len() * 2 / 3]);
    let (code, out, _) = ktriage(&["verify", cut.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.to_lowercase().contains("truncated"), "{out}");
}

fn write_new(p: &PathBuf, bytes: &[u8]) {
    std::fs::write(p, bytes).expect("write");
}

#[test]
fn a_recording_is_never_written_through_a_symlink_or_over_a_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let target = dir.path().join("target");
    std::fs::write(&target, "keep me").unwrap();
    let link = dir.path().join("link.ktr");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    for out in [&link, &target] {
        let (code, _, err) = ktriage(&[
            "record",
            "-o",
            out.to_str().unwrap(),
            "--no-bpf",
            "--duration",
            "1",
        ]);
        assert_eq!(code, 2, "{err}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    }
}
