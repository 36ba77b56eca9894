//! What a container's process really has, from /proc: uid, capabilities, seccomp, NoNewPrivs, root mount, LSM.

use std::path::Path;

use serde::Serialize;

use crate::identity::bundle::{Applied, BundleSearch, read_applied};
use crate::identity::cgroup::parse_proc_cgroup;
use crate::inspect::{Inspection, lsm, mounts, status};

/// Every capability up to `CAP_AUDIT_READ` (bit 37, Linux 3.16): a bounding set
/// holding all of them is a privileged container's (or the host's), whatever
/// newer bits this kernel adds.
pub const FULL_CAPS: u64 = (1u64 << 38) - 1;

/// The observed security state of one process.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
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
    /// Whether AppArmor or SELinux runs on the node (`None`: unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_lsm: Option<lsm::NodeLsm>,
    /// What the runtime was told for its container (the OCI bundle), when found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied: Option<Applied>,
}

impl Observed {
    /// The bounding set holds every capability ([`FULL_CAPS`]): privileged.
    pub fn full_bounding(&self) -> bool {
        self.cap_bnd & FULL_CAPS == FULL_CAPS
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
            node_lsm: ins.node_lsm.clone(),
            applied: ins.applied.clone(),
        }
    }

    /// Reads only what posture needs (status, mountinfo, LSM, its container's bundle) of
    /// `pid` under `proc_root`. `None` when the process is gone.
    pub fn read(proc_root: &Path, pid: u32) -> Option<Self> {
        let st = status::read_status(proc_root, pid).ok()?;
        let root_readonly = mounts::read_mountinfo(proc_root, pid)
            .ok()
            .and_then(|m| mounts::root_readonly(&m));
        let lsm = lsm::read_lsm(proc_root, pid).ok().map(|l| l.label());
        let cgroup = std::fs::read_to_string(proc_root.join(pid.to_string()).join("cgroup"));
        let applied = parse_proc_cgroup(&cgroup.unwrap_or_default())
            .container_id
            .and_then(|id| BundleSearch::new(proc_root).find(&id, Some(pid)))
            .and_then(|f| read_applied(&f).ok());
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
            node_lsm: lsm::read_node_lsm(proc_root),
            applied,
        })
    }
}
