//! Environ tab: `NAME=value`, masked values replaced unless the user revealed them.
//!
//! A masked value is only ever read through [`EnvEntry::value`] with the
//! view's `reveal` flag: when it is off there is no code path that formats it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Cx, Shown, clean, fit_spans, missing, scrolled};
use crate::app::Action;
use crate::app::inspect_view::InspectState;
use crate::inspect::Inspection;
use crate::inspect::environ::{EnvEntry, MASK};
use crate::ui::panes::thousands;
use crate::ui::strings as s;
use crate::ui::theme::Role;

/// Draws the summary line and the visible variables from the view's scroll.
pub(super) fn render(
    frame: &mut Frame,
    area: Rect,
    ins: &Inspection,
    view: &InspectState,
    cx: &Cx,
) -> Option<Shown> {
    let width = area.width;
    let Some(env) = &ins.environ else {
        frame.render_widget(Paragraph::new(missing(ins, "environ", cx, width)), area);
        return None;
    };
    let reveal_key = cx.key(Action::RevealSecrets);
    let masked = view.counts.masked_env;
    let mut summary = vec![cx.span(
        s::env_summary(&thousands(env.len() as u64), &thousands(masked as u64)),
        Role::TextDim,
    )];
    if view.reveal {
        summary.push(cx.span(format!(" · {}", s::INSPECT_REVEALED), Role::Warning));
        summary.push(cx.span(format!(" ({})", s::env_hide(&reveal_key)), Role::TextDim));
    }
    let mut lines = vec![fit_spans(summary, width)];
    if env.is_empty() {
        lines.push(Line::from(cx.span(s::ENV_EMPTY, Role::TextDim)));
    }
    let range = scrolled(
        env.len(),
        usize::from(area.height.saturating_sub(1)),
        view.scroll,
    );
    let shown = Shown::of(&range, env.len());
    let masked_hint = s::env_masked(&reveal_key);
    lines.extend(
        env[range]
            .iter()
            .map(|e| entry_line(e, view.reveal, &masked_hint, cx, width)),
    );
    frame.render_widget(Paragraph::new(lines), area);
    shown
}

/// `NAME=value`; a masked value is [`MASK`] plus the hint, or (revealed) in the warning role.
fn entry_line(e: &EnvEntry, reveal: bool, masked_hint: &str, cx: &Cx, width: u16) -> Line<'static> {
    let mut spans = vec![
        cx.span(clean(e.name(reveal), width), Role::Accent),
        cx.span("=", Role::TextDim),
    ];
    match e.value(reveal) {
        Some(v) => {
            let role = if e.masked { Role::Warning } else { Role::Text };
            spans.push(cx.span(clean(v, width), role));
        }
        None => {
            spans.push(cx.span(MASK, Role::TextDim));
            spans.push(cx.span(format!("  {masked_hint}"), Role::TextDim));
        }
    }
    fit_spans(spans, width)
}
