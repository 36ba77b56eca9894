//! Processes and cgroups of the lab, found in /proc: who mentions our directories, who is in our pod cgroups, and killing them by pid.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::UID_PREFIX;

/// Start time (clock ticks since boot) of `pid`, field 22 of `/proc/PID/stat`; `None` when gone.
pub fn start_ticks(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let mut f = after.split(' ');
    let state = f.next()?;
    if state == "Z" || state == "X" {
        return None;
    }
    f.nth(18)?.parse().ok()
}

/// Pids of containerd processes (the daemon, its shims: `comm` starts with `containerd`)
/// whose command line mentions `needle` (our config or socket path); never ours. Other
/// processes that name the lab's files (an editor on a rules file) are left alone.
pub fn pids_mentioning(needle: &str) -> Vec<i32> {
    let me = std::process::id() as i32;
    all_pids()
        .into_iter()
        .filter(|&pid| pid != me)
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.starts_with("containerd"))
                && std::fs::read(format!("/proc/{pid}/cmdline"))
                    .is_ok_and(|c| String::from_utf8_lossy(&c).contains(needle))
                && start_ticks(*pid).is_some()
        })
        .collect()
}

fn all_pids() -> Vec<i32> {
    std::fs::read_dir("/proc").map_or_else(
        |_| Vec::new(),
        |rd| {
            rd.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
                .collect()
        },
    )
}

/// Sends `sig` to `pid`, reaping it if it is our child.
pub fn signal(pid: i32, sig: i32) {
    if pid <= 1 {
        return;
    }
    // SAFETY: kill(2) of a pid we identified as the lab's; no memory involved.
    unsafe { libc::kill(pid, sig) };
    reap(pid);
}

fn reap(pid: i32) {
    let mut status = 0;
    // SAFETY: waitpid with WNOHANG on one pid; fails harmlessly when not our child.
    unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
}

/// SIGTERM, then SIGKILL after `grace`; true when it is gone.
pub fn stop_pid(pid: i32, ticks: u64, grace: Duration) -> bool {
    let alive = || start_ticks(pid) == Some(ticks);
    if !alive() {
        reap(pid);
        return true;
    }
    signal(pid, libc::SIGTERM);
    let end = Instant::now() + grace;
    while alive() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(20));
        reap(pid);
    }
    if alive() {
        signal(pid, libc::SIGKILL);
        let end = Instant::now() + Duration::from_secs(5);
        while alive() && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(20));
            reap(pid);
        }
    }
    !alive()
}

/// Mount points of cgroup hierarchies (v1 and v2).
pub fn cgroup_mounts() -> Vec<PathBuf> {
    let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap_or_default();
    mounts
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let dir = PathBuf::from(f.get(1)?);
            matches!(*f.get(2)?, "cgroup" | "cgroup2").then_some(dir)
        })
        .collect()
}

/// Every lab pod cgroup directory (`<mount>/kubepods/besteffort/pod6b746c61-6c61-...`), in every hierarchy.
pub fn lab_pod_cgroups() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for m in cgroup_mounts() {
        let parent = m.join("kubepods/besteffort");
        let Ok(rd) = std::fs::read_dir(&parent) else {
            continue;
        };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(&format!("pod{UID_PREFIX}")) && e.path().is_dir() {
                out.push(e.path());
            }
        }
    }
    out
}

/// Pids in `dir` and its child cgroups.
pub fn cgroup_pids(dir: &Path) -> Vec<i32> {
    let mut pids: Vec<i32> = std::fs::read_to_string(dir.join("cgroup.procs"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten().filter(|e| e.path().is_dir()) {
            pids.extend(cgroup_pids(&e.path()));
        }
    }
    pids
}

/// Removes `dir` and its child cgroups (deepest first); errors are left for the leftover check.
pub fn remove_cgroup_tree(dir: &Path) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten().filter(|e| e.path().is_dir()) {
            remove_cgroup_tree(&e.path());
        }
    }
    let _ = std::fs::remove_dir(dir);
}

/// Mount points at or below any of `dirs`, deepest first.
pub fn mounts_under(dirs: &[&Path]) -> Vec<String> {
    let info = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let mut points: Vec<String> = info
        .lines()
        .filter_map(|l| l.split_whitespace().nth(4))
        .filter(|p| dirs.iter().any(|d| Path::new(p).starts_with(d)))
        .map(str::to_string)
        .collect();
    points.sort_by_key(|p| std::cmp::Reverse(p.len()));
    points.dedup();
    points
}

/// Detaches the mount at `point`.
pub fn unmount(point: &str) {
    if let Ok(c) = std::ffi::CString::new(point) {
        // SAFETY: a valid NUL-terminated path; MNT_DETACH never blocks.
        unsafe { libc::umount2(c.as_ptr(), libc::MNT_DETACH) };
    }
}
