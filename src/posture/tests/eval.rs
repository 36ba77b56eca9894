//! Tests of findings and the immutability verdict.
use super::*;
use crate::posture::finding::{FindingKind, Severity};
use crate::posture::manifest::{load_manifest, parse_manifest};

fn fixture(name: &str) -> Vec<Pod> {
    load_manifest(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/manifests")
            .join(name),
    )
    .expect("fixture loads")
}

fn posture(name: &str) -> PodPosture {
    evaluate(&fixture(name)[0], &HashMap::new())
}

#[test]
fn seed_verdicts() {
    assert!(posture("rofspod.yaml").immutable);
    let ro_host = posture("rohofspod.yaml");
    assert!(!ro_host.immutable);
    assert_eq!(
        ro_host.immutable_reasons,
        vec![
            "container rohofspod can write to hostPath /tmp/pod (mounted at /tmp/hostpath without readOnly)"
        ]
    );
    assert!(posture("rohofspod-readonly.yaml").immutable);
    assert!(
        posture("nginx-emptydir.yaml").immutable,
        "emptyDir does not break immutability"
    );
    let privileged = posture("nginx-privileged.yaml");
    assert_eq!(
        privileged.immutable_reasons,
        vec!["container nginx is privileged"]
    );
    let typo = posture("nginx-typo.yaml");
    assert!(
        !typo.immutable,
        "readOnlyRootFileSystem (capital S) is not a field"
    );
    for p in fixture("secure-webserver.yaml") {
        let pp = evaluate(&p, &HashMap::new());
        assert!(pp.immutable, "{}: {:?}", pp.name, pp.immutable_reasons);
        assert_eq!(pp.containers.len(), 2);
    }
}

#[test]
fn an_init_container_with_a_writable_root_breaks_it() {
    let mut pods = fixture("secure-webserver.yaml");
    let spec = pods[0].spec.as_mut().expect("spec");
    let init = &mut spec.init_containers.as_mut().expect("init")[0];
    init.security_context = None;
    let pp = evaluate(&pods[0], &HashMap::new());
    assert_eq!(
        pp.immutable_reasons,
        vec![
            "container init can write to its root filesystem (readOnlyRootFilesystem is not true)"
        ]
    );
}

#[test]
fn observed_processes_add_mismatches_and_can_break_immutability() {
    let pod = &parse_manifest(
        "t.yaml",
        "metadata: {name: web-0, namespace: team-a, uid: u-1}\nspec:\n  automountServiceAccountToken: false\n  containers:\n  - name: web\n    securityContext: {runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, seccompProfile: {type: RuntimeDefault}, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}\n",
    )
    .expect("parses")[0];
    let declared_only = evaluate(pod, &HashMap::new());
    assert!(declared_only.immutable);
    assert_eq!(declared_only.findings, vec![], "nothing static to say");
    let obs = |pid| Observed {
        pid,
        uid: 0,
        cap_bnd: 1 << 10,
        cap_eff: 1 << 10,
        seccomp: 2,
        no_new_privs: true,
        root_readonly: Some(false),
        ..Observed::default()
    };
    let observed = HashMap::from([("web".to_string(), vec![obs(41), obs(42)])]);
    let pp = evaluate(pod, &observed);
    assert!(!pp.immutable);
    let got: Vec<(&str, Severity, FindingKind, &str)> = pp
        .findings
        .iter()
        .map(|f| (f.id(), f.severity, f.kind(), f.message.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "KT-POS-001",
                Severity::Critical,
                FindingKind::Mismatch,
                "runAsNonRoot: true is declared but pid 41 runs as uid 0 (and 1 more processes)"
            ),
            (
                "KT-POS-004",
                Severity::High,
                FindingKind::Mismatch,
                "readOnlyRootFilesystem: true is declared but / of pid 41 is mounted read-write (and 1 more processes)"
            ),
        ]
    );
    assert_eq!(pp.containers[0].pids, vec![41, 42]);
    let rows = compare_rows(&pp.containers[0].declared, None, &obs(41));
    let verdicts: Vec<(&str, RowVerdict)> = rows.iter().map(|r| (r.field, r.verdict)).collect();
    assert_eq!(
        verdicts,
        vec![
            ("runAsNonRoot", RowVerdict::Mismatch),
            ("runAsUser", RowVerdict::Unchecked),
            ("runAsGroup", RowVerdict::Unchecked),
            ("privileged", RowVerdict::Unchecked),
            ("capabilities", RowVerdict::Ok),
            ("readOnlyRootFilesystem", RowVerdict::Mismatch),
            ("seccompProfile", RowVerdict::Ok),
            ("allowPrivilegeEscalation", RowVerdict::Ok),
            ("appArmorProfile", RowVerdict::Unchecked),
            ("seLinuxOptions", RowVerdict::Unchecked),
        ]
    );
    assert_eq!(rows[4].declared, "CAP_NET_BIND_SERVICE");
    assert_eq!(rows[5].observed, "/ read-write");
}

#[test]
fn pod_level_findings_have_no_container() {
    let pod = &parse_manifest("t.yaml", "metadata: {name: h}\nspec:\n  hostNetwork: true\n  hostPID: true\n  containers: [{name: a}, {name: b}]\n").expect("parses")[0];
    let pp = evaluate(pod, &HashMap::new());
    let pod_level: Vec<&str> = pp
        .findings
        .iter()
        .filter(|f| f.container.is_none())
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        pod_level,
        vec![
            "hostPID: true shares the host's namespace with the pod",
            "hostNetwork: true shares the host's namespace with the pod",
            "the service account token is mounted (automountServiceAccountToken is not false)",
        ]
    );
    assert_eq!(
        pp.findings_for("a").len(),
        pp.findings.len() - pp.containers[1].findings.len()
    );
    assert_eq!(pp.namespace, "default");
}
