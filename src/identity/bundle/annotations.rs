//! The names a bundle's annotations carry (containerd's CRI plugin and CRI-O): pod, namespace, uid, container, image.

use std::collections::BTreeMap;

use crate::identity::{ContainerInfo, PodInfo};

/// containerd (CRI plugin) annotation keys.
pub mod containerd {
    pub const SANDBOX_NAME: &str = "io.kubernetes.cri.sandbox-name";
    pub const SANDBOX_NAMESPACE: &str = "io.kubernetes.cri.sandbox-namespace";
    pub const SANDBOX_UID: &str = "io.kubernetes.cri.sandbox-uid";
    pub const CONTAINER_NAME: &str = "io.kubernetes.cri.container-name";
    pub const IMAGE_NAME: &str = "io.kubernetes.cri.image-name";
}

/// CRI-O annotation keys.
pub mod crio {
    pub const POD_NAME: &str = "io.kubernetes.pod.name";
    pub const POD_NAMESPACE: &str = "io.kubernetes.pod.namespace";
    pub const POD_UID: &str = "io.kubernetes.pod.uid";
    pub const CONTAINER_NAME: &str = "io.kubernetes.container.name";
    pub const IMAGE_NAME: &str = "io.kubernetes.cri-o.ImageName";
}

/// The container `id` and its pod as the annotations name them; `None` when they name
/// neither a pod nor a container (not a Kubernetes container).
pub fn identity_from(
    id: &str,
    runtime: &str,
    a: &BTreeMap<String, String>,
) -> Option<(ContainerInfo, Option<PodInfo>)> {
    let get = |keys: [&str; 2]| {
        keys.iter()
            .find_map(|k| a.get(*k).filter(|v| !v.is_empty()))
    };
    let name = get([containerd::CONTAINER_NAME, crio::CONTAINER_NAME]).cloned();
    let image = get([containerd::IMAGE_NAME, crio::IMAGE_NAME]).cloned();
    let pod = PodInfo {
        name: get([containerd::SANDBOX_NAME, crio::POD_NAME]).cloned(),
        namespace: get([containerd::SANDBOX_NAMESPACE, crio::POD_NAMESPACE]).cloned(),
        uid: get([containerd::SANDBOX_UID, crio::POD_UID]).cloned(),
        ..PodInfo::default()
    };
    if name.is_none() && pod.name.is_none() {
        return None;
    }
    let container = ContainerInfo {
        id: id.to_string(),
        runtime: Some(runtime.to_string()),
        name,
        image,
        ..ContainerInfo::default()
    };
    let pod = (pod.name.is_some() || pod.uid.is_some()).then_some(pod);
    Some((container, pod))
}
