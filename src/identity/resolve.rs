//! pid → container → pod: the cgroup path first, then names from the container runtime (CRI), else from the container's OCI bundle annotations, else from the API server by the cgroup's pod UID.

use std::path::{Path, PathBuf};

use super::bundle::{self, BundleSearch};
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
    bundles: BundleSearch,
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
            bundles: BundleSearch::new(proc_root),
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
        self.identify_at(&cg, Some(pid))
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

    /// The full id of a container known to the runtime, or else by one bundle directory, by a
    /// prefix of at least 12 characters (Falco's ids).
    pub fn full_container_id(&mut self, prefix: &str) -> Option<String> {
        self.cri
            .as_ref()
            .and_then(|c| c.full_id(prefix))
            .or_else(|| self.bundles.full_id(prefix))
    }

    /// The identity behind a parsed cgroup: runtime names when the runtime knows the container.
    pub fn identify_cgroup(&mut self, cg: &CgroupIdentity) -> Identity {
        self.identify_at(cg, None)
    }

    /// [`Self::identify_cgroup`], `pid` (a process of the container, when known) helping
    /// to find its bundle when the runtime does not answer.
    fn identify_at(&mut self, cg: &CgroupIdentity, pid: Option<u32>) -> Identity {
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
        let found = self.cri.as_ref().and_then(|c| {
            c.lookup(&id).or_else(|| {
                let search = &self.bundles;
                c.lock().lookup_bundle(&id, || {
                    let f = search.find(&id, pid)?;
                    let config = bundle::read_config(&f.path).ok()?;
                    // a bundle that names nothing (not a Kubernetes container) is kept as
                    // such, not read again
                    let unnamed = || {
                        let c = ContainerInfo {
                            id: id.clone(),
                            runtime: Some(f.runtime.to_string()),
                            ..ContainerInfo::default()
                        };
                        (c, None)
                    };
                    bundle::identity_from(&id, f.runtime, &config.annotations)
                        .or_else(|| Some(unnamed()))
                })
            })
        });
        let (mut container, mut pod) = match found {
            Some((c, p)) => (c, p),
            None => (
                ContainerInfo {
                    id: id.clone(),
                    ..ContainerInfo::default()
                },
                None,
            ),
        };
        // Last: the API server, by the pod UID of the cgroup.
        if pod.as_ref().is_none_or(|p| p.name.is_none())
            && let Some(uid) = cg.pod_uid.as_deref()
            && let Some(api) = self.cri.as_ref().and_then(|c| c.lock().api())
            && let Some((api_c, api_pod)) = api
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .lookup(uid, Some(&id))
        {
            if container.name.is_none()
                && let Some(ac) = api_c
            {
                container.name = ac.name;
                container.image = container.image.or(ac.image);
            }
            pod = Some(api_pod);
        }
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

    /// Where container bundles are looked for.
    pub fn bundle_search(&self) -> &BundleSearch {
        &self.bundles
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
