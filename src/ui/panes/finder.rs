//! The fuzzy finder overlay: the query line and the ranked candidates, best first.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{fit, inner, pane_block, selection, thousands, width_of, window};
use crate::app::finder::Finder;
use crate::sanitize::sanitize;
use crate::ui::strings as s;
use crate::ui::theme::{Role, Theme};

const MAX_WIDTH: u16 = 90;
const MAX_HEIGHT: u16 = 24;

/// Draws the finder centred over `area` and puts the cursor after the query.
pub fn render(frame: &mut Frame, area: Rect, finder: &Finder, theme: &Theme) {
    if area.width < 4 || area.height < 4 {
        return;
    }
    let width = area.width.min(MAX_WIDTH);
    let height = area.height.min(MAX_HEIGHT);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, popup);
    let title = format!(
        " {} ({} of {}) ",
        s::FINDER_TITLE,
        thousands(finder.results.len() as u64),
        thousands(finder.candidates.len() as u64)
    );
    frame.render_widget(pane_block(title, true, theme), popup);
    let body = inner(popup);
    if body.height == 0 || body.width == 0 {
        return;
    }
    let base = theme.style(Role::Text);
    let query = format!("> {}", sanitize(&finder.query));
    let mut lines = vec![Line::styled(
        fit(&query, body.width, false),
        theme.style(Role::FilterInput),
    )];
    let rows = usize::from(body.height.saturating_sub(1));
    if finder.results.is_empty() {
        lines.push(Line::styled(s::FINDER_EMPTY, theme.style(Role::TextDim)));
    }
    for i in window(finder.results.len(), rows, Some(finder.selected), false) {
        let c = &finder.candidates[finder.results[i]];
        let label = format!("{:<6}", c.kind.label());
        let text = fit(&sanitize(&c.text), body.width.saturating_sub(6), false);
        let mut line = Line::from(vec![
            Span::styled(label, theme.style(Role::Accent)),
            Span::styled(text, base),
        ]);
        if i == finder.selected {
            line = line.style(selection(theme, base, true));
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), body);
    let x = body.x + (width_of(&query) as u16).min(body.width.saturating_sub(1));
    frame.set_cursor_position(Position::new(x, body.y));
}
