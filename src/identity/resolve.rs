//! pid → container → pod: the cgroup path first, then the container runtime (CRI) for names.

use std::path::{Path, PathBuf};

use super::cgroup::{CgroupIdentity, parse_cgroup_path, parse_proc_cgroup};
use super::cri::SharedCri;
use super::nsindex::NsIndex;
use super::{ContainerInfo, Identity, PodInfo};
use crate::model::ProcInfo;

/// Resolves identities; uses a (possibly shared) CRI cache (one list call per new container,
/// at most once a second, across every resolver sharing it).
pub struct Resolver {
    proc_root: PathBuf,
    cri: Option<SharedCri>,
    ns: NsIndex,
}

impl Resolver {
    /// A resolver over `/proc`; `cri` false skips the runtime (cgroup facts only).
    pub fn new(cri_socket: Option<&Path>, cri: bool) -> Self {
        Self::with_proc_root(Path::new("/proc"), cri_socket, cri)
    }

    /// A resolver over another proc root (tests).
    pub fn with_proc_root(proc_root: &Path, cri_socket: Option<&Path>, cri: bool) -> Self {
        Self::shared(proc_root, cri.then(|| SharedCri::new(cri_socket)))
    }

    /// A resolver over `proc_root` asking `cri` (a session's one cache; `None`: cgroup facts only).
    pub fn shared(proc_root: &Path, cri: Option<SharedCri>) -> Self {
        Self {
            proc_root: proc_root.to_path_buf(),
            cri,
            ns: NsIndex::new(proc_root),
        }
    }

    /// The CRI cache this resolver asks, if any.
    pub fn cri(&self) -> Option<&SharedCri> {
        self.cri.as_ref()
    }

    /// What `/proc/PID/cgroup` says (empty identity when unreadable: host or gone).
    pub fn cgroup_of(&self, pid: u32) -> CgroupIdentity {
        let text = std::fs::read_to_string(self.proc_root.join(pid.to_string()).join("cgroup"))
            .unwrap_or_default();
        parse_proc_cgroup(&text)
    }

    /// The identity of `pid`: by its cgroup, else by its namespaces (entered from the host).
    pub fn identify(&mut self, pid: u32) -> Identity {
        let cg = self.cgroup_of(pid);
        if cg.container_id.is_none()
            && let Some(id) = self.entered(pid)
        {
            return id;
        }
        self.identify_cgroup(&cg)
    }

    /// The container `pid` was entered into from the host (see [`NsIndex::entered`]).
    pub fn entered(&mut self, pid: u32) -> Option<Identity> {
        let owner = self.ns.entered(pid)?;
        let mut cg = parse_cgroup_path(&owner.cgroup_path);
        cg.container_id = Some(owner.container_id);
        let mut id = self.identify_cgroup(&cg);
        id.entered_from_host = true;
        Some(id)
    }

    /// The identity of container `id` (full id): runtime names, no cgroup facts.
    pub fn identify_container(&mut self, id: &str) -> Identity {
        let cg = CgroupIdentity {
            container_id: Some(id.to_string()),
            ..CgroupIdentity::default()
        };
        self.identify_cgroup(&cg)
    }

    /// The full id of a container known to the runtime by a prefix of at least 12 characters.
    pub fn full_container_id(&mut self, prefix: &str) -> Option<String> {
        self.cri.as_ref()?.full_id(prefix)
    }

    /// The identity behind a parsed cgroup: runtime names when the runtime knows the container.
    pub fn identify_cgroup(&mut self, cg: &CgroupIdentity) -> Identity {
        let Some(id) = cg.container_id.clone() else {
            return Identity {
                container: None,
                pod: cg.pod_uid.as_ref().map(|uid| PodInfo {
                    uid: Some(uid.clone()),
                    qos: cg.qos.map(|q| q.as_str().to_string()),
                    ..PodInfo::default()
                }),
                entered_from_host: false,
            };
        };
        let found = self.cri.as_ref().and_then(|c| c.lookup(&id));
        let (mut container, pod) = match found {
            Some((c, p)) => (c, p),
            None => (
                ContainerInfo {
                    id: id.clone(),
                    ..ContainerInfo::default()
                },
                None,
            ),
        };
        if container.runtime.is_none() {
            container.runtime = cg.runtime.map(|r| r.as_str().to_string());
        }
        let pod = match (pod, &cg.pod_uid) {
            (Some(mut p), _) => {
                p.qos = p.qos.or_else(|| cg.qos.map(|q| q.as_str().to_string()));
                p.uid = p.uid.or_else(|| cg.pod_uid.clone());
                Some(p)
            }
            (None, Some(uid)) => Some(PodInfo {
                uid: Some(uid.clone()),
                qos: cg.qos.map(|q| q.as_str().to_string()),
                ..PodInfo::default()
            }),
            (None, None) => None,
        };
        Identity {
            container: Some(container),
            pod,
            entered_from_host: false,
        }
    }

    /// Fills the container and pod fields of a /proc snapshot row.
    pub fn enrich(&mut self, p: &mut ProcInfo) {
        apply_identity(p, &self.identify(p.pid));
    }
}

/// Sets the container and pod fields of a process row from its identity.
pub fn apply_identity(p: &mut ProcInfo, ident: &Identity) {
    p.entered_from_host = ident.entered_from_host;
    if let Some(c) = &ident.container {
        p.container_id = Some(c.id.clone());
        p.container_name = c.name.clone();
        p.image = c.image.clone();
    }
    if let Some(pod) = &ident.pod {
        p.pod_name = pod.name.clone();
        p.pod_namespace = pod.namespace.clone();
        p.pod_uid = pod.uid.clone();
    }
}
