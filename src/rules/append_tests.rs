//! Unit tests of `append_output`: the Falco `-pk` suffix, the extra fields, `--append-output` parsing.

use super::*;
use crate::model::CgroupInfo;
use crate::rules::env::ContainerMeta;
use crate::rules::tests::{exec, openat, run, shipped_with};

const SUFFIX_HOST: &str = " container_id=host container_image=<NA> container_image_tag=<NA> \
container_name=host k8s_ns=<NA> k8s_pod_name=<NA>";

#[test]
fn host_alert_ends_with_the_falco_suffix() {
    let (mut e, _) = shipped_with(&[]);
    e.append = Some(Append::default());
    let evs = vec![
        exec(50, 1, "/bin/bash", "bash", None),
        exec(100, 50, "/usr/bin/cat", "cat /etc/shadow", None),
        openat(100, "/etc/shadow", 0, 3),
    ];
    let a = run(&mut e, vec![], evs).remove(0);
    assert!(a.output.ends_with(SUFFIX_HOST), "{}", a.output);
    let f = &a.output_fields;
    assert_eq!(f["container.id"], "host");
    assert_eq!(f["container.name"], "host");
    assert_eq!(f["k8s.ns.name"], Value::Null);
    assert_eq!(f["proc.pid"], 100);
    assert_eq!(f["proc.ppid"], 50);
    assert_eq!(f[ENTERED_FIELD], false);
    let facts = a.facts.as_deref().expect("engine alerts carry facts");
    assert_eq!((facts.pid, facts.ppid), (100, 50));
    assert_eq!(facts.argv, ["cat", "/etc/shadow"]);
    assert_eq!(
        facts.ancestors.first().map(|p| p.comm.as_str()),
        Some("bash")
    );
    assert!(facts.identity.container.is_none());
}

#[test]
fn container_alert_names_container_and_pod() {
    let (mut e, _) = shipped_with(&[]);
    e.append = Some(Append::default());
    let id = "cd".repeat(32);
    let mut meta = ContainerMeta::from_id(&id);
    meta.name = Some("web".into());
    meta.set_image("registry.local/web:1.0");
    meta.namespace = Some("team-a".into());
    meta.pod_name = Some("web-0".into());
    e.env.cgroups.insert(9, Some(std::sync::Arc::new(meta)));
    let mut cat = exec(300, 1, "/bin/cat", "cat /etc/shadow", None);
    cat.cgroup_id = 9;
    let mut open = openat(300, "/etc/shadow", 0, 3);
    open.cgroup_id = 9;
    let a = run(&mut e, Vec::<CgroupInfo>::new(), vec![cat, open]).remove(0);
    let want = format!(
        " container_id={} container_image=registry.local/web container_image_tag=1.0 \
container_name=web k8s_ns=team-a k8s_pod_name=web-0",
        &id[..12]
    );
    assert!(a.output.ends_with(&want), "{}", a.output);
    assert_eq!(a.output_fields["k8s.pod.name"], "web-0");
    let ident = &a.facts.as_deref().expect("facts").identity;
    assert_eq!(
        ident.container.as_ref().map(|c| c.id.as_str()),
        Some(id.as_str())
    );
    assert_eq!(
        ident.pod.as_ref().and_then(|p| p.name.as_deref()),
        Some("web-0")
    );
}

#[test]
fn chosen_fields_and_errors() {
    let (mut e, _) = shipped_with(&[]);
    e.append = Some(Append::parse("container.id, proc.vpid").expect("valid"));
    let evs = vec![
        exec(100, 1, "/usr/bin/cat", "cat /etc/shadow", None),
        openat(100, "/etc/shadow", 0, 3),
    ];
    let a = run(&mut e, vec![], evs).remove(0);
    assert!(
        a.output.ends_with(" container_id=host proc_vpid=100"),
        "{}",
        a.output
    );
    assert!(Append::parse("").is_err());
    assert!(Append::parse("container.id,%x").is_err());
    let e = Append::parse("container.nope").expect_err("unknown field");
    assert!(e.contains("container.nope"), "{e}");
}

#[test]
fn without_append_the_output_is_the_rule_s() {
    let (mut e, _) = shipped_with(&[]);
    let evs = vec![
        exec(100, 1, "/usr/bin/cat", "cat /etc/shadow", None),
        openat(100, "/etc/shadow", 0, 3),
    ];
    let a = run(&mut e, vec![], evs).remove(0);
    assert!(!a.output.contains("container_id="), "{}", a.output);
    assert!(!a.output_fields.contains_key(ENTERED_FIELD));
}
