//! Cgroup v2 id (directory inode number) → path resolution by walking the hierarchy.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::v2_root;

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
