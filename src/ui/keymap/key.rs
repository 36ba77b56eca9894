//! One key chord (`q`, `ctrl-c`, `shift-tab`, `G`, `f5`): parsing, display, and matching crossterm events.

use std::fmt;
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Named keys, in the spelling used by keymap files (first name is the canonical one).
const NAMED: &[(&str, KeyCode)] = &[
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pageup", KeyCode::PageUp),
    ("pgup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("pgdn", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("space", KeyCode::Char(' ')),
];

/// The modifiers a binding can carry; anything else (super, meta, ...) is ignored.
const MODS: KeyModifiers = KeyModifiers::CONTROL
    .union(KeyModifiers::ALT)
    .union(KeyModifiers::SHIFT);

/// Why a key string could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyParseError {
    #[error("empty key")]
    Empty,
    #[error(
        "unknown key name '{0}' (expected a single character, a name like 'esc' or 'pagedown', or f1..f12)"
    )]
    UnknownName(String),
    #[error(
        "'shift-' only applies to letters and named keys; write the shifted character itself (e.g. '?' not 'shift-/')"
    )]
    ShiftedSymbol,
}

/// A normalized key chord. Two bindings are equal exactly when they match the same key events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyBinding {
    code: KeyCode,
    mods: KeyModifiers,
}

impl KeyBinding {
    /// Build a binding from a key code and modifiers, normalizing them the way
    /// terminals report keys: `G` and `shift-g` are the same chord, as are
    /// `backtab` and `shift-tab`.
    pub fn new(code: KeyCode, mods: KeyModifiers) -> Self {
        let mut mods = mods & MODS;
        let code = match code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                if c.is_lowercase() {
                    c.to_uppercase()
                        .next()
                        .map_or(KeyCode::Char(c), KeyCode::Char)
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Self { code, mods }
    }

    /// Parse the keymap syntax: optional `ctrl-`/`alt-`/`shift-` prefixes, then a
    /// single character (case-sensitive) or a key name (case-insensitive).
    pub fn parse(s: &str) -> Result<Self, KeyParseError> {
        let mut rest = s;
        let mut mods = KeyModifiers::NONE;
        loop {
            let lower = rest.to_ascii_lowercase();
            let prefix = [
                ("ctrl-", KeyModifiers::CONTROL),
                ("alt-", KeyModifiers::ALT),
                ("shift-", KeyModifiers::SHIFT),
            ]
            .into_iter()
            .find(|(p, _)| lower.starts_with(p) && lower.len() > p.len());
            match prefix {
                Some((p, m)) => {
                    mods |= m;
                    rest = &rest[p.len()..];
                }
                None => break,
            }
        }
        let code = parse_code(rest)?;
        if mods.contains(KeyModifiers::SHIFT)
            && matches!(code, KeyCode::Char(c) if !c.is_alphabetic())
        {
            return Err(KeyParseError::ShiftedSymbol);
        }
        Ok(Self::new(code, mods))
    }

    /// The normalized chord of a terminal key event.
    pub fn from_event(event: &KeyEvent) -> Self {
        Self::new(event.code, event.modifiers)
    }

    /// Whether this binding matches a key press (releases never match).
    pub fn matches(&self, event: &KeyEvent) -> bool {
        event.kind != KeyEventKind::Release && *self == Self::from_event(event)
    }

    pub fn code(&self) -> KeyCode {
        self.code
    }

    pub fn modifiers(&self) -> KeyModifiers {
        self.mods
    }
}

fn parse_code(s: &str) -> Result<KeyCode, KeyParseError> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (None, _) => return Err(KeyParseError::Empty),
        (Some(c), None) => return Ok(KeyCode::Char(c)),
        _ => {}
    }
    let lower = s.to_ascii_lowercase();
    if let Some((_, code)) = NAMED.iter().find(|(n, _)| *n == lower) {
        return Ok(*code);
    }
    match lower.strip_prefix('f').map(u8::from_str) {
        Some(Ok(n @ 1..=12)) => Ok(KeyCode::F(n)),
        _ => Err(KeyParseError::UnknownName(s.to_string())),
    }
}

impl FromStr for KeyBinding {
    type Err = KeyParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for KeyBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (m, name) in [
            (KeyModifiers::CONTROL, "ctrl-"),
            (KeyModifiers::ALT, "alt-"),
            (KeyModifiers::SHIFT, "shift-"),
        ] {
            if self.mods.contains(m) {
                f.write_str(name)?;
            }
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            code => {
                let name = NAMED.iter().find(|(_, c)| *c == code).map(|(n, _)| *n);
                // Every code a binding can hold comes from NAMED, Char or F.
                f.write_str(name.unwrap_or("?"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> KeyBinding {
        match KeyBinding::parse(s) {
            Ok(k) => k,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn parses_the_documented_syntax() {
        assert_eq!(key("q").code(), KeyCode::Char('q'));
        assert_eq!(key("/").code(), KeyCode::Char('/'));
        assert_eq!(key("esc").code(), KeyCode::Esc);
        assert_eq!(key("PageDown").code(), KeyCode::PageDown);
        assert_eq!(key("space").code(), KeyCode::Char(' '));
        assert_eq!(key("f12").code(), KeyCode::F(12));
        assert_eq!(key("-").code(), KeyCode::Char('-'));
        let c = key("ctrl-c");
        assert_eq!(
            (c.code(), c.modifiers()),
            (KeyCode::Char('c'), KeyModifiers::CONTROL)
        );
        assert_eq!(key("ctrl--").code(), KeyCode::Char('-'));
        assert_eq!(key("alt-x").modifiers(), KeyModifiers::ALT);
    }

    #[test]
    fn shift_is_normalized() {
        assert_eq!(key("shift-tab"), key("backtab"));
        assert_eq!(key("shift-g"), key("G"));
        assert_eq!(key("G").modifiers(), KeyModifiers::NONE);
        assert_ne!(key("g"), key("G"));
    }

    #[test]
    fn rejects_bad_keys() {
        assert_eq!(KeyBinding::parse(""), Err(KeyParseError::Empty));
        assert!(matches!(
            KeyBinding::parse("ctrl-"),
            Err(KeyParseError::UnknownName(_))
        ));
        assert!(matches!(
            KeyBinding::parse("f13"),
            Err(KeyParseError::UnknownName(_))
        ));
        assert!(matches!(
            KeyBinding::parse("ctl-x"),
            Err(KeyParseError::UnknownName(_))
        ));
        assert_eq!(
            KeyBinding::parse("shift-/"),
            Err(KeyParseError::ShiftedSymbol)
        );
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "q", "ctrl-c", "alt-x", "backtab", "G", "space", "f5", "pagedown", "ctrl--", "?",
        ] {
            assert_eq!(key(s).to_string(), s);
            assert_eq!(key(&key(s).to_string()), key(s));
        }
        assert_eq!(key("shift-tab").to_string(), "backtab");
        assert_eq!(key("Escape").to_string(), "esc");
    }

    #[test]
    fn matches_terminal_events() {
        assert!(key("G").matches(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)));
        assert!(key("G").matches(&ev(KeyCode::Char('G'), KeyModifiers::NONE)));
        assert!(key("G").matches(&ev(KeyCode::Char('g'), KeyModifiers::SHIFT)));
        assert!(key("?").matches(&ev(KeyCode::Char('?'), KeyModifiers::SHIFT)));
        assert!(key("backtab").matches(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)));
        assert!(key("ctrl-c").matches(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL)));
        assert!(!key("c").matches(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL)));
        let mut release = ev(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert!(!key("q").matches(&release));
    }
}
