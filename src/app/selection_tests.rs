//! Selection follows the entity (pid, pod row, alert seq) while rows come and go.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::event::{Event, ProcInfo};
use super::podview::PodRow;
use super::state::{AppState, Pane};
use super::update::update;
use crate::alerts::{Alert, AlertOrigin, Priority};
use crate::posture::parse_manifest;
use crate::posture::store::PodUpdate;
use crate::ui::test_support::{processes, state};

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn proc(pid: u32, comm: &str) -> ProcInfo {
    ProcInfo {
        pid,
        ppid: 1,
        comm: comm.into(),
        ..ProcInfo::default()
    }
}

/// The fixture table with `gone` removed and `new` added.
fn churn(gone: &[u32], new: &[u32]) -> Vec<ProcInfo> {
    let mut p: Vec<ProcInfo> = processes()
        .into_iter()
        .filter(|p| !gone.contains(&p.pid))
        .collect();
    p.extend(new.iter().map(|&n| proc(n, "new")));
    p
}

fn focus(s: &mut AppState, pane: Pane) {
    while s.focus != pane {
        crate::ui::test_support::send_key(s, key(KeyCode::Tab));
    }
}

#[test]
fn process_selection_stays_on_its_pid_when_lower_pids_exit_and_new_ones_appear() {
    let mut s = state();
    focus(&mut s, Pane::Processes);
    // G k k: the third row from the bottom.
    for k in [KeyCode::End, KeyCode::Up, KeyCode::Up] {
        crate::ui::test_support::send_key(&mut s, key(k));
    }
    let pid = s.selected_process().map(|p| p.pid);
    assert_eq!(pid, Some(4300));
    update(&mut s, Event::Processes(churn(&[812, 990], &[3, 5000])));
    assert_eq!(s.selected_process().map(|p| p.pid), pid);
    update(
        &mut s,
        Event::Processes(churn(&[1, 812, 990, 4242], &[2, 4299])),
    );
    assert_eq!(s.selected_process().map(|p| p.pid), pid);
    // Tree mode too.
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Char('t')));
    update(&mut s, Event::Processes(churn(&[990], &[7, 8, 9])));
    assert_eq!(s.selected_process().map(|p| p.pid), pid);
    // The summary key acts on the process that is selected, not on the row index.
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Char('s')));
    assert_eq!(s.summary_scope, super::state::SummaryScope::Pid(4300));
}

#[test]
fn a_vanished_process_leaves_the_selection_on_the_nearest_row() {
    let mut s = state();
    focus(&mut s, Pane::Processes);
    for k in [KeyCode::End, KeyCode::Up, KeyCode::Up] {
        crate::ui::test_support::send_key(&mut s, key(k));
    }
    update(&mut s, Event::Processes(churn(&[4300, 1, 812], &[])));
    assert_eq!(
        s.selected_process().map(|p| p.pid),
        Some(4301),
        "the next pid takes the place of the exited one"
    );
    update(&mut s, Event::Processes(vec![]));
    assert!(s.selected_process().is_none());
    update(&mut s, Event::Processes(processes()));
    assert!(s.selected_process().is_some());
}

const SPECS: &str = "kind: List\nitems:\n- metadata: {name: a, namespace: n, uid: ua}\n  spec: {containers: [{name: c1}]}\n- metadata: {name: b, namespace: n, uid: ub}\n  spec: {containers: [{name: c1}]}\n- metadata: {name: c, namespace: n, uid: uc}\n  spec: {containers: [{name: c1}]}\n";

fn in_pod(pid: u32, uid: &str) -> ProcInfo {
    ProcInfo {
        pid,
        comm: "sh".into(),
        container_id: Some(format!("id-{uid}")),
        container_name: Some("c1".into()),
        pod_uid: Some(uid.into()),
        ..ProcInfo::default()
    }
}

#[test]
fn pod_and_pod_process_selection_follow_their_rows() {
    let mut s = state();
    let pods = parse_manifest("s.yaml", SPECS).expect("specs");
    update(&mut s, Event::Pods(PodUpdate::Replace(pods)));
    update(
        &mut s,
        Event::Processes(vec![in_pod(10, "ub"), in_pod(20, "ub"), in_pod(30, "ub")]),
    );
    focus(&mut s, Pane::Pods);
    // Open pod b, its container, select pid 20.
    for k in [
        KeyCode::Home,
        KeyCode::Down,
        KeyCode::Enter,
        KeyCode::Down,
        KeyCode::Enter,
    ] {
        crate::ui::test_support::send_key(&mut s, key(k));
    }
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Down));
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Down));
    assert_eq!(super::podview::selected_pid(&s), Some(20));
    // A lower pid exits, another appears: still 20.
    update(
        &mut s,
        Event::Processes(vec![in_pod(5, "ub"), in_pod(20, "ub"), in_pod(30, "ub")]),
    );
    assert_eq!(super::podview::selected_pid(&s), Some(20));
    // A pod above goes away: still 20.
    update(&mut s, Event::Pods(PodUpdate::Delete("ua".into())));
    assert_eq!(super::podview::selected_pid(&s), Some(20));
    // Select the pod row c, then the pod a comes back above it.
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Home));
    while s.pods_view.rows.get(s.pods_view.selected) != Some(&PodRow::Pod("uc".into())) {
        crate::ui::test_support::send_key(&mut s, key(KeyCode::Down));
    }
    let want = Some(PodRow::Pod("uc".into()));
    assert_eq!(s.pods_view.rows.get(s.pods_view.selected).cloned(), want);
    let mut pods = parse_manifest("s.yaml", SPECS).expect("specs");
    update(
        &mut s,
        Event::Pods(PodUpdate::Apply(Box::new(pods.remove(0)))),
    );
    assert_eq!(s.pods_view.rows.get(s.pods_view.selected).cloned(), want);
}

fn alert(rule: &str) -> Alert {
    Alert {
        time_ns: 0,
        rule: rule.into(),
        priority: Priority::Warning,
        source: "syscall".into(),
        hostname: "node".into(),
        output: format!("{rule} happened"),
        output_fields: Default::default(),
        tags: vec![],
        origin: AlertOrigin::Engine,
        pid: None,
        container_id: None,
        facts: None,
    }
}

#[test]
fn alert_selection_stays_on_its_alert_as_new_ones_arrive_and_old_ones_drop() {
    let mut s = state();
    s.alerts.cap = 5;
    update(
        &mut s,
        Event::Alerts((0..5).map(|i| alert(&format!("r{i}"))).collect()),
    );
    focus(&mut s, Pane::Alerts);
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Up));
    let chosen = s.alerts.selected_entry().map(|e| e.alert.rule.clone());
    assert_eq!(chosen.as_deref(), Some("r3"));
    update(&mut s, Event::Alerts(vec![alert("r5"), alert("r6")]));
    assert_eq!(
        s.alerts.selected_entry().map(|e| e.alert.rule.clone()),
        chosen,
        "older alerts dropped, newer arrived: the same alert is selected"
    );
}
