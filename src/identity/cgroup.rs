//! Container ids from cgroup paths, and cgroup v2 id → path resolution.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Parses the container id out of a cgroup path (cgroupfs or systemd layouts of
/// containerd, CRI-O, docker and podman). `None` for host cgroups.
pub fn container_id(path: &str) -> Option<String> {
    for comp in path.rsplit('/') {
        let c = comp.strip_suffix(".scope").unwrap_or(comp);
        let c = ["cri-containerd-", "crio-", "docker-", "libpod-"]
            .iter()
            .find_map(|p| c.strip_prefix(p))
            .unwrap_or(c);
        if c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Some(c.to_ascii_lowercase());
        }
    }
    None
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

/// Resolves cgroup v2 ids (directory inode numbers) to paths by walking the
/// hierarchy; walks again (at most once per `rescan_ns`) when an id is unknown.
pub struct CgroupResolver {
    root: Option<PathBuf>,
    known: HashMap<u64, String>,
    last_scan_ns: Option<u64>,
    rescan_ns: u64,
}

impl CgroupResolver {
    /// A resolver over the system's cgroup v2 mount.
    pub fn new() -> Self {
        Self::with_root(v2_root())
    }

    /// A resolver over `root` (tests use a fixture directory).
    pub fn with_root(root: Option<PathBuf>) -> Self {
        Self {
            root,
            known: HashMap::new(),
            last_scan_ns: None,
            rescan_ns: 200_000_000,
        }
    }

    /// The path of cgroup `id` relative to the mount (`/` for the root), if known.
    pub fn resolve(&mut self, id: u64, now_ns: u64) -> Option<String> {
        if let Some(p) = self.known.get(&id) {
            return Some(p.clone());
        }
        let due = self
            .last_scan_ns
            .is_none_or(|t| now_ns.saturating_sub(t) >= self.rescan_ns);
        if due {
            self.last_scan_ns = Some(now_ns);
            self.scan();
        }
        self.known.get(&id).cloned()
    }

    fn scan(&mut self) {
        let Some(root) = self.root.clone() else {
            return;
        };
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            let Ok(md) = std::fs::metadata(&dir) else {
                continue;
            };
            let rel = rel_path(&root, &dir);
            self.known.insert(md.ino(), rel);
            let Ok(rd) = std::fs::read_dir(&dir) else {
                continue;
            };
            for ent in rd.flatten() {
                if ent.file_type().is_ok_and(|t| t.is_dir()) {
                    stack.push(ent.path());
                }
            }
        }
    }
}

impl Default for CgroupResolver {
    fn default() -> Self {
        Self::new()
    }
}

fn rel_path(root: &Path, dir: &Path) -> String {
    match dir.strip_prefix(root) {
        Ok(r) if r.as_os_str().is_empty() => "/".to_string(),
        Ok(r) => format!("/{}", r.display()),
        Err(_) => dir.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "3f4e5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081";

    #[test]
    fn parses_common_layouts() {
        let cases = [
            (format!("/kubepods/besteffort/pod1234/{ID}"), true),
            (
                format!(
                    "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod12_34.slice/cri-containerd-{ID}.scope"
                ),
                true,
            ),
            (format!("/system.slice/docker-{ID}.scope"), true),
            (format!("/docker/{ID}"), true),
            (format!("/machine.slice/libpod-{ID}.scope"), true),
            (format!("/kubepods.slice/crio-{ID}.scope"), true),
            (
                "/user.slice/user-0.slice/session-1.scope".to_string(),
                false,
            ),
            ("/".to_string(), false),
        ];
        for (path, is_ctr) in cases {
            assert_eq!(container_id(&path).as_deref() == Some(ID), is_ctr, "{path}");
        }
    }

    #[test]
    fn resolves_ids_by_inode() {
        let dir = tempfile::tempdir().expect("tmp");
        let sub = dir.path().join("kubepods").join(ID);
        std::fs::create_dir_all(&sub).expect("mkdir");
        let ino = std::fs::metadata(&sub).expect("md").ino();
        let mut r = CgroupResolver::with_root(Some(dir.path().to_path_buf()));
        assert_eq!(r.resolve(ino, 0), Some(format!("/kubepods/{ID}")));
        assert_eq!(r.resolve(1, 1), None, "unknown id, rescan rate-limited");
    }
}
