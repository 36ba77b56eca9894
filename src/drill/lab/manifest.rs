//! The lab pods' declared specs as a PodList (`manifests.json`), for `--pod-manifest` and posture.

use std::io::Write;

use serde_json::{Value, json};

use super::pods::image_name;
use super::state::PodState;
use super::{LabDirs, LabError};
use crate::drill::spec::{ContainerSpec, PodSpec};
use crate::safe_fs;

fn container(pod: &PodSpec, c: &ContainerSpec) -> Value {
    let mut sc = json!({
        "privileged": c.privileged,
        "readOnlyRootFilesystem": c.read_only_root,
        "allowPrivilegeEscalation": c.privileged,
    });
    if !c.privileged {
        let mut caps = json!({ "add": c.caps_add });
        if !c.keep_default_caps {
            caps["drop"] = json!(["ALL"]);
        }
        sc["capabilities"] = caps;
        let kind = if c.seccomp == "unconfined" {
            "Unconfined"
        } else {
            "RuntimeDefault"
        };
        sc["seccompProfile"] = json!({ "type": kind });
    }
    let mut v = json!({
        "name": c.name,
        "image": image_name(&pod.name, &c.name),
        "command": c.command,
        "env": c.env.iter().map(|(k, v)| json!({"name": k, "value": v})).collect::<Vec<_>>(),
        "securityContext": sc,
        "tty": c.tty,
        "stdin": c.tty,
    });
    if let Some((_, inside)) = &c.host_path {
        v["volumeMounts"] = json!([{ "name": "host", "mountPath": inside }]);
    }
    v
}

/// One Pod object as the API server would return it.
pub fn pod_json(spec: &PodSpec, state: &PodState, node: &str) -> Value {
    let volumes: Vec<Value> = spec
        .containers
        .iter()
        .filter_map(|c| c.host_path.as_ref())
        .map(|(host, _)| json!({ "name": "host", "hostPath": { "path": host } }))
        .collect();
    let statuses: Vec<Value> = state
        .containers
        .iter()
        .map(|c| json!({ "name": c.name, "containerID": format!("containerd://{}", c.id), "ready": true }))
        .collect();
    let mut labels = json!(spec.labels);
    if labels.as_object().is_none_or(|m| m.is_empty()) {
        labels = json!({});
    }
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": spec.name, "namespace": spec.namespace, "uid": state.uid, "labels": labels,
        },
        "spec": {
            "nodeName": node,
            "hostNetwork": true,
            "containers": spec.containers.iter().map(|c| container(spec, c)).collect::<Vec<_>>(),
            "volumes": volumes,
        },
        "status": { "phase": "Running", "containerStatuses": statuses },
    })
}

/// Writes `manifests.json` (0600).
pub fn write(dirs: &LabDirs, specs: &[PodSpec], states: &[PodState]) -> Result<(), LabError> {
    let node = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap_or_default()
        .trim()
        .to_string();
    let items: Vec<Value> = specs
        .iter()
        .zip(states)
        .map(|(s, st)| pod_json(s, st, &node))
        .collect();
    let list = json!({ "apiVersion": "v1", "kind": "PodList", "items": items });
    let path = dirs.manifests();
    safe_fs::create_output("", &path, safe_fs::Existing::Truncate)?
        .write_all(
            serde_json::to_string_pretty(&list)
                .unwrap_or_default()
                .as_bytes(),
        )
        .map_err(|e| LabError::io(format!("writing {}", path.display()), e))
}
