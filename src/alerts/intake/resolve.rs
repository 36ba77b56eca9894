//! Names for Falco's alerts: the container id in a line resolved through the runtime (CRI) to container, pod namespace and pod name.

use std::sync::Arc;

use serde_json::Value;

use crate::alerts::{Alert, ProcFacts};
use crate::identity::resolve::Resolver;

fn missing(a: &Alert, key: &str) -> bool {
    a.output_fields
        .get(key)
        .is_none_or(|v| v.is_null() || v.as_str().is_some_and(|s| s.is_empty() || s == "<NA>"))
}

/// Fills what the runtime knows of the alert's container: `container.name`, `k8s.ns.name`,
/// `k8s.pod.name` in `output_fields` when Falco left them out, and the identity in `facts`.
/// A host alert, an unknown container, or no runtime leaves the alert as it was.
pub fn resolve(a: &mut Alert, r: &mut Resolver) {
    let Some(id) = a.container_id.as_deref().filter(|id| *id != "host") else {
        return;
    };
    let Some(full) = r.full_container_id(id) else {
        return;
    };
    let ident = r.identify_container(&full);
    let Some(c) = &ident.container else {
        return;
    };
    let pod = ident.pod.as_ref();
    for (key, value) in [
        ("container.name", c.name.clone()),
        ("container.image", c.image.clone()),
        ("k8s.ns.name", pod.and_then(|p| p.namespace.clone())),
        ("k8s.pod.name", pod.and_then(|p| p.name.clone())),
    ] {
        if let Some(v) = value
            && missing(a, key)
        {
            a.output_fields.insert(key.into(), Value::from(v));
        }
    }
    if a.facts.is_none() {
        a.facts = Some(Arc::new(ProcFacts {
            pid: a.pid.unwrap_or(0),
            identity: ident,
            ..ProcFacts::default()
        }));
    }
}
