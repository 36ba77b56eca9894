//! The applied column on the fixture bundle: declared ≠ applied and applied ≠ observed gaps, and the cells.

use std::path::Path;

use super::*;
use crate::identity::bundle::{Found, read_applied};

fn applied() -> Applied {
    let f = Found {
        path: Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/bundle/containerd-config.json"),
        runtime: "containerd",
    };
    read_applied(&f).expect("fixture bundle")
}

/// The fixture pod's spec: drop ALL, add NET_BIND_SERVICE, RuntimeDefault, no escalation.
pub(crate) const WEB_POD: &str = "apiVersion: v1
kind: Pod
metadata: {name: web-0, namespace: team-a}
spec:
  containers:
  - name: web
    image: docker.io/ktriage/web-app:1.0
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
      seccompProfile: {type: RuntimeDefault}
";

fn declared() -> Declared {
    let pods = crate::posture::parse_manifest("test", WEB_POD).expect("manifest");
    crate::posture::declared::declare_pod(&pods[0]).remove(0)
}

/// What a process started from the fixture bundle has.
fn observed() -> Observed {
    Observed {
        pid: 7,
        cap_eff: 1 << 10,
        cap_bnd: 1 << 10,
        seccomp: 2,
        no_new_privs: true,
        root_readonly: Some(false),
        ..Observed::default()
    }
}

#[test]
fn the_spec_as_applied_has_no_gaps() {
    assert_eq!(
        gaps(Some(&declared()), &applied(), Some(&observed())),
        vec![]
    );
}

#[test]
fn a_declaration_the_bundle_does_not_carry_is_not_applied() {
    let mut d = declared();
    d.read_only_root_filesystem = Some(true);
    d.capabilities_add.clear();
    d.run_as_user = Some(1000);
    let g = gaps(Some(&d), &applied(), None);
    let fields: Vec<&str> = g.iter().map(|g| g.field).collect();
    assert_eq!(
        fields,
        ["capabilities", "runAsUser", "readOnlyRootFilesystem"]
    );
    assert!(g.iter().all(|g| g.rule == Rule::AppliedMismatch));
    assert!(
        g[0].message.contains("CAP_NET_BIND_SERVICE"),
        "{}",
        g[0].message
    );
    let f = findings("web", &g);
    assert_eq!(f[0].id(), "KT-POS-008");
    assert_eq!(f[0].container.as_deref(), Some("web"));
}

#[test]
fn a_process_unlike_its_bundle_changed_since_it_started() {
    let mut o = observed();
    o.cap_bnd |= 1 << 21; // CAP_SYS_ADMIN
    o.no_new_privs = false;
    o.seccomp = 0;
    let g = gaps(None, &applied(), Some(&o));
    let fields: Vec<&str> = g.iter().map(|g| g.field).collect();
    assert_eq!(
        fields,
        ["capabilities", "seccompProfile", "allowPrivilegeEscalation"]
    );
    assert!(g.iter().all(|g| g.rule == Rule::ChangedSinceStart));
    assert!(g[0].message.contains("CAP_SYS_ADMIN"));
    assert_eq!(g[0].severity, Severity::Critical);
}

#[test]
fn rows_carry_the_applied_cells_and_mark_any_disagreement() {
    let a = applied();
    let mut d = declared();
    d.read_only_root_filesystem = Some(true);
    let rows = crate::posture::compare_rows(&d, Some(&a), &observed());
    let row = |f: &str| rows.iter().find(|r| r.field == f).expect(f).clone();
    assert_eq!(row("capabilities").applied, "CAP_NET_BIND_SERVICE");
    assert_eq!(row("seccompProfile").applied, "ERRNO 3 allowed");
    assert_eq!(row("allowPrivilegeEscalation").applied, "noNewPrivs 1");
    assert_eq!(row("runAsUser").applied, "uid 0");
    let ro = row("readOnlyRootFilesystem");
    assert_eq!(ro.applied, "/ read-write");
    assert_eq!(ro.verdict, crate::posture::eval::RowVerdict::Mismatch);
    let without = crate::posture::compare_rows(&d, None, &observed());
    assert!(without.iter().all(|r| r.applied == "-"));
}

#[test]
fn the_store_evaluation_carries_the_applied_findings_once_per_gap() {
    let mut d = declared();
    d.read_only_root_filesystem = Some(true);
    let o = |pid| Observed {
        pid,
        applied: Some(applied()),
        ..observed()
    };
    let c = crate::posture::evaluate_container(d, &[o(7), o(8)]);
    let not_applied: Vec<&Finding> = c
        .findings
        .iter()
        .filter(|f| f.rule == Rule::AppliedMismatch)
        .collect();
    assert_eq!(not_applied.len(), 1, "{:?}", c.findings);
    assert!(not_applied[0].message.ends_with("(and 1 more processes)"));
}
