//! The help overlay: key bindings generated from the keymap, the filter syntax and the `:` commands.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{fit, inner, pane_block, width_of};
use crate::app::state::AppState;
use crate::ui::keymap::HelpEntry;
use crate::ui::strings as s;
use crate::ui::theme::{Role, Theme};

/// Widest keys column before the keys are cut.
const MAX_KEYS: usize = 18;
/// The overlay's widest outer width.
const MAX_WIDTH: u16 = 130;

/// Draws the overlay centred over `area`. In order of preference: one column
/// of bindings with the filter and command lines; two full columns side by
/// side; one column without those lines; two columns with cut descriptions.
pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let ctx = match state.inspect {
        Some(_) => crate::ui::keymap::KeyContext::Inspect,
        None => state.focus.into(),
    };
    let entries = state.keymap.help_entries_in(ctx);
    let keys_w = entries
        .iter()
        .map(|e| width_of(&e.keys))
        .max()
        .unwrap_or(0)
        .clamp(4, MAX_KEYS);
    let desc_w = entries
        .iter()
        .map(|e| width_of(e.description))
        .max()
        .unwrap_or(0);
    let alerts = state.focus == crate::app::state::Pane::Alerts && state.inspect.is_none();
    let mut tail = tail_lines(theme, alerts);
    let tail_w = tail.iter().map(Line::width).max().unwrap_or(0);
    let entry_w = keys_w + 2 + desc_w;
    let (n, h, w) = (
        entries.len(),
        usize::from(area.height),
        usize::from(area.width),
    );
    // Borders, plus a blank line and the filter/commands lines.
    let chrome = 2 + 1 + tail.len();
    let two_w = (2 * entry_w + 3).max(tail_w) + 2;
    let cols = if n + chrome <= h || n < 2 {
        1
    } else if n.div_ceil(2) + chrome <= h && two_w <= w.min(usize::from(MAX_WIDTH)) {
        2
    } else if n + 2 <= h {
        tail.clear();
        1
    } else {
        2
    };
    let rows = n.div_ceil(cols);
    let chrome = if tail.is_empty() { 2 } else { chrome };
    let want_w = (entry_w * cols + 3 * (cols - 1)).max(tail_w) + 2;
    let width = (want_w as u16).min(MAX_WIDTH).min(area.width);
    let height = ((rows + chrome) as u16).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, popup);
    let title = format!(" {} ", s::HELP_TITLE);
    frame.render_widget(pane_block(title, true, theme), popup);
    let body = inner(popup);
    if body.width == 0 || body.height == 0 {
        return;
    }
    let col_w = if cols == 1 {
        body.width
    } else {
        body.width.saturating_sub(3) / 2
    };
    let mut lines = Vec::with_capacity(rows + tail.len() + 1);
    for r in 0..rows {
        let mut spans = entry_spans(&entries[r], keys_w, col_w, theme);
        if let Some(e) = entries.get(r + rows).filter(|_| cols == 2) {
            spans.push(Span::raw(" │ "));
            spans.extend(entry_spans(e, keys_w, col_w, theme));
        }
        lines.push(Line::from(spans));
    }
    if !tail.is_empty() {
        lines.push(Line::default());
        lines.extend(tail);
    }
    frame.render_widget(Paragraph::new(lines), body);
}

fn entry_spans(e: &HelpEntry, keys_w: usize, col_w: u16, theme: &Theme) -> Vec<Span<'static>> {
    let (keys, style) = if e.keys.is_empty() {
        (s::HELP_UNBOUND, theme.style(Role::TextDim))
    } else {
        (e.keys.as_str(), theme.style(Role::HelpKey))
    };
    let keys_w = (keys_w as u16).min(col_w);
    let desc_w = col_w.saturating_sub(keys_w + 2);
    vec![
        Span::styled(fit(keys, keys_w, false), style),
        Span::raw(if desc_w > 0 { "  " } else { "" }),
        Span::styled(fit(e.description, desc_w, false), theme.style(Role::Text)),
    ]
}

fn tail_lines(theme: &Theme, alerts: bool) -> Vec<Line<'static>> {
    let label = |t: &'static str| Span::styled(format!("{t:<9}"), theme.style(Role::HelpKey));
    let text = |t: &'static str| Span::styled(t, Style::new().patch(theme.style(Role::Text)));
    vec![
        Line::from(vec![
            label(s::HELP_FILTER),
            text(if alerts {
                s::ALERTS_FILTER_SYNTAX
            } else {
                s::FILTER_SYNTAX
            }),
        ]),
        Line::from(vec![label(s::HELP_COMMANDS), text(s::HELP_COMMAND_LIST)]),
    ]
}
