//! Keymap contexts: the file sections (`[global]`, one per pane, `[inspect]`) a binding applies in.

use std::fmt;
use std::str::FromStr;

use crate::app::state::Pane;

/// Where a set of bindings applies: a keymap file section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyContext {
    /// Normal browsing, in every pane.
    Global,
    /// The event stream pane.
    Stream,
    /// The summary pane.
    Summary,
    /// The processes pane.
    Processes,
    /// The inspect view (over the panes).
    Inspect,
    /// The alerts pane.
    Alerts,
}

impl KeyContext {
    /// Every context, in section order.
    pub const ALL: [KeyContext; 6] = [
        Self::Global,
        Self::Stream,
        Self::Summary,
        Self::Processes,
        Self::Inspect,
        Self::Alerts,
    ];

    /// The section name in keymap files.
    pub fn name(self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::Stream => "stream",
            Self::Summary => "summary",
            Self::Processes => "processes",
            Self::Inspect => "inspect",
            Self::Alerts => "alerts",
        }
    }
}

impl From<Pane> for KeyContext {
    fn from(pane: Pane) -> Self {
        match pane {
            Pane::Stream => Self::Stream,
            Pane::Summary => Self::Summary,
            Pane::Processes => Self::Processes,
            Pane::Pods => Self::Processes,
            Pane::Alerts => Self::Alerts,
        }
    }
}

impl fmt::Display for KeyContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for KeyContext {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|c| c.name() == s).ok_or(())
    }
}
