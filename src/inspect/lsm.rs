//! The LSM label of a process: AppArmor profile and mode, SELinux context, `unconfined`, or none.

use std::io;
use std::path::Path;

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
/// `attr/current`. `EINVAL` / missing files (no LSM) give [`Lsm::None`].
pub fn read_lsm(proc_root: &Path, pid: u32) -> io::Result<Lsm> {
    let attr = proc_root.join(pid.to_string()).join("attr");
    let no_lsm = |e: &io::Error| {
        e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(libc::EINVAL)
    };
    match std::fs::read(attr.join("apparmor").join("current")) {
        Ok(b) if !b.is_empty() => return Ok(parse_attr(&String::from_utf8_lossy(&b))),
        Ok(_) => {}
        Err(e) if no_lsm(&e) => {}
        Err(e) => return Err(e),
    }
    match std::fs::read(attr.join("current")) {
        Ok(b) => Ok(parse_attr(&String::from_utf8_lossy(&b))),
        Err(e) if no_lsm(&e) => Ok(Lsm::None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
#[path = "tests/lsm.rs"]
mod tests;
