//! One line per pod for `ktriage pods`: JSON (raw values) or a table for people (sanitized).

use std::fmt::Write;

use k8s_openapi::api::core::v1::Pod;
use serde_json::{Value, json};

use crate::sanitize::sanitize;

/// The fields `ktriage pods` prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodSummary {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub node: String,
    pub phase: String,
    pub containers: Vec<String>,
}

impl PodSummary {
    pub fn of(p: &Pod) -> Self {
        let spec = p.spec.as_ref();
        Self {
            namespace: p.metadata.namespace.clone().unwrap_or_default(),
            name: p.metadata.name.clone().unwrap_or_default(),
            uid: p.metadata.uid.clone().unwrap_or_default(),
            node: spec.and_then(|s| s.node_name.clone()).unwrap_or_default(),
            phase: p
                .status
                .as_ref()
                .and_then(|s| s.phase.clone())
                .unwrap_or_default(),
            containers: spec
                .map(|s| s.containers.iter().map(|c| c.name.clone()).collect())
                .unwrap_or_default(),
        }
    }

    pub fn json(&self) -> Value {
        json!({
            "namespace": self.namespace,
            "name": self.name,
            "uid": self.uid,
            "node": self.node,
            "phase": self.phase,
            "containers": self.containers,
        })
    }
}

/// Sorted by namespace then name.
pub fn summaries(pods: &[Pod]) -> Vec<PodSummary> {
    let mut v: Vec<PodSummary> = pods.iter().map(PodSummary::of).collect();
    v.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    v
}

/// A table for people (untrusted text sanitized).
pub fn table(rows: &[PodSummary]) -> String {
    let mut s = format!(
        "{:<20} {:<40} {:<10} {:<36} {}\n",
        "NAMESPACE", "NAME", "PHASE", "UID", "CONTAINERS"
    );
    for r in rows {
        let _ = writeln!(
            s,
            "{:<20} {:<40} {:<10} {:<36} {}",
            sanitize(&r.namespace),
            sanitize(&r.name),
            sanitize(&r.phase),
            sanitize(&r.uid),
            sanitize(&r.containers.join(","))
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_escapes_hostile_names() {
        let pod: Pod = serde_json::from_value(json!({
            "metadata": {"name": "evil\u{1b}[2J", "namespace": "ns", "uid": "u1"},
            "spec": {"nodeName": "n", "containers": [{"name": "c\u{7}"}]},
            "status": {"phase": "Running"}
        }))
        .unwrap_or_default();
        let rows = summaries(&[pod]);
        assert_eq!(rows[0].name, "evil\u{1b}[2J");
        let t = table(&rows);
        assert!(!t.contains('\u{1b}') && !t.contains('\u{7}'), "{t}");
        assert!(t.contains("evil\\x1b[2J") && t.contains("c\\x07"), "{t}");
        assert_eq!(rows[0].json()["containers"], json!(["c\u{7}"]));
    }
}
