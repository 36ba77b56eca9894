//! Container and pod summaries: `:summary container:ID | pod:NS/NAME`, `s` on a pods-pane row, and the sum of the processes.

use super::event::{CollectorStats, Event, ProcInfo};
use super::state::{Pane, SummaryScope};
use super::summary::{SummaryRow, summarize, total};
use super::update::update;
use crate::posture::parse_manifest;
use crate::posture::store::PodUpdate;
use crate::ui::test_support::{self as ts, CONTAINER_ID, agg, clock, press, state};

fn pid_rows(s: &super::state::AppState, pid: u32) -> Vec<SummaryRow> {
    summarize(&s.agg, |t| t == pid)
}

#[test]
fn container_summary_is_the_sum_of_its_processes() {
    let mut s = state();
    press(
        &mut s,
        &format!(":summary container:{}\n", &CONTAINER_ID[..12]),
    );
    assert_eq!(
        s.summary_scope,
        SummaryScope::Container(CONTAINER_ID[..12].into())
    );
    // The fixture's container holds 4300 and 4301.
    let mut by_nr = std::collections::BTreeMap::<u32, (u64, u64, u64)>::new();
    for pid in [4300, 4301] {
        for r in pid_rows(&s, pid) {
            let e = by_nr.entry(r.nr).or_default();
            e.0 += r.calls;
            e.1 += r.errors;
            e.2 += r.time_ns;
        }
    }
    let got: std::collections::BTreeMap<u32, (u64, u64, u64)> = s
        .summary
        .iter()
        .map(|r| (r.nr, (r.calls, r.errors, r.time_ns)))
        .collect();
    assert_eq!(got, by_nr);
    let all = total(&summarize(&agg(), |_| true));
    assert!(
        total(&s.summary).calls < all.calls,
        "other processes left out"
    );

    press(&mut s, ":summary pod:team-a/web-0\n");
    assert_eq!(
        s.summary_scope,
        SummaryScope::Pod("team-a".into(), "web-0".into())
    );
    let pod: std::collections::BTreeMap<u32, (u64, u64, u64)> = s
        .summary
        .iter()
        .map(|r| (r.nr, (r.calls, r.errors, r.time_ns)))
        .collect();
    assert_eq!(pod, by_nr, "the pod has only that container");

    // A process leaving the container leaves the sum.
    let procs: Vec<ProcInfo> = ts::processes()
        .into_iter()
        .filter(|p| p.pid != 4301)
        .collect();
    update(&mut s, Event::Processes(procs));
    assert_eq!(total(&s.summary).calls, total(&pid_rows(&s, 4300)).calls);
}

#[test]
fn summary_title_says_what_and_since_when() {
    let mut s = state();
    press(
        &mut s,
        &format!(":summary container:{}\n", &CONTAINER_ID[..8]),
    );
    let c = clock();
    assert_eq!(
        crate::ui::panes::summary::title(&s.view(), &c),
        " summary — container web (team-a/web-0) "
    );
    update(
        &mut s,
        Event::Stats(CollectorStats {
            counting_since_ns: ts::T0,
            ..CollectorStats::default()
        }),
    );
    assert_eq!(
        crate::ui::panes::summary::title(&s.view(), &c),
        " summary — container web (team-a/web-0) since 22:13:25 "
    );
    press(&mut s, ":summary all\n");
    assert_eq!(
        crate::ui::panes::summary::title(&s.view(), &c),
        " summary — all processes since 22:13:25 "
    );
}

#[test]
fn s_on_a_pods_pane_row_gives_its_pod_or_container_summary() {
    let mut s = state();
    let spec = "kind: List\nitems:\n- metadata: {name: web-0, namespace: team-a, uid: 6f1c2d3e-1111-2222-3333-444455556666}\n  spec: {containers: [{name: web}]}\n";
    let pods = parse_manifest("s.yaml", spec).expect("spec");
    update(&mut s, Event::Pods(PodUpdate::Replace(pods)));
    while s.focus != Pane::Pods {
        press(&mut s, "\t");
    }
    press(&mut s, "s");
    assert_eq!(
        s.summary_scope,
        SummaryScope::Pod("team-a".into(), "web-0".into())
    );
    press(&mut s, "s");
    assert_eq!(s.summary_scope, SummaryScope::All, "s again: all");
    press(&mut s, "\n");
    crate::ui::test_support::send_key(
        &mut s,
        crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Down,
            crossterm::event::KeyModifiers::NONE,
        ),
    );
    press(&mut s, "s");
    assert_eq!(
        s.summary_scope,
        SummaryScope::Container(CONTAINER_ID.into())
    );
    assert_eq!(
        total(&s.summary).calls,
        total(&pid_rows(&s, 4300)).calls + total(&pid_rows(&s, 4301)).calls
    );
}

#[test]
fn container_and_pod_summaries_keep_what_exited_processes_did() {
    use super::event::{AggRow, EventKind, KernelBatch};
    let mut s = state();
    press(
        &mut s,
        &format!(":summary container:{}\n", &CONTAINER_ID[..12]),
    );
    let before = total(&s.summary).calls;
    // A short-lived process in the container (never in /proc's table) exits...
    let mut exit = ts::sys(900, 5555, b"cat", ktriage_common::NR_NONE, 0);
    exit.kind = EventKind::Exit;
    exit.cgroup_id = ts::CONTAINER_CGROUP;
    // ...and a host process too.
    let mut host_exit = ts::sys(901, 5556, b"cat", ktriage_common::NR_NONE, 0);
    host_exit.kind = EventKind::Exit;
    update(
        &mut s,
        Event::Kernel(KernelBatch {
            cgroups: vec![],
            events: vec![exit, host_exit],
        }),
    );
    // The map poller retires both: 7 reads in the container, 100 on the host.
    let row = |tgid, calls| AggRow {
        tgid,
        nr: 0,
        calls,
        errors: 1,
        time_ns: 1_000,
    };
    update(&mut s, Event::Retired(vec![row(5555, 7), row(5556, 100)]));
    assert_eq!(
        total(&s.summary).calls,
        before + 7,
        "the container keeps them"
    );
    press(&mut s, ":summary pod:team-a/web-0\n");
    assert_eq!(total(&s.summary).calls, before + 7, "so does its pod");
    press(&mut s, ":summary all\n");
    let all = total(&s.summary).calls;
    update(&mut s, Event::Retired(vec![row(5555, 7)]));
    assert_eq!(
        total(&s.summary).calls,
        all,
        "the all summary has them from the poller already: no double count"
    );
}
