//! The flight recorder to disk on the real kernel: an alert writes a session file with what came before it (a unique
//! path opened a second earlier) and after it, named by time and rule; the file cap is honoured and said.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use support::bpf_available;

const BIN: &str = env!("CARGO_BIN_EXE_ktriage");

fn run(cmd: &str) {
    let st = Command::new("sh")
        .args(["-c", cmd])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success() || cmd.contains("2>/dev/null"));
}

#[test]
fn an_alert_writes_what_came_before_and_after_it() {
    let t = "an_alert_writes_what_came_before_and_after_it";
    if !bpf_available(t) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let mut child = Command::new(BIN)
        .args([
            "record",
            "--flight-dir",
            d,
            "--flight-before",
            "5",
            "--flight-after",
            "1",
        ])
        .args(["--flight-max-files", "1", "--no-default-rules", "--rules"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rules/falco_rules.yaml"
        ))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        for l in BufReader::new(err).lines().map_while(Result::ok) {
            eprintln!("[record] {l}");
            if l.contains("sources started") {
                let _ = tx.send(());
            }
            all.push(l);
        }
        all
    });
    rx.recv_timeout(Duration::from_secs(60)).expect("started");
    let before = format!("/tmp/ktriage-flight-before-{}", std::process::id());
    run(&format!("cat {before} 2>/dev/null; true"));
    std::thread::sleep(Duration::from_secs(1));
    run("cat /etc/shadow");
    // after the first file's window: a second alert meets the cap of one file
    std::thread::sleep(Duration::from_secs(3));
    run("cat /etc/shadow");
    std::thread::sleep(Duration::from_secs(2));
    // SAFETY: kill() on our own child's pid; no memory is involved.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    assert!(child.wait().unwrap().success());
    let log = reader.join().unwrap().join("\n");

    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}\n{log}");
    let f = &files[0];
    let name = f.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.ends_with("-Read_sensitive_file_untrusted.ktr") && name.starts_with("20"),
        "{name}"
    );
    assert!(
        log.contains("cap is reached"),
        "the second alert is said to be skipped:\n{log}"
    );
    let o = Command::new(BIN)
        .args(["verify", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let o = Command::new(BIN)
        .args(["replay", f.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    let events = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        events.contains(&before),
        "the second before the alert is in the file"
    );
    assert!(events.contains("/etc/shadow"));
    let o = Command::new(BIN)
        .args(["alerts", "--from", f.to_str().unwrap()])
        .output()
        .unwrap();
    let alerts = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        alerts.matches("Sensitive file opened").count(),
        1,
        "{alerts}"
    );
}
