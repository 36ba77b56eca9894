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

/// The times (inclusive) that fall in cell `i` of `width` for a span from
/// `start`: those whose offset, clamped to `0..=span`, scales to `i`.
fn cell_range(start: u64, span: u64, width: usize, i: usize) -> (u64, u64) {
    if width <= 1 {
        return (0, u64::MAX);
    }
    let w = (width - 1) as u128;
    // the smallest offset that scales to cell `c`: ceil(c * span / w)
    let first = |c: u128| (c * u128::from(span)).div_ceil(w);
    let at = |off: u128| u64::try_from(u128::from(start) + off).unwrap_or(u64::MAX);
    let from = if i == 0 { 0 } else { at(first(i as u128)) };
    let to = if i + 1 >= width {
        u64::MAX
    } else {
        at(first(i as u128 + 1)).saturating_sub(1)
    };
    (from, to)
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
    // Each cell looks its time range up in the sorted mark times: the work
    // is per cell, not per mark (a long recording has many).
    for (i, c) in cells.iter_mut().enumerate() {
        let (from, to) = cell_range(view.start_ns, span, width, i);
        if let Some(kind) = view.mark_times.best_in(from, to) {
            *c = match kind {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::replay::{Mark, MarkTimes};

    /// The bar's marks as the pane drew them before: every mark placed in its cell, the higher kind kept.
    fn by_scan(start: u64, end: u64, marks: &[Mark], width: usize) -> Vec<Option<MarkKind>> {
        let span = end.saturating_sub(start).max(1);
        let cell = |ns: u64| {
            let off = ns.saturating_sub(start).min(span);
            ((u128::from(off) * (width as u128 - 1)) / u128::from(span)) as usize
        };
        let rank = |k: MarkKind| match k {
            MarkKind::Alert => 3,
            MarkKind::Note => 2,
            MarkKind::Action => 1,
        };
        let mut out: Vec<Option<MarkKind>> = vec![None; width];
        for m in marks {
            let i = cell(m.ts_ns);
            if out[i].is_none_or(|k| rank(m.kind) > rank(k)) {
                out[i] = Some(m.kind);
            }
        }
        out
    }

    #[test]
    fn cells_found_by_search_match_a_scan_of_every_mark() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for round in 0..300 {
            let start = next() % 1_000_000;
            let end = start + next() % 5_000 + u64::from(round % 3 == 0);
            let marks: Vec<Mark> = (0..next() % 40)
                .map(|_| Mark {
                    // some before the start and after the end
                    ts_ns: (start + next() % 6_000).saturating_sub(500),
                    kind: [MarkKind::Alert, MarkKind::Action, MarkKind::Note]
                        [(next() % 3) as usize],
                    label: String::new(),
                })
                .collect();
            let times = MarkTimes::of(&marks);
            let span = end.saturating_sub(start).max(1);
            for width in [1usize, 2, 3, 7, 40, 80] {
                let want = by_scan(start, end, &marks, width);
                let got: Vec<Option<MarkKind>> = (0..width)
                    .map(|i| {
                        let (from, to) = cell_range(start, span, width, i);
                        times.best_in(from, to)
                    })
                    .collect();
                assert_eq!(
                    got, want,
                    "round {round} width {width} start {start} end {end}"
                );
            }
        }
    }
}
