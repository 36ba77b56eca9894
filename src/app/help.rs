//! The help overlay's content: the bound keys of the current context (as the keymap gave them at start), the pane's filter syntax and the `:` commands.

use super::state::Pane;
use super::view::View;
use crate::strings as s;

/// One help line: a key (or command, or label) and what it does; an empty line separates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpLine {
    /// Keys, command or label (left column).
    pub key: String,
    /// Description (right column).
    pub text: String,
}

/// The help content for the current context: bound keys only, then the filter syntax, then the commands.
pub fn content(state: &View) -> Vec<HelpLine> {
    let line = |k: &str, t: &str| HelpLine {
        key: k.to_string(),
        text: t.to_string(),
    };
    let mut out: Vec<HelpLine> = state
        .key_help
        .entries(state.key_context())
        .iter()
        .filter(|(_, keys)| !keys.is_empty())
        .filter(|(a, _)| state.replay.is_some() || !super::replay_update::is_replay_action(*a))
        .filter(|(a, _)| state.drill.is_some() || *a != super::Action::DrillHint)
        .map(|(a, keys)| line(keys, a.description()))
        .collect();
    let filter = match (state.inspect.is_some(), state.focus) {
        (true, _) => None,
        (false, Pane::Alerts) if state.audit.shown => Some((s::AUDIT_FILTER_SYNTAX, None)),
        (false, Pane::Alerts) => Some((s::ALERTS_FILTER_SYNTAX, None)),
        (false, Pane::Stream) => Some((s::FILTER_SYNTAX, None)),
        (false, _) => Some((s::FILTER_SYNTAX, Some(s::HELP_FILTER_STREAM_NOTE))),
    };
    if let Some((syntax, note)) = filter {
        out.push(line("", ""));
        out.push(line(s::HELP_FILTER, syntax));
        if let Some(n) = note {
            out.push(line("", n));
        }
    }
    out.push(line("", ""));
    out.push(line(s::HELP_COMMANDS, ""));
    out.extend(s::HELP_COMMANDS_LIST.iter().map(|(c, t)| line(c, t)));
    out
}

/// Lines the overlay shows at once in a `rows`-high terminal, and the largest scroll offset.
pub fn fit_rows(total: usize, rows: u16) -> (usize, usize) {
    let visible = total.min(usize::from(rows).saturating_sub(2)).max(1);
    (visible, total.saturating_sub(visible))
}
