//! The help overlay: every key binding of the current context (from the keymap), the filter syntax of the pane and the `:` commands; scrolls.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{fit, inner, pane_block, width_of};
use crate::app::View;
use crate::app::state::Pane;
use crate::ui::keymap::{KeyContext, Keymap};
use crate::ui::strings as s;
use crate::ui::theme::{Role, Theme};

/// Widest keys column before the keys are cut.
const MAX_KEYS: usize = 22;

/// One help line: a key (or command, or label) and what it does; an empty line separates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpLine {
    /// Keys, command or label (left column).
    pub key: String,
    /// Description (right column).
    pub text: String,
}

fn context(view: &View) -> KeyContext {
    match view.inspect {
        Some(_) => KeyContext::Inspect,
        None => view.focus.into(),
    }
}

/// The help content for the current context: bound keys only, then the filter syntax, then the commands.
pub fn content(view: &View, keymap: &Keymap) -> Vec<HelpLine> {
    let line = |k: &str, t: &str| HelpLine {
        key: k.to_string(),
        text: t.to_string(),
    };
    let mut out: Vec<HelpLine> = keymap
        .help_entries_in(context(view))
        .into_iter()
        .filter(|e| !e.keys.is_empty())
        .map(|e| line(&e.keys, e.description))
        .collect();
    let filter = match (view.inspect.is_some(), view.focus) {
        (true, _) => None,
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

/// Draws the overlay centred over `area`, from line `view.help_scroll`.
pub fn render(frame: &mut Frame, area: Rect, view: &View, theme: &Theme, keymap: &Keymap) {
    let lines = content(view, keymap);
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
