//! Typing into `/`: the old filter opens selected (typing replaces it), and the vim preset's `h` never clears a filter.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::state::{Mode, Pane, Severity};
use crate::ui::keymap::Keymap;
use crate::ui::test_support::{press, state};

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn slash_opens_with_the_old_filter_selected_so_typing_replaces_it() {
    let mut s = state();
    press(&mut s, "/pid:4300\n");
    press(&mut s, "/");
    assert_eq!(s.mode, Mode::Filter("pid:4300".into()));
    assert!(s.input_selected);
    press(&mut s, "comm:cat");
    assert_eq!(
        s.mode,
        Mode::Filter("comm:cat".into()),
        "typing replaced it"
    );
    press(&mut s, "\n/");
    crate::ui::test_support::send_key(&mut s, key(KeyCode::End));
    press(&mut s, " x");
    assert_eq!(
        s.mode,
        Mode::Filter("comm:cat x".into()),
        "a move keeps the text and appends"
    );
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Esc));
    press(&mut s, "/");
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Backspace));
    assert_eq!(
        s.mode,
        Mode::Filter(String::new()),
        "backspace erases it all"
    );
}

#[test]
fn vim_h_never_clears_a_filter_and_esc_says_it_did() {
    let mut s = state();
    crate::ui::test_support::use_keymap(Keymap::preset("vim").expect("vim preset"));
    press(&mut s, "/comm:cat\n");
    press(&mut s, "h");
    assert_eq!(s.stream.filter.to_string(), "comm:cat");
    assert_eq!(s.focus, Pane::Alerts, "h moved to the previous pane");
    // In the inspect view h still goes back.
    press(&mut s, "l");
    s.focus = Pane::Stream;
    press(&mut s, "l");
    assert!(s.inspect.is_some());
    press(&mut s, "h");
    assert!(s.inspect.is_none());
    assert_eq!(s.stream.filter.to_string(), "comm:cat");
    s.message = None;
    crate::ui::test_support::send_key(&mut s, key(KeyCode::Esc));
    assert!(s.stream.filter.is_empty());
    assert!(
        matches!(&s.message, Some((Severity::Info, m)) if m.contains("comm:cat") && m.contains("cleared")),
        "{:?}",
        s.message
    );
}
