//! The input line for `/` filters and `:` commands, with the terminal cursor at its end.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::width_of;
use crate::app::View;
use crate::app::state::{Mode, Pane};
use crate::sanitize::sanitize;
use crate::ui::strings as s;
use crate::ui::theme::{Role, Theme};

/// The prompt and text being typed, if an input is open.
pub fn prompt<'a>(view: &View<'a>) -> Option<(char, &'a str)> {
    match view.mode {
        Mode::Filter(text) => Some(('/', text)),
        Mode::Command(text) => Some((':', text)),
        Mode::Normal | Mode::Help | Mode::Finder => None,
    }
}

/// Draws the input line in `area` (one row) and places the cursor.
pub fn render(frame: &mut Frame, area: Rect, view: &View, theme: &Theme) {
    let Some((prompt, text)) = prompt(view) else {
        return;
    };
    if area.height == 0 || area.width == 0 {
        return;
    }
    let width = usize::from(area.width);
    let mut typed = format!("{prompt}{}", sanitize(text));
    // Keep the end (where the cursor is) in view: drop characters from the front.
    while width_of(&typed) + 1 > width && !typed.is_empty() {
        typed.remove(0);
    }
    let used = width_of(&typed) + 1;
    let syntax = if view.focus == Pane::Alerts && view.audit.shown {
        s::AUDIT_FILTER_SYNTAX
    } else if view.focus == Pane::Alerts {
        s::ALERTS_FILTER_SYNTAX
    } else {
        s::FILTER_SYNTAX
    };
    let syntax = format!("{syntax}  ·  {}", s::INPUT_HINT);
    let hint = match prompt {
        '/' if used + width_of(&syntax) + 2 <= width => syntax,
        _ if used + width_of(s::INPUT_HINT) + 2 <= width => s::INPUT_HINT.to_string(),
        _ => String::new(),
    };
    let gap = width.saturating_sub(used + width_of(&hint));
    let style = theme.style(Role::FilterInput);
    // A just-opened filter is selected (typing replaces it): drawn reversed after the prompt.
    let (head, selected) = match typed.char_indices().nth(1) {
        Some((i, _)) if view.input_selected && typed.starts_with(prompt) => {
            (typed[..i].to_string(), typed[i..].to_string())
        }
        _ => (typed, String::new()),
    };
    let line = Line::from(vec![
        Span::styled(head, style),
        Span::styled(
            selected,
            style.add_modifier(ratatui::style::Modifier::REVERSED),
        ),
        Span::raw(" ".repeat(gap + 1)),
        Span::styled(hint, theme.style(Role::TextDim)),
    ]);
    frame.render_widget(Paragraph::new(line), area);
    let x = area.x + (used as u16 - 1).min(area.width - 1);
    frame.set_cursor_position(Position::new(x, area.y));
}
