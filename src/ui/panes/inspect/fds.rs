//! Fds tab: a scrollable table of descriptors (fd, type, target, flags, pos); sockets as `proto local → remote state`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Cx, Shown, clean, fit_text, missing, scrolled};
use crate::app::Action;
use crate::app::inspect_view::InspectState;
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
/// A u64 offset has at most 20 digits: numbers are never cut.
const POS_MAX: u16 = 20;
/// Kept at the end of a cut target.
const DELETED: &str = " (deleted)";
const PRIORITY: [usize; NCOLS] = [FD, TARGET, TYPE, FLAGS, POS];

/// Draws the summary line, the header and the visible rows from `scroll`.
pub(super) fn render(
    frame: &mut Frame,
    area: Rect,
    ins: &Inspection,
    view: &InspectState,
    cx: &Cx,
) -> Option<Shown> {
    let width = area.width;
    let Some(fds) = &ins.fds else {
        frame.render_widget(Paragraph::new(missing(ins, "fds", cx, width)), area);
        return None;
    };
    let sel = view.fd_selected.min(fds.len().saturating_sub(1));
    if let Some(f) = fds.get(sel).filter(|_| view.fd_open) {
        return preview(frame, area, f, view, cx);
    }
    let sockets = view.counts.sockets;
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
    summary.push(cx.span(
        format!(
            "  {}",
            s::fds_hint(&cx.key(Action::Enter), &cx.key(Action::Back))
        ),
        Role::TextDim,
    ));
    let mut lines = vec![super::fit_spans(summary, width)];
    let rows_h = usize::from(area.height.saturating_sub(2));
    // Keep the selected row in view.
    let range = scrolled(
        fds.len(),
        rows_h,
        sel.saturating_sub(rows_h.saturating_sub(1)),
    );
    let shown = Shown::of(&range, fds.len());
    let rows: Vec<(&Fd, [String; NCOLS])> = fds[range.clone()]
        .iter()
        .map(|f| (f, cells(f, width)))
        .collect();
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
    let selected = cx.style(Role::Selected);
    for (i, (f, row)) in rows.into_iter().enumerate() {
        let is_sel = range.start + i == sel;
        let deleted = f.socket.is_none() && f.target.ends_with(DELETED);
        let cells = chosen
            .iter()
            .map(|&(c, w)| {
                let role = match c {
                    TARGET if deleted => Role::Warning,
                    TYPE if matches!(f.kind, FdKind::Socket(_)) => Role::Accent,
                    FLAGS | POS => Role::TextDim,
                    _ => Role::Text,
                };
                let text = if c == TARGET && deleted {
                    keep_suffix(&row[c], w)
                } else {
                    fit(&row[c], w, cols[c].right)
                };
                (text, cx.style(role))
            })
            .collect();
        lines.push(row_line(cells, base, is_sel.then_some(selected)));
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

/// A deleted file's target cut so that ` (deleted)` stays visible.
fn keep_suffix(text: &str, width: u16) -> String {
    let w = usize::from(width);
    if width_of(text) <= w {
        return fit(text, width, false);
    }
    let suffix_w = width_of(DELETED);
    if w <= suffix_w {
        return fit(DELETED.trim_start(), width, false);
    }
    let head = text.strip_suffix(DELETED).unwrap_or(text);
    format!("{}{DELETED}", fit(head, (w - suffix_w) as u16, false))
}

/// The open preview of one descriptor: a file read through the process's root, a socket's details, or why there is none.
fn preview(frame: &mut Frame, area: Rect, f: &Fd, view: &InspectState, cx: &Cx) -> Option<Shown> {
    let width = area.width;
    let title = s::fd_preview_title(f.fd, &clean(&f.target, width));
    let mut lines = vec![Line::from(cx.span(fit_text(&title, width), Role::Header))];
    let rest = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    if let Some(sock) = f.socket.as_ref() {
        let kv = |k: &str, v: &str| {
            Line::from(vec![
                cx.span(format!("{k:<7} "), Role::TextDim),
                cx.span(
                    fit_text(&clean(v, width), width.saturating_sub(8)),
                    Role::Text,
                ),
            ])
        };
        lines.push(kv(s::FD_SOCK_PROTO, &sock.proto));
        for (k, v) in [
            (s::FD_SOCK_TYPE, &sock.sock_type),
            (s::FD_SOCK_PATH, &sock.path),
            (s::FD_SOCK_LOCAL, &sock.local),
            (s::FD_SOCK_REMOTE, &sock.remote),
        ] {
            if let Some(v) = v {
                lines.push(kv(k, v));
            }
        }
        lines.push(kv(s::FD_SOCK_STATE, &sock.state));
        lines.push(kv(s::FD_SOCK_INODE, &sock.inode.to_string()));
    } else if matches!(f.kind, FdKind::Socket(_)) {
        lines.push(Line::from(cx.span(s::FD_SOCK_UNKNOWN, Role::TextDim)));
    } else if matches!(f.kind, FdKind::File) && f.target.starts_with('/') {
        match &view.fd_file {
            Some((_, Ok(file))) => {
                frame.render_widget(Paragraph::new(lines), area);
                return super::root::preview(
                    frame,
                    rest,
                    file,
                    view.root.file_mode,
                    view.scroll,
                    cx,
                );
            }
            Some((_, Err(msg))) => lines.push(Line::from(
                cx.span(fit_text(&clean(&msg.message, width), width), Role::Error),
            )),
            None => lines.push(Line::from(cx.span(s::FD_PREVIEW_LOADING, Role::TextDim))),
        }
    } else {
        lines.push(Line::from(
            cx.span(s::fd_no_preview(f.kind.name()), Role::TextDim),
        ));
    }
    frame.render_widget(Paragraph::new(lines), area);
    None
}
