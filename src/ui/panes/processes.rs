//! The processes pane: the latest /proc snapshot (pid, ppid, uid, comm, syscalls counted, pod, container), as a list or a tree, virtualized.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{
    Column, fit, fit_columns, header_line, inner, pane_block, row_line, selection, thousands,
    width_of, window,
};
use crate::app::View;
use crate::app::event::ProcInfo;
use crate::app::state::Pane;
use crate::sanitize::sanitize;
use crate::ui::strings as s;
use crate::ui::theme::{Role, Theme};

const PID: usize = 0;
const PPID: usize = 1;
const UID: usize = 2;
const COMM: usize = 3;
const CALLS: usize = 4;
const POD: usize = 5;
const CONTAINER: usize = 6;

/// comm grows (up to [`COMM_MAX`]) to fit the visible rows; container takes the rest.
const COLUMNS: [Column; 7] = [
    Column::right(s::COL_PID, 7),
    Column::right(s::COL_PPID, 7),
    Column::right(s::COL_UID, 6),
    Column::left(s::COL_COMM, 12),
    Column::right(s::COL_CALLS, 8),
    Column::left(s::COL_POD, 18),
    Column::flex(s::COL_CONTAINER, 12),
];
const COMM_MAX: u16 = 24;

/// Narrow panes keep pid, comm and container (the stream drops its container column first).
const PRIORITY: [usize; 7] = [PID, COMM, POD, CONTAINER, CALLS, PPID, UID];

/// Draws the pane in `area`; only visible rows are formatted.
pub fn render(frame: &mut Frame, area: Rect, view: &View, theme: &Theme) {
    let focused = view.focus == Pane::Processes;
    let v = view.process_view;
    let title = format!(
        " {} ",
        s::processes_title(
            &thousands(view.processes.len() as u64),
            v.tree,
            v.sort.name()
        )
    );
    frame.render_widget(pane_block(title, focused, theme), area);
    let body = inner(area);
    if body.height == 0 || body.width == 0 {
        return;
    }
    let procs = view.processes;
    let order = view.process_order;
    let sel = view.process_selected.min(order.len().saturating_sub(1));
    let visible = window(order.len(), usize::from(body.height - 1), Some(sel), false);
    let rows: Vec<(usize, [String; 7])> = visible
        .map(|i| {
            let (idx, depth) = order[i];
            let p = &procs[idx];
            let calls = view.process_calls.get(&p.pid).copied();
            let mut row = [PID, PPID, UID, COMM, CALLS, POD, CONTAINER].map(|c| cell(p, calls, c));
            if depth > 0 {
                row[COMM] = format!(
                    "{}└ {}",
                    "  ".repeat(usize::from(depth - 1).min(8)),
                    row[COMM]
                );
            }
            (i, row)
        })
        .collect();
    let mut cols = COLUMNS;
    let widest = rows
        .iter()
        .map(|(_, r)| width_of(&r[COMM]))
        .max()
        .unwrap_or(0);
    cols[COMM].width = u16::try_from(widest)
        .unwrap_or(u16::MAX)
        .clamp(cols[COMM].width, COMM_MAX);
    let chosen = fit_columns(&cols, &PRIORITY, body.width);
    let mut lines = vec![header_line(&cols, &chosen, theme.style(Role::Header))];
    if procs.is_empty() {
        lines.push(Line::styled(s::PROCESSES_EMPTY, theme.style(Role::TextDim)));
    }
    let base = theme.style(Role::Text);
    for (i, row) in rows {
        let highlight = (i == sel).then(|| selection(theme, base, focused));
        let cells = chosen
            .iter()
            .map(|&(col, w)| {
                let style = if col == CONTAINER {
                    base.patch(theme.style(Role::Accent))
                } else {
                    base
                };
                (fit(&row[col], w, cols[col].right), style)
            })
            .collect();
        lines.push(row_line(cells, base, highlight));
    }
    frame.render_widget(Paragraph::new(lines), body);
}

fn cell(p: &ProcInfo, calls: Option<u64>, col: usize) -> String {
    match col {
        PID => p.pid.to_string(),
        CALLS => calls.map(thousands).unwrap_or_default(),
        POD => match (&p.pod_namespace, &p.pod_name) {
            (Some(ns), Some(name)) => sanitize(&format!("{ns}/{name}")).into_owned(),
            (None, Some(name)) => sanitize(name).into_owned(),
            _ => String::new(),
        },
        PPID => p.ppid.to_string(),
        UID => p.uid.to_string(),
        COMM if p.entered_from_host => format!("{} {}", s::PROC_ENTERED_MARK, sanitize(&p.comm)),
        COMM => sanitize(&p.comm).into_owned(),
        _ => {
            let id: String = p
                .container_id
                .as_deref()
                .unwrap_or("")
                .chars()
                .take(12)
                .collect();
            sanitize(&id).into_owned()
        }
    }
}
