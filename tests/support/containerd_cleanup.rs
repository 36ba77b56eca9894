//! Teardown of a ContainerdPod: stop the pod, the daemon and its shims by pid, unmount, remove dirs and cgroups.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::*;

/// cgroup mounts: (is v2, mount options, mount point).
pub(super) fn cgroup_mounts() -> Vec<(bool, Vec<String>, PathBuf)> {
    let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap_or_default();
    mounts
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let (dir, fstype, opts) = (f.get(1)?, f.get(2)?, f.get(3)?);
            let v2 = match *fstype {
                "cgroup2" => true,
                "cgroup" => false,
                _ => return None,
            };
            let opts = opts.split(',').map(String::from).collect();
            Some((v2, opts, PathBuf::from(dir)))
        })
        .collect()
}

/// Pids of processes whose command line mentions `needle` (our shims carry our socket path).
fn pids_mentioning(needle: &str) -> Vec<i32> {
    let Ok(rd) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    rd.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains(needle))
        })
        .collect()
}

fn unmount_under(dir: &Path) {
    let info = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let prefix = dir.to_string_lossy().into_owned();
    let mut points: Vec<&str> = info
        .lines()
        .filter_map(|l| l.split_whitespace().nth(4))
        .filter(|p| p.starts_with(&prefix))
        .collect();
    points.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for p in points {
        if let Ok(c) = std::ffi::CString::new(p) {
            // SAFETY: a valid NUL-terminated path; MNT_DETACH never blocks.
            unsafe { libc::umount2(c.as_ptr(), libc::MNT_DETACH) };
        }
    }
}

impl Drop for ContainerdPod {
    fn drop(&mut self) {
        // 1. Pods first, while the daemon can still stop them.
        self.teardown_pod();
        // 2. The daemon, by pid: SIGTERM, then SIGKILL after 5 s.
        if let Some(mut child) = self.daemon.take() {
            if let Ok(pid) = i32::try_from(child.id()) {
                // SAFETY: signalling our own child by pid.
                unsafe { libc::kill(pid, libc::SIGTERM) };
            }
            let end = Instant::now() + Duration::from_secs(5);
            while child.try_wait().ok().flatten().is_none() && Instant::now() < end {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        // 3. Shims left behind (only if the teardown failed), by pid.
        for pid in pids_mentioning(&self.socket.to_string_lossy()) {
            // SAFETY: plain kill(2) of a process that names our private socket.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
        // 4. Mounts under our dir, then the dir.
        unmount_under(&self.dir);
        let _ = std::fs::remove_dir_all(&self.dir);
        // 5. The pod cgroups (leaves, pod<uid>) and empty `besteffort`/`kubepods` parents.
        for pod_dir in &self.pod_cgroup_dirs {
            if let Ok(rd) = std::fs::read_dir(pod_dir) {
                for e in rd.flatten().filter(|e| e.path().is_dir()) {
                    let _ = std::fs::remove_dir(e.path());
                }
            }
            let _ = std::fs::remove_dir(pod_dir);
            let mut up = pod_dir.parent();
            while let Some(p) = up.filter(|p| {
                p.file_name()
                    .is_some_and(|n| n == "besteffort" || n == "kubepods")
            }) {
                let _ = std::fs::remove_dir(p);
                up = p.parent();
            }
        }
        // 6. containerd's fixed shim-socket dir, if we made /run/containerd.
        if !self.run_containerd_existed {
            let _ = std::fs::remove_dir(Path::new(RUN_CONTAINERD).join("s"));
            let _ = std::fs::remove_dir(RUN_CONTAINERD);
        }
    }
}
