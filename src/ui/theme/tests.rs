//! Unit tests for built-in themes, inheritance and automatic choice.

use ratatui::style::{Color, Modifier};

use super::*;

fn builtin(name: &str) -> Theme {
    Theme::builtin(name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn env(no_color: bool, term: &str, colors: Option<u16>) -> EnvInfo {
    EnvInfo {
        no_color,
        term: Some(term.to_string()),
        colors,
    }
}

fn chosen(requested: Option<&str>, env: &EnvInfo) -> String {
    match Theme::choose(requested, env) {
        Ok(t) => t.name().to_string(),
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn role_names_round_trip() {
    for (i, (role, name)) in Role::ALL.iter().enumerate() {
        assert_eq!(*role as usize, i);
        assert_eq!(role.name(), *name);
        assert_eq!(name.parse::<Role>(), Ok(*role));
    }
}

#[test]
fn builtins_parse_and_dark_defines_every_role() {
    for name in Theme::builtin_names() {
        assert_eq!(builtin(name).name(), name);
    }
    let dark = builtin("dark");
    let file = parse_theme("dark", BUILTINS[0].2, &["dark"]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(file.inherits, None, "dark must not inherit");
    assert_eq!(file.roles.len(), Role::ALL.len());
    assert_eq!(dark.style(Role::Selected).bg, Some(Color::Cyan));
}

#[test]
fn mono_has_no_colour_but_visible_selection_and_errors() {
    let mono = builtin("mono");
    for (role, name) in Role::ALL {
        let style = mono.style(role);
        assert_eq!((style.fg, style.bg), (None, None), "{name}");
    }
    for role in [
        Role::Selected,
        Role::Error,
        Role::SyscallError,
        Role::Banner,
        Role::StatusBar,
    ] {
        assert!(!mono.style(role).add_modifier.is_empty(), "{role}");
    }
    assert!(
        mono.style(Role::Selected)
            .add_modifier
            .contains(Modifier::REVERSED)
    );
    assert_eq!(mono.style(Role::Text), Style::new());
}

#[test]
fn omitted_roles_fall_back_to_dark_or_plain() {
    let custom = Theme::from_toml("mine", "mine.toml", "[selected]\nbg = \"red\"\n");
    let custom = custom.unwrap_or_else(|e| panic!("{e}"));
    let dark = builtin("dark");
    assert_eq!(custom.style(Role::Selected), Style::new().bg(Color::Red));
    assert_eq!(custom.style(Role::Header), dark.style(Role::Header));
    assert_eq!(custom.name(), "mine");

    let bare = Theme::from_toml(
        "bare",
        "bare.toml",
        "inherits = \"none\"\n[error]\nfg = \"red\"\n",
    );
    let bare = bare.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bare.style(Role::Header), Style::new());
    assert_eq!(bare.style(Role::Error).fg, Some(Color::Red));

    let on_mono = Theme::from_toml("m", "m.toml", "inherits = \"mono\"\n");
    let on_mono = on_mono.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        on_mono.style(Role::Selected),
        builtin("mono").style(Role::Selected)
    );
}

#[test]
fn no_color_forces_mono_even_over_a_request() {
    let e = env(true, "xterm-256color", Some(256));
    assert_eq!(chosen(None, &e), "mono");
    assert_eq!(chosen(Some("light"), &e), "mono");
}

#[test]
fn colourless_terminals_get_mono_unless_asked() {
    assert_eq!(chosen(None, &env(false, "dumb", None)), "mono");
    assert_eq!(chosen(None, &env(false, "vt100", Some(2))), "mono");
    assert_eq!(chosen(None, &env(false, "xterm", Some(8))), "dark");
    assert_eq!(chosen(None, &env(false, "xterm", None)), "dark");
    assert_eq!(chosen(Some("light"), &env(false, "dumb", None)), "light");
}

#[test]
fn env_info_from_vars() {
    let os = |s: &'static str| Some(OsStr::new(s));
    let info = EnvInfo::from_vars(os("1"), os("dumb"));
    assert!(info.no_color && info.terminal_lacks_color());
    assert!(!EnvInfo::from_vars(os(""), None).no_color);
    assert!(
        !EnvInfo::from_vars(None, os("xterm"))
            .with_colors(16)
            .terminal_lacks_color()
    );
    assert!(
        EnvInfo::from_vars(None, os("xterm"))
            .with_colors(2)
            .terminal_lacks_color()
    );
}

#[test]
fn load_by_name_or_path() {
    assert_eq!(
        Theme::load("light")
            .map(|t| t.name().to_string())
            .ok()
            .as_deref(),
        Some("light")
    );
    let err = Theme::load("solarized")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("unknown theme 'solarized'") && err.contains("dark, light"),
        "{err}"
    );
    let missing = Theme::load("/nonexistent/x.toml");
    assert!(matches!(missing, Err(ThemeError::Io { .. })));

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("ocean.toml");
    std::fs::write(&path, "[accent]\nfg = \"blue\"\n\n[nope]\n").unwrap_or_else(|e| panic!("{e}"));
    let path_str = path.to_string_lossy().into_owned();
    let err = Theme::load(&path_str)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains(&format!("unknown role 'nope' at {path_str}:4:2")),
        "{err}"
    );
    std::fs::write(&path, "[accent]\nfg = \"blue\"\n").unwrap_or_else(|e| panic!("{e}"));
    let ocean = Theme::load(&path_str).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (ocean.name(), ocean.style(Role::Accent).fg),
        ("ocean", Some(Color::Blue))
    );
}
