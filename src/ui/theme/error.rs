//! Errors from loading theme files; every file error names `file:line:column`.

use std::path::PathBuf;

use crate::ui::toml_source::{Location, SyntaxError};

/// Why a theme could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error(
        "unknown theme '{name}' (built-in themes: {available}; or give a path to a .toml file)"
    )]
    UnknownTheme { name: String, available: String },

    #[error("cannot read theme file (--theme) {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("invalid TOML at {at}: {message}")]
    Syntax { at: Location, message: String },

    #[error("unknown role '{name}' at {at} (expected one of: {expected})")]
    UnknownRole {
        name: String,
        at: Location,
        expected: String,
    },

    #[error(
        "role '{role}' at {at} must be a table such as {{ fg = \"cyan\", modifiers = [\"bold\"] }}"
    )]
    NotATable { role: &'static str, at: Location },

    #[error("unknown field '{field}' in role '{role}' at {at} (expected fg, bg, modifiers)")]
    UnknownField {
        role: &'static str,
        field: String,
        at: Location,
    },

    #[error("'{field}' at {at} must be a string")]
    NotAString { field: String, at: Location },

    #[error(
        "bad colour '{value}' at {at} (expected black, red, green, yellow, blue, magenta, cyan, gray, darkgray, lightred, lightgreen, lightyellow, lightblue, lightmagenta, lightcyan, white, reset or #rrggbb)"
    )]
    BadColor { value: String, at: Location },

    #[error("bad modifier '{value}' at {at} (expected bold, dim, italic, underlined, reversed)")]
    BadModifier { value: String, at: Location },

    #[error("bad 'inherits' value '{value}' at {at} (expected a built-in theme name or \"none\")")]
    BadInherits { value: String, at: Location },
}

impl ThemeError {
    /// Where in which file the problem is, when it is about a file's content.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Self::UnknownTheme { .. } | Self::Io { .. } => None,
            Self::Syntax { at, .. }
            | Self::UnknownRole { at, .. }
            | Self::NotATable { at, .. }
            | Self::UnknownField { at, .. }
            | Self::NotAString { at, .. }
            | Self::BadColor { at, .. }
            | Self::BadModifier { at, .. }
            | Self::BadInherits { at, .. } => Some(at),
        }
    }
}

impl From<SyntaxError> for ThemeError {
    fn from(e: SyntaxError) -> Self {
        Self::Syntax {
            at: e.at,
            message: e.message,
        }
    }
}
