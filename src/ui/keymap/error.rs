//! Errors from loading keymap files; every file error names `file:line:column`.

use std::path::PathBuf;

use crate::app::Action;
use crate::ui::toml_source::{Location, SyntaxError};

use super::key::KeyParseError;

/// Why a keymap could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KeymapError {
    #[error("unknown keymap preset '{name}' (available: {available})")]
    UnknownPreset { name: String, available: String },

    #[error("cannot read keymap file {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("invalid TOML at {at}: {message}")]
    Syntax { at: Location, message: String },

    #[error("unknown section '[{name}]' at {at} (expected one of: {expected})")]
    UnknownSection {
        name: String,
        at: Location,
        expected: String,
    },

    #[error(
        "'{name}' at {at} is not inside a section; put bindings under a section such as [global]"
    )]
    NotASection { name: String, at: Location },

    #[error("unknown action '{name}' at {at}")]
    UnknownAction { name: String, at: Location },

    #[error("bindings for '{action}' at {at} must be a key string or an array of key strings")]
    NotKeys { action: Action, at: Location },

    #[error("invalid key '{key}' for '{action}' at {at}: {reason}")]
    InvalidKey {
        key: String,
        action: Action,
        at: Location,
        #[source]
        reason: KeyParseError,
    },

    #[error(
        "key '{key}' in [{context}] is bound to both '{first}' ({first_at}) and '{second}' at {at}"
    )]
    Conflict {
        key: String,
        context: &'static str,
        first: Action,
        first_at: Location,
        second: Action,
        /// Where the later of the two bindings is.
        at: Location,
    },
}

impl KeymapError {
    /// Where in which file the problem is, when it is about a file's content.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Self::UnknownPreset { .. } | Self::Io { .. } => None,
            Self::Syntax { at, .. }
            | Self::UnknownSection { at, .. }
            | Self::NotASection { at, .. }
            | Self::UnknownAction { at, .. }
            | Self::NotKeys { at, .. }
            | Self::InvalidKey { at, .. }
            | Self::Conflict { at, .. } => Some(at),
        }
    }
}

impl From<SyntaxError> for KeymapError {
    fn from(e: SyntaxError) -> Self {
        Self::Syntax {
            at: e.at,
            message: e.message,
        }
    }
}
