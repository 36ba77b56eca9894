//! The `ka.*` and `jevt.*` fields of Falco's k8saudit plugin over one audit event (rules with `source: k8s_audit`).

use serde_json::Value;

use super::ctx::Val;
use super::fields::{F, FieldArg, FieldRef};
use crate::model::alert::iso_time;
use crate::model::audit::AuditEvent;

/// What the fields of one audit event read, computed once per event.
pub struct KaView<'a> {
    pub ev: &'a AuditEvent,
    params: Vec<(String, String)>,
    privileged: Vec<&'static str>,
    images: Vec<String>,
    repos: Vec<String>,
    hostpaths: Vec<String>,
    host_pid: &'static str,
    host_network: &'static str,
    host_ipc: &'static str,
    code: String,
    time: String,
    /// The event as JSON (for `jevt.value[/pointer]`).
    json: Value,
    /// The other request/response fields.
    req: super::audit_req::ReqView,
}

fn tf(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// The pod spec of a request object (a Pod, or a workload's pod template).
fn pod_spec(obj: &Value) -> Option<&Value> {
    let spec = obj.get("spec")?;
    if let Some(t) = spec.get("template").and_then(|t| t.get("spec")) {
        return Some(t);
    }
    if let Some(t) = spec.pointer("/jobTemplate/spec/template/spec") {
        return Some(t);
    }
    Some(spec)
}

impl<'a> KaView<'a> {
    /// The view of `ev`.
    pub fn new(ev: &'a AuditEvent) -> Self {
        let spec = ev.request_object.as_ref().and_then(pod_spec);
        let containers: Vec<&Value> = spec
            .into_iter()
            .flat_map(|s| ["containers", "initContainers", "ephemeralContainers"].map(|k| s.get(k)))
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
            .collect();
        let flag = |k: &str| spec.and_then(|s| s.get(k)).and_then(Value::as_bool) == Some(true);
        let images: Vec<String> = containers
            .iter()
            .filter_map(|c| c.get("image").and_then(Value::as_str))
            .map(str::to_string)
            .collect();
        let json = serde_json::to_value(ev).unwrap_or(Value::Null);
        let req = super::audit_req::ReqView::new(ev, spec, &containers, &json);
        Self {
            ev,
            req,
            params: ev.uri_params(),
            privileged: containers
                .iter()
                .map(|c| {
                    tf(c.pointer("/securityContext/privileged")
                        .and_then(Value::as_bool)
                        == Some(true))
                })
                .collect(),
            repos: images.iter().map(|i| repository(i).to_string()).collect(),
            images,
            hostpaths: spec
                .and_then(|s| s.get("volumes"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.pointer("/hostPath/path").and_then(Value::as_str))
                .map(str::to_string)
                .collect(),
            host_pid: tf(flag("hostPID")),
            host_network: tf(flag("hostNetwork")),
            host_ipc: tf(flag("hostIPC")),
            code: ev.code().map(|c| c.to_string()).unwrap_or_default(),
            time: iso_time(ev.time_ns),
            json,
        }
    }
}

/// The kernel event an audit evaluation context stands on: none (pid 0, no cgroup).
pub fn no_kernel_event() -> crate::model::SysEvent {
    crate::model::SysEvent {
        ts_ns: 0,
        cgroup_id: 0,
        duration_ns: 0,
        ret: 0,
        args: [0; 6],
        kind: crate::model::EventKind::Syscall,
        nr: u32::MAX,
        pid: 0,
        tid: 0,
        ppid: 0,
        uid: 0,
        comm: [0; 16],
        bufs: Default::default(),
    }
}

/// `registry:5000/team/app:1.2@sha256:…` → `registry:5000/team/app`.
fn repository(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    match no_digest[slash..].find(':') {
        Some(i) => &no_digest[..slash + i],
        None => no_digest,
    }
}

/// The fields that give a list (matched when any value does; `in`: when all do).
pub fn is_list(f: F) -> bool {
    matches!(
        f,
        F::KaUserGroups
            | F::KaSourceIps
            | F::KaReqPodPrivileged
            | F::KaReqPodImage
            | F::KaReqPodImageRepository
            | F::KaReqPodHostPath
            | F::KaReqPodAddCaps
            | F::KaReqBindingSubjects
            | F::KaReqRoleRulesResources
            | F::KaReqRoleRulesVerbs
    )
}

/// The value of a single-valued field.
pub fn get<'c>(v: &'c KaView<'_>, r: &FieldRef) -> Option<Val<'c>> {
    let e = v.ev;
    let s = |x: &'c str| Some(Val::Str(x));
    let obj = e.object_ref.as_ref();
    let nonempty = |x: &'c str| (!x.is_empty()).then_some(Val::Str(x));
    match r.f {
        F::KaVerb => s(&e.verb),
        F::KaUserName => s(&e.user.username),
        F::KaImpUserName => e.impersonated_user.as_ref().map(|u| Val::Str(&u.username)),
        F::KaTargetResource => nonempty(&obj?.resource),
        F::KaTargetSubresource => nonempty(&obj?.subresource),
        F::KaTargetNamespace => nonempty(&obj?.namespace),
        F::KaTargetName => nonempty(&obj?.name),
        F::KaUri => s(&e.request_uri),
        F::KaUriParam => {
            let FieldArg::Name(n) = &r.arg else {
                return None;
            };
            v.params
                .iter()
                .find(|(k, _)| k == n.as_ref())
                .map(|(_, x)| Val::Str(x))
        }
        F::KaReqPodHostPid if e.request_object.is_some() => s(v.host_pid),
        F::KaReqPodHostNetwork if e.request_object.is_some() => s(v.host_network),
        F::KaReqPodHostIpc if e.request_object.is_some() => s(v.host_ipc),
        F::KaResponseCode => nonempty(&v.code),
        F::KaAuditId => s(&e.audit_id),
        F::KaStage => s(&e.stage),
        F::KaUserAgent => s(&e.user_agent),
        F::JevtTime => s(&v.time),
        F::JevtRawTime => Some(Val::Int(i64::try_from(e.time_ns).unwrap_or(i64::MAX))),
        F::JevtObj => s(&v.req.obj),
        F::KaRespName => nonempty(&v.req.resp_name),
        F::KaResponseReason => e.response_status.as_ref().and_then(|r| nonempty(&r.reason)),
        F::KaAuthDecision => e
            .annotations
            .get("authorization.k8s.io/decision")
            .map(|x| Val::Str(x)),
        F::KaAuthReason => e
            .annotations
            .get("authorization.k8s.io/reason")
            .map(|x| Val::Str(x)),
        F::KaReqPodRunAsUser => v.req.run_as_user.as_deref().map(Val::Str),
        F::KaReqServiceType => v.req.service_type.as_deref().map(Val::Str),
        F::KaReqServicePorts => v.req.service_ports.as_deref().map(Val::Str),
        F::KaReqConfigmapName => v.req.configmap_name.as_deref().map(Val::Str),
        F::KaReqConfigmapObj => v.req.configmap_obj.as_deref().map(Val::Str),
        F::KaReqBindingRole => v.req.binding_role.as_deref().map(Val::Str),
        F::KaReqRoleRules => v.req.role_rules.as_deref().map(Val::Str),
        F::JevtValue => {
            let FieldArg::Name(p) = &r.arg else {
                return None;
            };
            match v.json.pointer(p)? {
                Value::String(x) => Some(Val::Str(x)),
                Value::Bool(b) => s(tf(*b)),
                Value::Number(n) => n.as_i64().map(Val::Int),
                _ => None,
            }
        }
        f if is_list(f) => {
            let mut out = Vec::new();
            get_multi(v, r, &mut out);
            out.first().copied()
        }
        _ => None,
    }
}

/// The values of a list field.
pub fn get_multi<'c>(v: &'c KaView<'_>, r: &FieldRef, out: &mut Vec<Val<'c>>) {
    let strs: &'c [String] = match r.f {
        F::KaUserGroups => &v.ev.user.groups,
        F::KaSourceIps => &v.ev.source_ips,
        F::KaReqPodImage => &v.images,
        F::KaReqPodImageRepository => &v.repos,
        F::KaReqPodHostPath => &v.hostpaths,
        F::KaReqPodAddCaps => &v.req.add_caps,
        F::KaReqBindingSubjects => &v.req.binding_subjects,
        F::KaReqRoleRulesResources => &v.req.rules_resources,
        F::KaReqRoleRulesVerbs => &v.req.rules_verbs,
        F::KaReqPodPrivileged => {
            out.extend(v.privileged.iter().map(|x| Val::Str(x)));
            return;
        }
        _ => return,
    };
    out.extend(strs.iter().map(|x| Val::Str(x)));
}

/// A list rendered as Falco prints it (`(a,b)`), for outputs.
pub fn render_list(vals: &[Val<'_>]) -> String {
    let parts: Vec<String> = vals.iter().map(super::extract::render).collect();
    format!("({})", parts.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories() {
        assert_eq!(repository("nginx"), "nginx");
        assert_eq!(repository("nginx:1.25"), "nginx");
        assert_eq!(repository("reg:5000/a/b:1@sha256:00"), "reg:5000/a/b");
        assert_eq!(repository("reg:5000/a/b"), "reg:5000/a/b");
    }
}
