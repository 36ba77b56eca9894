//! The drill lab: a private containerd + runc (own root, state and socket under ktriage's directories), pods made through CRI, torn down to nothing.
//!
//! The daemon outlives `ktriage drill start` (it runs in its own session);
//! `state.json` in the run directory records what was made, so `drill stop`,
//! the next `drill start` and the tests can remove it all, also after a crash.
//! The node's own containerd (`/run/containerd/containerd.sock`) is never used.

mod daemon;
mod error;
mod image;
mod manifest;
mod pods;
pub mod procs;
mod start;
mod state;
mod teardown;

use std::path::{Path, PathBuf};

pub use daemon::config_toml;
pub use error::LabError;
pub use image::is_static_elf;
pub use pods::{LabPods, image_name};
pub use start::start;
pub use state::{ContainerState, LabState, PodState, now_unix};
pub use teardown::{leftovers, teardown};

/// Packages the lab needs, for the message when one is missing.
pub const PACKAGES: &str = "apt-get install containerd runc busybox-static";
/// The first two groups of every lab pod's uid: `kubepods/besteffort/pod6b746c61-6c61-...` are ours.
pub const UID_PREFIX: &str = "6b746c61-6c61-";
/// Image of every pod sandbox (built locally from busybox).
pub const PAUSE_IMAGE: &str = "ktriage.local/lab/pause:1";
/// The busybox binary the images are built from (Debian's busybox-static).
pub const BUSYBOX: &str = "/bin/busybox";

/// Where a lab lives: `run` holds socket, state, config and log (`/run/ktriage/lab`);
/// `root` holds containerd's content store and snapshots (`/var/lib/ktriage/lab`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabDirs {
    pub run: PathBuf,
    pub root: PathBuf,
}

impl Default for LabDirs {
    fn default() -> Self {
        Self {
            run: PathBuf::from("/run/ktriage/lab"),
            root: PathBuf::from("/var/lib/ktriage/lab"),
        }
    }
}

impl LabDirs {
    /// The private containerd's CRI socket (`crictl --runtime-endpoint unix://THIS`).
    pub fn socket(&self) -> PathBuf {
        self.run.join("containerd.sock")
    }
    /// The state file.
    pub fn state_file(&self) -> PathBuf {
        self.run.join("state.json")
    }
    /// The pods' declared specs, for `--pod-manifest`.
    pub fn manifests(&self) -> PathBuf {
        self.run.join("manifests.json")
    }
    /// containerd's log.
    pub fn log(&self) -> PathBuf {
        self.run.join("containerd.log")
    }
    /// containerd's `state` directory (task bundles).
    pub fn containerd_state(&self) -> PathBuf {
        self.run.join("state")
    }
    /// The daemon's config file.
    pub fn config(&self) -> PathBuf {
        self.run.join("config.toml")
    }
    /// A file of the drill's own (rules files the candidate edits).
    pub fn work(&self) -> PathBuf {
        self.run.join("work")
    }
    pub(crate) fn all(&self) -> [&Path; 2] {
        [&self.run, &self.root]
    }
}

/// Why the lab cannot run here, if it cannot: not root, a binary missing, busybox not static.
pub fn unavailable() -> Option<String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Some(format!("the drill lab needs root (and `{PACKAGES}`)"));
    }
    for bin in [
        "containerd",
        "containerd-shim-runc-v2",
        "runc",
        "ctr",
        "tar",
    ] {
        if which(bin).is_none() {
            return Some(format!("`{bin}` is not installed: {PACKAGES}"));
        }
    }
    match image::is_static_elf(Path::new(BUSYBOX)) {
        Ok(true) => None,
        Ok(false) => Some(format!(
            "{BUSYBOX} is dynamically linked; the lab needs busybox-static: {PACKAGES}"
        )),
        Err(e) => Some(format!("{BUSYBOX}: {e}: {PACKAGES}")),
    }
}

/// `bin` on PATH (or in /usr/sbin, /sbin).
pub fn which(bin: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin"].map(PathBuf::from))
        .map(|d| d.join(bin))
        .find(|p| p.is_file())
}
