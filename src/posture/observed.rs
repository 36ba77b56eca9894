//! What a container's process really has, from /proc: uid, capabilities, seccomp, NoNewPrivs, root mount, LSM.

use std::path::Path;

use serde::Serialize;

use crate::inspect::{Inspection, lsm, mounts, status};

/// Highest capability bit assumed when `/proc/sys/kernel/cap_last_cap` is unreadable.
const DEFAULT_LAST_CAP: u32 = 40;

/// The observed security state of one process.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Observed {
    pub pid: u32,
    /// Effective uid.
    pub uid: u32,
    /// Effective gid.
    pub gid: u32,
    pub cap_eff: u64,
    pub cap_bnd: u64,
    /// Seccomp mode: 0 disabled, 1 strict, 2 filter.
    pub seccomp: u8,
    pub no_new_privs: bool,
    /// `/` mounted read-only (`None`: mountinfo unreadable).
    pub root_readonly: Option<bool>,
    /// LSM label (`cri-containerd.apparmor.d (enforce)`), when readable.
    pub lsm: Option<String>,
    /// Every capability this kernel knows (a privileged container's bounding set).
    pub full_caps: u64,
}

impl Observed {
    /// The bounding set holds every capability the kernel knows: privileged.
    pub fn full_bounding(&self) -> bool {
        self.full_caps != 0 && self.cap_bnd & self.full_caps == self.full_caps
    }

    /// From a full inspection.
    pub fn from_inspection(ins: &Inspection) -> Self {
        let st = &ins.status;
        Observed {
            pid: ins.pid,
            uid: st.uid.effective,
            gid: st.gid.effective,
            cap_eff: st.cap_eff,
            cap_bnd: st.cap_bnd,
            seccomp: st.seccomp,
            no_new_privs: st.no_new_privs,
            root_readonly: ins.root_readonly,
            lsm: ins.lsm.as_ref().map(lsm::Lsm::label),
            full_caps: full_caps_mask(Path::new("/proc")),
        }
    }

    /// Reads only what posture needs (status, mountinfo, LSM) of `pid` under `proc_root`.
    /// `None` when the process is gone.
    pub fn read(proc_root: &Path, pid: u32) -> Option<Self> {
        let st = status::read_status(proc_root, pid).ok()?;
        let root_readonly = mounts::read_mountinfo(proc_root, pid)
            .ok()
            .and_then(|m| mounts::root_readonly(&m));
        let lsm = lsm::read_lsm(proc_root, pid).ok().map(|l| l.label());
        Some(Observed {
            pid,
            uid: st.uid.effective,
            gid: st.gid.effective,
            cap_eff: st.cap_eff,
            cap_bnd: st.cap_bnd,
            seccomp: st.seccomp,
            no_new_privs: st.no_new_privs,
            root_readonly,
            lsm,
            full_caps: full_caps_mask(proc_root),
        })
    }
}

/// Bits `0..=cap_last_cap` (from `<proc_root>/sys/kernel/cap_last_cap`).
pub fn full_caps_mask(proc_root: &Path) -> u64 {
    let last = std::fs::read_to_string(proc_root.join("sys/kernel/cap_last_cap"))
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .unwrap_or(DEFAULT_LAST_CAP)
        .min(63);
    if last == 63 {
        u64::MAX
    } else {
        (1u64 << (last + 1)) - 1
    }
}
