//! User intents: what a key (through the keymap) or a command asks the core to do.

use std::fmt;
use std::str::FromStr;

/// Everything a user can ask for. Every variant is bindable from a keymap file
/// by its snake_case name (see [`Action::NAMES`]).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Action {
    /// Leave ktriage.
    Quit,
    /// Close the topmost overlay / input, or go back one level.
    Back,
    /// Open the typed filter input (`/`).
    OpenFilter,
    /// Open the command line (`:`).
    OpenCommand,
    /// Toggle the help overlay (`?`).
    ToggleHelp,
    /// Drill into the selected row (`enter`).
    Enter,
    /// Move the selection up one row.
    Up,
    /// Move the selection down one row.
    Down,
    /// Move the selection up one page.
    PageUp,
    /// Move the selection down one page.
    PageDown,
    /// Jump to the oldest row.
    Top,
    /// Jump to the newest row (and follow).
    Bottom,
    /// Toggle follow (auto-scroll to newest) / pause.
    ToggleFollow,
    /// Cycle focus to the next pane.
    NextPane,
    /// Cycle focus to the previous pane.
    PrevPane,
    /// Summary pane: show the selected process only / all processes.
    ToggleSummaryScope,
    /// Syscall time (the summary's time columns) on / off: on, every syscall
    /// entry of the node is timestamped.
    ToggleTiming,
    /// Clear the active filter.
    ClearFilter,
    /// Open the fuzzy finder over pids, comms, containers, pods and images.
    OpenFinder,
    /// Processes pane: list / tree.
    ToggleTree,
    /// Processes pane: next sort column.
    CycleSort,
    /// Inspect view: show / hide masked environment values (noted in the session).
    RevealSecrets,
    /// Inspect view, Root tab: text / strings / hex view of the open file.
    FileView,
    /// From the selected alert to its process, its events and its pod.
    Pivot,
    /// Focus the alerts pane.
    FocusAlerts,
    /// The alerts pane: show the Kubernetes audit trail / the alerts.
    ToggleAudit,
    /// Replay: play / pause.
    ReplayPause,
    /// Replay: faster (1×, 10×, as fast as possible).
    ReplayFaster,
    /// Replay: slower.
    ReplaySlower,
    /// Replay: jump to the next alert.
    ReplayNextAlert,
    /// Replay: jump back to the previous alert.
    ReplayPrevAlert,
    /// Replay: jump to the operator's next action or note.
    ReplayNextAction,
    /// Replay: jump back to the operator's previous action or note.
    ReplayPrevAction,
    /// Drill mode: show the next hint.
    DrillHint,
}

impl Action {
    /// One-line description of an action, as shown in the help overlay.
    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "Quit ktriage",
            Action::Back => "Close overlay / go back",
            Action::OpenFilter => "Filter rows",
            Action::OpenCommand => "Command line",
            Action::ToggleHelp => "Toggle this help",
            Action::Enter => "Drill into the selected row",
            Action::Up => "Move up",
            Action::Down => "Move down",
            Action::PageUp => "Page up",
            Action::PageDown => "Page down",
            Action::Top => "Jump to the oldest row",
            Action::Bottom => "Jump to the newest row and follow",
            Action::ToggleFollow => "Follow new rows / pause",
            Action::NextPane => "Focus the next pane",
            Action::PrevPane => "Focus the previous pane",
            Action::ToggleSummaryScope => "Summary: selected process, container or pod / all",
            Action::ToggleTiming => "Summary: syscall time on / off (costs at every syscall)",
            Action::ClearFilter => "Clear the filter",
            Action::OpenFinder => "Find a pid, comm, container, pod or image",
            Action::ToggleTree => "Processes: list / tree",
            Action::CycleSort => "Processes: next sort column",
            Action::RevealSecrets => "Inspect: show / hide masked secrets",
            Action::FileView => "Inspect root: text / strings / hex",
            Action::Pivot => "Alert → its process, events at that time, its pod",
            Action::FocusAlerts => "Focus the alerts pane",
            Action::ToggleAudit => "Alerts pane: Kubernetes audit trail / alerts",
            Action::ReplayPause => "Replay: play / pause",
            Action::ReplayFaster => "Replay: faster (1×, 10×, max)",
            Action::ReplaySlower => "Replay: slower",
            Action::ReplayNextAlert => "Replay: next alert",
            Action::ReplayPrevAlert => "Replay: previous alert",
            Action::ReplayNextAction => "Replay: operator's next action or note",
            Action::ReplayPrevAction => "Replay: operator's previous action or note",
            Action::DrillHint => "Drill: show the next hint",
        }
    }

    /// Every action with its keymap name, in help order.
    pub const ALL: [(Action, &'static str); 34] = [
        (Action::Quit, "quit"),
        (Action::Back, "back"),
        (Action::OpenFilter, "filter"),
        (Action::OpenCommand, "command"),
        (Action::ToggleHelp, "help"),
        (Action::Enter, "enter"),
        (Action::Up, "up"),
        (Action::Down, "down"),
        (Action::PageUp, "page_up"),
        (Action::PageDown, "page_down"),
        (Action::Top, "top"),
        (Action::Bottom, "bottom"),
        (Action::ToggleFollow, "toggle_follow"),
        (Action::NextPane, "next_pane"),
        (Action::PrevPane, "prev_pane"),
        (Action::ToggleSummaryScope, "toggle_summary_scope"),
        (Action::ToggleTiming, "toggle_timing"),
        (Action::ClearFilter, "clear_filter"),
        (Action::OpenFinder, "finder"),
        (Action::ToggleTree, "toggle_tree"),
        (Action::CycleSort, "sort"),
        (Action::RevealSecrets, "reveal_secrets"),
        (Action::FileView, "file_view"),
        (Action::Pivot, "pivot"),
        (Action::FocusAlerts, "alerts"),
        (Action::ToggleAudit, "audit"),
        (Action::ReplayPause, "replay_pause"),
        (Action::ReplayFaster, "replay_faster"),
        (Action::ReplaySlower, "replay_slower"),
        (Action::ReplayNextAlert, "replay_next_alert"),
        (Action::ReplayPrevAlert, "replay_prev_alert"),
        (Action::ReplayNextAction, "replay_next_action"),
        (Action::ReplayPrevAction, "replay_prev_action"),
        (Action::DrillHint, "drill_hint"),
    ];

    /// The keymap name of this action.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(a, _)| *a == self)
            .map(|(_, n)| *n)
            .unwrap_or("?")
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error for a name that is not an action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown action `{0}`")]
pub struct UnknownAction(pub String);

impl FromStr for Action {
    type Err = UnknownAction;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(a, _)| *a)
            .ok_or_else(|| UnknownAction(s.to_string()))
    }
}
