//! The LSM label of a process (AppArmor profile and mode, SELinux context, `unconfined`, or none) and the LSMs the node runs.

use std::io;
use std::path::{Path, PathBuf};

use crate::safe_fs::{FileError, read_input};

/// Largest attr or LSM list file read (a label is a line; the kernel caps it at a page).
const ATTR_CAP: u64 = 4096;
/// Largest `/proc/filesystems` read.
const FILESYSTEMS_CAP: u64 = 64 << 10;

/// What confines the process.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Lsm {
    /// No LSM exposes a label (the attr files are missing or return `EINVAL`).
    #[default]
    None,
    /// AppArmor (or another LSM) says `unconfined`.
    Unconfined,
    /// AppArmor `profile (mode)`; `mode` is `enforce`, `complain`, `kill`, ... when shown.
    AppArmor {
        profile: String,
        mode: Option<String>,
    },
    /// SELinux `user:role:type:level` (`system_u:system_r:container_t:s0:c1,c2`).
    SeLinux {
        context: String,
        user: String,
        role: String,
        domain: String,
        level: Option<String>,
    },
}

impl Lsm {
    /// `apparmor`, `selinux`, `unconfined` or `none`.
    pub fn kind(&self) -> &'static str {
        match self {
            Lsm::None => "none",
            Lsm::Unconfined => "unconfined",
            Lsm::AppArmor { .. } => "apparmor",
            Lsm::SeLinux { .. } => "selinux",
        }
    }

    /// One-line text: `cri-containerd.apparmor.d (enforce)`, the SELinux context, `unconfined`, `none`.
    pub fn label(&self) -> String {
        match self {
            Lsm::None => "none".into(),
            Lsm::Unconfined => "unconfined".into(),
            Lsm::AppArmor {
                profile,
                mode: Some(m),
            } => format!("{profile} ({m})"),
            Lsm::AppArmor {
                profile,
                mode: None,
            } => profile.clone(),
            Lsm::SeLinux { context, .. } => context.clone(),
        }
    }
}

impl Lsm {
    /// The label [`Lsm::label`] wrote, parsed back (`none` is [`Lsm::None`]).
    pub fn from_label(label: &str) -> Self {
        if label == "none" {
            Lsm::None
        } else {
            parse_attr(label)
        }
    }
}

/// Parses the text of an attr file. AppArmor: `profile (mode)` or `unconfined`;
/// SELinux: at least three `:`-separated fields with no spaces.
pub fn parse_attr(text: &str) -> Lsm {
    let t = text.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    if t.is_empty() {
        return Lsm::None;
    }
    if t == "unconfined" {
        return Lsm::Unconfined;
    }
    if let Some((profile, rest)) = t.rsplit_once(" (")
        && let Some(mode) = rest.strip_suffix(')')
    {
        return Lsm::AppArmor {
            profile: profile.to_string(),
            mode: Some(mode.to_string()),
        };
    }
    let fields: Vec<&str> = t.splitn(4, ':').collect();
    if fields.len() >= 3 && !t.contains(' ') {
        return Lsm::SeLinux {
            context: t.to_string(),
            user: fields[0].to_string(),
            role: fields[1].to_string(),
            domain: fields[2].to_string(),
            level: fields.get(3).map(|s| s.to_string()),
        };
    }
    Lsm::AppArmor {
        profile: t.to_string(),
        mode: None,
    }
}

/// Reads `attr/apparmor/current` when present (stacked-LSM kernels), else
/// `attr/current` (regular files of at most [`ATTR_CAP`] bytes). `EINVAL` /
/// missing files (no LSM) give [`Lsm::None`].
pub fn read_lsm(proc_root: &Path, pid: u32) -> io::Result<Lsm> {
    let attr = proc_root.join(pid.to_string()).join("attr");
    let no_lsm = |e: &io::Error| {
        e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(libc::EINVAL)
    };
    match read_small(&attr.join("apparmor").join("current"), ATTR_CAP) {
        Ok(b) if !b.is_empty() => return Ok(parse_attr(&String::from_utf8_lossy(&b))),
        Ok(_) => {}
        Err(e) if no_lsm(&e) => {}
        Err(e) => return Err(e),
    }
    match read_small(&attr.join("current"), ATTR_CAP) {
        Ok(b) => Ok(parse_attr(&String::from_utf8_lossy(&b))),
        Err(e) if no_lsm(&e) => Ok(Lsm::None),
        Err(e) => Err(e),
    }
}

/// `path` through [`read_input`] (a regular file under `cap`), its I/O error kept as is.
fn read_small(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    read_input("", path, cap).map_err(|e| match e {
        FileError::Io { source, .. } => source,
        other => io::Error::other(other),
    })
}

/// The LSMs the node's kernel runs: whether AppArmor or SELinux can confine a container here.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NodeLsm {
    /// The kernel's list (`lockdown,capability,landlock,bpf`), when securityfs is mounted.
    pub active: Option<Vec<String>>,
    pub apparmor: bool,
    pub selinux: bool,
    /// What told: `/sys/kernel/security/lsm`, or (securityfs not mounted)
    /// `/sys/module/apparmor` and `/proc/filesystems` (selinuxfs).
    pub source: String,
}

impl NodeLsm {
    /// Neither AppArmor nor SELinux runs on this node.
    pub fn none(&self) -> bool {
        !self.apparmor && !self.selinux
    }
}

/// The sys tree beside a proc root (`/proc` → `/sys`, `/host/proc` → `/host/sys`).
pub fn sys_root(proc_root: &Path) -> PathBuf {
    proc_root.parent().unwrap_or(Path::new("/")).join("sys")
}

/// The LSMs of the node whose proc root is `proc_root` (its sys tree beside it, see
/// [`sys_root`]): `sys/kernel/security/lsm`, else (securityfs not mounted) AppArmor's
/// module parameters and SELinux's filesystem in `proc/filesystems`. `None` when
/// neither can be read.
pub fn read_node_lsm(proc_root: &Path) -> Option<NodeLsm> {
    let sys = sys_root(proc_root);
    let list_path = sys.join("kernel/security/lsm");
    if let Ok(b) = read_small(&list_path, ATTR_CAP) {
        let active: Vec<String> = String::from_utf8_lossy(&b)
            .trim()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        return Some(NodeLsm {
            apparmor: active.iter().any(|l| l == "apparmor"),
            selinux: active.iter().any(|l| l == "selinux"),
            active: Some(active),
            source: list_path.display().to_string(),
        });
    }
    let fs_path = proc_root.join("filesystems");
    let filesystems = read_small(&fs_path, FILESYSTEMS_CAP).ok()?;
    let aa_path = sys.join("module/apparmor/parameters/enabled");
    let apparmor = read_small(&aa_path, ATTR_CAP).is_ok_and(|b| b.starts_with(b"Y"));
    let selinux = String::from_utf8_lossy(&filesystems)
        .lines()
        .any(|l| l.split_whitespace().last() == Some("selinuxfs"));
    Some(NodeLsm {
        active: None,
        apparmor,
        selinux,
        source: format!("{}, {}", aa_path.display(), fs_path.display()),
    })
}

#[cfg(test)]
#[path = "tests/lsm.rs"]
mod tests;
