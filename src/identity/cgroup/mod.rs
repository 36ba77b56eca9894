//! Container and pod identity from cgroup paths, and cgroup v2 id → path resolution.

mod parse;
mod resolver;
#[cfg(test)]
mod tests;

use std::path::PathBuf;

pub use parse::{CgroupIdentity, Qos, Runtime, parse_cgroup_path, parse_proc_cgroup};
pub use resolver::CgroupResolver;

/// Parses the container id out of a cgroup path (cgroupfs or systemd layouts of
/// containerd, CRI-O, docker and podman; the innermost id when nested). `None`
/// for host cgroups and for conmon scopes. See [`parse_cgroup_path`].
pub fn container_id(path: &str) -> Option<String> {
    parse_cgroup_path(path).container_id
}

/// Finds the cgroup v2 mount: `/sys/fs/cgroup` (unified) or `/sys/fs/cgroup/unified` (hybrid).
pub fn v2_root() -> Option<PathBuf> {
    let mounts = std::fs::read_to_string("/proc/self/mounts").ok()?;
    mounts
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (_, dir, fstype) = (f.next()?, f.next()?, f.next()?);
            (fstype == "cgroup2").then(|| PathBuf::from(dir))
        })
        .min_by_key(|p| p.as_os_str().len())
}
