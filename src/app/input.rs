//! Input at the core's edge: what the terminal's keys become before they reach `update` (keys are mapped in `ui`, so a recording does not depend on the keymap).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::action::Action;
use super::state::{AppState, Mode, Pane};

/// One user input: an action (a key through the keymap, or a command) or an edit of the line being typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Input {
    /// A keymap action.
    Action(Action),
    /// An edit of the filter, command or finder line.
    Edit(Edit),
}

/// An edit of a line being typed (filter, command, finder query) or a move in the finder's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Edit {
    /// A printable character typed.
    Char(char),
    /// Erase the last character.
    Backspace,
    /// Erase the whole line (ctrl-u).
    ClearLine,
    /// Accept the line (enter).
    Submit,
    /// Abandon the line (esc).
    Cancel,
    /// Any other key on the line (a cursor move): keeps the text, ends a selection.
    Move,
    /// Finder: previous candidate.
    Up,
    /// Finder: next candidate.
    Down,
    /// Finder: ten candidates up.
    PageUp,
    /// Finder: ten candidates down.
    PageDown,
}

/// What a key means now: an action of a keymap context, or an edit of a typed line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputTarget {
    /// Keys go through the keymap, in this context.
    Keys(KeyContext),
    /// Keys edit the filter or command line.
    Line,
    /// Keys edit the finder's query or move in its list.
    Finder,
}

impl AppState {
    /// Where the next key goes (the terminal edge maps it accordingly).
    pub fn input_target(&self) -> InputTarget {
        match self.mode {
            Mode::Filter(_) | Mode::Command(_) => InputTarget::Line,
            Mode::Finder => InputTarget::Finder,
            Mode::Normal | Mode::Help => InputTarget::Keys(self.key_context()),
        }
    }

    /// The keymap context of the current view.
    pub fn key_context(&self) -> KeyContext {
        match self.inspect {
            Some(_) => KeyContext::Inspect,
            None => self.focus.into(),
        }
    }
}

/// The keys bound to each action, per context, as the help overlay shows them (from the keymap, given to the core at start).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyHelp {
    /// Per context: (action, its keys as written in keymap files, e.g. `q, ctrl-c`), in help order; unbound actions left out.
    pub contexts: Vec<(KeyContext, Vec<(Action, String)>)>,
}

impl KeyHelp {
    /// The bound actions of `context` with their keys.
    pub fn entries(&self, context: KeyContext) -> &[(Action, String)] {
        self.contexts
            .iter()
            .find(|(c, _)| *c == context)
            .map(|(_, e)| e.as_slice())
            .unwrap_or(&[])
    }

    /// The first key bound to `action` in `context` (as keymap files write it).
    pub fn first_key(&self, context: KeyContext, action: Action) -> Option<&str> {
        let (_, keys) = self.entries(context).iter().find(|(a, _)| *a == action)?;
        keys.split(", ").next().filter(|k| !k.is_empty())
    }
}

/// Where a set of bindings applies: a keymap file section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
