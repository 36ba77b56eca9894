//! Snapshot tests of the pods pane (list, expanded to containers and processes, sorted) and the Security tab's declared | observed | verdict rows, at 80×24 and 200×50, dark and mono.

use std::sync::Arc;

use super::test_support::{self as ts, draw, dump, press, text};
use crate::app::inspect_view::Tab;
use crate::app::state::{AppState, Pane};
use crate::app::{Event, update};
use crate::posture::parse_manifest;
use crate::posture::store::PodUpdate;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];
const THEMES: [&str; 2] = ["dark", "mono"];

/// Specs for the fixture's processes (`team-a/web-0`, container `web`), the
/// inspected nginx (`shop/web-7c5b9f6d4-x2x9k`), and a pod with a hostile name.
pub(super) const PODS: &str = r#"
apiVersion: v1
kind: List
items:
- metadata: {name: web-0, namespace: team-a, uid: 6f1c2d3e-1111-2222-3333-444455556666}
  spec:
    automountServiceAccountToken: false
    securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
    containers:
    - name: web
      image: registry.local/web:1.0
      securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
    - name: sidecar
      image: registry.local/proxy:2
      securityContext: {privileged: true}
- metadata: {name: web-7c5b9f6d4-x2x9k, namespace: shop, uid: 5f8e7a2b-1c3d-4e5f-8a9b-0c1d2e3f4a5b}
  spec:
    containers:
    - name: nginx
      image: docker.io/library/nginx:1.25
      securityContext:
        runAsNonRoot: true
        runAsUser: 101
        readOnlyRootFilesystem: true
        allowPrivilegeEscalation: false
        seccompProfile: {type: RuntimeDefault}
        capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
- metadata: {name: "evil\e[2Jpod", namespace: default}
  spec:
    hostPID: true
    containers:
    - name: x
      volumeMounts: [{name: root, mountPath: /host}]
    volumes: [{name: root, hostPath: {path: /}}]
"#;

pub(super) fn with_pods(mut s: AppState) -> AppState {
    let pods = parse_manifest("pods.yaml", PODS).expect("fixture specs");
    update(&mut s, Event::Pods(PodUpdate::Replace(pods)));
    s
}

/// `state` with the inspect view of `ins` (the fixture nginx) open on its Security tab.
pub(super) fn security_tab(mut s: AppState, ins: crate::inspect::Inspection) -> AppState {
    let (view, _) = crate::app::inspect_view::InspectState::open(ts::INSPECT_PID);
    s.inspect = Some(view);
    update(
        &mut s,
        Event::Inspected {
            pid: ts::INSPECT_PID,
            result: Ok(Arc::new(ins)),
        },
    );
    let steps = Tab::ALL
        .iter()
        .position(|t| *t == Tab::Security)
        .unwrap_or(0);
    press(&mut s, &"\t".repeat(steps));
    s
}

fn snapshot_all(screen: &str, state: &AppState) {
    for (w, h) in SIZES {
        for theme in THEMES {
            let t = draw(state, &ts::theme(theme), w, h);
            insta::assert_snapshot!(format!("{screen}_{w}x{h}_{theme}"), dump(&t));
        }
    }
}

/// The fixture with the pods pane focused.
fn pods_state() -> AppState {
    let mut s = with_pods(ts::state());
    press(&mut s, "\t\t\t");
    assert_eq!(s.focus, Pane::Pods);
    s
}

#[test]
fn pods_pane() {
    snapshot_all("pods", &pods_state());
}

#[test]
fn kube_unreachable_banner_and_unconfigured_text() {
    use crate::app::kube_status::KubeStatus;
    let mut s = pods_state();
    update(
        &mut s,
        Event::Kube(KubeStatus::Unreachable {
            url: "https://10.0.0.1:6443".into(),
            message: "did not answer within 5s\x1b[2J".into(),
        }),
    );
    snapshot_all("pods_kube_unreachable", &s);
    let t = text(draw(&s, &ts::theme("mono"), 200, 50).backend().buffer());
    assert!(!t.contains('\u{1b}'), "sanitized:\n{t}");
    let mut e = ts::state();
    // No pod processes: nothing from the runtime either.
    update(&mut e, Event::Processes(Vec::new()));
    press(&mut e, "\t\t\t");
    update(
        &mut e,
        Event::Kube(KubeStatus::Unconfigured("no Kubernetes credentials".into())),
    );
    let t = text(draw(&e, &ts::theme("mono"), 200, 50).backend().buffer());
    assert!(
        t.contains("no pod specs: no Kubernetes credentials; or start with --pod-manifest FILE"),
        "{t}"
    );
}

#[test]
fn pods_pane_from_the_runtime_without_specs() {
    use crate::app::kube_status::KubeStatus;
    let mut s = ts::state();
    press(&mut s, "\t\t\t\n");
    update(
        &mut s,
        Event::Kube(KubeStatus::Unconfigured("no Kubernetes credentials".into())),
    );
    snapshot_all("pods_from_runtime", &s);
    let t = text(draw(&s, &ts::theme("mono"), 200, 50).backend().buffer());
    assert!(t.contains("team-a/web-0"), "{t}");
    assert!(
        t.contains("no spec: API not configured (no Kubernetes credentials)"),
        "{t}"
    );
}

#[test]
fn pods_pane_empty() {
    let mut s = ts::state();
    update(&mut s, Event::Processes(Vec::new()));
    press(&mut s, "\t\t\t");
    let t = text(draw(&s, &ts::theme("mono"), 200, 50).backend().buffer());
    assert!(
        t.contains("no pod specs: start with --pod-manifest FILE"),
        "{t}"
    );
}

#[test]
fn pods_pane_pivots_to_containers_and_processes() {
    let mut s = pods_state();
    // Sorted by name: default/evil…, shop/web-7c5…, team-a/web-0.
    press(&mut s, "jj\n");
    press(&mut s, "j\n");
    snapshot_all("pods_expanded", &s);
    let t = text(draw(&s, &ts::theme("mono"), 200, 50).backend().buffer());
    assert!(t.contains("4300 curl") && t.contains("4301 cat"), "{t}");
    assert!(!t.contains('\u{1b}'), "hostile pod name sanitized");
    // Enter on a process opens the inspect view of that pid.
    press(&mut s, "j");
    let effects = crate::ui::test_support::send_key(
        &mut s,
        crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Enter,
            crossterm::event::KeyModifiers::NONE,
        ),
    );
    assert_eq!(effects, vec![crate::app::Effect::Inspect(4300)]);
    assert_eq!(s.inspect.as_ref().map(|v| v.pid), Some(4300));
}

#[test]
fn pods_pane_sorted_by_severity() {
    let mut s = pods_state();
    press(&mut s, "o");
    snapshot_all("pods_by_severity", &s);
}

#[test]
fn security_tab_declared_observed_verdict() {
    let s = security_tab(with_pods(ts::state()), ts::inspection(ts::INSPECT_PID));
    let p = s
        .inspect
        .as_ref()
        .and_then(|v| v.posture.clone())
        .expect("the spec of the inspected container is known");
    assert_eq!(p.container, "nginx");
    let mism: Vec<&str> = p
        .rows
        .iter()
        .filter(|r| r.verdict == crate::posture::eval::RowVerdict::Mismatch)
        .map(|r| r.field)
        .collect();
    // The fixture's `/` is read-write, it holds CAP_SYS_PTRACE and NoNewPrivs is 0.
    assert_eq!(
        mism,
        vec![
            "capabilities",
            "readOnlyRootFilesystem",
            "allowPrivilegeEscalation"
        ]
    );
    snapshot_all("security_posture", &s);
}
