//! `k8s_audit` rules: a rule's source decides which events it sees; the shipped audit rules load clean.

use super::*;
use crate::model::audit::AuditEvent;

const RULES: &str = "
- rule: Syscall rule naming ka
  desc: s
  condition: proc.name=sh or ka.verb=get
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
    assert_eq!(rules, ["Syscall rule naming ka"]);
}

#[test]
fn the_shipped_audit_rules_load_clean() {
    let (engine, cov) = build(&[(AUDIT_RULES_NAME, AUDIT_RULES)]);
    assert_eq!(cov.error_count(), 0, "{}", cov.to_text());
    assert!(cov.diagnostics.is_empty(), "{}", cov.to_text());
    assert_eq!(engine.audit_rule_count(), 5);
}
