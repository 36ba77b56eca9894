//! Tests of the pods pane state: rows, pivot, observation.
use super::*;
use crate::app::Event;
use crate::app::update;
use crate::posture::parse_manifest;

const SPECS: &str = "kind: List\nitems:\n- metadata: {name: a, namespace: n, uid: ua}\n  spec: {containers: [{name: c1}, {name: c2}]}\n- metadata: {name: b, namespace: n, uid: ub}\n  spec: {hostPID: true, containers: [{name: c1, securityContext: {privileged: true}}]}\n";

fn state() -> AppState {
    let mut s = crate::ui::test_support::empty_state();
    let pods = parse_manifest("s.yaml", SPECS).expect("specs");
    update(&mut s, Event::Pods(PodUpdate::Replace(pods)));
    let proc_in = |pid, uid: &str, ctr: &str| ProcInfo {
        pid,
        comm: "sh".into(),
        container_id: Some(format!("id-{pid}")),
        container_name: Some(ctr.into()),
        pod_uid: Some(uid.into()),
        ..ProcInfo::default()
    };
    update(
        &mut s,
        Event::Processes(vec![
            proc_in(10, "ua", "c1"),
            proc_in(11, "ua", "c1"),
            proc_in(12, "ub", "c1"),
        ]),
    );
    s
}

#[test]
fn rows_pivot_pod_container_process() {
    let mut s = state();
    assert_eq!(
        s.pods_view.rows,
        vec![PodRow::Pod("ua".into()), PodRow::Pod("ub".into())]
    );
    assert_eq!(
        s.pods_view.pids.get(&("ua".into(), "c1".into())),
        Some(&vec![10, 11])
    );
    enter(&mut s);
    step(&mut s, 1);
    enter(&mut s);
    assert_eq!(
        s.pods_view.rows,
        vec![
            PodRow::Pod("ua".into()),
            PodRow::Container("ua".into(), "c1".into()),
            PodRow::Process(10),
            PodRow::Process(11),
            PodRow::Container("ua".into(), "c2".into()),
            PodRow::Pod("ub".into()),
        ]
    );
    step(&mut s, 1);
    assert_eq!(selected_pid(&s), Some(10));
    assert_eq!(enter(&mut s), vec![Effect::Inspect(10)]);
}

#[test]
fn sort_by_severity_puts_the_privileged_pod_first_and_keeps_the_selection() {
    let mut s = state();
    step(&mut s, 1);
    cycle_sort(&mut s);
    assert_eq!(s.pods_view.sort, PodSort::Severity);
    assert_eq!(s.pods_view.rows[0], PodRow::Pod("ub".into()));
    assert_eq!(s.pods_view.selected, 0, "the selected pod stays selected");
}

#[test]
fn watch_updates_change_one_pod() {
    let mut s = state();
    let before = s.pods.evaluations();
    update(&mut s, Event::Pods(PodUpdate::Delete("ub".into())));
    // Its process still runs: the pod stays listed, from the runtime, without a spec.
    assert_eq!(
        s.pods_view.rows,
        vec![PodRow::Pod("ua".into()), PodRow::Pod("ub".into())]
    );
    assert!(s.pods.get("ub").is_none() && s.pods_view.runtime.contains_key("ub"));
    let mut pods = parse_manifest("s.yaml", SPECS).expect("specs");
    let b = pods.remove(1);
    update(&mut s, Event::Pods(PodUpdate::Apply(Box::new(b))));
    assert_eq!(s.pods.evaluations(), before + 1);
    assert_eq!(s.pods_view.rows.len(), 2);
}

#[test]
fn pods_pane_observes_the_processes_of_pod_containers_off_the_core() {
    let mut s = crate::ui::test_support::empty_state();
    let spec = "kind: List\nitems:\n- metadata: {name: a, namespace: n, uid: ua}\n  spec: {containers: [{name: c1, securityContext: {readOnlyRootFilesystem: true}}]}\n";
    let pods = parse_manifest("s.yaml", spec).expect("specs");
    assert!(update(&mut s, Event::Pods(PodUpdate::Replace(pods))).is_empty());
    let procs = vec![ProcInfo {
        pid: 10,
        comm: "sh".into(),
        container_id: Some("id-10".into()),
        container_name: Some("c1".into()),
        pod_uid: Some("ua".into()),
        ..ProcInfo::default()
    }];
    let asked = vec![(("ua".to_string(), "c1".to_string()), vec![10])];
    assert_eq!(
        update(&mut s, Event::Processes(procs.clone())),
        vec![Effect::ObservePods(asked.clone())]
    );
    assert!(
        update(&mut s, Event::Processes(procs.clone())).is_empty(),
        "the same processes are not read again"
    );
    let writable = Observed {
        pid: 10,
        root_readonly: Some(false),
        seccomp: 2,
        no_new_privs: true,
        ..Observed::default()
    };
    update(
        &mut s,
        Event::PodsObserved(vec![(asked[0].0.clone(), vec![writable])]),
    );
    let p = s.pods.get("ua").expect("pod");
    assert!(!p.immutable, "a writable root is observed");
    assert!(
        p.findings.iter().any(|f| f.id() == "KT-POS-004"),
        "{:?}",
        p.findings
    );
    // New specs: the containers are observed again.
    let pods = parse_manifest("s.yaml", spec).expect("specs");
    assert_eq!(
        update(&mut s, Event::Pods(PodUpdate::Replace(pods))),
        vec![Effect::ObservePods(asked)]
    );
}

#[test]
fn processes_entered_from_the_host_are_not_observed_for_posture() {
    let mut s = state();
    assert!(!s.pods_view.pids.is_empty());
    let mut procs = s.processes.clone();
    procs[0].entered_from_host = true;
    update(&mut s, Event::Processes(procs));
    let observed: Vec<u32> = s.pods_view.pids.values().flatten().copied().collect();
    assert!(!observed.contains(&10), "{observed:?}");
    assert!(observed.contains(&11), "{observed:?}");
}
