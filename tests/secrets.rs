//! Command-line secrets stay masked where users meet them: `inspect` (JSON and text) of a real process, and an engine alert on the live kernel stream.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::bpf_available;

const BIN: &str = env!("CARGO_BIN_EXE_ktriage");
const TOKEN: &str = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";

/// A process whose argv carries `--password=hunter2` and a GitHub token; killed on drop.
struct Victim(std::process::Child);

impl Drop for Victim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn victim() -> Victim {
    // `sh -c 'sleep 30' NAME ARGS...`: the extra words are argv of the shell
    let child = Command::new("sh")
        .args([
            "-c",
            "sleep 30",
            "kt-secret-victim",
            "--password=hunter2",
            "--token",
            TOKEN,
        ])
        .stdin(Stdio::null())
        .spawn()
        .expect("sh");
    let pid = child.id();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !std::fs::read(format!("/proc/{pid}/cmdline"))
        .unwrap_or_default()
        .windows(7)
        .any(|w| w == b"hunter2")
    {
        assert!(Instant::now() < deadline, "victim never exec'd");
        std::thread::yield_now();
    }
    Victim(child)
}

fn inspect(pid: u32, extra: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(["inspect", &pid.to_string(), "--no-kube"])
        .args(extra)
        .output()
        .expect("ktriage inspect");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn inspect_masks_argv_unless_revealed() {
    let v = victim();
    let pid = v.0.id();
    let json = inspect(pid, &["--json"]);
    let j: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let argv: Vec<&str> = j["overview"]["cmdline"]
        .as_array()
        .expect("cmdline")
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert_eq!(
        argv,
        [
            "sh",
            "-c",
            "sleep 30",
            "kt-secret-victim",
            "--password=••••••••",
            "--token",
            "••••••••"
        ]
    );
    assert!(!json.contains("hunter2") && !json.contains(TOKEN), "{json}");
    let text = inspect(pid, &[]);
    assert!(text.contains("--password=••••••••"), "{text}");
    assert!(!text.contains("hunter2") && !text.contains(TOKEN), "{text}");
    let revealed = inspect(pid, &["--json", "--reveal-secrets"]);
    assert!(revealed.contains("--password=hunter2") && revealed.contains(TOKEN));
}

const RULE: &str = "\
- rule: Secret victim spawned
  desc: a shell whose argv carries secrets
  condition: evt.type in (execve, execveat) and proc.name = sh and proc.args contains kt-secret-victim
  output: victim (command=%proc.cmdline args=%proc.args)
  priority: WARNING
";

#[test]
fn engine_alerts_mask_the_cmdline() {
    if !bpf_available("engine_alerts_mask_the_cmdline") {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let rules = dir.path().join("victim.yaml");
    std::fs::write(&rules, RULE).expect("write");
    let mut child = Command::new(BIN)
        .args([
            "alerts",
            "--no-cri",
            "--no-default-rules",
            "--json",
            "--duration",
            "30",
            "--rules",
        ])
        .arg(&rules)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ktriage alerts");
    let stderr = child.stderr.take().expect("stderr");
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = ready_tx.send(line);
        }
    });
    let ready = ready_rx
        .recv_timeout(Duration::from_secs(20))
        .expect("ktriage starts");
    assert!(ready.contains("watching with"), "{ready}");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let v = victim();
    let line = rx
        .recv_timeout(Duration::from_secs(15))
        .expect("an alert for the victim");
    drop(v);
    // SAFETY: signalling our own child by its pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let _ = child.wait();
    let a: serde_json::Value = serde_json::from_str(&line).expect("alert JSON");
    let output = a["output"].as_str().expect("output");
    assert!(
        output.contains("--password=•••••••• --token ••••••••"),
        "{output}"
    );
    assert!(!line.contains("hunter2") && !line.contains(TOKEN), "{line}");
    let cmdline = a["output_fields"]["proc.cmdline"].as_str().expect("field");
    assert!(
        cmdline.ends_with("--password=•••••••• --token ••••••••"),
        "{cmdline}"
    );
}
