//! Running a verify script (an imported killercoda step's check): in the lab's context, no terminal, a timeout, its output captured under a cap.
//!
//! The script runs as `sh -c SCRIPT NAME` (`bash -c` when its `#!` line names
//! bash and bash is installed) in the lab's work directory, in a session of its
//! own (no controlling terminal), stdin `/dev/null`, with a clean environment:
//! `PATH`, `HOME` (the work directory), `LANG=C`, `KTRIAGE_LAB` (the lab's run
//! directory), `KTRIAGE_WORK`, `KTRIAGE_ANSWER` (the last answer given),
//! `CONTAINERD_ADDRESS` and `CONTAINERD_NAMESPACE=k8s.io` (for `ctr`) and
//! `CONTAINER_RUNTIME_ENDPOINT` (for `crictl`). Past its timeout the whole
//! process group is killed.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::lab::LabDirs;

/// Output kept per stream (the rest is read and dropped).
const OUTPUT_CAP: usize = 64 << 10;
/// Lines of output a failure reason quotes.
const REASON_LINES: usize = 3;
/// PATH of the script.
const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// How a script ended.
#[derive(Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Exit code (128 + signal when killed by one), `None` when it ran out of time.
    pub code: Option<i32>,
    /// stdout then stderr, each cut at the cap (not sanitized).
    pub output: String,
}

fn interpreter(script: &str) -> &'static str {
    let first = script.lines().next().unwrap_or("");
    if first.starts_with("#!") && first.contains("bash") && super::lab::which("bash").is_some() {
        "bash"
    } else {
        "sh"
    }
}

/// Reads `r` on a thread of its own: its chunks (up to the cap) on the channel, then `None` at its end.
fn drain(mut r: impl Read + Send + 'static) -> std::sync::mpsc::Receiver<Option<Vec<u8>>> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        let mut room = OUTPUT_CAP;
        while let Ok(n) = r.read(&mut buf) {
            if n == 0 {
                break;
            }
            if room > 0 {
                let k = n.min(room);
                room -= k;
                let _ = tx.send(Some(buf[..k].to_vec()));
            }
        }
        let _ = tx.send(None);
    });
    rx
}

/// What `rx` brought until its end or `until`; a note when it had not ended.
fn collect(rx: &std::sync::mpsc::Receiver<Option<Vec<u8>>>, until: Instant, out: &mut Vec<u8>) {
    loop {
        match rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
            Ok(Some(b)) => out.extend(b),
            Ok(None) => return,
            Err(_) => {
                out.extend_from_slice(b"\n(output cut: a process the script left holds it open)\n");
                return;
            }
        }
    }
}

/// Runs `script` (called `name` in `$0`) against the lab in `dirs`, `answer` in `KTRIAGE_ANSWER`.
pub fn run(
    dirs: &LabDirs,
    name: &str,
    script: &str,
    answer: &str,
    timeout: Duration,
) -> std::io::Result<Verdict> {
    let socket = dirs.socket().display().to_string();
    let mut cmd = Command::new(interpreter(script));
    cmd.arg("-c")
        .arg(script)
        .arg(name)
        .current_dir(dirs.work())
        .env_clear()
        .env("PATH", PATH)
        .env("HOME", dirs.work())
        .env("LANG", "C")
        .env("KTRIAGE_LAB", &dirs.run)
        .env("KTRIAGE_WORK", dirs.work())
        .env("KTRIAGE_ANSWER", answer)
        .env("CONTAINERD_ADDRESS", &socket)
        .env("CONTAINERD_NAMESPACE", "k8s.io")
        .env("CONTAINER_RUNTIME_ENDPOINT", format!("unix://{socket}"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: setsid(2) is async-signal-safe; between fork and exec it only makes the child
    // a session (and process group) leader without a controlling terminal.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn()?;
    let out = child.stdout.take().map(drain);
    let err = child.stderr.take().map(drain);
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(st) = child.try_wait()? {
            break Some(st);
        }
        if Instant::now() >= deadline {
            // SAFETY: kill(2) of the process group the child leads (setsid above).
            unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // Kill what the script left running in its group, so the pipes close.
    // SAFETY: as above; the group may be gone already (ESRCH is fine).
    unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
    // A process that left the group (setsid) may hold the pipes open: wait a moment, no more.
    let mut output = Vec::new();
    let grace = Instant::now() + Duration::from_secs(1);
    for rx in [out, err].iter().flatten() {
        collect(rx, grace, &mut output);
    }
    let code = status.map(|st| {
        use std::os::unix::process::ExitStatusExt;
        st.code().unwrap_or_else(|| 128 + st.signal().unwrap_or(0))
    });
    Ok(Verdict {
        code,
        output: String::from_utf8_lossy(&output).into_owned(),
    })
}

/// The check's outcome: passes on exit 0; else why, quoting the output's last lines (one line).
pub fn outcome(name: &str, v: &Verdict, timeout: Duration) -> Result<(), String> {
    let tail: Vec<&str> = v
        .output
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let tail = tail[tail.len().saturating_sub(REASON_LINES)..].join(" | ");
    let said = if tail.is_empty() {
        String::new()
    } else {
        format!(": {tail}")
    };
    match v.code {
        Some(0) => Ok(()),
        Some(c) => Err(format!("{name} exited with status {c}{said}")),
        None => Err(format!(
            "{name} did not finish in {} s (killed){said}",
            timeout.as_secs()
        )),
    }
}

#[cfg(test)]
#[path = "verify_tests.rs"]
mod tests;
