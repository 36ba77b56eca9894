//! Pods as the container runtime (CRI) names them, from the process table: listed in the pods pane when no spec is known for them.

use std::collections::BTreeMap;

use super::event::ProcInfo;

/// One pod the runtime knows, with no spec from the API or a manifest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuntimePod {
    /// Pod uid (the pods-pane key).
    pub uid: String,
    /// Namespace, when the runtime named it.
    pub namespace: Option<String>,
    /// Name, when the runtime named it.
    pub name: Option<String>,
    /// Containers by name (or short id when unnamed): their pids.
    pub containers: BTreeMap<String, Vec<u32>>,
}

impl RuntimePod {
    /// `namespace/name`, or the uid when the runtime gave no names (untrusted: sanitize).
    pub fn label(&self) -> String {
        match (&self.namespace, &self.name) {
            (Some(ns), Some(n)) => format!("{ns}/{n}"),
            _ => format!("pod {}", self.uid),
        }
    }
}

/// Groups the processes that carry a pod uid by pod, then container; sorted by label.
pub fn from_processes(procs: &[ProcInfo]) -> Vec<RuntimePod> {
    let mut by_uid: BTreeMap<&str, RuntimePod> = BTreeMap::new();
    for p in procs {
        let Some(uid) = p.pod_uid.as_deref() else {
            continue;
        };
        let pod = by_uid.entry(uid).or_insert_with(|| RuntimePod {
            uid: uid.to_string(),
            ..RuntimePod::default()
        });
        if pod.name.is_none() && p.pod_name.is_some() {
            pod.name = p.pod_name.clone();
            pod.namespace = p.pod_namespace.clone();
        }
        // The sandbox (pause) has no container name from the runtime: it is the pod itself.
        let Some(name) = p.container_name.clone() else {
            continue;
        };
        pod.containers.entry(name).or_default().push(p.pid);
    }
    let mut out: Vec<RuntimePod> = by_uid.into_values().collect();
    out.sort_by_key(|p| (p.name.is_none(), p.label()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_processes_by_pod_and_container() {
        let p = |pid, uid: &str, ctr: Option<&str>, pod: Option<&str>| ProcInfo {
            pid,
            pod_uid: Some(uid.into()),
            container_id: Some(format!("id{pid}")),
            container_name: ctr.map(str::to_string),
            pod_name: pod.map(str::to_string),
            pod_namespace: pod.map(|_| "team-a".to_string()),
            ..ProcInfo::default()
        };
        let pods = from_processes(&[
            p(9, "u1", None, None),
            p(10, "u1", Some("web"), Some("web-0")),
            p(11, "u1", Some("web"), Some("web-0")),
            p(20, "u2", None, None),
            ProcInfo {
                pid: 1,
                ..ProcInfo::default()
            },
        ]);
        assert_eq!(pods.len(), 2);
        assert_eq!(pods[0].label(), "team-a/web-0");
        assert_eq!(pods[0].containers.get("web"), Some(&vec![10, 11]));
        assert_eq!(pods[1].label(), "pod u2");
        assert!(pods[1].containers.is_empty());
    }
}
