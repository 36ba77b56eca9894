//! Snapshot tests of exec links on screen: who ran `kubectl exec` in the inspect overview and in an alert's detail (exact, ambiguous, hostile user and command text).

use super::test_support::alerts::alerts_state;
use super::test_support::{self as ts, draw, dump, press, text};
use crate::app::event::Setup;
use crate::app::exec_track::tests::{exec_event, shell};
use crate::app::inspect_view::Tab;
use crate::app::{AppState, Event, update};
use crate::ui::strings as s;

const OFF: i128 = 1_700_000_000_000_000_000;
const T: u64 = 1_000_000_000_000;

/// `pids` as shells the shim started in web-0 (the fixture's processes kept), then an exec event per user.
fn with_execs(mut st: AppState, pids: &[u32], users: &[&str]) -> AppState {
    update(&mut st, Event::Setup(Setup::WallOffset(OFF)));
    let mut rows = ts::processes();
    rows.retain(|p| !pids.contains(&p.pid));
    rows.extend(pids.iter().map(|p| shell(*p, T)));
    rows.sort_by_key(|p| p.pid);
    update(&mut st, Event::Processes(rows));
    let batch = users.iter().map(|u| exec_event(T, u, "web-0")).collect();
    update(&mut st, Event::Audit(batch));
    st
}

#[test]
fn an_alerts_detail_names_who_exec_d_its_process() {
    // the fixture's critical alert is on pid 4300
    let mut st = with_execs(alerts_state(), &[4300], &["mallory"]);
    press(&mut st, "a");
    press(&mut st, "kkkk");
    let t = draw(&st, &ts::theme("mono"), 80, 24);
    let screen = text(t.backend().buffer());
    assert!(screen.contains("exec by: mallory at"), "{screen}");
    assert!(screen.contains("exact"), "{screen}");
    insta::assert_snapshot!("alert_exec_by_80x24_mono", dump(&t));
}

#[test]
fn an_ambiguous_link_lists_every_candidate_and_hostile_text_is_escaped() {
    let evil = "eve\u{1b}[2J\u{7}";
    let st = with_execs(ts::state(), &[ts::INSPECT_PID, 4301], &["mallory", evil]);
    let mut ins = ts::inspect_state(
        ts::INSPECT_PID,
        Tab::Overview,
        Some(Ok(ts::inspection(ts::INSPECT_PID))),
    );
    ins.exec = st.exec.clone();
    for (w, h) in [(80, 24), (200, 50)] {
        let t = draw(&ins, &ts::theme("mono"), w, h);
        let screen = text(t.backend().buffer());
        assert!(screen.contains(s::EXEC_BY), "{screen}");
        assert!(
            screen.contains(&format!("ambiguous: pids {}, 4301", ts::INSPECT_PID)),
            "{screen}"
        );
        assert!(!screen.contains('\u{1b}'), "{screen}");
        insta::assert_snapshot!(format!("inspect_exec_by_{w}x{h}_mono"), dump(&t));
    }
}
