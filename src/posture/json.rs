//! The JSON shapes of posture: one object per pod, findings as `{id, name, kind, severity, message, container, remediation}`.

use serde_json::{Value, json};

use super::eval::{ContainerPosture, PodPosture};
use super::finding::Finding;

impl Finding {
    /// `{id, name, kind, severity, message, container, remediation}`.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id(),
            "name": self.rule.name(),
            "kind": self.kind(),
            "severity": self.severity,
            "message": self.message,
            "container": self.container,
            "remediation": self.remediation,
        })
    }
}

impl ContainerPosture {
    /// `{name, kind, declared, findings, pids}`.
    pub fn to_json(&self) -> Value {
        json!({
            "name": self.declared.container,
            "kind": self.declared.kind,
            "declared": self.declared,
            "findings": self.findings.iter().map(Finding::to_json).collect::<Vec<_>>(),
            "pids": self.pids,
        })
    }
}

impl PodPosture {
    /// `{namespace, name, uid, immutable, immutable_reasons, containers, findings}`.
    pub fn to_json(&self) -> Value {
        json!({
            "namespace": self.namespace,
            "name": self.name,
            "uid": self.uid,
            "immutable": self.immutable,
            "immutable_reasons": self.immutable_reasons,
            "containers": self.containers.iter().map(ContainerPosture::to_json).collect::<Vec<_>>(),
            "findings": self.findings.iter().map(Finding::to_json).collect::<Vec<_>>(),
        })
    }
}
