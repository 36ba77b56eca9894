//! Parsing `/proc/PID/cgroup` and cgroup paths into container, runtime, pod and QoS.

use serde::Serialize;

/// Container runtime named by a cgroup path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Runtime {
    /// containerd (`cri-containerd-<id>.scope`, `/k8s.io/<id>`, `/default/<id>`).
    #[serde(rename = "containerd")]
    Containerd,
    /// CRI-O (`crio-<id>.scope`, `crio-<id>`).
    #[serde(rename = "cri-o")]
    CriO,
    /// Docker (`docker-<id>.scope`, `/docker/<id>`).
    #[serde(rename = "docker")]
    Docker,
    /// Podman (`libpod-<id>.scope`).
    #[serde(rename = "podman")]
    Podman,
    /// A bare container id whose runtime the path does not name (the kubelet
    /// cgroupfs driver with containerd or cri-dockerd: `/kubepods/.../pod<uid>/<id>`).
    #[serde(rename = "unknown")]
    Unknown,
}

impl Runtime {
    /// Lower-case name as used in [`crate::identity::ContainerInfo::runtime`].
    pub fn as_str(self) -> &'static str {
        match self {
            Runtime::Containerd => "containerd",
            Runtime::CriO => "cri-o",
            Runtime::Docker => "docker",
            Runtime::Podman => "podman",
            Runtime::Unknown => "unknown",
        }
    }
}

/// Kubernetes pod QoS class, from the kubepods level of the cgroup path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Qos {
    /// Pod cgroup directly under `kubepods` (no QoS level).
    #[serde(rename = "guaranteed")]
    Guaranteed,
    /// Under `kubepods/burstable` or `kubepods-burstable.slice`.
    #[serde(rename = "burstable")]
    Burstable,
    /// Under `kubepods/besteffort` or `kubepods-besteffort.slice`.
    #[serde(rename = "besteffort")]
    BestEffort,
}

impl Qos {
    /// Lower-case name as used in [`crate::identity::PodInfo::qos`].
    pub fn as_str(self) -> &'static str {
        match self {
            Qos::Guaranteed => "guaranteed",
            Qos::Burstable => "burstable",
            Qos::BestEffort => "besteffort",
        }
    }
}

/// What a cgroup path says about a process. All `None` for host cgroups.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CgroupIdentity {
    /// The cgroup path the identity was taken from (`""` when there was none).
    pub path: String,
    /// Innermost container id (64 lower-case hex digits). `None` on the host and
    /// for conmon scopes (`crio-conmon-<id>.scope`, `libpod-conmon-<id>.scope`):
    /// conmon is the runtime's monitor process, not part of the container; its
    /// id is in [`CgroupIdentity::conmon_for`] instead.
    pub container_id: Option<String>,
    /// Runtime named by the path; set for conmon scopes too.
    pub runtime: Option<Runtime>,
    /// Pod UID with dashes (systemd slices spell it with underscores).
    pub pod_uid: Option<String>,
    /// QoS class; only set together with `pod_uid`.
    pub qos: Option<Qos>,
    /// For a conmon scope: the id of the container that conmon monitors.
    pub conmon_for: Option<String>,
}

impl CgroupIdentity {
    /// Whether the path names a container, a pod or a runtime at all.
    pub fn is_containerized(&self) -> bool {
        self.container_id.is_some()
            || self.conmon_for.is_some()
            || self.pod_uid.is_some()
            || self.runtime.is_some()
    }
}

/// Parses a whole `/proc/PID/cgroup`. Uses the cgroup v2 line (`0::/path`) if
/// it names a container, else the first v1 line of `name=systemd`, `memory` or
/// `cpu` that does; failing that, the best line that names a pod or runtime,
/// else the v2 line (or `name=systemd`, or the first line) as a host cgroup.
pub fn parse_proc_cgroup(text: &str) -> CgroupIdentity {
    let mut cands: Vec<(u8, CgroupIdentity)> = text
        .lines()
        .filter_map(|l| {
            let mut f = l.splitn(3, ':');
            let (hier, ctrls, path) = (f.next()?, f.next()?, f.next()?);
            let rank = if hier == "0" && ctrls.is_empty() {
                0
            } else {
                let has = |c: &str| ctrls.split(',').any(|x| x == c);
                if has("name=systemd") {
                    1
                } else if has("memory") {
                    2
                } else if has("cpu") {
                    3
                } else {
                    4
                }
            };
            Some((rank, parse_cgroup_path(path.trim_end())))
        })
        .collect();
    cands.sort_by_key(|(r, _)| *r);
    let pick =
        |f: &dyn Fn(&CgroupIdentity) -> bool| cands.iter().find(|(_, c)| f(c)).map(|(_, c)| c);
    pick(&|c| c.container_id.is_some())
        .or_else(|| pick(&|c| c.is_containerized()))
        .or_else(|| cands.first().map(|(_, c)| c))
        .cloned()
        .unwrap_or_default()
}

/// Parses one cgroup path. The innermost container id wins (a pod inside a
/// kind/k3s node container reports the pod's container, not the node's); the
/// pod uid and QoS come from the innermost kubepods pod level.
pub fn parse_cgroup_path(path: &str) -> CgroupIdentity {
    let comps: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
    let mut out = CgroupIdentity {
        path: path.to_string(),
        ..Default::default()
    };
    let mut in_kubepods = false;
    let mut level_qos = None;
    for c in &comps {
        if *c == "kubepods" {
            in_kubepods = true;
            level_qos = None;
        } else if in_kubepods && (*c == "besteffort" || *c == "burstable") {
            level_qos = qos_word(c);
        } else if let Some(uid) = c
            .strip_prefix("pod")
            .and_then(pod_uid)
            .filter(|_| in_kubepods)
        {
            out.pod_uid = Some(uid);
            out.qos = Some(level_qos.unwrap_or(Qos::Guaranteed));
        } else if let Some((uid, qos)) = pod_slice(c) {
            out.pod_uid = Some(uid);
            out.qos = Some(qos);
        }
    }
    for (i, c) in comps.iter().enumerate().rev() {
        let c = c.strip_suffix(".scope").unwrap_or(c);
        if let Some((rt, id)) = [
            ("crio-conmon-", Runtime::CriO),
            ("libpod-conmon-", Runtime::Podman),
        ]
        .iter()
        .find_map(|(p, rt)| Some((*rt, hex_id(c.strip_prefix(p)?)?)))
        {
            out.runtime = Some(rt);
            out.conmon_for = Some(id);
            break;
        }
        let prefixed = [
            ("cri-containerd-", Runtime::Containerd),
            ("crio-", Runtime::CriO),
            ("docker-", Runtime::Docker),
            ("libpod-", Runtime::Podman),
        ]
        .iter()
        .find_map(|(p, rt)| Some((*rt, hex_id(c.strip_prefix(p)?)?)));
        let found = prefixed.or_else(|| {
            let parent = i.checked_sub(1).map(|p| comps[p]).unwrap_or("");
            let rt = match parent {
                "docker" => Runtime::Docker,
                "k8s.io" | "default" => Runtime::Containerd,
                _ => Runtime::Unknown,
            };
            Some((rt, hex_id(c)?))
        });
        if let Some((rt, id)) = found {
            out.runtime = Some(rt);
            out.container_id = Some(id);
            break;
        }
    }
    out
}

/// A systemd pod slice: `kubepods-burstable-pod<uid>.slice`,
/// `kubepods-pod<uid>.slice`, `kubelet-kubepods-besteffort-pod<uid>.slice`.
fn pod_slice(c: &str) -> Option<(String, Qos)> {
    let parts: Vec<&str> = c.strip_suffix(".slice")?.split('-').collect();
    let (last, rest) = parts.split_last()?;
    if !rest.contains(&"kubepods") {
        return None;
    }
    let uid = pod_uid(last.strip_prefix("pod")?)?;
    let qos = rest.iter().find_map(|p| qos_word(p));
    Some((uid, qos.unwrap_or(Qos::Guaranteed)))
}

fn qos_word(w: &str) -> Option<Qos> {
    match w {
        "besteffort" => Some(Qos::BestEffort),
        "burstable" => Some(Qos::Burstable),
        _ => None,
    }
}

/// A pod uid: a UUID (36 chars, dashes or underscores) or a static pod's
/// 32-hex-digit config hash. Returned lower-case with dashes.
fn pod_uid(s: &str) -> Option<String> {
    let ok = matches!(s.len(), 32 | 36)
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b'-' || b == b'_');
    ok.then(|| s.replace('_', "-").to_ascii_lowercase())
}

fn hex_id(s: &str) -> Option<String> {
    (s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())).then(|| s.to_ascii_lowercase())
}
