//! The help overlay: every key binding of the current context (from the keymap), the filter syntax of the pane and the `:` commands; scrolls.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{fit, inner, pane_block, width_of};
use crate::app::View;
use crate::ui::strings as s;
use crate::ui::theme::{Role, Theme};

/// Widest keys column before the keys are cut.
const MAX_KEYS: usize = 22;

pub use crate::app::help::{HelpLine, content, fit_rows};

/// Draws the overlay centred over `area`, from line `view.help_scroll`.
pub fn render(frame: &mut Frame, area: Rect, view: &View, theme: &Theme) {
    let lines = content(view);
    let keys_w = lines
        .iter()
        .filter(|l| !l.text.is_empty())
        .map(|l| width_of(&l.key))
        .max()
        .unwrap_or(0)
        .clamp(4, MAX_KEYS);
    let want_w = lines
        .iter()
        .map(|l| keys_w + 2 + width_of(&l.text))
        .max()
        .unwrap_or(0)
        + 2;
    let width = (want_w as u16).min(area.width);
    let (visible, max_off) = fit_rows(lines.len(), area.height);
    let height = ((visible + 2) as u16).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let off = view.help_scroll.min(max_off);
    frame.render_widget(Clear, popup);
    let title = format!(" {} ", s::help_title(off + 1, off + visible, lines.len()));
    frame.render_widget(pane_block(title, true, theme), popup);
    let body = inner(popup);
    if body.width == 0 || body.height == 0 {
        return;
    }
    let kw = (keys_w as u16).min(body.width);
    let dw = body.width.saturating_sub(kw + 2);
    let drawn: Vec<Line> = lines
        .iter()
        .skip(off)
        .take(visible)
        .map(|l| {
            let role = if l.text.is_empty() && !l.key.is_empty() {
                Role::Header
            } else {
                Role::HelpKey
            };
            Line::from(vec![
                Span::styled(fit(&l.key, kw, false), theme.style(role)),
                Span::raw(if dw > 0 { "  " } else { "" }),
                Span::styled(fit(&l.text, dw, false), theme.style(Role::Text)),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(drawn), body);
}
