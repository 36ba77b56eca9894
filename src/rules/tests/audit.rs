//! `k8s_audit` rules: a rule's source decides which events it sees (a field of the other source is an error naming rule and field); the k8saudit plugin's request/response fields; the shipped audit rules load clean.

use super::*;
use crate::model::audit::AuditEvent;

const RULES: &str = "
- rule: Syscall rule
  desc: s
  condition: proc.name=sh
  output: s
  priority: WARNING
- rule: Audit get
  desc: a
  condition: ka.verb=get and ka.user.groups intersects (dev) and not ka.user.groups in (dev)
  output: a user=%ka.user.name groups=%ka.user.groups
  priority: WARNING
  source: k8s_audit
- rule: Audit any
  desc: a
  condition: ka.verb exists
  output: any
  priority: NOTICE
  source: k8s_audit
";

#[test]
fn a_rules_source_decides_which_events_it_sees() {
    let (mut engine, cov) = build(&[("t.yaml", RULES)]);
    assert_eq!(cov.error_count(), 0, "{}", cov.to_text());
    assert_eq!(engine.audit_rule_count(), 2);
    let mut ev = AuditEvent {
        verb: "get".into(),
        time_ns: 7,
        ..Default::default()
    };
    ev.user.username = "alice".into();
    ev.user.groups = vec!["dev".into(), "system:authenticated".into()];
    let mut out = Vec::new();
    engine.process_audit(&ev, &mut out);
    let got: Vec<(&str, &str, &str)> = out
        .iter()
        .map(|a| (a.rule.as_str(), a.source.as_str(), a.output.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "Audit get",
                "k8s_audit",
                "a user=alice groups=(dev,system:authenticated)"
            ),
            ("Audit any", "k8s_audit", "any"),
        ],
        "list fields: intersects is any value, in is every value; the syscall rule never sees it"
    );
    // A kernel exec of `sh`: the syscall rule fires, the audit rules never see it.
    let mut out = Vec::new();
    engine.process(&exec(4242, 1, "/bin/sh", "sh", None), &mut out);
    let rules: Vec<&str> = out.iter().map(|a| a.rule.as_str()).collect();
    assert_eq!(rules, ["Syscall rule"]);
}

#[test]
fn the_shipped_audit_rules_load_clean() {
    let (engine, cov) = build(&[(AUDIT_RULES_NAME, AUDIT_RULES)]);
    assert_eq!(cov.error_count(), 0, "{}", cov.to_text());
    assert!(cov.diagnostics.is_empty(), "{}", cov.to_text());
    assert_eq!(engine.audit_rule_count(), 5);
}

#[test]
fn a_field_of_the_other_source_is_an_error_naming_rule_and_field() {
    let rules = "
- rule: Audit rule reading a process
  desc: a
  condition: ka.verb=create and proc.name=sh
  output: a
  priority: WARNING
  source: k8s_audit
- rule: Syscall rule reading the audit
  desc: s
  condition: evt.type=execve and ka.user.name=alice
  output: s
  priority: WARNING
- rule: Audit rule with an event type
  desc: a
  condition: evt.type=open and ka.verb=get
  output: a
  priority: WARNING
  source: k8s_audit
";
    let (engine, cov) = build(&[("x.yaml", rules)]);
    let text = cov.to_text();
    assert_eq!(cov.error_count(), 3, "{text}");
    assert_eq!(engine.audit_rule_count(), 0);
    for (rule, field) in [
        ("Audit rule reading a process", "proc.name"),
        ("Syscall rule reading the audit", "ka.user.name"),
        ("Audit rule with an event type", "evt.type"),
    ] {
        assert!(
            text.lines()
                .any(|l| l.contains(rule) && l.contains(&format!("`{field}`"))),
            "{rule} / {field}: {text}"
        );
    }
}

/// Rules in the style of the k8saudit plugin's file, over the fields it has beyond pods' basics.
const REQ_RULES: &str = r#"
- macro: k8s_audit_always_true
  condition: (jevt.rawtime exists)
- rule: Attach to cluster-admin Role
  desc: a
  condition: k8s_audit_always_true and ka.target.resource=clusterrolebindings and ka.verb=create and ka.req.binding.role=cluster-admin
  output: binding (user=%ka.user.name subject=%ka.req.binding.subjects)
  priority: WARNING
  source: k8s_audit
- rule: ClusterRole With Wildcard Created
  desc: a
  condition: ka.target.resource in (roles, clusterroles) and ka.verb=create and (ka.req.role.rules.resources intersects ("*") or ka.req.role.rules.verbs intersects ("*"))
  output: wildcard (role=%ka.target.name rules=%ka.req.role.rules)
  priority: WARNING
  source: k8s_audit
- rule: Create NodePort Service
  desc: a
  condition: ka.target.resource=services and ka.req.service.type=NodePort
  output: nodeport (service=%ka.target.name ports=%ka.req.service.ports)
  priority: WARNING
  source: k8s_audit
- rule: Configmap With Private Credentials
  desc: a
  condition: ka.target.resource=configmaps and ka.req.configmap.obj contains "password"
  output: configmap (name=%ka.req.configmap.name config=%ka.req.configmap.obj)
  priority: WARNING
  source: k8s_audit
- rule: Anonymous Request Allowed
  desc: a
  condition: ka.user.name=system:anonymous and ka.auth.decision="allow"
  output: anonymous (reason=%ka.auth.reason)
  priority: WARNING
  source: k8s_audit
- rule: Node Tried To Join
  desc: a
  condition: ka.target.resource=nodes and not ka.response.code startswith 2
  output: node (reason=%ka.response.reason)
  priority: WARNING
  source: k8s_audit
- rule: Pod adds capabilities
  desc: a
  condition: ka.req.pod.containers.add_capabilities intersects (SYS_ADMIN) or ka.req.pod.run_as_user=0
  output: pod (pod=%ka.resp.name caps=%ka.req.pod.containers.add_capabilities user=%ka.req.pod.run_as_user)
  priority: WARNING
  source: k8s_audit
"#;

fn audit_ev(v: serde_json::Value) -> AuditEvent {
    let mut e: AuditEvent = serde_json::from_value(v).expect("event");
    e.time_ns = 1;
    e.scrub();
    e
}

#[test]
fn the_plugins_request_and_response_fields_raise_their_rules() {
    let (mut engine, cov) = build(&[("req.yaml", REQ_RULES)]);
    assert_eq!(cov.error_count(), 0, "{}", cov.to_text());
    assert_eq!(engine.audit_rule_count(), 7);
    let evs = [
        serde_json::json!({"verb": "create", "objectRef": {"resource": "clusterrolebindings", "name": "b"},
            "requestObject": {"roleRef": {"name": "cluster-admin"}, "subjects": [{"name": "eve"}]}}),
        serde_json::json!({"verb": "create", "objectRef": {"resource": "clusterroles", "name": "r"},
            "requestObject": {"rules": [{"resources": ["*"], "verbs": ["get"]}]}}),
        serde_json::json!({"verb": "create", "objectRef": {"resource": "services", "name": "s"},
            "requestObject": {"spec": {"type": "NodePort", "ports": [{"port": 80}]}}}),
        serde_json::json!({"verb": "create", "objectRef": {"resource": "configmaps", "name": "c"},
            "requestObject": {"metadata": {"name": "c"}, "data": {"db_password": "hunter2"}}}),
        serde_json::json!({"verb": "get", "user": {"username": "system:anonymous"},
            "annotations": {"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": "RBAC: allowed"}}),
        serde_json::json!({"verb": "create", "objectRef": {"resource": "nodes", "name": "n"},
            "responseStatus": {"code": 403, "reason": "Forbidden"}}),
        serde_json::json!({"verb": "create", "objectRef": {"resource": "pods", "name": ""},
            "requestObject": {"spec": {"securityContext": {"runAsUser": 0},
                "containers": [{"securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}]}},
            "responseObject": {"metadata": {"name": "web-x1y2"}}}),
    ];
    let mut out = Vec::new();
    for v in evs {
        engine.process_audit(&audit_ev(v), &mut out);
    }
    let got: Vec<&str> = out.iter().map(|a| a.output.as_str()).collect();
    assert_eq!(
        got,
        [
            "binding (user= subject=(eve))",
            r#"wildcard (role=r rules=[{"resources":["*"],"verbs":["get"]}])"#,
            r#"nodeport (service=s ports=[{"port":80}])"#,
            r#"configmap (name=c config={"db_password":"••••••••"})"#,
            "anonymous (reason=RBAC: allowed)",
            "node (reason=Forbidden)",
            "pod (pod=web-x1y2 caps=(SYS_ADMIN) user=0)",
        ]
    );
}
