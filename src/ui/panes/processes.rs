//! The processes pane: the latest /proc snapshot (pid, ppid, uid, comm, container), virtualized.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Column, fit, fit_columns, header_line, inner, pane_block, row_line, selection, thousands, window};
use crate::app::event::ProcInfo;
use crate::app::state::{AppState, Pane};
use crate::sanitize::sanitize;
use crate::ui::strings as s;
use crate::ui::theme::{Role, Theme};

const PID: usize = 0;
const PPID: usize = 1;
const UID: usize = 2;
const COMM: usize = 3;
const CONTAINER: usize = 4;

const COLUMNS: [Column; 5] = [
    Column::right(s::COL_PID, 7),
    Column::right(s::COL_PPID, 7),
    Column::right(s::COL_UID, 6),
    Column::flex(s::COL_COMM, 12),
    Column::left(s::COL_CONTAINER, 12),
];

/// Narrow panes keep pid, comm and container (the stream drops its container column first).
const PRIORITY: [usize; 5] = [PID, COMM, CONTAINER, PPID, UID];

/// Draws the pane in `area`; only visible rows are formatted.
pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let focused = state.focus == Pane::Processes;
    let title = format!(" {} ", s::processes_title(&thousands(state.processes.len() as u64)));
    frame.render_widget(pane_block(title, focused, theme), area);
    let body = inner(area);
    if body.height == 0 || body.width == 0 {
        return;
    }
    let chosen = fit_columns(&COLUMNS, &PRIORITY, body.width);
    let mut lines = vec![header_line(&COLUMNS, &chosen, theme.style(Role::Header))];
    let procs = &state.processes;
    if procs.is_empty() {
        lines.push(Line::styled(s::PROCESSES_EMPTY, theme.style(Role::TextDim)));
    }
    let sel = state.process_selected.min(procs.len().saturating_sub(1));
    for i in window(procs.len(), usize::from(body.height - 1), Some(sel), false) {
        let base = theme.style(Role::Text);
        let highlight = (i == sel).then(|| selection(theme, base, focused));
        let cells = chosen
            .iter()
            .map(|&(col, w)| {
                let style = if col == CONTAINER { base.patch(theme.style(Role::Accent)) } else { base };
                (fit(&cell(&procs[i], col), w, COLUMNS[col].right), style)
            })
            .collect();
        lines.push(row_line(cells, highlight));
    }
    frame.render_widget(Paragraph::new(lines), body);
}

fn cell(p: &ProcInfo, col: usize) -> String {
    match col {
        PID => p.pid.to_string(),
        PPID => p.ppid.to_string(),
        UID => p.uid.to_string(),
        COMM => sanitize(&p.comm).into_owned(),
        _ => {
            let id: String = p.container_id.as_deref().unwrap_or("").chars().take(12).collect();
            sanitize(&id).into_owned()
        }
    }
}
