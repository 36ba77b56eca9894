//! Real kernel: a comm holding terminal escape sequences comes out as valid JSON and as sanitized text.

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use support::bpf_available;

const SCRIPT: &str = r#"
import ctypes, os, time
libc = ctypes.CDLL(None)
time.sleep(1.0)
libc.prctl(15, b"ev\x1b[2J\x07il", 0, 0, 0)
for i in range(20):
    os.close(os.open("/etc/hostname", os.O_RDONLY))
    time.sleep(0.02)
"#;

fn run_stream(json: bool) -> String {
    let mut args = vec![
        "stream",
        "--comm",
        "ev",
        "--syscall",
        "openat",
        "--duration",
        "2.5",
    ];
    if json {
        args.insert(1, "--json");
    }
    let ktriage = Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ktriage runs");
    std::thread::sleep(Duration::from_millis(300));
    let st = Command::new("python3")
        .args(["-c", SCRIPT])
        .status()
        .expect("python3");
    assert!(st.success());
    let out = ktriage.wait_with_output().expect("ktriage output");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn hostile_comm_is_valid_json() {
    if !bpf_available("hostile_comm_is_valid_json") {
        return;
    }
    let out = run_stream(true);
    let mut seen = 0;
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("every line is valid JSON");
        if v["comm"] == "ev\u{1b}[2J\u{7}il" {
            seen += 1;
            assert!(
                line.contains(r"ev\u001b[2J\u0007il"),
                "control bytes escaped by JSON: {line}"
            );
        }
    }
    assert!(seen > 0, "the hostile process was seen:\n{out}");
}

#[test]
fn hostile_comm_is_sanitized_in_text() {
    if !bpf_available("hostile_comm_is_sanitized_in_text") {
        return;
    }
    let out = run_stream(false);
    assert!(
        out.contains(r"ev\x1b[2J\x07il"),
        "escapes shown visibly:\n{out}"
    );
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{7}'),
        "no raw control bytes reach the terminal"
    );
}
