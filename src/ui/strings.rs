//! Every user-visible UI string lives here, so wording is reviewed (and one day translated) in one place.

use crate::app::Action;

/// One-line description of an action, as shown in the help overlay.
pub fn action_description(action: Action) -> &'static str {
    match action {
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
        Action::ToggleSummaryScope => "Summary: selected process / all processes",
        Action::ClearFilter => "Clear the filter",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_description() {
        for (action, _) in Action::ALL {
            assert!(!action_description(action).is_empty(), "{action}");
        }
    }
}
