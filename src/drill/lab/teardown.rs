//! Teardown to nothing: pods through CRI while the daemon answers, then the daemon, shims and pod processes by pid, mounts, directories, cgroups; and the check that nothing is left.

use std::path::Path;
use std::time::{Duration, Instant};

use super::state::LabState;
use super::{LabDirs, LabError, pods::LabPods, procs};

/// Removes everything a lab made (running, half-made or crashed). Reads the
/// state file when there is one, but finds leftovers without it too. Errors
/// with [`LabError::Leftovers`] when something could not be removed.
pub fn teardown(dirs: &LabDirs) -> Result<(), LabError> {
    let state = LabState::load(dirs).ok();
    // 1. Pods through CRI, while containerd answers.
    if dirs.socket().exists()
        && let Ok(p) = LabPods::connect_quick(dirs)
    {
        let _ = p.remove_all();
    }
    // 2. The daemon: the recorded pid if it is still that process, and any
    //    process naming our config or socket (shims, a daemon without state).
    if let Some(s) = &state {
        procs::stop_pid(s.daemon_pid, s.daemon_start_ticks, Duration::from_secs(5));
    }
    let run = dirs.run.to_string_lossy().into_owned();
    for pid in procs::pids_mentioning(&format!("{run}/")) {
        if let Some(t) = procs::start_ticks(pid) {
            procs::stop_pid(pid, t, Duration::from_millis(500));
        }
    }
    // 3. Whatever still runs in the lab's pod cgroups.
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let pids: Vec<i32> = procs::lab_pod_cgroups()
            .iter()
            .flat_map(|d| procs::cgroup_pids(d))
            .collect();
        if pids.is_empty() || Instant::now() > end {
            break;
        }
        for p in pids {
            procs::signal(p, libc::SIGKILL);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // 4. Mounts below our directories, then the directories, but only when
    //    nothing is mounted there any more (never delete through a mount).
    for m in procs::mounts_under(&dirs.all()) {
        procs::unmount(&m);
    }
    if procs::mounts_under(&dirs.all()).is_empty() {
        for d in dirs.all() {
            let _ = std::fs::remove_dir_all(d);
            // `/run/ktriage`, `/var/lib/ktriage`: only when empty.
            if let Some(parent) = d.parent() {
                let _ = std::fs::remove_dir(parent);
            }
        }
    }
    // 5. Pod cgroups, then empty `besteffort` / `kubepods` parents.
    for d in procs::lab_pod_cgroups() {
        procs::remove_cgroup_tree(&d);
        let mut up = d.parent();
        while let Some(p) = up.filter(|p| {
            p.file_name()
                .is_some_and(|n| n == "besteffort" || n == "kubepods")
        }) {
            let _ = std::fs::remove_dir(p);
            up = p.parent();
        }
    }
    // 6. /run/containerd (the shims' socket dir) if the lab made it and it is empty.
    if state.is_some_and(|s| s.made_run_containerd) {
        let _ = std::fs::remove_dir(Path::new("/run/containerd/s"));
        let _ = std::fs::remove_dir("/run/containerd");
    }
    let left = leftovers(dirs);
    if left.is_empty() {
        Ok(())
    } else {
        Err(LabError::Leftovers(left))
    }
}

/// What of a lab is still there: processes, mounts, directories, cgroups. Empty when clean.
pub fn leftovers(dirs: &LabDirs) -> Vec<String> {
    let mut out = Vec::new();
    for pid in procs::pids_mentioning(&format!("{}/", dirs.run.display())) {
        out.push(format!("process {pid}"));
    }
    for d in procs::lab_pod_cgroups() {
        let pids = procs::cgroup_pids(&d);
        out.push(format!("cgroup {} (pids {pids:?})", d.display()));
    }
    for m in procs::mounts_under(&dirs.all()) {
        out.push(format!("mount {m}"));
    }
    for d in dirs.all() {
        if std::fs::symlink_metadata(d).is_ok() {
            out.push(format!("directory {}", d.display()));
        }
    }
    out
}
