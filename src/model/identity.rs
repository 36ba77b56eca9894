//! Who a process is, as data: its container and pod (filled by `identity`, carried by alerts and inspections).

use serde::Serialize;

/// A container as the runtime knows it; fields the runtime did not give are `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ContainerInfo {
    /// Full container id (64 hex digits for containerd, CRI-O, docker, podman).
    pub id: String,
    /// Runtime the cgroup path names (`containerd`, `cri-o`, `docker`, `podman`), if known.
    pub runtime: Option<String>,
    /// Container name (CRI metadata name, e.g. `nginx`).
    pub name: Option<String>,
    /// Image reference (e.g. `docker.io/library/nginx:1.25`).
    pub image: Option<String>,
    /// Container labels.
    pub labels: std::collections::BTreeMap<String, String>,
}

/// A pod as the runtime (or, later, the API server) knows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PodInfo {
    /// Pod name.
    pub name: Option<String>,
    /// Namespace.
    pub namespace: Option<String>,
    /// Pod UID (with dashes).
    pub uid: Option<String>,
    /// QoS class from the cgroup path (`guaranteed`, `burstable`, `besteffort`).
    pub qos: Option<String>,
    /// Pod labels (from the CRI sandbox).
    pub labels: std::collections::BTreeMap<String, String>,
}

/// True for the kubelet's bookkeeping labels (`io.kubernetes.*`), which repeat
/// the pod and container names; views show the user's labels only.
pub fn is_kubelet_label(key: &str) -> bool {
    key.starts_with("io.kubernetes.")
}

/// Identity of one process.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Identity {
    /// The container, `None` on the host.
    pub container: Option<ContainerInfo>,
    /// The pod, `None` outside Kubernetes pods.
    pub pod: Option<PodInfo>,
    /// The process is in a host cgroup but shares the container's pid and mount
    /// namespaces (`nsenter`, `setns`): attributed to the container, entered from the host.
    pub entered_from_host: bool,
}
