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
    let mut a = read_applied(&f).expect("fixture bundle");
    // where containerd keeps it, not where this checkout is (snapshots are the same in every clone)
    a.path = "/run/containerd/io.containerd.runtime.v2.task/k8s.io/3f2a9c1b7d4e/config.json".into();
    a
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

/// containerd's usual masked and read-only paths, a hostile annotation, no LSM on the node.
fn detailed_bundle() -> Applied {
    let mut a = bundle();
    // where containerd keeps it (the fixture's own path depends on the checkout)
    a.path = "/run/containerd/io.containerd.runtime.v2.task/k8s.io/3b1d6a8f0c2e/config.json".into();
    a.masked_paths = [
        "/proc/acpi",
        "/proc/asound",
        "/proc/kcore",
        "/proc/keys",
        "/proc/latency_stats",
        "/proc/timer_list",
        "/proc/timer_stats",
        "/proc/sched_debug",
        "/sys/firmware",
        "/sys/devices/virtual/powercap",
        "/proc/scsi",
    ]
    .map(String::from)
    .to_vec();
    a.readonly_paths = [
        "/proc/bus",
        "/proc/fs",
        "/proc/irq",
        "/proc/sys",
        "/proc/sysrq-trigger",
    ]
    .map(String::from)
    .to_vec();
    a.annotations.insert(
        "zz.example.com/evil\u{1b}]52;c;cGF5bG9hZA==\u{7}".into(),
        format!(
            "\u{1b}[2J\u{1b}[31mred\u{9b}0m\r\nsecond line {}",
            "A".repeat(5000)
        ),
    );
    a
}

fn no_lsm_node() -> crate::inspect::lsm::NodeLsm {
    crate::inspect::lsm::NodeLsm {
        active: Some(
            ["lockdown", "capability", "landlock", "bpf"]
                .map(String::from)
                .to_vec(),
        ),
        apparmor: false,
        selinux: false,
        source: "/sys/kernel/security/lsm".into(),
    }
}

fn shown(s: &AppState, w: u16, h: u16, theme: &str) -> (String, String) {
    let t = draw(s, &ts::theme(theme), w, h);
    let text = text(t.backend().buffer());
    for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\r'] {
        assert!(!text.contains(bad), "{bad:?} reached the screen:\n{text}");
    }
    (text, dump(&t))
}

#[test]
fn security_tab_bundle_details_scroll_into_view_sanitized() {
    let mut ins = ts::inspection(ts::INSPECT_PID);
    ins.applied = Some(detailed_bundle());
    ins.lsm = Some(crate::inspect::lsm::Lsm::None);
    ins.node_lsm = Some(no_lsm_node());
    let mut s = security_tab(ts::state(), ins);
    // the details are below the fold at 80x24: the existing keys scroll to them
    let (top, _) = shown(&s, 80, 24, "mono");
    assert!(!top.contains("masked paths"), "{top}");
    ts::press(&mut s, "G");
    for (w, h) in [(80, 24), (200, 50)] {
        for theme in ["mono", "dark"] {
            let (text, dump) = shown(&s, w, h, theme);
            assert!(
                text.contains("zz.example.com/evil"),
                "the last annotation:\n{text}"
            );
            assert!(
                text.contains("io.kubernetes.cri.sandbox-name=web-0"),
                "{text}"
            );
            insta::assert_snapshot!(format!("security_bundle_details_{w}x{h}_{theme}"), dump);
        }
    }
    // at 200x50 the bottom shows the whole section: the paths, the mounts, the node's LSMs
    let (text, _) = shown(&s, 200, 50, "mono");
    for want in [
        "masked paths",
        "/proc/kcore",
        "read-only paths",
        "/proc/sysrq-trigger",
        "mounts",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    assert!(
        text.contains(
            "no AppArmor or SELinux on this node (it runs lockdown,capability,landlock,bpf)"
        ),
        "{text}"
    );
}

#[test]
fn a_bundle_with_more_annotations_than_the_tab_builds_says_how_many_more() {
    let mut a = bundle();
    for i in 0..600 {
        a.annotations.insert(format!("flood/{i:04}"), "x".into());
    }
    let total = a.annotations.len();
    let mut ins = ts::inspection(ts::INSPECT_PID);
    ins.applied = Some(a);
    let mut s = security_tab(ts::state(), ins);
    ts::press(&mut s, "G");
    let (text, _) = shown(&s, 80, 24, "mono");
    // the tab builds 512 entries of a list
    let more = format!("… {} more (inspect --json lists all)", total - 512);
    assert!(text.contains(&more), "{text}");
}
