//! The k8saudit fields about a request's or response's object beyond pods' basics: services, config maps, (cluster) role bindings, roles, a pod's added capabilities and user, the authorization annotations, the response's name and reason, and the raw event (`jevt.obj`).

use serde_json::Value;

use crate::model::audit::AuditEvent;

/// What those fields read of one event, computed once per event.
#[derive(Default)]
pub struct ReqView {
    pub resp_name: String,
    pub add_caps: Vec<String>,
    pub run_as_user: Option<String>,
    pub service_type: Option<String>,
    pub service_ports: Option<String>,
    pub configmap_name: Option<String>,
    pub configmap_obj: Option<String>,
    pub binding_role: Option<String>,
    pub binding_subjects: Vec<String>,
    pub role_rules: Option<String>,
    pub rules_resources: Vec<String>,
    pub rules_verbs: Vec<String>,
    /// The whole event as JSON text.
    pub obj: String,
}

fn strings(v: Option<&Value>) -> impl Iterator<Item = String> + '_ {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

impl ReqView {
    /// The view of `ev`; `spec` is its pod spec (when it creates pods), `json` the event as JSON.
    pub fn new(ev: &AuditEvent, spec: Option<&Value>, containers: &[&Value], json: &Value) -> Self {
        let req = ev.request_object.as_ref();
        let at = |p: &str| req.and_then(|r| r.pointer(p));
        let resource = ev.resource();
        let rules = at("/rules").and_then(Value::as_array);
        let per_rule = |k: &str| -> Vec<String> {
            rules
                .into_iter()
                .flatten()
                .flat_map(|r| strings(r.get(k)).collect::<Vec<_>>())
                .collect()
        };
        let is = |r: &str| resource == r;
        Self {
            resp_name: if ev.resp_name.is_empty() {
                ev.name().to_string()
            } else {
                ev.resp_name.clone()
            },
            add_caps: containers
                .iter()
                .flat_map(|c| strings(c.pointer("/securityContext/capabilities/add")))
                .collect(),
            run_as_user: spec.and_then(|s| text(s.pointer("/securityContext/runAsUser"))),
            service_type: is("services").then(|| text(at("/spec/type"))).flatten(),
            service_ports: is("services").then(|| text(at("/spec/ports"))).flatten(),
            configmap_name: is("configmaps")
                .then(|| text(at("/metadata/name")))
                .flatten(),
            configmap_obj: is("configmaps").then(|| text(at("/data"))).flatten(),
            binding_role: text(at("/roleRef/name")),
            binding_subjects: at("/subjects")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|s| s.get("name").and_then(Value::as_str))
                .map(str::to_string)
                .collect(),
            role_rules: rules.map(|r| Value::Array(r.clone()).to_string()),
            rules_resources: per_rule("resources"),
            rules_verbs: per_rule("verbs"),
            obj: json.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_roles_bindings_services_and_config_maps() {
        let mut e: AuditEvent = serde_json::from_value(serde_json::json!({
            "objectRef": {"resource": "configmaps", "name": "app"},
            "requestObject": {"metadata": {"name": "app"}, "data": {"db_password": "hunter2"}},
            "responseObject": {"metadata": {"name": "app-x1"}},
        }))
        .expect("event");
        e.scrub();
        let v = ReqView::new(&e, None, &[], &Value::Null);
        assert_eq!(v.configmap_name.as_deref(), Some("app"));
        let obj = v.configmap_obj.expect("data");
        assert!(
            obj.contains("db_password") && !obj.contains("hunter2"),
            "{obj}"
        );
        assert_eq!(v.resp_name, "app-x1");
        let role: AuditEvent = serde_json::from_value(serde_json::json!({
            "objectRef": {"resource": "clusterroles", "name": "r"},
            "requestObject": {"rules": [{"resources": ["pods/exec"], "verbs": ["create", "*"]}],
                              "roleRef": {"name": "cluster-admin"}, "subjects": [{"name": "eve"}]},
        }))
        .expect("event");
        let v = ReqView::new(&role, None, &[], &Value::Null);
        assert_eq!(v.rules_resources, ["pods/exec"]);
        assert_eq!(v.rules_verbs, ["create", "*"]);
        assert_eq!(v.binding_role.as_deref(), Some("cluster-admin"));
        assert_eq!(v.binding_subjects, ["eve"]);
        assert_eq!(v.resp_name, "r", "no response object: the target's name");
    }
}
