//! Falco intake end to end: HTTP POSTs from a real TCP client, a followed file across append, rotation and truncation, journald, and `ktriage intake`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ktriage::alerts::Alert;
use ktriage::alerts::intake::IntakeFeed;
use ktriage::alerts::intake::http::HttpIntake;
use ktriage::alerts::intake::journald::{JOURNAL_SOCKET, JournaldConfig};
use ktriage::alerts::intake::{IntakeSink, IntakeSource, IntakeState, IntakeStats, run_source};
use tokio::sync::mpsc;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/falco")
        .join(name)
}

fn fixture_lines(name: &str) -> Vec<String> {
    std::fs::read_to_string(fixture(name))
        .expect("fixture")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// What the core would have received.
#[derive(Default)]
struct Seen {
    alerts: Vec<Alert>,
    last: Option<IntakeStats>,
    samples: Vec<String>,
}

impl Seen {
    fn take(&mut self, ev: IntakeFeed) {
        match ev {
            IntakeFeed::Alerts(a) => self.alerts.extend(a),
            IntakeFeed::Audit(_) => panic!("a Falco intake sent audit events"),
            IntakeFeed::Stats(s) => {
                self.samples
                    .extend(s.samples.iter().map(|m| m.reason.clone()));
                self.last = Some(s);
            }
        }
    }

    fn malformed(&self) -> u64 {
        self.last.as_ref().map_or(0, |s| s.malformed)
    }
}

/// Receives until `done` holds or `secs` pass.
async fn collect(
    rx: &mut mpsc::Receiver<IntakeFeed>,
    seen: &mut Seen,
    secs: u64,
    done: impl Fn(&Seen) -> bool,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !done(seen) {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(ev)) => seen.take(ev),
            Ok(None) | Err(_) => break,
        }
    }
}

/// How the body's length is told.
#[derive(Clone, Copy)]
enum Length {
    /// `Content-Length` of the body.
    Exact,
    /// `Content-Length` claiming this many bytes.
    Claimed(usize),
    /// `Transfer-Encoding: chunked` (no length known in advance).
    Chunked,
}

/// One raw HTTP/1.1 request on a fresh connection; returns the status code and body.
fn request(addr: std::net::SocketAddr, method: &str, body: &[u8], length: Length) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let framing = match length {
        Length::Exact => format!("Content-Length: {}", body.len()),
        Length::Claimed(n) => format!("Content-Length: {n}"),
        Length::Chunked => "Transfer-Encoding: chunked".to_string(),
    };
    let head = format!(
        "{method} /falco/alerts HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{framing}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(head.as_bytes()).expect("headers");
    // The server may answer (413) and close before reading it all.
    if let Length::Chunked = length {
        for c in body.chunks(64 * 1024) {
            let _ = s.write_all(format!("{:x}\r\n", c.len()).as_bytes());
            let _ = s.write_all(c);
            let _ = s.write_all(b"\r\n");
        }
        let _ = s.write_all(b"0\r\n\r\n");
    } else {
        let _ = s.write_all(body);
    }
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    let text = String::from_utf8_lossy(&resp).into_owned();
    let code = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let body = text
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (code, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_listener_takes_falco_posts() {
    let (tx, mut rx) = mpsc::channel(64);
    let http = HttpIntake::bind("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("bind");
    let addr = http.local_addr();
    assert!(addr.ip().is_loopback());
    tokio::spawn(http.serve(IntakeSink::new("http", tx)));
    let json = fixture_lines("alerts.jsonl");
    let seeds = fixture_lines("alerts.txt");
    let replies = tokio::task::spawn_blocking(move || {
        let mut r = Vec::new();
        // Falco's http_output: one JSON object per POST.
        for line in &json {
            r.push(request(addr, "POST", line.as_bytes(), Length::Exact));
        }
        // Text output (json_output: false) and several lines in one body.
        r.push(request(
            addr,
            "POST",
            seeds[..2].join("\n").as_bytes(),
            Length::Chunked,
        ));
        // A malformed body, an oversized one (declared), one over the limit (sent), a GET.
        r.push(request(addr, "POST", b"{\"rule\":", Length::Exact));
        r.push(request(
            addr,
            "POST",
            b"x",
            Length::Claimed(2 * 1024 * 1024),
        ));
        let big = format!("[{}]", vec![json[0].as_str(); 1200].join(","));
        assert!(big.len() > 1024 * 1024);
        r.push(request(addr, "POST", big.as_bytes(), Length::Chunked));
        r.push(request(addr, "GET", b"", Length::Exact));
        r
    })
    .await
    .expect("client");
    let codes: Vec<u16> = replies.iter().map(|r| r.0).collect();
    assert_eq!(
        codes,
        [200, 200, 200, 200, 400, 413, 413, 405],
        "{replies:?}"
    );
    assert!(replies[4].1.contains("invalid JSON"), "{:?}", replies[4]);
    let mut seen = Seen::default();
    collect(&mut rx, &mut seen, 10, |s| {
        s.alerts.len() >= 5 && s.malformed() >= 3
    })
    .await;
    let rules: Vec<&str> = seen.alerts.iter().map(|a| a.rule.as_str()).collect();
    assert_eq!(
        rules,
        [
            "Read sensitive file untrusted",
            "Terminal shell in container",
            "Write below binary dir",
            "Privileged container started",
            "Privileged container started"
        ]
    );
    assert_eq!(seen.alerts[0].pid, Some(4242));
    assert_eq!(seen.alerts[4].container_id.as_deref(), Some("1f5bedd5c8f4"));
    let stats = seen.last.as_ref().expect("stats");
    assert_eq!((stats.alerts, stats.malformed), (5, 3));
    assert!(matches!(&stats.state, IntakeState::Running(w) if w.contains(&addr.to_string())));
    assert_eq!(
        seen.samples
            .iter()
            .filter(|r| r.contains("larger than"))
            .count(),
        2
    );
}

fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("open for append");
    f.write_all(text.as_bytes()).expect("append");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn followed_file_survives_append_rotation_and_truncation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("falco.json");
    let json = fixture_lines("alerts.jsonl");
    let seeds = fixture_lines("alerts.txt");
    // Present before the start: skipped (the follower starts at the end).
    append(&path, &format!("{}\n", json[0]));
    let (tx, mut rx) = mpsc::channel(64);
    let src = IntakeSource::File {
        path: path.clone(),
        from_start: false,
    };
    tokio::spawn(run_source(src, tx));
    let mut seen = Seen::default();
    collect(&mut rx, &mut seen, 5, |s| {
        matches!(
            s.last.as_ref().map(|l| &l.state),
            Some(IntakeState::Running(_))
        )
    })
    .await;
    // Appended, with a line split over two writes.
    let (a, b) = json[1].split_at(40);
    append(&path, a);
    tokio::time::sleep(Duration::from_millis(450)).await;
    append(&path, &format!("{b}\nnot an alert\n"));
    collect(&mut rx, &mut seen, 5, |s| {
        !s.alerts.is_empty() && s.malformed() >= 1
    })
    .await;
    assert_eq!(seen.alerts.len(), 1, "the line present at start is skipped");
    assert_eq!(seen.alerts[0].rule, "Terminal shell in container");
    // Rotation: the file is moved away (its last line still written to it), a new one created.
    let rotated = dir.path().join("falco.json.1");
    std::fs::rename(&path, &rotated).expect("rotate");
    append(&rotated, &format!("{}\n", seeds[0]));
    append(&path, &format!("{}\n", seeds[1]));
    collect(&mut rx, &mut seen, 5, |s| s.alerts.len() >= 3).await;
    let ids: Vec<_> = seen.alerts[1..]
        .iter()
        .map(|a| a.container_id.clone())
        .collect();
    assert_eq!(
        ids,
        [
            Some("fae86fdf29be".to_string()),
            Some("1f5bedd5c8f4".to_string())
        ],
        "the old file is read to its end, then the new one from its start"
    );
    // Truncation (copytruncate): reading restarts at the beginning.
    std::fs::write(&path, "").expect("truncate");
    tokio::time::sleep(Duration::from_millis(450)).await;
    append(&path, &format!("{}\n", seeds[2]));
    collect(&mut rx, &mut seen, 5, |s| s.alerts.len() >= 4).await;
    assert_eq!(seen.alerts[3].container_id.as_deref(), Some("fca27e217de3"));
    // An over-long line is counted, not fatal.
    append(&path, &format!("{}\n{}\n", "x".repeat(70 * 1024), json[2]));
    collect(&mut rx, &mut seen, 5, |s| {
        s.alerts.len() >= 5 && s.malformed() >= 2
    })
    .await;
    assert_eq!(seen.alerts[4].rule, "Write below binary dir");
    assert_eq!(seen.malformed(), 2);
    assert!(seen.samples.iter().any(|r| r.contains("longer than")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_file_is_waited_for() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("later.json");
    let (tx, mut rx) = mpsc::channel(64);
    tokio::spawn(run_source(
        IntakeSource::File {
            path: path.clone(),
            from_start: false,
        },
        tx,
    ));
    let mut seen = Seen::default();
    collect(&mut rx, &mut seen, 5, |s| {
        matches!(
            s.last.as_ref().map(|l| &l.state),
            Some(IntakeState::Waiting(_))
        )
    })
    .await;
    // A file that appears later is read from its start.
    append(&path, &format!("{}\n", fixture_lines("alerts.txt")[0]));
    collect(&mut rx, &mut seen, 5, |s| !s.alerts.is_empty()).await;
    assert_eq!(seen.alerts.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journald_source() {
    let (tx, mut rx) = mpsc::channel(64);
    let running = Path::new(JOURNAL_SOCKET).exists();
    tokio::spawn(run_source(
        IntakeSource::Journald(JournaldConfig::default()),
        tx,
    ));
    let mut seen = Seen::default();
    collect(&mut rx, &mut seen, 3, |s| {
        matches!(
            s.last.as_ref().map(|l| &l.state),
            Some(IntakeState::Failed(_) | IntakeState::Running(_))
        )
    })
    .await;
    let state = seen.last.as_ref().map(|l| l.state.clone());
    if running {
        assert!(matches!(state, Some(IntakeState::Running(_))), "{state:?}");
    } else {
        let Some(IntakeState::Failed(why)) = state else {
            panic!("journald is not running here: expected a clear error, got {state:?}");
        };
        assert!(why.contains("journald is not running"), "{why}");
    }
}

/// The journald plumbing (spawn, read, parse `MESSAGE`, report the end) with a
/// stand-in for `journalctl` that prints recorded `-o json` lines, since
/// journald does not run in this environment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journald_pipeline_with_recorded_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("journalctl");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncat '{}'\necho 'bye' >&2\n",
            fixture("journal.jsonl").display()
        ),
    )
    .expect("script");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let cfg = JournaldConfig {
        program: script.clone(),
        socket: script.clone(),
        ..JournaldConfig::default()
    };
    let (tx, mut rx) = mpsc::channel(64);
    tokio::spawn(run_source(IntakeSource::Journald(cfg), tx));
    let mut seen = Seen::default();
    collect(&mut rx, &mut seen, 10, |s| {
        matches!(
            s.last.as_ref().map(|l| &l.state),
            Some(IntakeState::Failed(_))
        )
    })
    .await;
    assert_eq!(seen.alerts.len(), 3);
    assert_eq!(seen.alerts[0].hostname, "node-1");
    assert_eq!(seen.alerts[1].pid, Some(4242));
    assert_eq!(seen.malformed(), 2);
    let Some(IntakeState::Failed(why)) = seen.last.map(|l| l.state) else {
        panic!("the end of journalctl is reported");
    };
    assert!(
        why.contains("journalctl ended") && why.contains("bye"),
        "{why}"
    );
}

fn ktriage() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ktriage"))
}

#[test]
fn intake_command_follows_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("events.txt");
    let mut text = String::new();
    for f in ["alerts.jsonl", "alerts.txt", "malformed.txt"] {
        for l in fixture_lines(f) {
            text.push_str(&l);
            text.push('\n');
        }
    }
    std::fs::write(&path, &text).expect("write");
    let child = ktriage()
        .args(["intake", "--file"])
        .arg(&path)
        .args(["--from-start", "--json", "--duration", "2.5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ktriage intake runs");
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(800));
    append(&path, &format!("{}\n", fixture_lines("alerts.jsonl")[2]));
    let out = child.wait_with_output().expect("finishes");
    assert!(start.elapsed() < Duration::from_secs(10));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 10, "3 JSON + 6 text + 1 appended");
    for v in &lines {
        for k in [
            "time",
            "rule",
            "priority",
            "source",
            "hostname",
            "output",
            "output_fields",
            "tags",
        ] {
            assert!(v.get(k).is_some(), "{k} missing in {v}");
        }
    }
    assert_eq!(lines[3]["output_fields"]["container.id"], "fae86fdf29be");
    assert_eq!(lines[9]["rule"], "Write below binary dir");
    assert!(stderr.contains("10 alerts, 8 malformed lines"), "{stderr}");
    assert!(
        stderr.contains("malformed line"),
        "malformed lines are shown: {stderr}"
    );
}

#[test]
fn intake_command_reads_stdin_as_falco_text() {
    let mut child = ktriage()
        .args(["intake", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let seeds = fixture_lines("alerts.txt");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        for l in &seeds[..3] {
            writeln!(stdin, "{l}").expect("write");
        }
        writeln!(stdin, "garbage\x1b[2J").expect("write");
    }
    let out = child.wait_with_output().expect("ends with stdin");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let got: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        got,
        seeds[..3].iter().map(String::as_str).collect::<Vec<_>>()
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(r"garbage\x1b[2J"), "escaped: {stderr}");
    assert!(stderr.contains("3 alerts, 1 malformed lines"), "{stderr}");
}

#[test]
fn intake_command_usage_and_failures() {
    let out = ktriage().arg("intake").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = ktriage()
        .args(["intake", "--listen", "nonsense:addr"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    if !Path::new(JOURNAL_SOCKET).exists() {
        let out = ktriage()
            .args(["intake", "--journald", "--duration", "2"])
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("journald is not running"), "{stderr}");
    }
}

#[test]
fn intake_command_listens_for_http_output() {
    use std::io::BufRead;
    let mut child = ktriage()
        .args([
            "intake",
            "--listen",
            "127.0.0.1:0",
            "--json",
            "--duration",
            "4",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut err = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    let addr = loop {
        line.clear();
        assert!(
            err.read_line(&mut line).expect("stderr line") > 0,
            "no listening line"
        );
        if let Some((_, a)) = line.split_once("listening on ") {
            break a.trim().parse::<std::net::SocketAddr>().expect("address");
        }
    };
    assert!(addr.ip().is_loopback() && addr.port() != 0);
    let json = fixture_lines("alerts.jsonl");
    assert_eq!(
        request(addr, "POST", json[1].as_bytes(), Length::Exact).0,
        200
    );
    assert_eq!(request(addr, "POST", b"nope", Length::Exact).0, 400);
    let out = child.wait_with_output().expect("ends after --duration");
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut err, &mut rest);
    assert!(out.status.success(), "{rest}");
    let v: serde_json::Value =
        serde_json::from_slice(out.stdout.trim_ascii()).expect("one JSON line");
    assert_eq!(v["rule"], "Terminal shell in container");
    assert_eq!(v["output_fields"]["container.id"], "3f2a9c1b7d4e");
    assert!(rest.contains("1 alerts, 1 malformed lines"), "{rest}");
}
