//! Mounts tab: the read-only-root verdict, then mount point, type, source, ro/rw and why a mount matters (host binds, sensitive paths).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Cx, Shown, clean, fit_spans, missing, scrolled};
use crate::app::inspect_view::InspectState;
use crate::inspect::Inspection;
use crate::inspect::mounts::Mount;
use crate::ui::panes::{Column, fit, fit_columns, header_line, row_line, thousands, width_of};
use crate::ui::strings as s;
use crate::ui::theme::Role;

const POINT: usize = 0;
const TYPE: usize = 1;
const SOURCE: usize = 2;
const RW: usize = 3;
const FLAGS: usize = 4;
const NCOLS: usize = 5;

const COLUMNS: [Column; NCOLS] = [
    Column::left(s::MNT_COL_POINT, 12),
    Column::left(s::MNT_COL_TYPE, 6),
    Column::left(s::MNT_COL_SOURCE, 8),
    Column::left(s::MNT_COL_RW, 5),
    Column::flex(s::MNT_COL_FLAGS, 20),
];
/// How wide the sized columns may grow to fit the visible rows (a share of
/// the width when that is more).
const GROW: [(usize, u16, u16); 3] = [(POINT, 24, 3), (TYPE, 8, 20), (SOURCE, 14, 8)];
const PRIORITY: [usize; NCOLS] = [POINT, FLAGS, RW, TYPE, SOURCE];

/// Draws the verdict line, the header and the visible mounts from the view's scroll.
pub(super) fn render(
    frame: &mut Frame,
    area: Rect,
    ins: &Inspection,
    view: &InspectState,
    cx: &Cx,
) -> Option<Shown> {
    let width = area.width;
    let Some(mounts) = &ins.mounts else {
        frame.render_widget(Paragraph::new(missing(ins, "mounts", cx, width)), area);
        return None;
    };
    let (verdict, role) = match ins.root_readonly {
        Some(true) => (s::MOUNTS_ROOT_RO, Role::Ok),
        Some(false) => (s::MOUNTS_ROOT_RW, Role::Warning),
        None => (s::MOUNTS_ROOT_UNKNOWN, Role::TextDim),
    };
    let flagged = view.counts.flagged_mounts;
    let summary = vec![
        cx.span(verdict, role),
        cx.span(
            format!(
                " · {}",
                s::mounts_summary(&thousands(mounts.len() as u64), &thousands(flagged as u64))
            ),
            Role::TextDim,
        ),
    ];
    let mut lines = vec![fit_spans(summary, width)];
    let range = scrolled(
        mounts.len(),
        usize::from(area.height.saturating_sub(2)),
        view.scroll,
    );
    let shown = Shown::of(&range, mounts.len());
    let rows: Vec<(&Mount, [String; NCOLS])> =
        mounts[range].iter().map(|m| (m, cells(m, width))).collect();
    let mut cols = COLUMNS;
    for (c, max, share) in GROW {
        let max = max.max(width / share);
        let widest = rows.iter().map(|(_, r)| width_of(&r[c])).max().unwrap_or(0);
        cols[c].width = u16::try_from(widest)
            .unwrap_or(u16::MAX)
            .clamp(cols[c].width, max);
    }
    let chosen = fit_columns(&cols, &PRIORITY, width);
    lines.push(header_line(&cols, &chosen, cx.style(Role::Header)));
    for (m, row) in rows {
        let base = cx.style(if m.sensitive.is_empty() {
            Role::Text
        } else {
            Role::Warning
        });
        let cells = chosen
            .iter()
            .map(|&(c, w)| {
                let style = match c {
                    FLAGS if m.sensitive.is_empty() => cx.style(Role::Accent),
                    RW if !m.read_only() && m.sensitive.is_empty() => cx.style(Role::TextDim),
                    _ => base,
                };
                (fit(&row[c], w, cols[c].right), style)
            })
            .collect();
        lines.push(row_line(cells, base, None));
    }
    if mounts.is_empty() {
        lines.push(Line::from(cx.span(s::INSPECT_NOT_AVAILABLE, Role::TextDim)));
    }
    frame.render_widget(Paragraph::new(lines), area);
    shown
}

fn cells(m: &Mount, width: u16) -> [String; NCOLS] {
    let mut flags: Vec<String> = m.sensitive.iter().map(|f| clean(f, width)).collect();
    if m.bind_from_host {
        let host = m.host_path.as_deref().unwrap_or(&m.root);
        flags.push(s::mnt_host_bind(&clean(host, width)));
    }
    [
        clean(&m.mount_point, width),
        clean(&m.fstype, width),
        clean(&m.source, width),
        if m.read_only() { s::MNT_RO } else { s::MNT_RW }.to_string(),
        flags.join(", "),
    ]
}
