//! AppArmor / SELinux across declared | applied | observed: equal, the runtime ignored the declaration, the process changed, the node runs no LSM.

use super::*;
use crate::posture::declared::declare_pod;
use crate::posture::parse_manifest;

fn declared(sc: &str) -> Declared {
    let m = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n  - name: c\n    securityContext: {sc}\n"
    );
    declare_pod(&parse_manifest("test", &m).expect("manifest")[0]).remove(0)
}

fn node(apparmor: bool, selinux: bool) -> NodeLsm {
    let mut active = vec!["lockdown".to_string(), "capability".into()];
    active.extend(apparmor.then(|| "apparmor".to_string()));
    active.extend(selinux.then(|| "selinux".to_string()));
    NodeLsm {
        active: Some(active),
        apparmor,
        selinux,
        source: "/sys/kernel/security/lsm".into(),
    }
}

fn applied(apparmor: Option<&str>, selinux: Option<&str>) -> Applied {
    Applied {
        apparmor_profile: apparmor.map(str::to_string),
        selinux_label: selinux.map(str::to_string),
        ..Applied::default()
    }
}

fn observed(lsm: &str, node: NodeLsm) -> Observed {
    Observed {
        pid: 42,
        lsm: Some(lsm.into()),
        node_lsm: Some(node),
        ..Observed::default()
    }
}

fn rules_of(g: &[Gap]) -> Vec<(&'static str, &'static str)> {
    g.iter().map(|g| (g.field, g.rule.id())).collect()
}

fn verdicts(d: Option<&Declared>, a: Option<&Applied>, o: &Observed) -> Vec<RowVerdict> {
    rows(d, a, o).iter().map(|r| r.verdict).collect()
}

#[test]
fn runtime_default_is_the_runtimes_default_profile() {
    let o = observed("cri-containerd.apparmor.d (enforce)", node(true, false));
    let a = applied(Some("cri-containerd.apparmor.d"), None);
    for sc in [
        "{appArmorProfile: {type: RuntimeDefault}}",
        // the annotation form, for the container `c`
        "{}",
    ] {
        let mut d = declared(sc);
        if sc == "{}" {
            d.app_armor_profile = Some(Profile {
                kind: "RuntimeDefault".into(),
                localhost_profile: None,
                source: "container-annotation",
            });
        }
        assert_eq!(gaps(Some(&d), Some(&a), &o), vec![], "{sc}");
        let r = rows(Some(&d), Some(&a), &o);
        assert_eq!(
            (
                r[0].declared.as_str(),
                r[0].applied.as_str(),
                r[0].observed.as_str(),
                r[0].verdict
            ),
            (
                "RuntimeDefault",
                "cri-containerd.apparmor.d",
                "cri-containerd.apparmor.d (enforce)",
                RowVerdict::Ok
            )
        );
    }
    // CRI-O's default carries its version
    let a = applied(Some("crio-default-1.29.1"), None);
    let o = observed("crio-default-1.29.1 (enforce)", node(true, false));
    let d = declared("{appArmorProfile: {type: RuntimeDefault}}");
    assert_eq!(gaps(Some(&d), Some(&a), &o), vec![]);
}

#[test]
fn unconfined_declared_absent_applied_and_unconfined_observed_are_equal() {
    let d = declared("{appArmorProfile: {type: Unconfined}}");
    let o = observed("unconfined", node(true, false));
    assert_eq!(gaps(Some(&d), Some(&applied(None, None)), &o), vec![]);
    assert_eq!(
        gaps(Some(&d), Some(&applied(Some("unconfined"), None)), &o),
        vec![]
    );
    let r = rows(Some(&d), Some(&applied(None, None)), &o);
    assert_eq!(r[0].applied, "unconfined");
    assert_eq!(r[0].verdict, RowVerdict::Ok);
}

#[test]
fn localhost_profile_equal_and_the_runtime_ignoring_it() {
    let d = declared("{appArmorProfile: {type: Localhost, localhostProfile: k8s-deny-write}}");
    let o = observed("k8s-deny-write (enforce)", node(true, false));
    assert_eq!(
        gaps(Some(&d), Some(&applied(Some("k8s-deny-write"), None)), &o),
        vec![]
    );
    // the runtime was given nothing (and the process runs under the declared one: changed too
    // when the bundle named another)
    let g = gaps(Some(&d), Some(&applied(None, None)), &o);
    assert_eq!(rules_of(&g), [(APPARMOR, "KT-POS-008")]);
    assert!(
        g[0].message.contains("Localhost k8s-deny-write"),
        "{}",
        g[0].message
    );
    let g = gaps(
        Some(&d),
        Some(&applied(Some("cri-containerd.apparmor.d"), None)),
        &o,
    );
    assert_eq!(
        rules_of(&g),
        [(APPARMOR, "KT-POS-008"), (APPARMOR, "KT-POS-009")]
    );
    // declared RuntimeDefault, the bundle unconfined
    let d = declared("{appArmorProfile: {type: RuntimeDefault}}");
    let o = observed("unconfined", node(true, false));
    let g = gaps(Some(&d), Some(&applied(None, None)), &o);
    assert_eq!(rules_of(&g), [(APPARMOR, "KT-POS-008")]);
    assert_eq!(
        verdicts(Some(&d), Some(&applied(None, None)), &o)[0],
        RowVerdict::Mismatch
    );
}

#[test]
fn a_process_under_another_profile_changed_since_it_started() {
    let a = applied(
        Some("cri-containerd.apparmor.d"),
        Some("system_u:system_r:container_t:s0:c1,c2"),
    );
    for seen in ["unconfined", "other-profile (complain)"] {
        let o = observed(seen, node(true, false));
        let g = gaps(None, Some(&a), &o);
        // the SELinux label cannot be enforced here (no SELinux), the profile was left
        assert_eq!(
            rules_of(&g),
            [(APPARMOR, "KT-POS-009"), (SELINUX, "KT-POS-010")],
            "{seen}"
        );
        assert!(
            g[0].message.starts_with("pid 42 changed since it started"),
            "{}",
            g[0].message
        );
    }
    // SELinux: the context differs from the label
    let o = observed("system_u:system_r:spc_t:s0", node(false, true));
    let a = applied(None, Some("system_u:system_r:container_t:s0:c1,c2"));
    let g = gaps(None, Some(&a), &o);
    assert_eq!(rules_of(&g), [(SELINUX, "KT-POS-009")]);
    let same = observed("system_u:system_r:container_t:s0:c1,c2", node(false, true));
    assert_eq!(gaps(None, Some(&a), &same), vec![]);
}

#[test]
fn selinux_options_compared_field_by_field() {
    let d = declared("{seLinuxOptions: {type: container_t, level: 's0:c1,c2'}}");
    let o = observed("system_u:system_r:container_t:s0:c1,c2", node(false, true));
    let label = "system_u:system_r:container_t:s0:c1,c2";
    assert_eq!(
        gaps(Some(&d), Some(&applied(None, Some(label))), &o),
        vec![]
    );
    let r = rows(Some(&d), Some(&applied(None, Some(label))), &o);
    assert_eq!(r[1].declared, "*:*:container_t:s0:c1,c2");
    assert_eq!(r[1].verdict, RowVerdict::Ok);
    // the runtime gave spc_t, or no label
    for given in [Some("system_u:system_r:spc_t:s0"), None] {
        let g = gaps(Some(&d), Some(&applied(None, given)), &o);
        assert_eq!(rules_of(&g)[0], (SELINUX, "KT-POS-008"), "{given:?}");
    }
}

#[test]
fn no_lsm_on_the_node_is_said_and_a_declared_profile_is_a_finding() {
    let none = node(false, false);
    let o = observed("none", none.clone());
    // nothing declared, nothing applied: stated, no finding
    let a = applied(None, None);
    assert_eq!(gaps(None, Some(&a), &o), vec![]);
    let r = rows(None, Some(&a), &o);
    assert_eq!(r[0].observed, "no AppArmor on node");
    assert_eq!(r[1].observed, "no SELinux on node");
    assert!(r.iter().all(|r| r.verdict == RowVerdict::Unchecked));
    // declared AppArmor and SELinux: neither can be enforced, whether or not a bundle was read
    let d = declared("{appArmorProfile: {type: RuntimeDefault}, seLinuxOptions: {level: 's0:c5'}}");
    for a in [Some(&a), None] {
        let g = gaps(Some(&d), a, &o);
        assert_eq!(
            rules_of(&g),
            [(APPARMOR, "KT-POS-010"), (SELINUX, "KT-POS-010")]
        );
        assert!(
            g[0].message.contains("this node runs lockdown,capability"),
            "{}",
            g[0].message
        );
    }
    // a declared Unconfined needs no AppArmor
    let d = declared("{appArmorProfile: {type: Unconfined}}");
    assert_eq!(gaps(Some(&d), Some(&applied(None, None)), &o), vec![]);
    // a node whose LSMs are unknown says nothing about them
    let unknown = Observed {
        node_lsm: None,
        ..o
    };
    let d = declared("{appArmorProfile: {type: RuntimeDefault}}");
    assert_eq!(gaps(Some(&d), None, &unknown), vec![]);
}
