//! Fds tab: a scrollable table of descriptors (fd, type, target, flags, pos); sockets as `proto local → remote state`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Cx, Shown, clean, missing, scrolled};
use crate::inspect::Inspection;
use crate::inspect::fds::{Fd, FdKind};
use crate::ui::panes::{Column, fit, fit_columns, header_line, row_line, thousands, width_of};
use crate::ui::strings as s;
use crate::ui::theme::Role;

const FD: usize = 0;
const TYPE: usize = 1;
const TARGET: usize = 2;
const FLAGS: usize = 3;
const POS: usize = 4;
const NCOLS: usize = 5;

const COLUMNS: [Column; NCOLS] = [
    Column::right(s::FD_COL_FD, 3),
    Column::left(s::FD_COL_TYPE, 10),
    Column::flex(s::FD_COL_TARGET, 16),
    Column::left(s::FD_COL_FLAGS, 6),
    Column::right(s::FD_COL_POS, 3),
];
/// fd, flags and pos grow to fit the visible rows, up to these.
const FD_MAX: u16 = 10;
const FLAGS_MAX: u16 = 30;
const POS_MAX: u16 = 14;
const PRIORITY: [usize; NCOLS] = [FD, TARGET, TYPE, FLAGS, POS];

/// Draws the summary line, the header and the visible rows from `scroll`.
pub(super) fn render(
    frame: &mut Frame,
    area: Rect,
    ins: &Inspection,
    scroll: usize,
    cx: &Cx,
) -> Option<Shown> {
    let width = area.width;
    let Some(fds) = &ins.fds else {
        frame.render_widget(Paragraph::new(missing(ins, "fds", cx, width)), area);
        return None;
    };
    let sockets = fds
        .iter()
        .filter(|f| matches!(f.kind, FdKind::Socket(_)))
        .count();
    let mut summary = vec![cx.span(
        s::fds_summary(&thousands(fds.len() as u64), &thousands(sockets as u64)),
        Role::TextDim,
    )];
    if let Some(e) = ins.error("sockets") {
        summary.push(cx.span(
            format!(
                "  {}",
                s::inspect_section_error(e.section, &clean(&e.message, width))
            ),
            Role::Error,
        ));
    }
    let mut lines = vec![super::fit_spans(summary, width)];
    let rows_h = usize::from(area.height.saturating_sub(2));
    let range = scrolled(fds.len(), rows_h, scroll);
    let shown = Shown::of(&range, fds.len());
    let rows: Vec<(&Fd, [String; NCOLS])> =
        fds[range].iter().map(|f| (f, cells(f, width))).collect();
    let mut cols = COLUMNS;
    for (c, max) in [(FD, FD_MAX), (FLAGS, FLAGS_MAX), (POS, POS_MAX)] {
        let widest = rows.iter().map(|(_, r)| width_of(&r[c])).max().unwrap_or(0);
        cols[c].width = u16::try_from(widest)
            .unwrap_or(u16::MAX)
            .clamp(cols[c].width, max);
    }
    let chosen = fit_columns(&cols, &PRIORITY, width);
    lines.push(header_line(&cols, &chosen, cx.style(Role::Header)));
    if fds.is_empty() {
        lines.push(Line::from(cx.span(s::FDS_EMPTY, Role::TextDim)));
    }
    let base = cx.style(Role::Text);
    for (f, row) in rows {
        let deleted = matches!(f.kind, FdKind::File) && f.target.ends_with(" (deleted)");
        let cells = chosen
            .iter()
            .map(|&(c, w)| {
                let role = match c {
                    TARGET if deleted => Role::Warning,
                    TYPE if matches!(f.kind, FdKind::Socket(_)) => Role::Accent,
                    FLAGS | POS => Role::TextDim,
                    _ => Role::Text,
                };
                (fit(&row[c], w, cols[c].right), cx.style(role))
            })
            .collect();
        lines.push(row_line(cells, base, None));
    }
    frame.render_widget(Paragraph::new(lines), area);
    shown
}

fn cells(f: &Fd, width: u16) -> [String; NCOLS] {
    let flags = f
        .flag_names()
        .iter()
        .map(|n| n.strip_prefix("O_").unwrap_or(n))
        .collect::<Vec<_>>()
        .join("|");
    [
        f.fd.to_string(),
        f.kind.name().to_string(),
        target(f, width),
        flags,
        f.pos.map(|p| p.to_string()).unwrap_or_default(),
    ]
}

/// Sockets found in the tables as `tcp 10.0.0.7:43512 → 10.0.0.5:443 ESTABLISHED`
/// (a listener without its all-zero remote), `unix stream /run/x.sock CONNECTED`;
/// anything else as the link text.
fn target(f: &Fd, width: u16) -> String {
    let Some(sock) = &f.socket else {
        return clean(&f.target, width);
    };
    let mut parts = vec![clean(&sock.proto, width)];
    if let Some(t) = &sock.sock_type {
        parts.push(clean(t, width));
    }
    if let Some(p) = &sock.path {
        parts.push(clean(p, width));
    }
    match (&sock.local, &sock.remote) {
        (Some(l), Some(r)) if sock.state != "LISTEN" && sock.state != "UNCONN" => {
            parts.push(format!("{} → {}", clean(l, width), clean(r, width)));
        }
        (Some(l), _) => parts.push(clean(l, width)),
        _ => {}
    }
    parts.push(clean(&sock.state, width));
    parts.join(" ")
}
