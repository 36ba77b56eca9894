//! The event stream pane: a virtualized table of the buffered (or filtered) records.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{
    Column, errno, fit, fit_columns, header_line, inner, pane_block, row_line, selection,
    thousands, width_of, window,
};
use crate::app::View;
use crate::app::buffer::EventRef;
use crate::app::describe::{args_line, syscall_name};
use crate::app::event::{CollectorState, EventKind};
use crate::app::state::Pane;
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
const NCOLS: usize = 7;

/// Columns at their smallest; comm, syscall and ret grow to fit the visible rows.
const COLUMNS: [Column; NCOLS] = [
    Column::left(s::COL_TIME, 12),
    Column::right(s::COL_PID, 7),
    Column::left(s::COL_COMM, 10),
    Column::left(s::COL_SYSCALL, 8),
    Column::left(s::COL_RET, 8),
    Column::left(s::COL_CONTAINER, 12),
    Column::flex(s::COL_ARGS, 10),
];

/// How wide comm and syscall may grow.
const COMM_MAX: u16 = 16;
const SYSCALL_MAX: u16 = 14;
/// How wide ret may grow (`-111 ECONNREFUSED` needs the wide one).
const RET_MAX: u16 = 12;
const RET_MAX_WIDE: u16 = 17;

/// What to keep when the pane is narrow: the container column goes first.
const PRIORITY: [usize; NCOLS] = [SYSCALL, PID, COMM, RET, ARGS, TIME, CONTAINER];

/// Shown in place of the cwd dirfd, which almost every `*at` call passes.
const FDCWD_NOISE: &str = "dirfd=AT_FDCWD ";

/// The pane title: filter and counts, follow or paused.
pub fn title(view: &View) -> String {
    let mode = if view.stream.follow {
        s::STREAM_FOLLOW
    } else {
        s::STREAM_PAUSED
    };
    let total = thousands(view.buffer.len() as u64);
    if view.stream.filter.is_empty() {
        format!(" {} ({total}) {mode} ", s::STREAM_TITLE)
    } else {
        let filter = view.stream.filter.to_string();
        let shown = thousands(view.stream_len() as u64);
        let part = s::stream_filter(&sanitize(&filter), &shown, &total);
        format!(" {} — {part} {mode} ", s::STREAM_TITLE)
    }
}

/// One visible row, formatted.
struct Row {
    cells: [String; NCOLS],
    failed: bool,
    selected: bool,
}

/// Draws the pane in `area`, building only the rows that are visible.
pub fn render(frame: &mut Frame, area: Rect, view: &View, theme: &Theme, clock: &WallClock) {
    let focused = view.focus == Pane::Stream;
    frame.render_widget(pane_block(title(view), focused, theme), area);
    let body = inner(area);
    if body.height == 0 || body.width == 0 {
        return;
    }
    let len = view.stream_len();
    let pos = view.stream_pos();
    let rows: Vec<Row> = window(len, usize::from(body.height - 1), pos, view.stream.follow)
        .filter_map(|i| {
            let ev = view.stream_seq(i).and_then(|seq| view.buffer.get(seq))?;
            Some(Row {
                cells: cells(view, &ev, clock),
                failed: ev.kind() == EventKind::Syscall && ev.ret() < 0,
                selected: pos == Some(i),
            })
        })
        .collect();
    let cols = sized_columns(&rows, body.width);
    let chosen = fit_columns(&cols, &PRIORITY, body.width);
    let mut lines = vec![header_line(&cols, &chosen, theme.style(Role::Header))];
    if rows.is_empty() {
        lines.push(Line::styled(empty_text(view), theme.style(Role::TextDim)));
    }
    for row in rows {
        let base = theme.style(if row.failed {
            Role::SyscallError
        } else {
            Role::Text
        });
        let cells = chosen
            .iter()
            .map(|&(c, w)| {
                let style = match c {
                    TIME => base.patch(theme.style(Role::TextDim)),
                    CONTAINER => base.patch(theme.style(Role::Accent)),
                    _ => base,
                };
                (fit(&row.cells[c], w, cols[c].right), style)
            })
            .collect();
        let highlight = row.selected.then(|| selection(theme, base, focused));
        lines.push(row_line(cells, base, highlight));
    }
    frame.render_widget(Paragraph::new(lines), body);
}

fn empty_text(view: &View) -> &'static str {
    if !view.stream.filter.is_empty() && !view.buffer.is_empty() {
        s::STREAM_NO_MATCH
    } else if matches!(view.collector, CollectorState::Degraded { .. }) {
        s::STREAM_DEGRADED
    } else {
        s::STREAM_EMPTY
    }
}

/// The columns with comm, syscall and ret as wide as the visible rows need (within limits).
fn sized_columns(rows: &[Row], width: u16) -> [Column; NCOLS] {
    let mut cols = COLUMNS;
    let ret_max = if width >= 100 { RET_MAX_WIDE } else { RET_MAX };
    for (c, max) in [(COMM, COMM_MAX), (SYSCALL, SYSCALL_MAX), (RET, ret_max)] {
        let widest = rows
            .iter()
            .map(|r| width_of(&r.cells[c]))
            .max()
            .unwrap_or(0);
        let widest = u16::try_from(widest).unwrap_or(u16::MAX);
        cols[c].width = widest.clamp(cols[c].width, max);
    }
    cols
}

fn cells(view: &View, ev: &EventRef<'_>, clock: &WallClock) -> [String; NCOLS] {
    let container: String = view
        .container_of(ev.cgroup_id())
        .unwrap_or("")
        .chars()
        .take(12)
        .collect();
    let args = args_line(ev);
    let args = args.strip_prefix(FDCWD_NOISE).unwrap_or(&args);
    [
        clock.short(ev.ts_ns()),
        ev.pid().to_string(),
        sanitize_bytes(ev.comm_bytes()),
        syscall_name(ev).into_owned(),
        ret_text(ev),
        sanitize(&container).into_owned(),
        sanitize(args).into_owned(),
    ]
}

fn ret_text(ev: &EventRef<'_>) -> String {
    match ev.kind() {
        EventKind::Syscall | EventKind::Exec => errno::ret_text(ev.ret()),
        EventKind::Exit | EventKind::Fork => String::new(),
    }
}
