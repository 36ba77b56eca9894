//! Kubernetes audit events end to end: the audit log followed across rename rotation and copytruncate, webhook EventList POSTs (oversize refused, slow client cut), malformed lines counted, the k8s_audit rules over the fixtures, and `ktriage audit`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use ktriage::alerts::intake::http::HttpIntake;
use ktriage::alerts::intake::http_conn::HttpLimits;
use ktriage::alerts::intake::{IntakeFeed, IntakeSink, IntakeSource, MAX_BODY, run_source};
use ktriage::model::audit::AuditEvent;
use tokio::sync::mpsc;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audit/audit.log")
}

fn fixture_lines() -> Vec<String> {
    std::fs::read_to_string(fixture())
        .expect("fixture")
        .lines()
        .map(str::to_string)
        .collect()
}

/// What the core would have received from an audit intake.
#[derive(Default)]
struct Seen {
    events: Vec<AuditEvent>,
    malformed: u64,
    reasons: Vec<String>,
}

impl Seen {
    fn ids(&self) -> Vec<String> {
        self.events
            .iter()
            .map(|e| format!("{}:{}", e.audit_id, e.stage))
            .collect()
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
            Ok(Some(IntakeFeed::Audit(a))) => seen.events.extend(a),
            Ok(Some(IntakeFeed::Alerts(a))) => panic!("an audit intake sent alerts: {a:?}"),
            Ok(Some(IntakeFeed::Stats(s))) => {
                seen.malformed = s.malformed;
                seen.reasons.extend(s.samples.into_iter().map(|m| m.reason));
            }
            Ok(None) | Err(_) => break,
        }
    }
}

fn append(path: &Path, lines: &[String]) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("open");
    for l in lines {
        writeln!(f, "{l}").expect("write");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_log_followed_across_rotation_and_copytruncate() {
    let lines = fixture_lines();
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("audit.log");
    append(&path, &lines[..4]);
    let (tx, mut rx) = mpsc::channel(64);
    tokio::spawn(run_source(
        IntakeSource::AuditFile {
            path: path.clone(),
            from_start: true,
        },
        tx,
    ));
    let mut seen = Seen::default();
    collect(&mut rx, &mut seen, 10, |s| s.events.len() >= 4).await;
    assert_eq!(seen.events.len(), 4, "the first lines");
    // Rename rotation (the API server's --audit-log-maxsize): the old file gets a last
    // line before the new one appears; both are read.
    append(&path, &lines[4..5]);
    std::fs::rename(&path, dir.path().join("audit-2026-11-30T10-00-04.log")).expect("rotate");
    append(&path, &lines[5..8]);
    append(&path, &["{\"kind\":\"Event\",\"auditID\":".to_string()]);
    append(&path, &["not json at all".to_string()]);
    collect(&mut rx, &mut seen, 10, |s| {
        s.events.len() >= 8 && s.malformed >= 2
    })
    .await;
    assert_eq!(
        seen.events.len(),
        8,
        "lines across the rename: {:?}",
        seen.ids()
    );
    assert_eq!(seen.malformed, 2, "malformed lines counted, not fatal");
    assert!(
        seen.reasons.iter().all(|r| r.starts_with("invalid JSON")),
        "{:?}",
        seen.reasons
    );
    // copytruncate (logrotate): the content is copied away and the file cut to zero, then written again.
    std::fs::copy(&path, dir.path().join("audit.log.1")).expect("copy");
    std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&path)
        .expect("truncate");
    append(&path, &lines[8..]);
    collect(&mut rx, &mut seen, 10, |s| s.events.len() >= lines.len()).await;
    let want: Vec<String> = lines
        .iter()
        .map(|l| {
            let e: AuditEvent = serde_json::from_str(l).expect("fixture line");
            format!("{}:{}", e.audit_id, e.stage)
        })
        .collect();
    assert_eq!(seen.ids(), want, "every event once, in order");
    // Secrets never kept: the fixture's RequestResponse read of `other` carried its data.
    let other = seen
        .events
        .iter()
        .find(|e| e.name() == "other")
        .expect("secret read");
    assert!(other.response_object.is_none());
    assert!(seen.events.iter().all(|e| e.time_ns > 0));
}

/// One raw HTTP/1.1 POST on a fresh connection: (status code, body).
fn post(addr: SocketAddr, body: &[u8], claimed: Option<usize>) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let head = format!(
        "POST /audit HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        claimed.unwrap_or(body.len())
    );
    s.write_all(head.as_bytes()).expect("headers");
    let _ = s.write_all(body);
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    let text = String::from_utf8_lossy(&resp).into_owned();
    let code = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    (
        code,
        text.split("\r\n\r\n").nth(1).unwrap_or("").to_string(),
    )
}

fn event_list(lines: &[String]) -> String {
    format!(
        "{{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{{}},\"items\":[{}]}}",
        lines.join(",")
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_takes_event_lists_and_keeps_the_falco_intakes_protections() {
    let limits = HttpLimits {
        request_deadline: Duration::from_millis(1000),
        idle_timeout: Duration::from_millis(700),
        ..HttpLimits::default()
    };
    let http = HttpIntake::bind("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("bind")
        .with_limits(limits);
    let addr = http.local_addr();
    let (tx, mut rx) = mpsc::channel(64);
    tokio::spawn(http.serve(IntakeSink::new("audit:http", tx).audit()));
    let lines = fixture_lines();
    let good = event_list(&lines);
    let bad_item = event_list(&[lines[0].clone(), "{\"auditID\":\"x\"}".to_string()]);
    let handle = tokio::task::spawn_blocking(move || {
        let codes = [
            post(addr, good.as_bytes(), None).0,
            post(addr, bad_item.as_bytes(), None).0,
            post(addr, b"[oops", None).0,
            post(addr, b"{}", Some(MAX_BODY + 1)).0,
        ];
        // A body that stalls after a few bytes is cut at the request deadline.
        let mut stalled = TcpStream::connect(addr).expect("connect");
        stalled
            .write_all(b"POST /audit HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{\"kind")
            .expect("partial body");
        stalled
            .set_read_timeout(Some(Duration::from_millis(50)))
            .expect("timeout");
        let t0 = Instant::now();
        let mut cut = None;
        let mut buf = [0u8; 256];
        while t0.elapsed() < Duration::from_secs(3) {
            match stalled.read(&mut buf) {
                Ok(0) => {
                    cut = Some(t0.elapsed());
                    break;
                }
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => {
                    cut = Some(t0.elapsed());
                    break;
                }
            }
        }
        (codes, cut)
    });
    let (codes, cut) = handle.await.expect("clients");
    assert_eq!(codes, [200, 400, 400, 413]);
    let cut = cut.expect("the stalled client was dropped");
    assert!(
        cut >= Duration::from_millis(900) && cut < Duration::from_millis(2000),
        "stalled body cut at {cut:?} (deadline 1 s)"
    );
    let mut seen = Seen::default();
    collect(&mut rx, &mut seen, 10, |s| {
        s.events.len() > lines.len() && s.malformed >= 3
    })
    .await;
    assert_eq!(
        seen.events.len(),
        lines.len() + 1,
        "12 + the good item of the second list"
    );
    assert_eq!(
        seen.malformed, 3,
        "bad item, bad JSON, oversize: {:?}",
        seen.reasons
    );
}

fn ktriage(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .args(args)
        .output()
        .expect("run ktriage");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn audit_rules_over_the_fixtures_raise_the_expected_alerts() {
    let f = fixture();
    let (ok, out, err) = ktriage(&["audit", "--json", "--file", f.to_str().unwrap()]);
    assert!(ok, "{err}");
    let mut rules = Vec::new();
    let mut events = 0;
    for l in out.lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
        match v.get("rule").and_then(|r| r.as_str()) {
            Some(r) => {
                assert_eq!(v["source"], "k8s_audit");
                rules.push((r.to_string(), v["output_fields"]["ka.target.name"].clone()));
            }
            None => events += 1,
        }
    }
    assert_eq!(events, 12);
    let names: Vec<(&str, &str)> = rules
        .iter()
        .map(|(r, n)| (r.as_str(), n.as_str().unwrap_or("?")))
        .collect();
    assert_eq!(
        names,
        [
            ("Read Watched Secret", "db-credentials"),
            ("Attach/Exec Pod", "web"),
            ("Create Privileged Pod", "priv"),
            ("Create HostNetwork Pod", "hostnet"),
            ("Create Sensitive Mount Pod", "etcmount"),
        ],
        "one alert per rule, on its event only (RequestReceived/ResponseComplete of the exec and the plain pod raise none)"
    );
    assert!(
        !out.contains("aHVudGVyMg=="),
        "a secret's data never printed"
    );
}

#[test]
fn audit_command_filters_answer_who_questions_and_counts_malformed_lines() {
    let dir = tempfile::tempdir().expect("tmp");
    let log = dir.path().join("audit.log");
    let mut text = std::fs::read_to_string(fixture()).expect("fixture");
    text.push_str("garbage\n{\"kind\":\"Event\"}\n");
    std::fs::write(&log, text).expect("write");
    let p = log.to_str().unwrap();
    // Who exec'd into pod web?
    let (ok, out, err) = ktriage(&[
        "audit",
        "--file",
        p,
        "--no-default-rules",
        "resource:pods/exec",
        "pod:web",
    ]);
    assert!(ok, "{err}");
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{out}");
    assert!(
        rows.iter()
            .all(|r| r.contains("mallory") && r.contains("pods/exec"))
    );
    assert!(
        err.contains("malformed line 13") && err.contains("malformed line 14"),
        "{err}"
    );
    assert!(err.contains("2 malformed lines"), "{err}");
    // Who read secret db-credentials (completed reads only)?
    let (_, out, _) = ktriage(&[
        "audit",
        "--file",
        p,
        "verb:get",
        "resource:secrets",
        "db-credentials",
        "--no-default-rules",
    ]);
    let rows: Vec<&str> = out
        .lines()
        .skip(1)
        .filter(|l| l.contains("ResponseComplete"))
        .collect();
    assert_eq!(rows.len(), 1, "{out}");
    assert!(rows[0].contains("alice"));
    // A FIFO is refused at once, never waited on.
    let fifo = dir.path().join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );
    let (ok, _, err) = ktriage(&["audit", "--file", fifo.to_str().unwrap()]);
    assert!(!ok && err.contains("FIFO"), "{err}");
    // Bad filter: usage error.
    let (ok, _, err) = ktriage(&["audit", "--file", p, "user:"]);
    assert!(!ok && err.contains("needs a value"), "{err}");
}

#[test]
fn rules_check_reports_unknown_ka_fields() {
    let dir = tempfile::tempdir().expect("tmp");
    let rules = dir.path().join("audit_rules.yaml");
    std::fs::write(
        &rules,
        "- rule: Bad field\n  desc: x\n  condition: ka.verb=get and ka.nonsense=1\n  output: x %ka.user.name\n  priority: WARNING\n  source: k8s_audit\n",
    )
    .expect("write");
    let (ok, out, _) = ktriage(&["rules", "check", rules.to_str().unwrap()]);
    assert!(!ok, "an unknown field is an error");
    assert!(out.contains("unknown field `ka.nonsense`"), "{out}");
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/k8s_audit_rules.yaml");
    let (ok, out, _) = ktriage(&["rules", "check", shipped.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(!out.contains("no event type restriction"), "{out}");
}
