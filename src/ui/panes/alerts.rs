//! The alerts pane: counts by priority and rule, intake status, a virtualized list of alerts, and the selected alert's detail.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::alerts_detail::{by_rule_lines, detail_lines, rules_line, summary_line};
use super::{
    Column, fit, fit_columns, header_line, inner, pane_block, row_line, selection, thousands,
    window,
};
use crate::alerts::{Alert, Priority, clock_time};
use crate::app::View;
use crate::app::alerts_view::AlertsView;
use crate::app::state::Pane;
use crate::sanitize::sanitize;
use crate::ui::strings as s;
use crate::ui::theme::{Role, Theme};

const TIME: usize = 0;
const PRIO: usize = 1;
const RULE: usize = 2;
const PID: usize = 3;
const CONTAINER: usize = 4;
const OUTPUT: usize = 5;

const COLUMNS: [Column; 6] = [
    Column::left(s::COL_TIME, 12),
    Column::left(s::COL_PRIORITY, 9),
    Column::left(s::COL_RULE, 28),
    Column::right(s::COL_PID, 7),
    Column::left(s::COL_CONTAINER, 12),
    Column::flex(s::COL_OUTPUT, 12),
];

/// What to keep when narrow: container, then pid, then time go first.
const PRIORITY: [usize; 6] = [PRIO, RULE, OUTPUT, TIME, PID, CONTAINER];

/// Inner width from which the per-rule counts get their own column.
const BY_RULE_COLS: u16 = 110;
const BY_RULE_WIDTH: u16 = 38;
/// Rows left (after the counts) from which the selected alert's detail is shown.
const DETAIL_ROWS_FROM: u16 = 10;
const DETAIL_ROWS: u16 = 6;

/// The theme role of a priority.
pub fn priority_role(p: Priority) -> Role {
    match p {
        Priority::Emergency | Priority::Alert | Priority::Critical => Role::AlertCritical,
        Priority::Error => Role::AlertError,
        Priority::Warning => Role::AlertWarning,
        Priority::Notice => Role::AlertNotice,
        Priority::Informational | Priority::Debug => Role::AlertInfo,
    }
}

/// The pane title: counts, filter, follow or paused.
pub fn title(v: &AlertsView) -> String {
    let mode = if v.follow {
        s::STREAM_FOLLOW
    } else {
        s::STREAM_PAUSED
    };
    let total = thousands(v.received());
    if v.filter.is_empty() {
        format!(" {} ({total}) {mode} ", s::ALERTS_TITLE)
    } else {
        let f = sanitize(&v.filter.to_string()).into_owned();
        let part = s::stream_filter(&f, &thousands(v.len() as u64), &total);
        format!(" {} — {part} {mode} ", s::ALERTS_TITLE)
    }
}

/// Draws the pane in `area`.
pub fn render(frame: &mut Frame, area: Rect, view: &View, theme: &Theme) {
    if view.audit.shown {
        return super::audit::render(frame, area, view, theme);
    }
    let focused = view.focus == Pane::Alerts;
    let v = view.alerts;
    frame.render_widget(pane_block(title(v), focused, theme), area);
    let mut body = inner(area);
    if body.height == 0 || body.width == 0 {
        return;
    }
    frame.render_widget(
        Paragraph::new(summary_line(v, theme, body.width)),
        take_top(&mut body, 1),
    );
    if body.height >= DETAIL_ROWS_FROM {
        let rows = DETAIL_ROWS + u16::from(super::alerts_detail::has_exec_line(view));
        let detail = take_bottom(&mut body, rows);
        let lines = detail_lines(view, theme, detail.width);
        frame.render_widget(Paragraph::new(lines), detail);
    }
    if body.width >= BY_RULE_COLS && body.height >= 3 {
        let side = Rect {
            x: body.x + body.width - BY_RULE_WIDTH,
            width: BY_RULE_WIDTH,
            ..body
        };
        body.width -= BY_RULE_WIDTH + 1;
        let lines = by_rule_lines(v, theme, side.width, side.height);
        frame.render_widget(Paragraph::new(lines), side);
    } else if body.height >= 5 {
        frame.render_widget(
            Paragraph::new(rules_line(v, theme, body.width)),
            take_top(&mut body, 1),
        );
    }
    list(frame, body, v, theme, focused);
}

fn take_top(r: &mut Rect, rows: u16) -> Rect {
    let rows = rows.min(r.height);
    let top = Rect { height: rows, ..*r };
    r.y += rows;
    r.height -= rows;
    top
}

fn take_bottom(r: &mut Rect, rows: u16) -> Rect {
    let rows = rows.min(r.height);
    r.height -= rows;
    Rect {
        y: r.y + r.height,
        height: rows,
        ..*r
    }
}

fn list(frame: &mut Frame, body: Rect, v: &AlertsView, theme: &Theme, focused: bool) {
    if body.height == 0 {
        return;
    }
    let chosen = fit_columns(&COLUMNS, &PRIORITY, body.width);
    let mut lines = vec![header_line(&COLUMNS, &chosen, theme.style(Role::Header))];
    if v.is_empty() {
        let msg = if v.received() == 0 {
            s::ALERTS_EMPTY
        } else {
            s::ALERTS_NO_MATCH
        };
        lines.push(Line::styled(
            fit(msg, body.width, false),
            theme.style(Role::TextDim),
        ));
        frame.render_widget(Paragraph::new(lines), body);
        return;
    }
    let height = usize::from(body.height - 1);
    let sel = v.pos();
    for i in window(v.len(), height, sel, v.follow) {
        let Some(e) = v.seq_at(i).and_then(|seq| v.get(seq)) else {
            continue;
        };
        let base = theme.style(priority_role(e.alert.priority));
        let highlight = (Some(i) == sel).then(|| selection(theme, base, focused));
        lines.push(row(&chosen, &e.alert, base, highlight));
    }
    frame.render_widget(Paragraph::new(lines), body);
}

fn row(chosen: &[(usize, u16)], a: &Alert, base: Style, highlight: Option<Style>) -> Line<'static> {
    let cells = chosen
        .iter()
        .map(|&(col, w)| {
            let text = match col {
                TIME => clock_time(a.time_ns)[..12].to_string(),
                PRIO => match a.priority {
                    Priority::Informational => "Info".to_string(),
                    p => p.name().to_string(),
                },
                RULE => sanitize(&a.rule).into_owned(),
                PID => a.pid.map_or_else(|| "-".into(), |p| p.to_string()),
                CONTAINER => a.container_id.as_deref().map_or_else(
                    || "-".into(),
                    |c| sanitize(&c.chars().take(12).collect::<String>()).into_owned(),
                ),
                _ => sanitize(&a.output).into_owned(),
            };
            (fit(&text, w, COLUMNS[col].right), base)
        })
        .collect();
    row_line(cells, base, highlight)
}
