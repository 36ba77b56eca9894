//! The replay bar: play state, speed, position and span, and the timeline with its alert, action and note marks.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::replay::{MarkKind, ReplayView};
use crate::collector::clock::WallClock;
use crate::ui::strings as s;
use crate::ui::theme::{Role, Theme};

/// Draws `view` on the one-row `area`.
pub fn render(frame: &mut Frame, area: Rect, view: &ReplayView, theme: &Theme, clock: &WallClock) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let state = if view.ended {
        s::REPLAY_ENDED
    } else if view.paused {
        s::REPLAY_PAUSED
    } else {
        s::REPLAY_PLAYING
    };
    let hms = |ns: u64| clock.short(ns)[..8].to_string();
    let head = format!("{state} {} {} ", view.speed.label(), hms(view.pos_ns));
    let tail = format!(" {}", hms(view.end_ns));
    let damage = view.damage.as_ref().map(|_| s::REPLAY_DAMAGED);
    let fixed =
        head.chars().count() + tail.chars().count() + damage.map_or(0, |d| d.chars().count() + 1);
    let width = usize::from(area.width).saturating_sub(fixed);
    let mut spans = vec![Span::styled(head, theme.style(Role::StatusKey))];
    spans.extend(timeline(view, width, theme));
    spans.push(Span::styled(tail, theme.style(Role::TextDim)));
    if let Some(d) = damage {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(d, theme.style(Role::Error)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `width` cells: played part, the position, the rest; marks drawn over them (alerts win over notes over actions).
fn timeline(view: &ReplayView, width: usize, theme: &Theme) -> Vec<Span<'static>> {
    if width == 0 {
        return Vec::new();
    }
    let span = view.end_ns.saturating_sub(view.start_ns).max(1);
    let cell = |ns: u64| {
        let off = ns.saturating_sub(view.start_ns).min(span);
        ((u128::from(off) * (width as u128 - 1)) / u128::from(span)) as usize
    };
    let pos = cell(view.pos_ns);
    let mut cells: Vec<(char, Role)> = (0..width)
        .map(|i| {
            if i < pos {
                ('━', Role::Accent)
            } else {
                ('─', Role::TextDim)
            }
        })
        .collect();
    let rank = |k: MarkKind| match k {
        MarkKind::Alert => 3,
        MarkKind::Note => 2,
        MarkKind::Action => 1,
    };
    let mut best = vec![0u8; width];
    for m in &view.marks {
        let i = cell(m.ts_ns);
        let r = rank(m.kind);
        if r > best[i] {
            best[i] = r;
            cells[i] = match m.kind {
                MarkKind::Alert => ('A', Role::Error),
                MarkKind::Action => ('•', Role::Warning),
                MarkKind::Note => ('n', Role::Accent),
            };
        }
    }
    cells[pos] = ('●', Role::StatusKey);
    // merge runs of one role into spans
    let mut out: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut role = cells[0].1;
    for (c, r) in cells {
        if r != role {
            out.push(Span::styled(std::mem::take(&mut run), theme.style(role)));
            role = r;
        }
        run.push(c);
    }
    out.push(Span::styled(run, theme.style(role)));
    out
}
