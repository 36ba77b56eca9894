//! The inspect view: one process's overview, fds, environment, root filesystem, mounts and security, drawn over the panes.
//!
//! Everything read from the workload is untrusted: it goes through
//! [`sanitize`] (after a cheap cut, so a megabyte argv costs nothing), and
//! long lists build only the rows on screen.

mod applied;
mod environ;
mod fds;
mod mounts;
mod overview;
mod posture;
mod root;
mod security;
#[cfg(test)]
mod tests;

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{fit, inner, pane_block, thousands, width_of};
use crate::app::Action;
use crate::app::View;
use crate::app::input::{KeyContext, KeyHelp};
use crate::app::inspect_view::{InspectState, Tab};
use crate::inspect::Inspection;
use crate::sanitize::sanitize;
use crate::ui::strings as s;
use crate::ui::theme::{Role, Theme};

/// Cells the container id is shortened to in the header.
const SHORT_ID: usize = 12;

/// What the tabs share: the theme and the keys to name in hints.
pub(super) struct Cx<'a> {
    theme: &'a Theme,
    keys: &'a KeyHelp,
    /// Exec audit events linked to processes (the overview names who exec'd this one).
    exec: &'a crate::app::exec_track::ExecTracker,
}

impl Cx<'_> {
    fn style(&self, role: Role) -> Style {
        self.theme.style(role)
    }

    /// The first key bound to `action` in the inspect view, as keymap files write it.
    fn key(&self, action: Action) -> String {
        self.keys
            .first_key(KeyContext::Inspect, action)
            .map_or_else(|| s::HELP_UNBOUND.to_string(), ToString::to_string)
    }

    fn span(&self, text: impl Into<String>, role: Role) -> Span<'static> {
        Span::styled(text.into(), self.style(role))
    }
}

/// Rows of a long tab that are on screen, for the position shown in the tab bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Shown {
    start: usize,
    end: usize,
    len: usize,
}

impl Shown {
    fn of(range: &Range<usize>, len: usize) -> Option<Self> {
        (len > range.len()).then_some(Shown {
            start: range.start,
            end: range.end,
            len,
        })
    }
}

/// Draws the view in `area` (the panes' area): title, header, tab bar, then the current tab.
pub fn render(frame: &mut Frame, area: Rect, state: &View, view: &InspectState, theme: &Theme) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let cx = Cx {
        theme,
        keys: state.key_help,
        exec: state.exec,
    };
    frame.render_widget(Clear, area);
    frame.render_widget(pane_block(title(view, &cx), true, theme), area);
    let mut rest = inner(area);
    if rest.width == 0 || rest.height == 0 {
        return;
    }
    let header = take_top(&mut rest, 1);
    let line = header_line(state, view, &cx, header.width);
    frame.render_widget(Paragraph::new(line), header);
    let tabs = take_top(&mut rest, 1);
    let body = rest;
    let shown = if body.height == 0 {
        None
    } else {
        render_tab(frame, body, view, &cx)
    };
    if tabs.height > 0 {
        let line = tab_bar(view.tab, shown, &cx, tabs.width);
        frame.render_widget(Paragraph::new(line), tabs);
    }
}

fn render_tab(frame: &mut Frame, area: Rect, view: &InspectState, cx: &Cx) -> Option<Shown> {
    let ins = match &view.data {
        Some(Err(msg)) => {
            let line = Line::from(cx.span(
                fit_text(&clean(&msg.message, area.width), area.width),
                Role::Error,
            ));
            frame.render_widget(Paragraph::new(line), area);
            return None;
        }
        _ if view.tab == Tab::Root => return root::render(frame, area, view, cx),
        None => {
            let text = fit_text(&s::inspect_loading(view.pid), area.width);
            frame.render_widget(
                Paragraph::new(Line::from(cx.span(text, Role::TextDim))),
                area,
            );
            return None;
        }
        Some(Ok(ins)) => ins,
    };
    match view.tab {
        Tab::Overview => draw_lines(
            frame,
            area,
            overview::lines(ins, view.reveal, cx, area.width),
            view.scroll,
        ),
        Tab::Fds => fds::render(frame, area, ins, view, cx),
        Tab::Environ => environ::render(frame, area, ins, view, cx),
        Tab::Root => None,
        Tab::Mounts => mounts::render(frame, area, ins, view, cx),
        Tab::Security => {
            let mut lines = posture::lines(view.posture.as_deref(), cx, area.width);
            lines.extend(security::lines(ins, cx, area.width));
            lines.extend(applied::lines(ins, cx, area.width));
            draw_lines(frame, area, lines, view.scroll)
        }
    }
}

/// ` inspect ` plus ` secrets revealed ` (warning) while masked values are shown.
fn title(view: &InspectState, cx: &Cx) -> Line<'static> {
    let mut spans = vec![Span::raw(format!(" {} ", s::INSPECT_TITLE))];
    if view.reveal {
        spans.push(cx.span(format!("— {} ", s::INSPECT_REVEALED), Role::Warning));
    }
    if view.from_snapshot {
        spans.push(cx.span(format!("— {} ", s::INSPECT_SNAPSHOT), Role::Warning));
    }
    Line::from(spans)
}

/// `pid 4242 · nginx · container nginx 3b1d6a8f0c2e · pod shop/web-0`: from the
/// inspection once it is in, from the process table while it loads.
fn header_line(state: &View, view: &InspectState, cx: &Cx, width: u16) -> Line<'static> {
    let ins = match &view.data {
        Some(Ok(i)) => Some(i.as_ref()),
        _ => None,
    };
    let proc_info = state.process(view.pid);
    let comm = ins
        .map(|i| i.status.name.as_str())
        .or(proc_info.map(|p| p.comm.as_str()));
    let (ctr_name, ctr_id, pod_ns, pod_name) = match ins {
        Some(i) => {
            let c = i.identity.container.as_ref();
            let p = i.identity.pod.as_ref();
            (
                c.and_then(|c| c.name.as_deref()),
                c.map(|c| c.id.as_str()),
                p.and_then(|p| p.namespace.as_deref()),
                p.and_then(|p| p.name.as_deref()),
            )
        }
        None => match proc_info {
            Some(p) => (
                p.container_name.as_deref(),
                p.container_id.as_deref(),
                p.pod_namespace.as_deref(),
                p.pod_name.as_deref(),
            ),
            None => (None, None, None, None),
        },
    };
    let w = width;
    let sep = || cx.span(" · ", Role::TextDim);
    let mut spans = vec![cx.span(s::inspect_pid(view.pid), Role::Accent)];
    if let Some(c) = comm {
        spans.push(sep());
        spans.push(cx.span(clean(c, w), Role::Text));
    }
    spans.push(sep());
    if ctr_id.is_none() && ctr_name.is_none() {
        // "host" only when something was read: a process not seen yet is not known to be one
        let known = ins.is_some() || proc_info.is_some();
        let text = if known {
            s::INSPECT_HOST
        } else {
            s::INSPECT_IDENTITY_UNKNOWN
        };
        spans.push(cx.span(text, Role::TextDim));
    } else {
        spans.push(cx.span(format!("{} ", s::INSPECT_CONTAINER), Role::TextDim));
        if let Some(n) = ctr_name {
            spans.push(cx.span(format!("{} ", clean(n, w)), Role::Text));
        }
        if let Some(id) = ctr_id {
            spans.push(cx.span(clean(head(id, SHORT_ID), w), Role::Accent));
        }
    }
    if pod_ns.is_some() || pod_name.is_some() {
        spans.push(sep());
        spans.push(cx.span(format!("{} ", s::INSPECT_POD), Role::TextDim));
        let pod = match (pod_ns, pod_name) {
            (Some(ns), Some(n)) => format!("{ns}/{n}"),
            (ns, n) => ns.or(n).unwrap_or_default().to_string(),
        };
        spans.push(cx.span(clean(&pod, w), Role::Text));
    }
    fit_spans(spans, width)
}

/// `Overview │ Fds │ …` with the current tab highlighted, then (right-aligned)
/// the rows shown of a long tab and the switch hint, dropped first when narrow.
fn tab_bar(current: Tab, shown: Option<Shown>, cx: &Cx, width: u16) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, tab) in Tab::ALL.iter().enumerate() {
        if i > 0 {
            spans.push(cx.span("│", Role::Border));
        }
        let role = if *tab == current {
            Role::Selected
        } else {
            Role::Text
        };
        spans.push(cx.span(format!(" {} ", tab.title()), role));
    }
    let used: usize = spans.iter().map(Span::width).sum();
    let mut right = Vec::new();
    if let Some(sh) = shown {
        right.push(s::inspect_rows(
            &thousands(sh.start as u64 + 1),
            &thousands(sh.end as u64),
            &thousands(sh.len as u64),
        ));
    }
    right.push(s::inspect_tabs_hint(
        &cx.key(Action::NextPane),
        &cx.key(Action::PrevPane),
    ));
    // Keep what fits, the position before the hint.
    while !right.is_empty() {
        let text = right.join("  ");
        if used + 2 + width_of(&text) <= usize::from(width) {
            let pad = usize::from(width) - used - width_of(&text);
            spans.push(Span::raw(" ".repeat(pad)));
            spans.push(cx.span(text, Role::TextDim));
            break;
        }
        right.pop();
    }
    fit_spans(spans, width)
}

/// Cuts `rows` rows off the top of `rest`.
fn take_top(rest: &mut Rect, rows: u16) -> Rect {
    let rows = rows.min(rest.height);
    let top = Rect {
        height: rows,
        ..*rest
    };
    rest.y += rows;
    rest.height -= rows;
    top
}

/// The rows `scroll..` of a list of `len` that fill `height` (the start clamped so the end is used).
pub(super) fn scrolled(len: usize, height: usize, scroll: usize) -> Range<usize> {
    let start = scroll.min(len.saturating_sub(height));
    start..start.saturating_add(height).min(len)
}

/// Draws `lines` from `scroll` (a short, already built tab: Overview, Security).
fn draw_lines(
    frame: &mut Frame,
    area: Rect,
    lines: Vec<Line<'static>>,
    scroll: usize,
) -> Option<Shown> {
    let len = lines.len();
    let range = scrolled(len, usize::from(area.height), scroll);
    let shown = Shown::of(&range, len);
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(range.start)
        .take(range.len())
        .collect();
    frame.render_widget(Paragraph::new(visible), area);
    shown
}

/// At most `max` characters of `s`: a cheap cut before sanitizing text of any length.
pub(super) fn head(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Untrusted text, sanitized, and no longer than it could show in `width` cells.
pub(super) fn clean(s: &str, width: u16) -> String {
    sanitize(head(s, usize::from(width) * 4 + 16)).into_owned()
}

/// `s` cut to `width` cells with `…`, not padded.
pub(super) fn fit_text(s: &str, width: u16) -> String {
    if width_of(s) <= usize::from(width) {
        s.to_string()
    } else {
        fit(s, width, false).trim_end().to_string()
    }
}

/// The spans as one line of at most `width` cells; the span that crosses the
/// edge is cut and ends with `…`, the rest are dropped.
pub(super) fn fit_spans(spans: Vec<Span<'static>>, width: u16) -> Line<'static> {
    let width = usize::from(width);
    let total: usize = spans.iter().map(Span::width).sum();
    if total <= width {
        return Line::from(spans);
    }
    let mut out = Vec::new();
    let mut used = 0;
    for sp in spans {
        let w = sp.width();
        if used + w < width {
            used += w;
            out.push(sp);
            continue;
        }
        let room = (width - used) as u16;
        if room > 0 {
            // The appended `…` forces the cut to end with one, even when this span would just fit.
            let cut = fit(&format!("{}…", sp.content), room, false);
            out.push(Span::styled(cut, sp.style));
        }
        break;
    }
    Line::from(out)
}

/// Greedy wrap of `items` (separated by one space; an item wider than a line is
/// cut) into lines of `width` cells.
pub(super) fn wrap(items: Vec<Span<'static>>, width: u16) -> Vec<Vec<Span<'static>>> {
    let width = usize::from(width.max(1));
    let mut lines: Vec<Vec<Span<'static>>> = Vec::new();
    let mut cur: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for item in items {
        let mut item = item;
        if item.width() > width {
            item = Span::styled(fit_text(&item.content, width as u16), item.style);
        }
        let w = item.width();
        let gap = usize::from(!cur.is_empty());
        if !cur.is_empty() && used + gap + w > width {
            lines.push(std::mem::take(&mut cur));
            used = 0;
        }
        if !cur.is_empty() {
            cur.push(Span::raw(" "));
            used += 1;
        }
        used += w;
        cur.push(item);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// `label     value…` with the label in a column of `label_w` cells.
pub(super) fn kv(
    label: &str,
    label_w: u16,
    value: Vec<Span<'static>>,
    cx: &Cx,
    width: u16,
) -> Line<'static> {
    let mut spans = label_spans(label, label_w, cx);
    spans.extend(value);
    fit_spans(spans, width)
}

/// A label in the header role, padded (unstyled) to `label_w` cells.
pub(super) fn label_spans(label: &str, label_w: u16, cx: &Cx) -> Vec<Span<'static>> {
    let text = fit_text(label, label_w.saturating_sub(1));
    let pad = usize::from(label_w).saturating_sub(width_of(&text));
    vec![cx.span(text, Role::Header), Span::raw(" ".repeat(pad))]
}

/// Like [`kv`], the items wrapped under each other after the label (at most `max_lines`).
pub(super) fn kv_wrapped(
    label: &str,
    label_w: u16,
    items: Vec<Span<'static>>,
    cx: &Cx,
    width: u16,
    max_lines: usize,
) -> Vec<Line<'static>> {
    let value_w = width.saturating_sub(label_w);
    if value_w == 0 {
        return vec![kv(label, label_w, Vec::new(), cx, width)];
    }
    let mut rows = wrap(items, value_w);
    if rows.len() > max_lines {
        rows.truncate(max_lines);
        if let Some(last) = rows.last_mut() {
            last.push(Span::raw(" …"));
        }
    }
    if rows.is_empty() {
        rows.push(Vec::new());
    }
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| {
            let l = if i == 0 { label } else { "" };
            kv(l, label_w, row, cx, width)
        })
        .collect()
}

/// Why a section has nothing: its error, the exit, or plain absence.
pub(super) fn missing(ins: &Inspection, section: &str, cx: &Cx, width: u16) -> Line<'static> {
    let (text, role) = match ins.error(section) {
        Some(e) => (
            s::inspect_section_error(section, &clean(&e.message, width)),
            Role::Error,
        ),
        None if ins.exited => (s::INSPECT_NOT_READ_EXITED.to_string(), Role::TextDim),
        None => (s::INSPECT_NOT_AVAILABLE.to_string(), Role::TextDim),
    };
    Line::from(cx.span(fit_text(&text, width), role))
}
