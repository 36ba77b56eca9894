//! The lab's containerd: its private config, started in its own session (it outlives `drill start`), ready when CRI answers.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{LabDirs, LabError, PAUSE_IMAGE, procs};
use crate::identity::cri::CriClient;
use crate::safe_fs;

/// containerd's config: every path (socket, ttrpc socket, root, state, runc root, CNI
/// dirs) under `dirs`, runc as the runtime, no CNI, pods sandboxed by `sandbox_image`.
pub fn config_toml(dirs: &LabDirs, sandbox_image: &str) -> String {
    let (run, root) = (dirs.run.display(), dirs.root.display());
    format!(
        r#"version = 2
root = "{root}/root"
state = "{run}/state"

[grpc]
  address = "{run}/containerd.sock"

[ttrpc]
  address = "{run}/containerd.sock.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "{root}/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "{sandbox_image}"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "{root}/cni/bin"
    conf_dir = "{root}/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "runc"
        Root = "{run}/runc"
        SystemdCgroup = false
"#
    )
}

/// Last lines of containerd's log (for error messages).
pub fn log_tail(dirs: &LabDirs) -> String {
    let log = safe_fs::read_input("", &dirs.log(), 64 << 20).unwrap_or_default();
    let log = String::from_utf8_lossy(&log);
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// Starts containerd detached (own session, stdio to the log); its pid and start ticks.
pub fn spawn(dirs: &LabDirs) -> Result<(i32, u64), LabError> {
    let cfg = dirs.config();
    safe_fs::create_output("", &cfg, safe_fs::Existing::Truncate)?
        .write_all(config_toml(dirs, PAUSE_IMAGE).as_bytes())
        .map_err(|e| LabError::io(format!("writing {}", cfg.display()), e))?;
    let log = safe_fs::create_output("", &dirs.log(), safe_fs::Existing::Truncate)?;
    let log2 = log
        .try_clone()
        .map_err(|e| LabError::io("containerd log", e))?;
    let mut cmd = Command::new("containerd");
    cmd.arg("--config")
        .arg(&cfg)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log2);
    // SAFETY: setsid is async-signal-safe; the child leaves our session and
    // process group, so a Ctrl-C at `drill start` does not reach it.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let child = cmd
        .spawn()
        .map_err(|e| LabError::io("starting containerd", e))?;
    let pid = child.id() as i32;
    drop(child);
    let ticks = procs::start_ticks(pid).unwrap_or(0);
    Ok((pid, ticks))
}

/// Waits (≤ 20 s) until containerd's CRI answers on the lab socket.
pub async fn wait_ready(dirs: &LabDirs, pid: i32, ticks: u64) -> Result<CriClient, LabError> {
    let socket = dirs.socket();
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        if procs::start_ticks(pid) != Some(ticks) {
            return Err(runtime_error(
                dirs,
                "containerd exited",
                "before it answered",
            ));
        }
        if socket.exists() {
            match CriClient::connect_with_timeout(Some(&socket), Duration::from_secs(30)).await {
                Ok(c) => return Ok(c),
                Err(e) if Instant::now() >= end => {
                    return Err(runtime_error(dirs, "containerd not ready", &e.to_string()));
                }
                Err(_) => {}
            }
        }
        if Instant::now() >= end {
            return Err(runtime_error(
                dirs,
                "containerd not ready",
                "no socket after 20 s",
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A runtime error with containerd's log tail.
pub fn runtime_error(dirs: &LabDirs, what: &str, detail: &str) -> LabError {
    LabError::Runtime {
        what: what.into(),
        detail: detail.into(),
        log: log_tail(dirs),
    }
}
