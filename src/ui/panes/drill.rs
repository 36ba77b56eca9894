//! The drill task panel (drill mode): the statement, time left, hints shown, the answer and the last grade with each check's reason.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::app::View;
use crate::app::drill_task::{DrillState, clock};
use crate::sanitize::{sanitize, sanitize_multiline};
use crate::strings as s;
use crate::ui::theme::{Role, Theme};

/// The panel's lines, each with its role (workload and drill text sanitized).
fn lines(d: &DrillState) -> Vec<(Role, String)> {
    let mut out: Vec<(Role, String)> = sanitize_multiline(&d.task.statement)
        .lines()
        .map(|l| l.replace('\t', "    ").trim_end().to_string())
        .filter(|l| !l.is_empty())
        .map(|l| (Role::Text, l))
        .collect();
    for (i, h) in d.task.hints.iter().take(d.hints_shown).enumerate() {
        out.push((Role::Accent, s::drill_hint(i + 1, &sanitize(h))));
    }
    out.push(match &d.answer {
        Some(a) => (Role::Text, s::drill_answer(&sanitize(a))),
        None => (Role::TextDim, s::DRILL_NO_ANSWER.to_string()),
    });
    if d.grading {
        out.push((Role::TextDim, s::DRILL_GRADING_PANEL.to_string()));
    }
    match &d.grade {
        None if !d.grading => out.push((Role::TextDim, s::DRILL_KEYS.to_string())),
        None => {}
        Some(Err(e)) => out.push((Role::Error, s::drill_not_graded(&sanitize(e)))),
        Some(Ok(g)) => {
            let role = if g.passed { Role::Ok } else { Role::Error };
            out.push((role, s::drill_grade_head(g.passed, &clock(g.elapsed_secs))));
            for c in &g.checks {
                out.push(if c.passed {
                    (Role::Ok, format!("  ok    {}", sanitize(&c.what)))
                } else {
                    let (what, why) = (sanitize(&c.what), sanitize(&c.why));
                    (Role::Error, format!("  FAIL  {what}: {why}"))
                });
            }
        }
    }
    out
}

/// The panel's lines wrapped at the inner width of `width` columns.
fn wrapped(d: &DrillState, width: u16) -> Vec<(Role, String)> {
    let inner = width.saturating_sub(2);
    lines(d)
        .into_iter()
        .flat_map(|(r, l)| {
            super::alerts_detail::wrap(&l, inner, usize::MAX)
                .into_iter()
                .map(move |w| (r, w))
        })
        .collect()
}

/// Rows the panel wants at `width` columns (borders included); 0 without a drill.
pub fn height(view: &View, width: u16) -> u16 {
    view.drill.map_or(0, |d| {
        u16::try_from(wrapped(d, width).len() + 2).unwrap_or(u16::MAX)
    })
}

/// Draws the panel in `area`; when it does not fit, the end (answer and grade) stays in view.
pub fn render(frame: &mut Frame, area: Rect, view: &View, theme: &Theme) {
    let Some(d) = view.drill else {
        return;
    };
    let left = d.left();
    let title = s::drill_title(
        &sanitize(&d.task.name),
        &clock(left),
        left == 0,
        d.hints_shown,
        d.task.hints.len(),
    );
    let title_role = if left == 0 { Role::Error } else { Role::Title };
    let ls = wrapped(d, area.width);
    let skip = ls
        .len()
        .saturating_sub(usize::from(area.height.saturating_sub(2)));
    let text: Vec<Line> = ls
        .into_iter()
        .skip(skip)
        .map(|(r, l)| Line::from(Span::styled(l, theme.style(r))))
        .collect();
    let block = Block::bordered()
        .border_style(theme.style(Role::BorderFocused))
        .title(Line::from(Span::styled(title, theme.style(title_role))));
    frame.render_widget(Paragraph::new(text).block(block), area);
}
