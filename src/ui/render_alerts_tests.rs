//! Snapshot tests of the alerts pane (focused, sharing the stream's place, empty) and of the pivot's snapshot view.

use super::test_support::alerts::alerts_state;
use super::test_support::{self as ts, draw, dump, press, text};
use crate::app::state::Pane;
use crate::app::{Event, update};

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];
const THEMES: [&str; 2] = ["dark", "mono"];

fn snapshot_all(screen: &str, state: &crate::app::AppState) {
    for (w, h) in SIZES {
        for theme in THEMES {
            let t = draw(state, &ts::theme(theme), w, h);
            insta::assert_snapshot!(format!("{screen}_{w}x{h}_{theme}"), dump(&t));
        }
    }
}

#[test]
fn alerts_pane_focused() {
    let mut s = alerts_state();
    press(&mut s, "ak");
    assert_eq!(s.focus, Pane::Alerts);
    snapshot_all("alerts_focused", &s);
}

#[test]
fn alerts_share_the_stream_place() {
    snapshot_all("alerts_shared", &alerts_state());
}

#[test]
fn alerts_pane_filtered() {
    let mut s = alerts_state();
    press(&mut s, "a/priority:error\n");
    let t = draw(&s, &ts::theme("dark"), 80, 24);
    insta::assert_snapshot!("alerts_filtered_80x24_dark", dump(&t));
}

#[test]
fn alerts_pane_empty_says_how_to_start() {
    let mut s = ts::state();
    press(&mut s, "a");
    let screen = text(draw(&s, &ts::theme("mono"), 80, 24).backend().buffer());
    assert!(screen.contains("no alerts yet"), "{screen}");
    // Nothing active: the stream keeps its whole place when the pane is not focused.
    press(&mut s, "\t");
    let screen = text(draw(&s, &ts::theme("mono"), 80, 24).backend().buffer());
    assert!(!screen.contains(" alerts "), "{screen}");
}

#[test]
fn pivot_to_a_gone_process_shows_the_snapshot() {
    let mut s = alerts_state();
    press(&mut s, "a");
    press(&mut s, "kkkk");
    press(&mut s, "p");
    let pid = s.inspect.as_ref().map(|v| v.pid);
    assert_eq!(pid, Some(4300));
    update(
        &mut s,
        Event::Inspected {
            pid: 4300,
            result: Err("process 4300 exited".into()),
        },
    );
    let t = draw(&s, &ts::theme("dark"), 80, 24);
    let screen = text(t.backend().buffer());
    assert!(screen.contains("flight-recorder snapshot"), "{screen}");
    insta::assert_snapshot!("alerts_pivot_snapshot_80x24_dark", dump(&t));
}

#[test]
fn alert_text_is_escaped() {
    let mut s = alerts_state();
    press(&mut s, "akkk");
    for (w, h) in SIZES {
        let t = draw(&s, &ts::theme("mono"), w, h);
        let screen = text(t.backend().buffer());
        if w >= 200 {
            assert!(screen.contains(r"/etc/shadow\x1b[2J)"), "{screen}");
        }
        let raw = super::test_support::has_control(t.backend().buffer());
        assert!(!raw, "a control character reached the screen");
    }
}

#[test]
fn tiny_terminals_do_not_panic() {
    let mut s = alerts_state();
    press(&mut s, "a");
    for (w, h) in [(20, 6), (40, 10), (1, 1), (0, 0), (300, 3)] {
        let _ = draw(&s, &ts::theme("dark"), w, h);
    }
}
