//! The `strace -c` style summary pane: per-syscall time, calls and errors for the scope shown in its title
//! (the time cells say "off" while syscall timing is off).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{
    Column, fit, fit_columns, header_line, inner, pane_block, row_line, selection, window,
};
use crate::app::View;
use crate::app::state::{Pane, SummaryScope};
use crate::app::summary::{SummaryRow, percent};
use crate::collector::clock::WallClock;
use crate::collector::syscalls;
use crate::sanitize::sanitize;
use crate::ui::strings as s;
use crate::ui::theme::{Role, Theme};

const PCT: usize = 0;
const SECONDS: usize = 1;
const USECS: usize = 2;
const CALLS: usize = 3;
const ERRORS: usize = 4;
const NAME: usize = 5;

const COLUMNS: [Column; 6] = [
    Column::right(s::COL_PCT_TIME, 6),
    Column::right(s::COL_SECONDS, 10),
    Column::right(s::COL_USECS_CALL, 10),
    Column::right(s::COL_CALLS, 8),
    Column::right(s::COL_ERRORS, 7),
    Column::flex(s::COL_SYSCALL, 10),
];

const PRIORITY: [usize; 6] = [NAME, PCT, CALLS, ERRORS, SECONDS, USECS];

/// The pane title: whose syscalls are totalled, and since when the kernel counts them.
pub fn title(view: &View, clock: &WallClock) -> String {
    let what = match view.summary_scope {
        SummaryScope::All => s::SUMMARY_ALL.to_string(),
        SummaryScope::Pid(pid) => {
            let comm = view.process(*pid).map(|p| sanitize(&p.comm));
            s::summary_pid(*pid, comm.as_deref())
        }
        SummaryScope::Container(id) => {
            let p = view.summary_member;
            let name = p
                .and_then(|p| p.container_name.as_deref())
                .map(sanitize)
                .unwrap_or_else(|| sanitize(&id[..id.len().min(12)]));
            let pod = p.and_then(|p| match (&p.pod_namespace, &p.pod_name) {
                (Some(ns), Some(n)) => Some(sanitize(&format!("{ns}/{n}")).into_owned()),
                _ => None,
            });
            s::summary_container(&name, pod.as_deref())
        }
        SummaryScope::Pod(ns, name) => s::summary_pod(&sanitize(ns), &sanitize(name)),
    };
    let since = view.stats.counting_since_ns;
    if since == 0 {
        return format!(" {what} ");
    }
    let t = clock.wall(since);
    let hms = format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second());
    format!(" {} ", s::summary_since(&what, &hms))
}

/// Draws the pane in `area`; only visible rows are formatted.
pub fn render(frame: &mut Frame, area: Rect, view: &View, theme: &Theme, clock: &WallClock) {
    let focused = view.focus == Pane::Summary;
    frame.render_widget(pane_block(title(view, clock), focused, theme), area);
    let body = inner(area);
    if body.height == 0 || body.width == 0 {
        return;
    }
    let chosen = fit_columns(&COLUMNS, &PRIORITY, body.width);
    let header = theme.style(Role::Header);
    let mut lines = vec![header_line(&COLUMNS, &chosen, header)];
    let rows = view.summary;
    if rows.is_empty() {
        lines.push(Line::styled(s::SUMMARY_EMPTY, theme.style(Role::TextDim)));
        frame.render_widget(Paragraph::new(lines), body);
        return;
    }
    let tot = view.summary_total;
    // The total line takes the last row when there is room for at least one data row too.
    let with_total = body.height >= 3;
    let height = usize::from(body.height - 1 - u16::from(with_total));
    let sel = view.summary_selected.min(rows.len() - 1);
    for i in window(rows.len(), height, Some(sel), false) {
        let r = &rows[i];
        let name = syscalls::name(r.nr).map_or_else(|| format!("syscall_{}", r.nr), str::to_string);
        let base = if r.errors > 0 {
            theme.style(Role::Warning)
        } else {
            theme.style(Role::Text)
        };
        let highlight = (i == sel).then(|| selection(theme, base, focused));
        let time = view.timing.then(|| percent(r, tot));
        lines.push(line(
            &chosen,
            r,
            Time::from(time, ""),
            &name,
            base,
            highlight,
        ));
    }
    if with_total {
        let time = Time::from(view.timing.then_some(100.0), s::SUMMARY_TIME_OFF);
        lines.push(line(&chosen, tot, time, s::SUMMARY_TOTAL, header, None));
    }
    frame.render_widget(Paragraph::new(lines), body);
}

/// The time cells of a row: the share of the total, or what to show while timing is off.
enum Time {
    Pct(f64),
    Off(&'static str),
}

impl Time {
    fn from(pct: Option<f64>, off: &'static str) -> Self {
        pct.map_or(Time::Off(off), Time::Pct)
    }
}

fn line(
    chosen: &[(usize, u16)],
    r: &SummaryRow,
    time: Time,
    name: &str,
    style: ratatui::style::Style,
    highlight: Option<ratatui::style::Style>,
) -> Line<'static> {
    let cells = chosen
        .iter()
        .map(|&(col, w)| {
            let text = match (col, &time) {
                (PCT | SECONDS | USECS, Time::Off(off)) => off.to_string(),
                (PCT, Time::Pct(pct)) => format!("{pct:.2}"),
                (SECONDS, _) => format!("{:.6}", r.time_ns as f64 / 1e9),
                (USECS, _) => r.usecs_per_call().to_string(),
                (CALLS, _) => r.calls.to_string(),
                (ERRORS, _) if r.errors == 0 => String::new(),
                (ERRORS, _) => r.errors.to_string(),
                _ => name.to_string(),
            };
            (fit(&text, w, COLUMNS[col].right), style)
        })
        .collect();
    row_line(cells, style, highlight)
}
