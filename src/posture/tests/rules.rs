//! Tests of the static and declared-vs-observed checks.
use super::*;
use crate::posture::declared::declare_pod;
use crate::posture::manifest::parse_manifest;

fn declared(sc: &str) -> Declared {
    let yaml = format!(
        "metadata: {{name: p}}\nspec:\n  containers:\n  - name: c\n    securityContext: {sc}\n"
    );
    let pods = parse_manifest("t.yaml", &yaml).expect("parses");
    declare_pod(&pods[0]).remove(0)
}

fn bits(names: &[&str]) -> u64 {
    names
        .iter()
        .map(|n| 1u64 << caps::cap_bit(n).expect("known cap"))
        .fold(0, |a, b| a | b)
}

/// A well-behaved non-root process under seccomp with NoNewPrivs and a read-only root.
fn good(pid: u32) -> Observed {
    Observed {
        pid,
        uid: 1000,
        gid: 1000,
        cap_eff: 0,
        cap_bnd: bits(&["NET_BIND_SERVICE"]),
        seccomp: 2,
        no_new_privs: true,
        root_readonly: Some(true),
        lsm: None,
        node_lsm: None,
        applied: None,
    }
}

#[test]
fn allowed_capabilities_follow_add_and_drop() {
    assert_eq!(allowed_caps(&declared("{}")), caps::RUNTIME_DEFAULT);
    assert_eq!(
        allowed_caps(&declared(
            "{capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}"
        )),
        bits(&["NET_BIND_SERVICE"])
    );
    assert_eq!(
        allowed_caps(&declared(
            "{capabilities: {drop: [NET_RAW, CAP_KILL], add: [SYS_TIME]}}"
        )),
        (caps::RUNTIME_DEFAULT & !bits(&["NET_RAW", "KILL"])) | bits(&["SYS_TIME"])
    );
    assert_eq!(allowed_caps(&declared("{privileged: true}")), u64::MAX);
}

#[test]
fn sensitive_host_paths() {
    for p in [
        "/",
        "/proc",
        "/etc/",
        "/etc/kubernetes",
        "/var/lib/kubelet/pods",
        "/var/run/docker.sock",
        "/run/containerd/containerd.sock",
        "/run/containerd",
        "/var/run",
    ] {
        assert!(sensitive_host_path(p).is_some(), "{p}");
    }
    for p in ["/tmp/pod", "/data", "/etcd-backup", "/var/log", "/procfoo"] {
        assert!(sensitive_host_path(p).is_none(), "{p}");
    }
}

#[test]
fn a_process_that_matches_its_declaration_has_no_mismatch() {
    let d = declared(
        "{runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, seccompProfile: {type: RuntimeDefault}, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}",
    );
    assert_eq!(mismatches(&d, &good(7)), vec![]);
}

#[test]
fn each_declared_control_not_in_force_is_a_mismatch() {
    let d = declared(
        "{runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, seccompProfile: {type: RuntimeDefault}, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}",
    );
    let bad = Observed {
        uid: 0,
        cap_eff: bits(&["NET_BIND_SERVICE", "SYS_ADMIN"]),
        seccomp: 0,
        no_new_privs: false,
        root_readonly: Some(false),
        ..good(9)
    };
    let got: Vec<(Rule, Severity)> = mismatches(&d, &bad)
        .iter()
        .map(|m| (m.rule, m.severity))
        .collect();
    assert_eq!(
        got,
        vec![
            (Rule::RunAsRootMismatch, Severity::Critical),
            (Rule::RunAsUserMismatch, Severity::High),
            (Rule::CapabilitiesMismatch, Severity::High),
            (Rule::ReadOnlyRootMismatch, Severity::High),
            (Rule::SeccompMismatch, Severity::High),
            (Rule::NoNewPrivsMismatch, Severity::High),
        ]
    );
    let caps_msg = &mismatches(&d, &bad)[2].message;
    assert_eq!(
        caps_msg,
        "pid 9 holds CAP_SYS_ADMIN beyond what capabilities add/drop allow"
    );
    // Undeclared controls are not mismatches (the static checks cover them).
    assert_eq!(
        mismatches(
            &declared("{}"),
            &Observed {
                uid: 0,
                seccomp: 0,
                no_new_privs: false,
                root_readonly: Some(false),
                ..good(3)
            }
        ),
        vec![]
    );
}

#[test]
fn full_bounding_set_is_privileged_unless_declared() {
    let full = Observed {
        cap_bnd: (1u64 << 41) - 1,
        cap_eff: (1u64 << 41) - 1,
        ..good(5)
    };
    let rules: Vec<Rule> = mismatches(&declared("{}"), &full)
        .iter()
        .map(|m| m.rule)
        .collect();
    assert_eq!(
        rules,
        vec![Rule::CapabilitiesMismatch, Rule::PrivilegedObserved]
    );
    assert_eq!(mismatches(&declared("{privileged: true}"), &full), vec![]);
}

#[test]
fn static_checks_of_a_weak_container() {
    let d = declared(
        "{privileged: true, capabilities: {add: [SYS_ADMIN, NET_RAW]}, seccompProfile: {type: Unconfined}}",
    );
    let got: Vec<(Rule, Severity)> = static_container(&d)
        .iter()
        .map(|f| (f.rule, f.severity))
        .collect();
    assert_eq!(
        got,
        vec![
            (Rule::Privileged, Severity::Critical),
            (Rule::DangerousCapability, Severity::Critical),
            (Rule::NoCapabilityDrop, Severity::Medium),
            (Rule::SeccompUnconfined, Severity::High),
            (Rule::PrivilegeEscalationAllowed, Severity::Medium),
        ]
    );
    let hardened = declared(
        "{allowPrivilegeEscalation: false, seccompProfile: {type: RuntimeDefault}, capabilities: {drop: [ALL]}}",
    );
    assert_eq!(static_container(&hardened), vec![]);
}
