//! `ktriage rules check` and `ktriage alerts` as an operator runs them: targets, located errors, the mock exam.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{bpf_available, ktriage_ok};

const BIN: &str = env!("CARGO_BIN_EXE_ktriage");

#[test]
fn rules_check_on_the_shipped_file_meets_the_targets() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/falco_rules.yaml");
    let out = ktriage_ok(&["rules", "check", "--json", &file.display().to_string()]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON report");
    let t = &v["totals"];
    assert_eq!(
        v["failed_files"].as_array().map(Vec::len),
        Some(0),
        "100% of the file parses"
    );
    assert_eq!(t["rules"], 25);
    assert_eq!(t["enabled"], 25);
    assert_eq!(t["errors"], 0);
    let pct = t["enabled_evaluable_pct"].as_f64().expect("pct");
    assert!(pct >= 90.0, "{t}");
    assert_eq!(t["enabled_evaluable"], 25, "{t}");
    let rules = v["rules"].as_array().expect("rules");
    let shadow = rules
        .iter()
        .find(|r| r["name"] == "Read sensitive file untrusted")
        .expect("rule listed");
    assert_eq!(shadow["status"], "evaluable");
    assert_eq!(
        shadow["event_types"],
        serde_json::json!(["open", "openat", "openat2"])
    );
    // the text form ends with the totals
    let text = ktriage_ok(&["rules", "check", &file.display().to_string()]);
    assert!(
        text.contains("25 rules loaded from 1 file(s): 25 enabled, 25 evaluable (25 of the enabled, 100.0%), 0 not evaluable, 0 with errors\n"),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with("0 error(s), 5 warning(s) in all"),
        "{text}"
    );
}

#[test]
fn rules_check_gives_located_errors_and_exit_codes() {
    let dir = tempfile::tempdir().expect("tmp");
    let bad = dir.path().join("bad_rules.yaml");
    std::fs::write(
        &bad,
        "- rule: Write below etc\n  desc: d\n  condition: open_write and fd.name startswith /etc and not etc_allowed\n  output: x %fd.name\n  priority: ERROR\n- rule: Typo\n  desc: d\n  condition: evt.type = openat and proc.nmae = x\n  output: x\n  priority: ERROR\n",
    )
    .expect("write");
    let out = Command::new(BIN)
        .args(["rules", "check", "--with-defaults"])
        .arg(&bad)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "rules have errors: {text}");
    let allowed = Command::new(BIN)
        .args(["rules", "check", "--allow-errors", "--with-defaults"])
        .arg(&bad)
        .output()
        .expect("runs");
    assert_eq!(allowed.status.code(), Some(0), "--allow-errors");
    let f = bad.display();
    assert!(
        text.contains(&format!(
            "{f}:3:61: error: rule \"Write below etc\": undefined macro `etc_allowed`"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{f}:8:36: error: rule \"Typo\": unknown field `proc.nmae`"
        )),
        "{text}"
    );
    assert!(text.contains("error: Typo: "), "{text}");
    let broken = dir.path().join("broken.yaml");
    std::fs::write(&broken, "- rule: x\n  condition: (a\n  output: [\n").expect("write");
    let out = Command::new(BIN)
        .args(["rules", "check"])
        .arg(&broken)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!("{}:4:1: error: invalid YAML", broken.display())),
        "{text}"
    );
}

const BIN_DIR_RULES: &str = "\
- macro: bin_dir
  condition: fd.directory in (/bin, /sbin, /usr/bin, /usr/sbin)

- rule: Write below binary dir
  desc: an attempt to write to any file below a set of binary directories
  condition: open_write and bin_dir
  output: File below a known binary directory opened for writing (user=%user.name file_updated=%fd.name command=%proc.cmdline)
  priority: CRITICAL
";

const OUTPUT_OVERRIDE: &str = "\
- rule: Read sensitive file untrusted
  output: Sensitive file read (overridden) file=%fd.name command=%proc.cmdline
  override:
    output: replace
";

fn whoami() -> String {
    let out = Command::new("id").arg("-un").output().expect("id -un");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// `ktriage alerts ARGS` with its stdout dropped and its stderr lines sent on the channel.
fn spawn_alerts(
    args: &[&std::ffi::OsStr],
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    let mut child = Command::new(BIN)
        .arg("alerts")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ktriage alerts");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (child, rx)
}

#[test]
fn mock_exam_write_below_binary_dir_and_output_override() {
    if !bpf_available("mock_exam_write_below_binary_dir_and_output_override") {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let local = dir.path().join("falco_rules.local.yaml");
    let over = dir.path().join("override.yaml");
    let alerts = dir.path().join("alerts.txt");
    std::fs::write(&local, BIN_DIR_RULES).expect("write");
    std::fs::write(&over, OUTPUT_OVERRIDE).expect("write");
    let (mut child, rx) = spawn_alerts(&[
        "--no-cri".as_ref(),
        "--duration".as_ref(),
        "30".as_ref(),
        "--rules".as_ref(),
        local.as_os_str(),
        "--rules".as_ref(),
        over.as_os_str(),
        "--alerts-file".as_ref(),
        alerts.as_os_str(),
    ]);
    let ready = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("ktriage starts");
    // 25 shipped rules + the local one (+ any /etc/falco/falco_rules.local.yaml rules)
    let n: usize = ready
        .split("watching with ")
        .nth(1)
        .and_then(|r| r.split(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("{ready}"));
    assert!(n >= 26, "{ready}");

    let scratch = format!("/usr/bin/ktriage-scratch-{}", std::process::id());
    assert!(
        Command::new("touch")
            .arg(&scratch)
            .status()
            .expect("touch")
            .success()
    );
    std::fs::remove_file(&scratch).expect("remove the scratch file");
    let shadow = Command::new("cat")
        .arg("/etc/shadow")
        .stdout(Stdio::null())
        .status()
        .expect("cat");
    assert!(shadow.success());

    // every alert ends with Falco's append_output suffix (on by default)
    let host = " container_id=host container_image=<NA> container_image_tag=<NA> \
container_name=host k8s_ns=<NA> k8s_pod_name=<NA>";
    let want_bin = format!(
        ": Critical File below a known binary directory opened for writing (user={} file_updated={scratch} command=touch {scratch}){host}",
        whoami()
    );
    let want_shadow = format!(
        ": Warning Sensitive file read (overridden) file=/etc/shadow command=cat /etc/shadow{host}"
    );
    let want_shadow = want_shadow.as_str();
    let end = Instant::now() + Duration::from_secs(15);
    let mut text = String::new();
    while Instant::now() < end {
        text = std::fs::read_to_string(&alerts).unwrap_or_default();
        if text.contains(&want_bin) && text.contains(want_shadow) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // SAFETY: signalling our own child by its pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().expect("wait");
    assert!(status.success(), "{status}");
    let line = text
        .lines()
        .find(|l| l.ends_with(&want_bin))
        .unwrap_or_else(|| panic!("no `{want_bin}` in:\n{text}"));
    let (clock, _) = line.split_once(": ").expect("time prefix");
    assert!(
        clock.len() == 18 && clock.as_bytes()[2] == b':' && clock.as_bytes()[8] == b'.',
        "{line}"
    );
    assert_eq!(line, format!("{clock}{want_bin}"));
    assert!(text.lines().any(|l| l.ends_with(want_shadow)), "{text}");
    assert!(
        !text.contains("Sensitive file opened for reading by non-trusted program"),
        "the shipped output was replaced: {text}"
    );
}

/// Six broken items (a YAML error inside one item, an unknown field, a syntax
/// error, an undefined macro, a bad priority, a rule without a condition) among
/// good ones; the flow-sequence layout yaml-cpp accepts; a newer engine version.
const SEVERAL_BROKEN: &str = "\
- required_engine_version: 0.99.0
- list: shells_here
  items: [
    sh, bash
  ]
- rule: Unknown field
  desc: d
  condition: evt.type=openat and proc.nmae=x
  output: o
  priority: INFO
- rule: Syntax
  desc: d
  condition: evt.type=openat and (proc.name=x
  output: o
  priority: INFO
- rule: Broken YAML
  desc: [unclosed
  output: o: p
- rule: Undefined macro
  desc: d
  condition: evt.type=openat and no_such_macro
  output: o
  priority: INFO
- rule: Bad priority
  desc: d
  condition: evt.type=openat
  output: o
  priority: LOUD
- rule: No condition
  desc: d
  output: o
  priority: INFO
- rule: Shell here
  desc: d
  condition: evt.type in (execve, execveat) and proc.name in (shells_here)
  output: shell %proc.name
  priority: INFO
";

#[test]
fn rules_check_counts_every_broken_item_and_loads_the_rest() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("several.yaml");
    std::fs::write(&f, SEVERAL_BROKEN).expect("write");
    let run = |extra: &[&str]| {
        Command::new(BIN)
            .args(["rules", "check"])
            .args(extra)
            .arg(&f)
            .output()
            .expect("runs")
    };
    let out = run(&["--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let t = &v["totals"];
    assert_eq!(t["error_diagnostics"], 6, "{v:#}");
    assert_eq!(t["warning_diagnostics"], 1, "{v:#}");
    assert_eq!(v["failed_files"], serde_json::json!([]), "the file loads");
    let shell = v["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["name"] == "Shell here")
        .expect("the good rule after the broken ones loads");
    assert_eq!(shell["status"], "evaluable");
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    let at = |line: u64| {
        diags
            .iter()
            .find(|d| d["line"] == line)
            .unwrap_or_else(|| panic!("a diagnostic at line {line}: {v:#}"))
    };
    assert!(
        at(1)["message"]
            .as_str()
            .unwrap_or_default()
            .contains("0.99.0")
    );
    assert!(
        at(1)["message"]
            .as_str()
            .unwrap_or_default()
            .contains("0.57.0")
    );
    assert!(
        at(18)["message"]
            .as_str()
            .unwrap_or_default()
            .contains("invalid YAML")
    );
    let text = String::from_utf8_lossy(&run(&[]).stdout).into_owned();
    assert!(text.contains("6 error(s), 1 warning(s) in all"), "{text}");
    assert_eq!(run(&["--allow-errors"]).status.code(), Some(0));
}

/// `alerts --audit-log`: the k8s_audit rules' alerts and the kernel rules' alerts out of one
/// command, each saying its source (JSON `source`; text lines `source=`).
#[test]
fn alerts_take_the_audit_log_beside_the_kernel() {
    if !bpf_available("alerts_take_the_audit_log_beside_the_kernel") {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let log = dir.path().join("audit.log");
    let alerts = dir.path().join("alerts.json");
    std::fs::write(&log, "").expect("log");
    let (mut child, rx) = spawn_alerts(&[
        "--no-cri".as_ref(),
        "--json".as_ref(),
        "--duration".as_ref(),
        "30".as_ref(),
        "--audit-log".as_ref(),
        log.as_os_str(),
        "--alerts-file".as_ref(),
        alerts.as_os_str(),
    ]);
    let end = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    while !seen.iter().any(|l: &String| l.contains("watching with")) {
        let left = end.saturating_duration_since(Instant::now());
        seen.push(rx.recv_timeout(left).unwrap_or_else(|_| panic!("{seen:?}")));
    }
    // the audit log grows (followed from its end) and a process reads /etc/shadow
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audit/audit.log");
    let end = Instant::now() + Duration::from_secs(15);
    let (mut audit, mut kernel) = (0, 0);
    while Instant::now() < end && (audit == 0 || kernel == 0) {
        let text = std::fs::read_to_string(&fixture).expect("fixture");
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&log)
            .expect("log");
        std::io::Write::write_all(&mut f, text.as_bytes()).expect("append");
        let cat = Command::new("cat")
            .arg("/etc/shadow")
            .stdout(Stdio::null())
            .status()
            .expect("cat");
        assert!(cat.success());
        std::thread::sleep(Duration::from_millis(300));
        let got = std::fs::read_to_string(&alerts).unwrap_or_default();
        let sources: Vec<String> = got
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|v| v["source"].as_str().unwrap_or("").to_string())
            .collect();
        audit = sources.iter().filter(|s| *s == "k8s_audit").count();
        kernel = sources.iter().filter(|s| *s == "syscall").count();
    }
    // SAFETY: signalling our own child by its pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().expect("wait");
    assert!(status.success(), "{status}");
    assert!(
        audit > 0 && kernel > 0,
        "k8s_audit {audit}, syscall {kernel}"
    );
}
