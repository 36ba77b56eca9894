//! Attribution by namespaces: a process in a host cgroup that shares a container's pid and mount namespaces (nsenter, setns) belongs to that container, entered from the host.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::cgroup::parse_proc_cgroup;

/// The pid and mount namespace inodes of a process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NsPair {
    pub pid: u64,
    pub mnt: u64,
}

/// A container a namespace pair belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NsOwner {
    /// Full container id.
    pub container_id: String,
    /// Its cgroup path (below the v2 mount, as `/proc/PID/cgroup` shows it).
    pub cgroup_path: String,
}

/// Least time between two scans of the proc root (a miss storm must not rescan /proc each time).
pub const RESCAN_EVERY: Duration = Duration::from_secs(1);
/// How long a pair no container owned is not looked for again (sandboxed host processes
/// in their own namespaces must not rescan /proc every second).
pub const UNOWNED_FOR: Duration = Duration::from_secs(10);
/// Most namespace pairs kept.
const MAX_PAIRS: usize = 1 << 14;

/// Namespace pair → container, built from container processes as they are seen.
#[derive(Debug)]
pub struct NsIndex {
    proc_root: PathBuf,
    /// The host's pair (pid 1's), `None` when unreadable.
    host: Option<NsPair>,
    owners: HashMap<NsPair, NsOwner>,
    /// Pairs no container owned at their last look, and when (not rescanned for [`UNOWNED_FOR`]).
    unowned: HashMap<NsPair, Instant>,
    last_scan: Option<Instant>,
    /// Scans of the proc root done (tests, stats).
    pub scans: u64,
}

/// The inode of `/proc/PID/ns/KIND` (a link reading `kind:[inode]`).
fn ns_inode(proc_root: &Path, pid: u32, kind: &str) -> Option<u64> {
    let link = std::fs::read_link(proc_root.join(pid.to_string()).join("ns").join(kind)).ok()?;
    let text = link.to_str()?;
    text.strip_prefix(kind)?
        .strip_prefix(":[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// Reads the namespace pair of `pid` under `proc_root`.
pub fn ns_pair(proc_root: &Path, pid: u32) -> Option<NsPair> {
    Some(NsPair {
        pid: ns_inode(proc_root, pid, "pid")?,
        mnt: ns_inode(proc_root, pid, "mnt")?,
    })
}

impl NsIndex {
    /// An index over `proc_root` (`/proc`, or a fixture tree); pid 1 is the host.
    pub fn new(proc_root: &Path) -> Self {
        Self {
            proc_root: proc_root.to_path_buf(),
            host: ns_pair(proc_root, 1),
            owners: HashMap::new(),
            unowned: HashMap::new(),
            last_scan: None,
            scans: 0,
        }
    }

    /// Records that `pair` belongs to a container (first owner wins: a pod's containers may share a pid namespace).
    pub fn record(&mut self, pair: NsPair, owner: NsOwner) {
        if Some(pair) == self.host || self.owners.len() >= MAX_PAIRS {
            return;
        }
        self.owners.entry(pair).or_insert(owner);
    }

    /// The container owning `pair`, if known now.
    pub fn owner(&self, pair: NsPair) -> Option<&NsOwner> {
        self.owners.get(&pair)
    }

    /// Scans the proc root for container processes and records their pairs; at most once per
    /// [`RESCAN_EVERY`] unless `force`.
    pub fn rescan(&mut self, force: bool) {
        let now = Instant::now();
        if !force
            && self
                .last_scan
                .is_some_and(|t| now.duration_since(t) < RESCAN_EVERY)
        {
            return;
        }
        self.last_scan = Some(now);
        self.scans += 1;
        let Ok(dir) = std::fs::read_dir(&self.proc_root) else {
            return;
        };
        for e in dir.flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            let Ok(text) = std::fs::read_to_string(e.path().join("cgroup")) else {
                continue;
            };
            let cg = parse_proc_cgroup(&text);
            let Some(id) = cg.container_id else {
                continue;
            };
            let path = cg.path;
            if let Some(pair) = ns_pair(&self.proc_root, pid) {
                self.record(
                    pair,
                    NsOwner {
                        container_id: id,
                        cgroup_path: path,
                    },
                );
            }
        }
    }

    /// The container `pid` runs in by its cgroup (`None`: host, gone).
    pub fn owner_of_pid(&self, pid: u32) -> Option<NsOwner> {
        let text =
            std::fs::read_to_string(self.proc_root.join(pid.to_string()).join("cgroup")).ok()?;
        let cg = parse_proc_cgroup(&text);
        Some(NsOwner {
            container_id: cg.container_id?,
            cgroup_path: cg.path,
        })
    }

    /// The container a process in a host cgroup was entered into: its pid and mount namespaces
    /// are both a container's (not the host's). `None`: a host process, gone, or unknown.
    pub fn entered(&mut self, pid: u32) -> Option<NsOwner> {
        let pair = ns_pair(&self.proc_root, pid)?;
        self.entered_pair(pair)
    }

    /// As [`Self::entered`], for a pair already read.
    pub fn entered_pair(&mut self, pair: NsPair) -> Option<NsOwner> {
        if Some(pair) == self.host || self.host.is_some_and(|h| h.pid == pair.pid) {
            return None;
        }
        if let Some(o) = self.owners.get(&pair) {
            return Some(o.clone());
        }
        let now = Instant::now();
        if self
            .unowned
            .get(&pair)
            .is_some_and(|t| now.duration_since(*t) < UNOWNED_FOR)
        {
            return None;
        }
        self.rescan(false);
        let found = self.owners.get(&pair).cloned();
        if found.is_none() && self.unowned.len() < MAX_PAIRS {
            self.unowned.insert(pair, now);
        }
        found
    }

    /// The namespace pair of `pid` under this index's proc root (`None`: gone).
    pub fn pair_of(&self, pid: u32) -> Option<NsPair> {
        ns_pair(&self.proc_root, pid)
    }
}

#[cfg(test)]
#[path = "nsindex_tests.rs"]
mod tests;
