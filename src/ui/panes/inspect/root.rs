//! Root tab: a listing of a directory inside the process's root, or the preview of a file in it (text, strings, hex).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Cx, Shown, clean, fit_spans, fit_text, scrolled, take_top};
use crate::app::Action;
use crate::app::inspect_view::{FileMode, InspectState, RootView};
use crate::app::preview::Preview;
use crate::inspect::rootfs::{DirEntry, FileKind, FileView};
use crate::ui::panes::{
    Column, compact, fit, fit_columns, header_line, row_line, selection, thousands, width_of,
    window,
};
use crate::ui::strings as s;
use crate::ui::theme::Role;

const MODE: usize = 0;
const UID: usize = 1;
const GID: usize = 2;
const SIZE: usize = 3;
const NAME: usize = 4;
const NCOLS: usize = 5;

const COLUMNS: [Column; NCOLS] = [
    Column::left(s::ROOT_COL_MODE, 10),
    Column::right(s::ROOT_COL_UID, 3),
    Column::right(s::ROOT_COL_GID, 3),
    Column::right(s::ROOT_COL_SIZE, 4),
    Column::flex(s::ROOT_COL_NAME, 12),
];
/// uid, gid and size grow to fit the visible rows, up to these.
const GROW: [(usize, u16); 3] = [(UID, 10), (GID, 10), (SIZE, SIZE_MAX)];
const SIZE_MAX: u16 = 13;
const PRIORITY: [usize; NCOLS] = [NAME, MODE, SIZE, UID, GID];
/// Tab stops when a text preview expands tabs.
const TAB_STOP: usize = 8;

/// Draws the path line, the listing or the open file, and the key hint at the bottom.
pub(super) fn render(frame: &mut Frame, area: Rect, view: &InspectState, cx: &Cx) -> Option<Shown> {
    let r = &view.root;
    let width = area.width;
    let mut rest = area;
    let top = take_top(&mut rest, 1);
    let hint = if rest.height >= 2 {
        let h = Rect {
            y: rest.y + rest.height - 1,
            height: 1,
            ..rest
        };
        rest.height -= 1;
        Some(h)
    } else {
        None
    };
    if let Some(h) = hint {
        let text = s::root_hint(
            &cx.key(Action::Enter),
            &cx.key(Action::Back),
            &cx.key(Action::FileView),
        );
        let line = Line::from(cx.span(fit_text(&text, width), Role::TextDim));
        frame.render_widget(Paragraph::new(line), h);
    }
    let (path_line, shown) = match &r.file {
        Some((path, Ok(file))) => {
            let line = file_title(path, &file.file, r.file_mode, cx, width);
            (
                line,
                preview(frame, rest, file, r.file_mode, view.scroll, cx),
            )
        }
        Some((path, Err(msg))) => {
            let line = path_spans(path, cx, width);
            let err =
                Line::from(cx.span(fit_text(&clean(&msg.message, width), width), Role::Error));
            frame.render_widget(Paragraph::new(err), rest);
            (line, None)
        }
        None => (path_spans(&r.path, cx, width), listing(frame, rest, r, cx)),
    };
    frame.render_widget(Paragraph::new(path_line), top);
    shown
}

pub(super) fn path_spans(path: &str, cx: &Cx, width: u16) -> Line<'static> {
    fit_spans(
        vec![
            cx.span(format!("{} ", s::ROOT_PATH), Role::Header),
            cx.span(clean(path, width), Role::Accent),
        ],
        width,
    )
}

/// `root: /app/shadow-link → /etc/shadow · 1,234 bytes · text`.
pub(super) fn file_title(
    path: &str,
    f: &FileView,
    mode: FileMode,
    cx: &Cx,
    width: u16,
) -> Line<'static> {
    let mode = match mode {
        FileMode::Text => s::ROOT_MODE_TEXT,
        FileMode::Strings => s::ROOT_MODE_STRINGS,
        FileMode::Hex => s::ROOT_MODE_HEX,
    };
    let mut spans = path_spans(path, cx, width).spans;
    spans.push(cx.span(
        format!(
            " {}",
            s::root_file_info(&clean(&f.resolved, width), &thousands(f.size), mode)
        ),
        Role::TextDim,
    ));
    fit_spans(spans, width)
}

fn listing(frame: &mut Frame, area: Rect, r: &RootView, cx: &Cx) -> Option<Shown> {
    let width = area.width;
    let entries = match &r.entries {
        None => {
            let line = cx.span(
                fit_text(&s::root_listing(&clean(&r.path, width)), width),
                Role::TextDim,
            );
            frame.render_widget(Paragraph::new(Line::from(line)), area);
            return None;
        }
        Some(Err(msg)) => {
            let line = cx.span(fit_text(&clean(&msg.message, width), width), Role::Error);
            frame.render_widget(Paragraph::new(Line::from(line)), area);
            return None;
        }
        Some(Ok(e)) => e,
    };
    let sel = r.selected.min(entries.len().saturating_sub(1));
    let range = window(
        entries.len(),
        usize::from(area.height.saturating_sub(1)),
        Some(sel),
        false,
    );
    let shown = Shown::of(&range, entries.len());
    let rows: Vec<(usize, [String; NCOLS])> = range
        .map(|i| {
            (
                i,
                [MODE, UID, GID, SIZE, NAME].map(|c| cell(&entries[i], c, width)),
            )
        })
        .collect();
    let mut cols = COLUMNS;
    for (c, max) in GROW {
        let widest = rows.iter().map(|(_, r)| width_of(&r[c])).max().unwrap_or(0);
        cols[c].width = u16::try_from(widest)
            .unwrap_or(u16::MAX)
            .clamp(cols[c].width, max);
    }
    let chosen = fit_columns(&cols, &PRIORITY, width);
    let mut lines = vec![header_line(&cols, &chosen, cx.style(Role::Header))];
    if entries.is_empty() {
        lines.push(Line::from(cx.span(s::ROOT_EMPTY, Role::TextDim)));
    }
    for (i, row) in rows {
        let e = &entries[i];
        let role = match e.kind {
            FileKind::Dir => Role::Accent,
            _ if e.st_mode & (libc::S_ISUID | libc::S_ISGID) != 0 => Role::Warning,
            _ => Role::Text,
        };
        let base = cx.style(role);
        let cells = chosen
            .iter()
            .map(|&(c, w)| (fit(&row[c], w, cols[c].right), base))
            .collect();
        let highlight = (i == sel).then(|| selection(cx.theme, base, true));
        lines.push(row_line(cells, base, highlight));
    }
    frame.render_widget(Paragraph::new(lines), area);
    shown
}

/// One cell of a listing row; sizes too wide for their column read `18.4k`.
fn cell(e: &DirEntry, col: usize, width: u16) -> String {
    match col {
        MODE => e.mode.clone(),
        UID => e.uid.to_string(),
        GID => e.gid.to_string(),
        SIZE => {
            let t = thousands(e.size);
            if t.len() > usize::from(SIZE_MAX) {
                compact(e.size)
            } else {
                t
            }
        }
        _ => {
            let name = clean(&e.name, width);
            match (e.kind, &e.link_target) {
                (FileKind::Symlink, Some(t)) => {
                    let resolved = e.link_resolved.as_deref().map(|r| clean(r, width));
                    format!(
                        "{name} {}",
                        s::root_link(&clean(t, width), resolved.as_deref())
                    )
                }
                _ => name,
            }
        }
    }
}

/// The truncation notice, then the visible lines of the file in `mode` from
/// `scroll`: through the preview's index, only the visible lines are read.
pub(super) fn preview(
    frame: &mut Frame,
    area: Rect,
    p: &Preview,
    mode: FileMode,
    scroll: usize,
    cx: &Cx,
) -> Option<Shown> {
    let width = area.width;
    let f = &p.file;
    let mut rest = area;
    if f.truncated && rest.height > 0 {
        let notice = take_top(&mut rest, 1);
        let text = s::root_truncated(&thousands(f.data.len() as u64), &thousands(f.size));
        let line = Line::from(cx.span(fit_text(&text, width), Role::Warning));
        frame.render_widget(Paragraph::new(line), notice);
    }
    let height = usize::from(rest.height);
    let (len, range, rows) = match mode {
        FileMode::Text => text_rows(p, height, scroll, width),
        FileMode::Strings => strings_rows(p, height, scroll, width),
        FileMode::Hex => hex_rows(f, height, scroll),
    };
    let base = cx.style(Role::Text);
    let mut lines: Vec<Line> = rows
        .into_iter()
        .map(|(prefix, text)| {
            let mut spans = Vec::new();
            if let Some(p) = prefix {
                spans.push(cx.span(p, Role::TextDim));
            }
            spans.push(Span::styled(text, base));
            fit_spans(spans, width)
        })
        .collect();
    if len == 0 {
        lines.push(Line::from(cx.span(s::ROOT_FILE_EMPTY, Role::TextDim)));
    }
    frame.render_widget(Paragraph::new(lines), rest);
    Shown::of(&range, len)
}

/// A preview: total rows, the rows shown, and each as (dim prefix, text).
type Rows = (usize, std::ops::Range<usize>, Vec<(Option<String>, String)>);

/// Lines of the file, tabs expanded and control characters escaped, cut at the width.
fn text_rows(p: &Preview, height: usize, scroll: usize, width: u16) -> Rows {
    let len = p.line_count();
    let range = scrolled(len, height, scroll);
    let rows = range
        .clone()
        .filter_map(|i| p.line(i))
        .map(|l| {
            let l = l.strip_suffix(b"\r").unwrap_or(l);
            let cut = &l[..l.len().min(usize::from(width) * 4 + 16)];
            (
                None,
                clean(&expand_tabs(&String::from_utf8_lossy(cut)), width),
            )
        })
        .collect();
    (len, range, rows)
}

fn expand_tabs(s: &str) -> String {
    if !s.contains('\t') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + TAB_STOP);
    let mut col = 0;
    for c in s.chars() {
        if c == '\t' {
            let n = TAB_STOP - col % TAB_STOP;
            out.extend(std::iter::repeat_n(' ', n));
            col += n;
        } else {
            out.push(c);
            col += 1;
        }
    }
    out
}

fn strings_rows(p: &Preview, height: usize, scroll: usize, width: u16) -> Rows {
    let len = p.string_count();
    let range = scrolled(len, height, scroll);
    let rows = range
        .clone()
        .filter_map(|i| p.string(i))
        .map(|(a, run)| {
            let run = &run[..run.len().min(usize::from(width) * 4 + 16)];
            let text = String::from_utf8_lossy(run);
            (
                Some(format!("{a:08x}  ")),
                clean(&expand_tabs(&text), width),
            )
        })
        .collect();
    (len, range, rows)
}

/// `hexdump -C` lines of the visible 16-byte rows only: [`FileView::hex_dump`]
/// over just those bytes, with the offsets put back.
fn hex_rows(f: &FileView, height: usize, scroll: usize) -> Rows {
    let len = f.data.len().div_ceil(16);
    let range = scrolled(len, height, scroll);
    let from = range.start * 16;
    let to = (range.end * 16).min(f.data.len());
    let part = FileView {
        path: String::new(),
        resolved: String::new(),
        data: f.data[from..to].to_vec(),
        size: 0,
        truncated: false,
    };
    let rows = part
        .hex_dump(range.len())
        .into_iter()
        .enumerate()
        .map(|(n, line)| {
            // Each line starts with its offset in the part as 8 hex digits.
            let body = line.get(8..).unwrap_or_default();
            (Some(format!("{:08x}", from + n * 16)), body.to_string())
        })
        .collect();
    (len, range, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(data: &[u8]) -> FileView {
        FileView {
            path: "/x".into(),
            resolved: "/x".into(),
            data: data.to_vec(),
            size: data.len() as u64,
            truncated: false,
        }
    }

    #[test]
    fn hex_window_keeps_offsets() {
        let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let v = view(&data);
        let full = v.hex_dump(usize::MAX);
        let (len, range, rows) = hex_rows(&v, 5, 20);
        assert_eq!(len, full.len());
        assert_eq!(range, 20..25);
        for (n, (prefix, body)) in rows.iter().enumerate() {
            assert_eq!(
                format!("{}{body}", prefix.as_deref().unwrap_or("")),
                full[20 + n]
            );
        }
        let (_, range, rows) = hex_rows(&v, 10, 1000);
        assert_eq!(range, 53..63);
        assert_eq!(rows.len(), 10);
    }

    #[test]
    fn text_rows_expand_tabs_and_escape() {
        let p = Preview::new(std::sync::Arc::new(view(b"a\tb\r\n\x1b[2Jx\nlast")));
        let (len, _, rows) = text_rows(&p, 10, 0, 80);
        assert_eq!(len, 3);
        assert_eq!(rows[0].1, "a       b");
        assert_eq!(rows[1].1, "\\x1b[2Jx");
        assert_eq!(rows[2].1, "last");
    }
}
