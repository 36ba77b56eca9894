//! Tests of `update`: keys through the keymap, filter and command input, follow/pause, buffer drops, summary scope.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::buffer::CHUNK;
use super::event::{Event, KernelBatch};
use super::state::{AppState, Mode, Pane, Severity, SummaryScope};
use super::update::{Effect, update};
use crate::ui::test_support::{events, press, state, sys};

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn quit_key_returns_the_quit_effect() {
    let mut s = state();
    assert_eq!(
        crate::ui::test_support::send_key(&mut s, key(KeyCode::Char('q'))),
        vec![Effect::Quit]
    );
    assert!(s.quit);
}

#[test]
fn filter_is_typed_applied_and_cleared() {
    let mut s = state();
    press(&mut s, "/comm:cat");
    assert_eq!(s.mode, Mode::Filter("comm:cat".into()));
    assert!(!s.quit, "q typed into the filter does not quit");
    press(&mut s, "\n");
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(s.stream.filter.to_string(), "comm:cat");
    let n = s.stream_len();
    assert!(
        n > 0 && n < s.buffer.len(),
        "filtered {n} of {}",
        s.buffer.len()
    );
    for i in 0..n {
        let ev = s.buffer.get(s.stream_seq(i).expect("seq")).expect("held");
        assert_eq!(ev.comm_bytes(), b"cat");
    }
    // New matching records extend the filtered index incrementally.
    update(
        &mut s,
        Event::Kernel(KernelBatch {
            cgroups: vec![],
            events: vec![sys(90, 4301, b"cat", 257, 3)],
        }),
    );
    assert_eq!(s.stream_len(), n + 1);
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Esc));
    assert!(s.stream.filter.is_empty(), "esc clears the filter");
    assert_eq!(s.stream_len(), s.buffer.len());
}

#[test]
fn bad_filter_and_unknown_command_say_why() {
    let mut s = state();
    press(&mut s, "/pid:abc\n");
    assert!(matches!(&s.message, Some((Severity::Error, m)) if m.contains("abc")));
    press(&mut s, ":frobnicate\n");
    assert!(matches!(&s.message, Some((Severity::Error, m)) if m.contains("frobnicate")));
    press(&mut s, ":summary 4300\n");
    assert_eq!(s.summary_scope, SummaryScope::Pid(4300));
}

#[test]
fn moving_up_pauses_and_end_follows_again() {
    let mut s = state();
    assert!(s.stream.follow);
    let last = s.stream.selected;
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Up));
    assert!(!s.stream.follow);
    let paused_at = s.stream.selected;
    assert_ne!(paused_at, last);
    update(
        &mut s,
        Event::Kernel(KernelBatch {
            cgroups: vec![],
            events: events(),
        }),
    );
    assert_eq!(
        s.stream.selected, paused_at,
        "paused selection stays put when events arrive"
    );
    crate::ui::test_support::send_key(&mut s, key(KeyCode::End));
    assert!(s.stream.follow);
    assert_eq!(s.stream.selected, s.stream_seq(s.stream_len() - 1));
}

#[test]
fn buffer_cap_drops_oldest_and_prunes_the_filter_index() {
    let mut s = AppState::new(CHUNK);
    press(&mut s, "/comm:cat\n");
    let batch: Vec<_> = (0..(CHUNK as u64 + 10))
        .map(|i| sys(i, 4301, b"cat", 257, 3))
        .collect();
    update(
        &mut s,
        Event::Kernel(KernelBatch {
            cgroups: vec![],
            events: batch,
        }),
    );
    assert_eq!(s.buffer.dropped(), CHUNK as u64);
    assert_eq!(s.buffer.len(), 10);
    assert_eq!(
        s.stream_len(),
        10,
        "matches of dropped records are forgotten"
    );
    assert!(s.stream.matched.iter().all(|q| *q >= s.buffer.first_seq()));
}

#[test]
fn enter_opens_inspect_and_summary_enter_filters_by_syscall() {
    let mut s = state();
    let pid = s
        .buffer
        .get(s.stream.selected.expect("selected"))
        .expect("held")
        .pid();
    assert_eq!(
        crate::ui::test_support::send_key(&mut s, key(KeyCode::Enter)),
        vec![Effect::Inspect(pid)]
    );
    assert_eq!(s.inspect.as_ref().map(|v| v.pid), Some(pid));
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Tab));
    assert_eq!(
        s.inspect.as_ref().map(|v| v.tab),
        Some(super::inspect_view::Tab::Fds)
    );
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Esc));
    assert!(s.inspect.is_none(), "esc closes the inspect view");
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Tab));
    assert_eq!(s.focus, Pane::Summary);
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Enter));
    assert_eq!(s.focus, Pane::Stream);
    assert_eq!(s.stream.filter.to_string(), "syscall:read");
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Tab));
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Tab));
    assert_eq!(s.focus, Pane::Processes);
    let chosen = s.selected_process().map(|p| p.pid).expect("a process");
    assert_eq!(
        crate::ui::test_support::send_key(&mut s, key(KeyCode::Enter)),
        vec![Effect::Inspect(chosen)]
    );
}

#[test]
fn revealing_secrets_is_noted() {
    let mut s = state();
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Enter));
    press(&mut s, "\tR");
    assert!(
        s.notes.is_empty(),
        "reveal acts on the Overview and Environ tabs only"
    );
    press(&mut s, "\tR");
    assert!(s.inspect.as_ref().is_some_and(|v| v.reveal));
    assert_eq!(s.notes.len(), 1);
    assert!(s.notes[0].contains("revealed"));
}

#[test]
fn help_opens_and_closes() {
    let mut s = state();
    press(&mut s, "?");
    assert_eq!(s.mode, Mode::Help);
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Esc));
    assert_eq!(s.mode, Mode::Normal);
}

#[test]
fn finder_pivots_to_a_pod_and_to_a_pid() {
    let mut s = state();
    let ctrl_p = KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL);
    crate::ui::test_support::send_key(&mut s, ctrl_p);
    assert_eq!(s.mode, Mode::Finder);
    press(&mut s, "team-a/web");
    press(&mut s, "\n");
    assert_eq!(s.mode, Mode::Normal);
    assert!(s.finder.is_none());
    assert_eq!(s.focus, Pane::Stream);
    assert!(
        s.stream.filter.to_string().starts_with("container:"),
        "{}",
        s.stream.filter
    );
    assert!(s.stream_len() > 0, "the pod's events are listed");

    crate::ui::test_support::send_key(&mut s, ctrl_p);
    press(&mut s, "4301 cat");
    assert_eq!(
        crate::ui::test_support::send_key(&mut s, key(KeyCode::Enter)),
        vec![Effect::Inspect(4301)],
        "a chosen pid opens its inspect view"
    );
    assert_eq!(s.inspect.as_ref().map(|v| v.pid), Some(4301));
    assert_eq!(s.focus, Pane::Processes);
    assert_eq!(s.selected_process().map(|p| p.pid), Some(4301));
    assert_eq!(s.stream.filter.to_string(), "pid:4301");
}

#[test]
fn finder_escape_closes_without_pivot() {
    let mut s = state();
    crate::ui::test_support::send_key(
        &mut s,
        KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL),
    );
    press(&mut s, "curl");
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Esc));
    assert_eq!(s.mode, Mode::Normal);
    assert!(s.stream.filter.is_empty());
}

#[test]
fn tree_and_sort_keep_the_selected_process() {
    let mut s = state();
    press(&mut s, "\t\t");
    assert_eq!(s.focus, Pane::Processes);
    crate::ui::test_support::send_key(&mut s, key(KeyCode::End));
    let pid = s.selected_process().map(|p| p.pid);
    press(&mut s, "t");
    assert!(s.process_view.tree);
    assert_eq!(s.selected_process().map(|p| p.pid), pid);
    press(&mut s, "o");
    assert_eq!(s.selected_process().map(|p| p.pid), pid);
}

#[test]
fn timing_key_flips_the_switch_through_an_effect_and_resorts_the_summary() {
    use crate::ui::test_support::send_key;
    // the fixture turned timing on: sorted by time, as strace -c
    let mut s = state();
    assert!(s.timing);
    let by_time: Vec<u32> = s.summary.iter().map(|r| r.nr).collect();
    assert!(s.summary.windows(2).all(|w| w[0].time_ns >= w[1].time_ns));
    assert_eq!(
        send_key(&mut s, key(KeyCode::Char('T'))),
        vec![Effect::SetTiming(false)]
    );
    assert!(!s.timing);
    // off: the busiest calls first; calls and errors unchanged
    assert!(s.summary.windows(2).all(|w| w[0].calls >= w[1].calls));
    assert_ne!(s.summary.iter().map(|r| r.nr).collect::<Vec<_>>(), by_time);
    assert_eq!(
        send_key(&mut s, key(KeyCode::Char('T'))),
        vec![Effect::SetTiming(true)]
    );
    assert!(s.timing);
    assert_eq!(s.summary.iter().map(|r| r.nr).collect::<Vec<_>>(), by_time);
}
