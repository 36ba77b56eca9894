//! The alerts pane's audit view: the Kubernetes audit trail (who did what to which object), filtered, with the selected event's detail.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{
    Column, fit, fit_columns, header_line, inner, pane_block, row_line, selection, thousands,
    window,
};
use crate::app::View;
use crate::app::audit_view::AuditView;
use crate::app::exec_track::ExecTracker;
use crate::app::state::Pane;
use crate::model::alert::clock_time;
use crate::model::audit::{AuditEvent, ExecLink};
use crate::sanitize::sanitize;
use crate::ui::strings as s;
use crate::ui::theme::{Role, Theme};

const TIME: usize = 0;
const USER: usize = 1;
const VERB: usize = 2;
const RESOURCE: usize = 3;
const OBJECT: usize = 4;
const CODE: usize = 5;
const STAGE: usize = 6;
const SOURCE: usize = 7;

const COLUMNS: [Column; 8] = [
    Column::left(s::COL_TIME, 8),
    Column::left(s::COL_USER, 14),
    Column::left(s::COL_VERB, 6),
    Column::left(s::COL_RESOURCE, 12),
    Column::flex(s::COL_OBJECT, 14),
    Column::right(s::COL_CODE, 4),
    Column::left(s::COL_STAGE, 16),
    Column::left(s::COL_SOURCE_IP, 15),
];

/// What to keep when narrow: the source, stage and time go first.
const PRIORITY: [usize; 8] = [USER, VERB, RESOURCE, OBJECT, CODE, TIME, STAGE, SOURCE];

/// Rows from which the selected event's detail is shown.
const DETAIL_ROWS_FROM: u16 = 10;
const DETAIL_ROWS: u16 = 5;

/// The title: counts and filter.
pub fn title(v: &AuditView, shown: usize) -> String {
    let total = thousands(v.total);
    if v.filter_text.is_empty() {
        format!(" {} ({total}) ", s::AUDIT_TITLE)
    } else {
        let f = sanitize(&v.filter_text).into_owned();
        let part = s::stream_filter(&f, &thousands(shown as u64), &total);
        format!(" {} — {part} ", s::AUDIT_TITLE)
    }
}

/// Draws the audit view in `area`.
pub fn render(frame: &mut Frame, area: Rect, view: &View, theme: &Theme) {
    let focused = view.focus == Pane::Alerts;
    let v = view.audit;
    let rows = v.rows();
    frame.render_widget(pane_block(title(v, rows.len()), focused, theme), area);
    let mut body = inner(area);
    if body.height == 0 || body.width == 0 {
        return;
    }
    let sel = v.pos(rows.len());
    if body.height >= DETAIL_ROWS_FROM {
        body.height -= DETAIL_ROWS;
        let detail = Rect {
            y: body.y + body.height,
            height: DETAIL_ROWS,
            ..body
        };
        if let Some(e) = sel.map(|p| &v.events[rows[p]]) {
            let key = view
                .key_help
                .first_key(view.focus.into(), crate::app::action::Action::Pivot);
            let lines = detail_lines(e, view.exec, key, theme, detail.width);
            frame.render_widget(Paragraph::new(lines), detail);
        }
    }
    let chosen = fit_columns(&COLUMNS, &PRIORITY, body.width);
    let mut lines = vec![header_line(&COLUMNS, &chosen, theme.style(Role::Header))];
    if rows.is_empty() {
        let msg = if v.events.is_empty() {
            s::AUDIT_EMPTY
        } else {
            s::AUDIT_NO_MATCH
        };
        lines.push(Line::styled(
            fit(msg, body.width, false),
            theme.style(Role::TextDim),
        ));
    }
    let height = usize::from(body.height.saturating_sub(1));
    for i in window(rows.len(), height, sel, v.selected.is_none()) {
        let e = &v.events[rows[i]];
        let base = theme.style(role(e));
        let highlight = (Some(i) == sel).then(|| selection(theme, base, focused));
        lines.push(row(&chosen, e, base, highlight));
    }
    frame.render_widget(Paragraph::new(lines), body);
}

/// Refused requests and exec/attach stand out.
fn role(e: &AuditEvent) -> Role {
    match e.code() {
        Some(c) if c >= 400 => Role::AlertError,
        _ if e.is_exec() => Role::AlertWarning,
        _ => Role::Text,
    }
}

fn row(
    chosen: &[(usize, u16)],
    e: &AuditEvent,
    base: Style,
    highlight: Option<Style>,
) -> Line<'static> {
    let cells = chosen
        .iter()
        .map(|&(col, w)| {
            let text = match col {
                TIME => clock_time(e.time_ns)[..8].to_string(),
                USER => match &e.impersonated_user {
                    Some(i) => format!("{}>{}", e.user.username, i.username),
                    None => e.user.username.clone(),
                },
                VERB => e.verb.clone(),
                RESOURCE if e.subresource().is_empty() => e.resource().to_string(),
                RESOURCE => format!("{}/{}", e.resource(), e.subresource()),
                OBJECT => match (e.namespace(), e.name()) {
                    ("", n) => n.to_string(),
                    (ns, n) => format!("{ns}/{n}"),
                },
                CODE => e.code().map_or_else(|| "-".into(), |c| c.to_string()),
                STAGE => e.stage.clone(),
                _ => e.source_ips.join(","),
            };
            (fit(&sanitize(&text), w, COLUMNS[col].right), base)
        })
        .collect();
    row_line(cells, base, highlight)
}

/// The selected event: its URI, the user's groups and agent, and an exec's command and the
/// process(es) linked to it.
fn detail_lines(
    e: &AuditEvent,
    exec: &ExecTracker,
    pivot_key: Option<&str>,
    theme: &Theme,
    width: u16,
) -> Vec<Line<'static>> {
    let label = theme.style(Role::Header);
    let text = theme.style(Role::Text);
    let mut out = Vec::new();
    let mut add = |name: &str, value: String| {
        let l = format!("{name}: ");
        let rest = width.saturating_sub(super::width_of(&l) as u16);
        out.push(Line::from(vec![
            Span::styled(l, label),
            Span::styled(fit(&sanitize(&value), rest, false), text),
        ]));
    };
    add(s::AUDIT_URI, e.request_uri.clone());
    add(s::AUDIT_GROUPS, e.user.groups.join(", "));
    add(s::AUDIT_AGENT, e.user_agent.clone());
    if e.is_exec() {
        let cmd = e.uri_param_all("command").join(" ");
        let ctr = e.uri_param_all("container").join(",");
        add(s::AUDIT_EXEC, format!("{cmd}  (container {ctr})"));
        if let Some(l) = exec.of_event(e) {
            out.push(linked_line(&l.link, pivot_key, theme, width));
        }
    }
    out
}

/// `process: pid 901 cat "cat /etc/shadow" · exact  p: pivot`, the candidates of an
/// ambiguous link, or none yet (workload text sanitized, secrets in argv masked).
fn linked_line(
    link: &ExecLink,
    pivot_key: Option<&str>,
    theme: &Theme,
    width: u16,
) -> Line<'static> {
    let (text, role, pivot) = match link {
        ExecLink::Exact(c) => {
            let argv = crate::redact::mask_argv(&c.argv);
            let cmdline = crate::sanitize::join_argv(&argv);
            let text = s::audit_linked(c.pid, &sanitize(&c.comm), &sanitize(&cmdline));
            (text, Role::Accent, true)
        }
        ExecLink::Ambiguous(cs) => {
            let pids: Vec<u32> = cs.iter().map(|c| c.pid).collect();
            let how = s::exec_how(&pids);
            (
                how.trim_start_matches("· ").to_string(),
                Role::Warning,
                false,
            )
        }
        ExecLink::None => (s::AUDIT_LINK_NONE.to_string(), Role::TextDim, false),
    };
    let label = format!("{}: ", s::AUDIT_PROCESS);
    let hint = match pivot_key.filter(|_| pivot) {
        Some(k) => format!("  {}", s::audit_pivot_hint(k)),
        None => String::new(),
    };
    let used = super::width_of(&label) + super::width_of(&hint);
    let rest = width.saturating_sub(used as u16);
    Line::from(vec![
        Span::styled(label, theme.style(Role::Header)),
        Span::styled(fit(&text, rest, false), theme.style(role)),
        Span::styled(hint, theme.style(Role::TextDim)),
    ])
}
