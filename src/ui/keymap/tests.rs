//! Unit tests for keymap layering, lookup, conflicts and help.

use std::ffi::OsStr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;

fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

fn ch(c: char) -> KeyEvent {
    press(KeyCode::Char(c), KeyModifiers::NONE)
}

fn preset(name: &str) -> Keymap {
    Keymap::preset(name).unwrap_or_else(|e| panic!("{e}"))
}

fn overridden(text: &str) -> Result<Keymap, KeymapError> {
    Keymap::with_override("default", "user.toml", text)
}

#[test]
fn default_binds_every_action_in_global_or_inspect() {
    let km = preset("default");
    for (action, name) in Action::ALL {
        assert!(
            !km.keys(KeyContext::Global, action).is_empty()
                || !km.keys(KeyContext::Inspect, action).is_empty(),
            "{name} unbound"
        );
    }
}

#[test]
fn default_lookup_follows_k9s_habits() {
    let km = preset("default");
    let g = KeyContext::Global;
    assert_eq!(km.action(g, &ch('q')), Some(Action::Quit));
    assert_eq!(
        km.action(g, &press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Some(Action::Quit)
    );
    assert_eq!(km.action(g, &ch('/')), Some(Action::OpenFilter));
    assert_eq!(
        km.action(g, &press(KeyCode::Char('?'), KeyModifiers::SHIFT)),
        Some(Action::ToggleHelp)
    );
    assert_eq!(
        km.action(g, &press(KeyCode::Char('G'), KeyModifiers::SHIFT)),
        Some(Action::Bottom)
    );
    assert_eq!(
        km.action(g, &press(KeyCode::BackTab, KeyModifiers::SHIFT)),
        Some(Action::PrevPane)
    );
    assert_eq!(km.action(g, &ch('z')), None);
    // Pane contexts fall back to global.
    assert_eq!(km.action(KeyContext::Stream, &ch('q')), Some(Action::Quit));
}

#[test]
fn vim_preset_extends_default() {
    let km = preset("vim");
    let g = KeyContext::Global;
    let ctrl = |c| press(KeyCode::Char(c), KeyModifiers::CONTROL);
    assert_eq!(km.action(g, &ctrl('d')), Some(Action::PageDown));
    assert_eq!(km.action(g, &ctrl('u')), Some(Action::PageUp));
    assert_eq!(km.action(g, &ch('l')), Some(Action::Enter));
    assert_eq!(km.action(g, &ch('q')), Some(Action::Quit));
    assert_eq!(preset("default").action(g, &ctrl('d')), None);
}

#[test]
fn unknown_preset_is_an_error() {
    let err = Keymap::preset("emacs").err().map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("unknown keymap preset 'emacs' (available: default, vim)")
    );
}

#[test]
fn override_replaces_only_named_actions() {
    let km = overridden("[global]\nquit = \"x\"\n").unwrap_or_else(|e| panic!("{e}"));
    let g = KeyContext::Global;
    assert_eq!(km.action(g, &ch('x')), Some(Action::Quit));
    assert_eq!(km.action(g, &ch('q')), None);
    assert_eq!(
        km.action(g, &press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        None
    );
    assert_eq!(km.action(g, &ch('/')), Some(Action::OpenFilter));
}

#[test]
fn empty_list_unbinds() {
    let km = overridden("[global]\ntoggle_follow = []\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(km.action(KeyContext::Global, &ch('f')), None);
    assert!(km.keys(KeyContext::Global, Action::ToggleFollow).is_empty());
}

#[test]
fn pane_context_wins_over_global() {
    let km = overridden("[summary]\ntoggle_follow = \"q\"\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        km.action(KeyContext::Summary, &ch('q')),
        Some(Action::ToggleFollow)
    );
    assert_eq!(km.action(KeyContext::Stream, &ch('q')), Some(Action::Quit));
    // In the summary pane `q` no longer quits, ctrl-c still does; `f` still toggles follow.
    let quit = km.keys(KeyContext::Summary, Action::Quit);
    assert_eq!(join_keys(&quit), "ctrl-c");
    assert_eq!(
        join_keys(&km.keys(KeyContext::Summary, Action::ToggleFollow)),
        "q, f"
    );
}

#[test]
fn conflict_names_both_actions_and_the_later_line() {
    let err = overridden("[global]\n# comment\nhelp = [\"h\", \"q\"]\n").err();
    let msg = err.as_ref().map(ToString::to_string).unwrap_or_default();
    assert!(msg.contains("'quit'") && msg.contains("'help'"), "{msg}");
    assert!(msg.contains("at user.toml:3:"), "{msg}");
    assert!(msg.contains("keymaps/default.toml:"), "{msg}");
    assert_eq!(err.and_then(|e| e.location().map(|l| l.line)), Some(3));
}

#[test]
fn conflict_within_one_file_reports_the_later_line() {
    let text = "[global]\nquit = \"x\"\nhelp = \"y\"\nfilter = \"x\"\n";
    let msg = overridden(text)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(msg.contains("'x'") && msg.contains("user.toml:2:"), "{msg}");
    assert!(msg.contains("'filter' at user.toml:4:"), "{msg}");
}

#[test]
fn same_key_twice_for_one_action_is_fine() {
    assert!(overridden("[global]\nquit = [\"q\", \"q\", \"shift-q\", \"Q\"]\n").is_ok());
}

#[test]
fn help_reflects_bindings_in_action_order() {
    let km = overridden("[global]\nhelp = [\"f1\", \"?\"]\n").unwrap_or_else(|e| panic!("{e}"));
    let help = km.help_entries();
    let actions: Vec<Action> = help.iter().map(|h| h.action).collect();
    let expected: Vec<Action> = Action::ALL.iter().map(|(a, _)| *a).collect();
    assert_eq!(actions, expected);
    assert_eq!(help[0].keys, "q, ctrl-c");
    assert_eq!(help[0].description, Action::Quit.description());
    let entry = help.iter().find(|h| h.action == Action::ToggleHelp);
    assert_eq!(entry.map(|h| h.keys.as_str()), Some("f1, ?"));
}

#[test]
fn missing_user_file_is_fine() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let km = Keymap::load("default", Some(&dir.path().join("nope.toml")));
    assert!(km.is_ok());
}

#[test]
fn user_file_errors_name_the_path() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("keymap.toml");
    std::fs::write(&path, "[global]\nquit = \"q\"\nqiut = \"x\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let msg = Keymap::load("default", Some(&path))
        .err()
        .map(|e| e.to_string());
    let expected = format!("unknown action 'qiut' at {}:3:1", path.display());
    assert_eq!(msg, Some(expected));
}

#[test]
fn user_path_follows_xdg() {
    let os = |s: &'static str| Some(OsStr::new(s));
    assert_eq!(
        user_keymap_path_from(os("/x/cfg"), os("/home/u")),
        Some(PathBuf::from("/x/cfg/ktriage/keymap.toml"))
    );
    assert_eq!(
        user_keymap_path_from(os(""), os("/home/u")),
        Some(PathBuf::from("/home/u/.config/ktriage/keymap.toml"))
    );
    assert_eq!(
        user_keymap_path_from(os("relative"), os("/home/u")),
        Some(PathBuf::from("/home/u/.config/ktriage/keymap.toml"))
    );
    assert_eq!(user_keymap_path_from(None, None), None);
}
