//! The event stream pane: a virtualized table of the buffered (or filtered) records.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{
    Column, errno, fit, fit_columns, header_line, inner, pane_block, row_line, selection, thousands, window,
};
use crate::app::buffer::EventRef;
use crate::app::describe::{args_line, syscall_name};
use crate::app::event::{CollectorState, EventKind};
use crate::app::state::{AppState, Pane};
use crate::collector::clock::WallClock;
use crate::sanitize::{sanitize, sanitize_bytes};
use crate::ui::strings as s;
use crate::ui::theme::{Role, Theme};

const TIME: usize = 0;
const PID: usize = 1;
const COMM: usize = 2;
const SYSCALL: usize = 3;
const RET: usize = 4;
const CONTAINER: usize = 5;
const ARGS: usize = 6;

const COLUMNS: [Column; 7] = [
    Column::left(s::COL_TIME, 12),
    Column::right(s::COL_PID, 7),
    Column::left(s::COL_COMM, 15),
    Column::left(s::COL_SYSCALL, 10),
    Column::left(s::COL_RET, 12),
    Column::left(s::COL_CONTAINER, 12),
    Column::flex(s::COL_ARGS, 16),
];

/// What to keep when the pane is narrow: the container column goes first.
const PRIORITY: [usize; 7] = [SYSCALL, PID, COMM, RET, ARGS, TIME, CONTAINER];

/// The pane title: filter and counts, follow or paused.
pub fn title(state: &AppState) -> String {
    let mode = if state.stream.follow { s::STREAM_FOLLOW } else { s::STREAM_PAUSED };
    let total = thousands(state.buffer.len() as u64);
    if state.stream.filter.is_empty() {
        format!(" {} ({total}) {mode} ", s::STREAM_TITLE)
    } else {
        let filter = state.stream.filter.to_string();
        let shown = thousands(state.stream_len() as u64);
        let part = s::stream_filter(&sanitize(&filter), &shown, &total);
        format!(" {} — {part} {mode} ", s::STREAM_TITLE)
    }
}

/// Draws the pane in `area`, building only the rows that are visible.
pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme, clock: &WallClock) {
    let focused = state.focus == Pane::Stream;
    frame.render_widget(pane_block(title(state), focused, theme), area);
    let body = inner(area);
    if body.height == 0 || body.width == 0 {
        return;
    }
    let chosen = fit_columns(&COLUMNS, &PRIORITY, body.width);
    let mut lines = vec![header_line(&COLUMNS, &chosen, theme.style(Role::Header))];
    let len = state.stream_len();
    let rows = usize::from(body.height - 1);
    if len == 0 {
        let empty = if !state.stream.filter.is_empty() && !state.buffer.is_empty() {
            s::STREAM_NO_MATCH
        } else if matches!(state.collector, CollectorState::Degraded { .. }) {
            s::STREAM_DEGRADED
        } else {
            s::STREAM_EMPTY
        };
        lines.push(Line::styled(empty, theme.style(Role::TextDim)));
    }
    let pos = state.stream_pos();
    for i in window(len, rows, pos, state.stream.follow) {
        let Some(ev) = state.stream_seq(i).and_then(|seq| state.buffer.get(seq)) else {
            continue;
        };
        let selected = (pos == Some(i)).then_some(focused);
        lines.push(row(state, &ev, &chosen, theme, clock, selected));
    }
    frame.render_widget(Paragraph::new(lines), body);
}

fn row(
    state: &AppState,
    ev: &EventRef<'_>,
    chosen: &[(usize, u16)],
    theme: &Theme,
    clock: &WallClock,
    selected: Option<bool>,
) -> Line<'static> {
    let failed = ev.kind() == EventKind::Syscall && ev.ret() < 0;
    let base = if failed { theme.style(Role::SyscallError) } else { theme.style(Role::Text) };
    let cells = chosen
        .iter()
        .map(|&(col, w)| {
            let (text, style) = cell(state, ev, col, clock, theme, base);
            (fit(&text, w, COLUMNS[col].right), style)
        })
        .collect();
    row_line(cells, selected.map(|focused| selection(theme, base, focused)))
}

fn cell(
    state: &AppState,
    ev: &EventRef<'_>,
    col: usize,
    clock: &WallClock,
    theme: &Theme,
    base: Style,
) -> (String, Style) {
    match col {
        TIME => (clock.short(ev.ts_ns()), base.patch(theme.style(Role::TextDim))),
        PID => (ev.pid().to_string(), base),
        COMM => (sanitize_bytes(ev.comm_bytes()), base),
        SYSCALL => (syscall_name(ev).into_owned(), base),
        RET => (ret_text(ev), base),
        CONTAINER => {
            let id = state.container_of(ev.cgroup_id()).unwrap_or("");
            let short: String = id.chars().take(12).collect();
            (sanitize(&short).into_owned(), base.patch(theme.style(Role::Accent)))
        }
        _ => (sanitize(&args_line(ev)).into_owned(), base),
    }
}

fn ret_text(ev: &EventRef<'_>) -> String {
    match ev.kind() {
        EventKind::Syscall | EventKind::Exec => errno::ret_text(ev.ret()),
        EventKind::Exit | EventKind::Fork => String::new(),
    }
}
