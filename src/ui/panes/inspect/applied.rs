//! Security tab, bottom: the applied view's details (what the runtime was told, the container's OCI bundle): masked and read-only paths, mounts (destination, type, source, options) and annotations, sanitized.

use ratatui::text::{Line, Span};

use super::{Cx, clean, fit_spans, kv, kv_wrapped, missing};
use crate::identity::bundle::Applied;
use crate::inspect::Inspection;
use crate::ui::panes::{fit, width_of};
use crate::ui::strings as s;
use crate::ui::theme::Role;

/// Width of the label column.
const LABEL_W: u16 = 17;
/// Entries of one list the tab builds (the rest is counted, `inspect --json` lists all).
pub(super) const MAX_ENTRIES: usize = 512;
/// Most lines the masked or read-only paths wrap to (a list of paths, short each).
const PATH_LINES: usize = MAX_ENTRIES;

/// The lines (none outside a container; a note when its bundle was not found).
pub(super) fn lines(ins: &Inspection, cx: &Cx, width: u16) -> Vec<Line<'static>> {
    let Some(a) = &ins.applied else {
        if ins.identity.container.is_none() {
            return Vec::new();
        }
        return match ins.error("applied") {
            Some(_) => vec![missing(ins, "applied", cx, width)],
            None => vec![Line::from(cx.span(s::SEC_NO_BUNDLE, Role::TextDim))],
        };
    };
    let mut out = vec![
        Line::default(),
        fit_spans(
            vec![cx.span(
                s::sec_bundle_title(&clean(&a.path, width), &clean(&a.runtime, width)),
                Role::Title,
            )],
            width,
        ),
    ];
    for (label, list) in [
        (s::SEC_MASKED, &a.masked_paths),
        (s::SEC_READONLY_PATHS, &a.readonly_paths),
    ] {
        out.extend(paths(label, list, cx, width));
    }
    out.extend(mounts(a, cx, width));
    out.extend(annotations(a, cx, width));
    out
}

/// Paths wrapped under the label (`none` when empty).
fn paths(label: &str, list: &[String], cx: &Cx, width: u16) -> Vec<Line<'static>> {
    let mut items: Vec<Span<'static>> = list
        .iter()
        .take(MAX_ENTRIES)
        .map(|p| cx.span(clean(p, width), Role::Text))
        .collect();
    if items.is_empty() {
        items.push(cx.span(s::SEC_NONE, Role::TextDim));
    }
    let mut out = kv_wrapped(label, LABEL_W, items, cx, width, PATH_LINES);
    out.extend(more(list.len(), cx, width));
    out
}

/// `… N more` under the label column, when a list is longer than the tab builds.
fn more(len: usize, cx: &Cx, width: u16) -> Option<Line<'static>> {
    (len > MAX_ENTRIES).then(|| {
        kv(
            "",
            LABEL_W,
            vec![cx.span(s::sec_more(len - MAX_ENTRIES), Role::TextDim)],
            cx,
            width,
        )
    })
}

/// One line per mount: destination, type, source, options (columns sized to the widest,
/// within a share of the width).
fn mounts(a: &Applied, cx: &Cx, width: u16) -> Vec<Line<'static>> {
    let shown = &a.mounts[..a.mounts.len().min(MAX_ENTRIES)];
    if shown.is_empty() {
        let none = vec![cx.span(s::SEC_NONE, Role::TextDim)];
        return vec![kv(s::SEC_BUNDLE_MOUNTS, LABEL_W, none, cx, width)];
    }
    let rest = usize::from(width.saturating_sub(LABEL_W));
    let cells: Vec<[String; 4]> = shown
        .iter()
        .map(|m| {
            [
                clean(&m.destination, width),
                clean(m.kind.as_deref().unwrap_or("-"), width),
                clean(m.source.as_deref().unwrap_or("-"), width),
                clean(&m.options.join(","), width),
            ]
        })
        .collect();
    let col = |i: usize, share: usize| {
        let widest = cells.iter().map(|c| width_of(&c[i])).max().unwrap_or(0);
        widest.min(rest * share / 100).max(1) as u16
    };
    let (dest_w, kind_w, src_w) = (col(0, 35), col(1, 12), col(2, 25));
    let mut out: Vec<Line<'static>> = cells
        .iter()
        .zip(shown)
        .enumerate()
        .map(|(i, (c, m))| {
            let label = if i == 0 { s::SEC_BUNDLE_MOUNTS } else { "" };
            let opts = if m.read_only { Role::Ok } else { Role::TextDim };
            let v = vec![
                cx.span(fit(&c[0], dest_w, false), Role::Text),
                Span::raw(" "),
                cx.span(fit(&c[1], kind_w, false), Role::TextDim),
                Span::raw(" "),
                cx.span(fit(&c[2], src_w, false), Role::Text),
                Span::raw(" "),
                cx.span(c[3].clone(), opts),
            ];
            kv(label, LABEL_W, v, cx, width)
        })
        .collect();
    out.extend(more(a.mounts.len(), cx, width));
    out
}

/// One line per annotation, `key=value`, cut at the edge (values are the workload's).
fn annotations(a: &Applied, cx: &Cx, width: u16) -> Vec<Line<'static>> {
    if a.annotations.is_empty() {
        let none = vec![cx.span(s::SEC_NONE, Role::TextDim)];
        return vec![kv(s::SEC_ANNOTATIONS, LABEL_W, none, cx, width)];
    }
    let mut out: Vec<Line<'static>> = a
        .annotations
        .iter()
        .take(MAX_ENTRIES)
        .enumerate()
        .map(|(i, (k, v))| {
            let label = if i == 0 { s::SEC_ANNOTATIONS } else { "" };
            let spans = vec![
                cx.span(clean(k, width), Role::TextDim),
                cx.span("=", Role::TextDim),
                cx.span(clean(v, width), Role::Text),
            ];
            kv(label, LABEL_W, spans, cx, width)
        })
        .collect();
    out.extend(more(a.annotations.len(), cx, width));
    out
}
