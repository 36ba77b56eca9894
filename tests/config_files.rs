//! The shipped keymap and theme files parse, and broken files give located errors.
//!
//! Each fixture under `tests/fixtures/{keymaps,themes}/` is invalid and says
//! what to expect in its first lines: `# expect-line: N` (the line the error
//! must point at) and `# expect: text` (a substring of the message).

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;

use ktriage::app::Action;
use ktriage::ui::keymap::{KeyContext, Keymap};
use ktriage::ui::theme::{EnvInfo, Role, Theme};

fn dir(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The `.toml` files in a directory, sorted.
fn toml_files(relative: &str) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"));
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .toml files in {relative}");
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `(line, substring)` from a fixture's `# expect-line:` / `# expect:` header.
fn expectation(path: &Path) -> (usize, String) {
    let text = read(path);
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_else(|| panic!("{}: no `{name}` header", path.display()))
            .to_string()
    };
    let line = field("# expect-line:");
    let line = line
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (line, field("# expect:"))
}

fn check_fixture_error(path: &Path, error: Option<String>) {
    let message = error.unwrap_or_else(|| panic!("{} loaded without error", path.display()));
    let (line, text) = expectation(path);
    let at = format!("{}:{line}:", path.display());
    assert!(
        message.contains(&at),
        "{}: expected `{at}` in: {message}",
        path.display()
    );
    assert!(
        message.contains(&text),
        "{}: expected `{text}` in: {message}",
        path.display()
    );
}

fn press(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn every_shipped_keymap_parses() {
    let files = toml_files("keymaps");
    for path in &files {
        let name = path.display().to_string();
        // Every keymap file works as an override of the default...
        if let Err(e) = Keymap::with_override("default", &name, &read(path)) {
            panic!("{e}");
        }
        // ...and loads as a user file.
        if let Err(e) = Keymap::load("default", Some(path)) {
            panic!("{e}");
        }
    }
    for preset in Keymap::preset_names() {
        assert!(
            files.iter().any(|f| stem(f) == preset),
            "no file for preset {preset}"
        );
        if let Err(e) = Keymap::preset(preset) {
            panic!("preset {preset}: {e}");
        }
    }
}

#[test]
fn default_keymap_binds_every_action() {
    let km = Keymap::preset("default").unwrap_or_else(|e| panic!("{e}"));
    for (action, name) in Action::ALL {
        assert!(
            !km.keys(KeyContext::Global, action).is_empty()
                || !km.keys(KeyContext::Inspect, action).is_empty(),
            "'{name}' is unbound"
        );
    }
}

#[test]
fn every_shipped_theme_parses_and_uses_16_colours_at_most() {
    for path in toml_files("themes") {
        let name = stem(&path);
        let loaded = Theme::load(&path.to_string_lossy()).unwrap_or_else(|e| panic!("{e}"));
        let builtin = Theme::builtin(&name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            loaded, builtin,
            "{name}: embedded copy differs from the file"
        );
        for (role, role_name) in Role::ALL {
            let style = builtin.style(role);
            for color in [style.fg, style.bg].into_iter().flatten() {
                let wide = matches!(color, Color::Rgb(..) | Color::Indexed(_));
                assert!(
                    !wide,
                    "{name}: {role_name} uses {color:?}, not one of the 16 ANSI colours"
                );
            }
        }
    }
}

#[test]
fn invalid_keymaps_report_file_and_line() {
    for path in toml_files("tests/fixtures/keymaps") {
        let error = Keymap::load("default", Some(&path))
            .err()
            .map(|e| e.to_string());
        check_fixture_error(&path, error);
    }
}

#[test]
fn invalid_themes_report_file_and_line() {
    for path in toml_files("tests/fixtures/themes") {
        let error = Theme::load(&path.to_string_lossy())
            .err()
            .map(|e| e.to_string());
        check_fixture_error(&path, error);
    }
}

#[test]
fn user_override_replaces_only_the_named_action() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = tmp.path().join("keymap.toml");
    std::fs::write(&path, "[global]\nquit = \"x\"\n").unwrap_or_else(|e| panic!("{e}"));
    let user = Keymap::load("default", Some(&path)).unwrap_or_else(|e| panic!("{e}"));
    let default = Keymap::preset("default").unwrap_or_else(|e| panic!("{e}"));
    let g = KeyContext::Global;
    assert_eq!(
        user.action(g, &press(KeyCode::Char('x'))),
        Some(Action::Quit)
    );
    assert_eq!(user.action(g, &press(KeyCode::Char('q'))), None);
    for (action, name) in Action::ALL {
        if action != Action::Quit {
            assert_eq!(
                user.keys(g, action),
                default.keys(g, action),
                "{name} changed"
            );
        }
    }
}

#[test]
fn no_color_picks_mono() {
    let env =
        EnvInfo::from_vars(Some("1".as_ref()), Some("xterm-256color".as_ref())).with_colors(256);
    let theme = Theme::choose(Some("dark"), &env).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(theme.name(), "mono");
    for (role, name) in Role::ALL {
        let style = theme.style(role);
        assert_eq!(
            (style.fg, style.bg),
            (None, None),
            "{name} has colour under NO_COLOR"
        );
    }
    let no_env = EnvInfo::from_vars(None, Some("xterm-256color".as_ref())).with_colors(256);
    let theme = Theme::choose(None, &no_env).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(theme.name(), "dark");
}

#[test]
fn help_entries_follow_the_keymap() {
    let km = Keymap::with_override("default", "user.toml", "[global]\nhelp = [\"f1\", \"h\"]\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let help = km.help_entries();
    assert_eq!(help.len(), Action::ALL.len());
    let entry = help.iter().find(|e| e.action == Action::ToggleHelp);
    assert_eq!(entry.map(|e| e.keys.as_str()), Some("f1, h"));
    assert!(entry.is_some_and(|e| !e.description.is_empty()));
    let quit = help.iter().find(|e| e.action == Action::Quit);
    assert_eq!(quit.map(|e| e.keys.as_str()), Some("q, ctrl-c"));
}
