//! Snapshot tests of every screen (text + styles) at 80×24 and 200×50 in the dark and mono themes, plus virtualization and tiny-terminal checks.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::test_support::{self as ts, draw, dump, press, text};
use crate::app::event::{CollectorState, KernelBatch};
use crate::app::state::{AppState, Mode, Pane};
use crate::app::{Event, update};
use crate::ui::render::layout;

pub(super) const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];
pub(super) const THEMES: [&str; 2] = ["dark", "mono"];

fn snapshot_all(screen: &str, state: &AppState) {
    for (w, h) in SIZES {
        for theme in THEMES {
            let t = draw(state, &ts::theme(theme), w, h);
            insta::assert_snapshot!(format!("{screen}_{w}x{h}_{theme}"), dump(&t));
        }
    }
}

#[test]
fn main_screen() {
    snapshot_all("main", &ts::state());
}

#[test]
fn help_overlay() {
    let mut s = ts::state();
    press(&mut s, "?");
    assert_eq!(s.mode, Mode::Help);
    snapshot_all("help", &s);
}

#[test]
fn help_overlay_scrolls_and_lists_every_binding_of_the_context() {
    let mut s = ts::state();
    press(&mut s, "?");
    let top = text(draw(&s, &ts::theme("mono"), 80, 24).backend().buffer());
    assert!(top.contains("help 1-22 of "), "{top}");
    assert!(!top.contains("(unbound)"), "{top}");
    for full in [
        "Alert → its process, events at that time, its pod",
        "Summary: selected process, container or pod / all",
    ] {
        assert!(top.contains(full), "nothing cut at 80 columns:\n{top}");
    }
    for _ in 0..40 {
        crate::ui::test_support::send_key(&mut s, KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
    }
    let t = draw(&s, &ts::theme("mono"), 80, 24);
    insta::assert_snapshot!("help_scrolled_80x24_mono", dump(&t));
    let end = text(t.backend().buffer());
    for want in [
        ":summary container:ID",
        ":summary pod:NS/NAME",
        "pid:N comm:NAME",
        ":filter EXPR",
    ] {
        assert!(end.contains(want), "{want}:\n{end}");
    }
    assert!(
        end.contains("summary of a pod; :summary all: every process"),
        "{end}"
    );
    // Up goes back up right away (the offset is clamped, not past the end).
    crate::ui::test_support::send_key(&mut s, KeyEvent::new(KeyCode::Up, KeyModifiers::NONE));
    let up = text(draw(&s, &ts::theme("mono"), 80, 24).backend().buffer());
    assert_ne!(up, end);
    // The inspect view's own keys are listed there (not "(unbound)").
    crate::ui::test_support::send_key(&mut s, KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    press(&mut s, "\n?");
    assert!(s.inspect.is_some());
    let insp = text(draw(&s, &ts::theme("mono"), 80, 24).backend().buffer());
    assert!(
        insp.contains("Inspect: show / hide masked secrets"),
        "{insp}"
    );
    assert!(!insp.contains("(unbound)"), "{insp}");
    // The alerts pane lists its own filter syntax.
    crate::ui::test_support::send_key(&mut s, KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    crate::ui::test_support::send_key(&mut s, KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    press(&mut s, "a?");
    for _ in 0..40 {
        crate::ui::test_support::send_key(&mut s, KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
    }
    let al = text(draw(&s, &ts::theme("mono"), 80, 24).backend().buffer());
    assert!(al.contains("priority:P rule:TEXT"), "{al}");
}

#[test]
fn filter_input() {
    let mut s = ts::state();
    press(&mut s, "/pid:4300\n/");
    // The old filter opens selected; a move keeps it and typing appends.
    crate::ui::test_support::send_key(&mut s, KeyEvent::new(KeyCode::End, KeyModifiers::NONE));
    press(&mut s, " conn");
    assert_eq!(s.mode, Mode::Filter("pid:4300 conn".into()));
    snapshot_all("filter", &s);
}

#[test]
fn finder_overlay() {
    let mut s = ts::state();
    let ctrl_p = KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL);
    crate::ui::test_support::send_key(&mut s, ctrl_p);
    assert_eq!(s.mode, Mode::Finder);
    press(&mut s, "web");
    snapshot_all("finder", &s);
}

#[test]
fn process_tree_sorted_by_calls() {
    let mut s = ts::state();
    press(&mut s, "\t\tto");
    assert_eq!(s.focus, Pane::Processes);
    assert!(s.process_view.tree);
    snapshot_all("process_tree", &s);
}

#[test]
fn degraded_banner() {
    let mut s = ts::empty_state();
    let reason = "not running as root".to_string();
    let fix = "run as root: sudo ktriage".to_string();
    update(
        &mut s,
        Event::Collector(CollectorState::Degraded { reason, fix }),
    );
    update(&mut s, Event::Processes(ts::processes()));
    snapshot_all("degraded", &s);
}

#[test]
fn summary_for_one_process_focused() {
    let mut s = ts::state();
    // Select the curl row of the stream (the exec), scope the summary to it, focus it.
    press(&mut s, "kkkkkkks\t");
    assert_eq!(s.focus, Pane::Summary);
    let t = draw(&s, &ts::theme("dark"), 80, 24);
    insta::assert_snapshot!("summary_pid_80x24_dark", dump(&t));
}

#[test]
fn summary_with_timing_off_says_so() {
    let mut s = ts::state();
    // the fixture turned timing on; T turns it off again
    press(&mut s, "T\t");
    assert!(!s.timing);
    assert_eq!(s.focus, Pane::Summary);
    let t = draw(&s, &ts::theme("mono"), 80, 24);
    let screen = text(t.backend().buffer());
    assert!(screen.contains("timing off"), "status bar:\n{screen}");
    insta::assert_snapshot!("summary_timing_off_80x24_mono", dump(&t));
}

#[test]
fn untrusted_text_is_escaped() {
    let t = draw(&ts::state(), &ts::theme("mono"), 200, 50);
    let screen = text(t.backend().buffer());
    assert!(screen.contains(r"evil\x1b[2J\x07"), "{screen}");
    assert!(screen.contains(r"/tmp/.x\x1b]0;pwned\x07"), "{screen}");
    let raw = super::test_support::has_control(t.backend().buffer());
    assert!(!raw, "a control character reached the screen");
}

#[test]
fn focused_pane_is_always_visible() {
    for (w, h) in [(80, 24), (60, 20), (50, 14), (40, 10), (200, 50), (20, 6)] {
        for pane in Pane::ORDER {
            let mut s = ts::state();
            s.focus = pane;
            let a = layout(ratatui::layout::Rect::new(0, 0, w, h), &s.view());
            let shown = match pane {
                Pane::Stream => a.stream,
                Pane::Summary => a.summary,
                Pane::Processes | Pane::Pods => a.processes,
                Pane::Alerts => a.alerts,
            };
            assert!(
                shown.is_some_and(|r| r.height >= 3),
                "{pane:?} hidden at {w}x{h}: {a:?}"
            );
        }
    }
}

#[test]
fn tiny_terminals_do_not_panic() {
    let mut states = vec![ts::state()];
    for keys in ["?", "/pid:1", ":summary 4300", "\t", "\t\t"] {
        let mut s = ts::state();
        press(&mut s, keys);
        states.push(s);
    }
    let mut degraded = ts::state();
    let why = CollectorState::Degraded {
        reason: "x".repeat(300),
        fix: "y".repeat(300),
    };
    update(&mut degraded, Event::Collector(why));
    degraded.message = Some((crate::app::state::Severity::Error, "e".repeat(500)));
    states.push(degraded);
    for s in &states {
        for theme in THEMES {
            for (w, h) in [(1, 1), (10, 5), (2, 30), (120, 2), (30, 3), (0, 0), (81, 7)] {
                draw(s, &ts::theme(theme), w, h);
            }
        }
    }
}

fn big_state(n: u32) -> AppState {
    let mut s = AppState::new(n as usize);
    let events = (0..n)
        .map(|i| ts::sys(u64::from(i), 1_000_000 + i, b"load", 0, 1))
        .collect();
    update(
        &mut s,
        Event::Kernel(KernelBatch {
            cgroups: Vec::new(),
            events,
        }),
    );
    s
}

#[test]
fn stream_builds_only_visible_rows() {
    let mut s = big_state(200_000);
    assert_eq!(s.stream_len(), 200_000);
    let theme = ts::theme("dark");
    draw(&s, &theme, 80, 24); // warm-up
    let start = Instant::now();
    let t = draw(&s, &theme, 80, 24);
    let took = start.elapsed();
    eprintln!("80x24 render over 200k buffered events: {took:?}");
    assert!(took < Duration::from_millis(50), "render took {took:?}");
    let screen = text(t.backend().buffer());
    assert!(
        screen.contains("1199999"),
        "newest row missing when following:\n{screen}"
    );
    assert!(!screen.contains("1000000"), "{screen}");

    crate::ui::test_support::send_key(&mut s, KeyEvent::new(KeyCode::Home, KeyModifiers::NONE));
    assert!(!s.stream.follow);
    assert_eq!(s.stream_pos(), Some(0));
    let t = draw(&s, &theme, 80, 24);
    let screen = text(t.backend().buffer());
    assert!(screen.contains("[paused]"), "{screen}");
    let buf = t.backend().buffer();
    let row = (0..24)
        .find(|y| text_row(buf, *y).contains("1000000"))
        .expect("selected row shown");
    let selected = ts::theme("dark").style(crate::ui::theme::Role::Selected);
    assert_eq!(
        buf[(5, row)].bg,
        selected.bg.expect("selected bg"),
        "selected row highlighted"
    );
    assert!(!screen.contains("1199999"), "{screen}");
}

pub(super) fn text_row(buf: &ratatui::buffer::Buffer, y: u16) -> String {
    (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
}
