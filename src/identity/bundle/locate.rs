//! Where a container's bundle `config.json` is: from its containerd shim, containerd's state directories, CRI-O's userdata directories.
//!
//! Order: (1) the nearest `containerd-shim*` ancestor of the process: its
//! working directory is a bundle of the same task directory
//! (`…/io.containerd.runtime.v2.task/<ns>/<sandbox id>`), so the container's is
//! its sibling `<id>` (this finds a containerd run with any `state` directory);
//! (2) `<state>/io.containerd.runtime.v2.task/<ns>/<id>/` for each state
//! directory and namespace; (3) CRI-O's `<dir>/<id>/userdata/`.

use std::path::{Path, PathBuf};

/// containerd's default state directories (containerd, k3s).
pub const CONTAINERD_STATES: &[&str] = &["/run/containerd", "/run/k3s/containerd"];
/// CRI-O's container directories (runroot, then root).
pub const CRIO_DIRS: &[&str] = &[
    "/run/containers/storage/overlay-containers",
    "/var/lib/containers/storage/overlay-containers",
];
/// The task directory under a containerd state directory.
pub const TASK_DIR: &str = "io.containerd.runtime.v2.task";
/// How many ancestors are walked looking for the shim.
const MAX_ANCESTORS: usize = 32;
/// How many namespaces of a state directory are tried.
const MAX_NAMESPACES: usize = 64;
/// How many entries of one directory are looked at for an id prefix.
const MAX_ENTRIES: usize = 16_384;

/// A found `config.json` and the runtime whose layout it is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    /// `containerd` or `cri-o`.
    pub runtime: &'static str,
}

/// Where to look (the defaults, or fixture trees in tests).
#[derive(Clone, Debug)]
pub struct BundleSearch {
    pub proc_root: PathBuf,
    pub containerd_states: Vec<PathBuf>,
    pub crio_dirs: Vec<PathBuf>,
}

impl Default for BundleSearch {
    fn default() -> Self {
        Self::new(Path::new("/proc"))
    }
}

impl BundleSearch {
    /// The default directories, processes under `proc_root`.
    pub fn new(proc_root: &Path) -> Self {
        Self {
            proc_root: proc_root.to_path_buf(),
            containerd_states: CONTAINERD_STATES.iter().map(PathBuf::from).collect(),
            crio_dirs: CRIO_DIRS.iter().map(PathBuf::from).collect(),
        }
    }

    /// The `config.json` of container `id` (full hex id), a process of it being `pid` when known.
    pub fn find(&self, id: &str, pid: Option<u32>) -> Option<Found> {
        if id.is_empty() || id.len() > 128 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let containerd = |dir: PathBuf| Found {
            path: dir.join("config.json"),
            runtime: "containerd",
        };
        if let Some(shim_dir) = pid.and_then(|p| self.shim_dir(p)) {
            let dir = if shim_dir.file_name().is_some_and(|n| n == id) {
                shim_dir
            } else {
                shim_dir.parent()?.join(id)
            };
            let f = containerd(dir);
            if present(&f.path) {
                return Some(f);
            }
        }
        for state in &self.containerd_states {
            let tasks = state.join(TASK_DIR);
            let Ok(rd) = std::fs::read_dir(&tasks) else {
                continue;
            };
            for ns in rd.flatten().take(MAX_NAMESPACES) {
                let f = containerd(ns.path().join(id));
                if present(&f.path) {
                    return Some(f);
                }
            }
        }
        self.crio_dirs
            .iter()
            .map(|d| Found {
                path: d.join(id).join("userdata/config.json"),
                runtime: "cri-o",
            })
            .find(|f| present(&f.path))
    }

    /// The full id of the one container whose bundle directory name starts with `prefix`
    /// (Falco's 12-character ids; at least 12 hex digits): `None` when none or several do.
    pub fn full_id(&self, prefix: &str) -> Option<String> {
        let p = prefix.to_ascii_lowercase();
        if p.len() < 12 || p.len() > 128 || !p.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let namespaces = self.containerd_states.iter().flat_map(|s| {
            std::fs::read_dir(s.join(TASK_DIR))
                .into_iter()
                .flatten()
                .flatten()
                .take(MAX_NAMESPACES)
                .map(|ns| ns.path())
        });
        let mut found: Vec<String> = namespaces
            .chain(self.crio_dirs.iter().cloned())
            .flat_map(|dir| {
                std::fs::read_dir(dir)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .take(MAX_ENTRIES)
            })
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.starts_with(&p) && n.bytes().all(|b| b.is_ascii_hexdigit()))
            .collect();
        found.sort();
        found.dedup();
        match found.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        }
    }

    /// The working directory of the nearest `containerd-shim*` ancestor of `pid`.
    fn shim_dir(&self, pid: u32) -> Option<PathBuf> {
        let mut at = pid;
        for _ in 0..MAX_ANCESTORS {
            let dir = self.proc_root.join(at.to_string());
            let comm = std::fs::read_to_string(dir.join("comm")).ok()?;
            if comm.trim_end().starts_with("containerd-shim") {
                return std::fs::read_link(dir.join("cwd")).ok();
            }
            at = parent(&dir)?;
            if at <= 1 {
                return None;
            }
        }
        None
    }
}

/// `PPid:` of `/proc/PID/status`.
fn parent(dir: &Path) -> Option<u32> {
    let status = std::fs::read_to_string(dir.join("status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("PPid:"))?
        .trim()
        .parse()
        .ok()
}

/// Something is there (not followed: a symlink counts, and is refused when read).
fn present(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}
