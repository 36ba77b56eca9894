//! Snapshot tests of the Security tab's applied column (declared | applied | observed), with a pod spec and from the bundle alone, with hostile annotation text.

use std::path::Path;

use super::posture_render_tests::{security_tab, with_pods};
use super::test_support::{self as ts, draw, dump, text};
use crate::app::state::AppState;
use crate::identity::bundle::{Applied, Found, read_applied};
use crate::posture::eval::RowVerdict;

/// The fixture bundle (drop ALL + NET_BIND_SERVICE, RuntimeDefault, noNewPrivileges, `/` read-write).
fn bundle() -> Applied {
    let f = Found {
        path: Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/bundle/containerd-config.json"),
        runtime: "containerd",
    };
    read_applied(&f).expect("fixture bundle")
}

fn snapshot_both(screen: &str, s: &AppState) {
    for (w, h) in [(80, 24), (200, 50)] {
        let t = draw(s, &ts::theme("mono"), w, h);
        let shown = text(t.backend().buffer());
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
            "sanitized:\n{shown}"
        );
        insta::assert_snapshot!(format!("{screen}_{w}x{h}_mono"), dump(&t));
    }
}

#[test]
fn security_tab_declared_applied_observed() {
    let mut ins = ts::inspection(ts::INSPECT_PID);
    let mut a = bundle();
    a.apparmor_profile = Some("cri-containerd\u{1b}]0;pwned\u{7}.apparmor.d".into());
    a.uid = 101;
    ins.applied = Some(a);
    let s = security_tab(with_pods(ts::state()), ins);
    let p = s
        .inspect
        .as_ref()
        .and_then(|v| v.posture.clone())
        .expect("posture");
    assert!(p.spec);
    let row = |f: &str| p.rows.iter().find(|r| r.field == f).expect(f).clone();
    // readOnlyRootFilesystem: true is declared, the bundle's root is read-write: not applied.
    let ro = row("readOnlyRootFilesystem");
    assert_eq!(
        (ro.applied.as_str(), ro.verdict),
        ("/ read-write", RowVerdict::Mismatch)
    );
    assert!(p.findings.iter().any(|f| f.id() == "KT-POS-008"));
    // the fixture process holds capabilities the bundle never gave: changed since it started.
    assert!(p.findings.iter().any(|f| f.id() == "KT-POS-009"));
    snapshot_both("security_applied", &s);
}

#[test]
fn security_tab_from_the_bundle_alone_with_hostile_names() {
    let mut ins = ts::inspection(ts::INSPECT_PID);
    let pod = ins.identity.pod.as_mut().expect("pod");
    // names from hostile annotations (no CRI, no spec)
    pod.name = Some("evil\u{1b}[2J\u{1b}]52;c;cGF5bG9hZA==\u{7}pod".into());
    if let Some(c) = ins.identity.container.as_mut() {
        c.name = Some("x\u{9b}31m\ty".into());
    }
    ins.applied = Some(bundle());
    let s = security_tab(ts::state(), ins);
    let p = s
        .inspect
        .as_ref()
        .and_then(|v| v.posture.clone())
        .expect("bundle posture");
    assert!(!p.spec);
    assert!(p.rows.iter().all(|r| r.declared == "-"));
    snapshot_both("security_bundle_only", &s);
}
