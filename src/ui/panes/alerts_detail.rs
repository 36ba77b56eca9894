//! The alerts pane's text parts: the counts line, the per-rule counts, and the selected alert's detail (fields, snapshot, malformed lines).

use ratatui::text::{Line, Span};

use super::alerts::priority_role;
use super::{fit, thousands, width_of};
use crate::alerts::intake::IntakeState;
use crate::alerts::{AlertOrigin, Priority};
use crate::app::View;
use crate::app::alerts_view::AlertsView;
use crate::app::flight::SnapshotStatus;
use crate::sanitize::sanitize;
use crate::ui::strings as s;
use crate::ui::theme::{Role, Theme};

/// Spans cut so their total width fits `width` (the last one shortened with `…`).
fn fit_spans(spans: Vec<Span<'static>>, width: u16) -> Line<'static> {
    let mut out = Vec::new();
    let mut left = usize::from(width);
    for sp in spans {
        let w = width_of(&sp.content);
        if w <= left {
            left -= w;
            out.push(sp);
        } else {
            if left > 0 {
                out.push(Span::styled(fit(&sp.content, left as u16, false), sp.style));
            }
            break;
        }
    }
    Line::from(out)
}

fn intake_state(st: &IntakeState) -> (String, Role) {
    match st {
        IntakeState::Starting => ("starting".into(), Role::TextDim),
        IntakeState::Running(w) => (w.clone(), Role::Ok),
        IntakeState::Waiting(w) => (w.clone(), Role::Warning),
        IntakeState::Failed(w) => (w.clone(), Role::Error),
        IntakeState::Ended => ("ended".into(), Role::TextDim),
    }
}

/// `Critical 1  Warning 3  Notice 8 │ malformed 2 │ file:/x: following /x`.
pub fn summary_line(v: &AlertsView, theme: &Theme, width: u16) -> Line<'static> {
    let mut spans = Vec::new();
    for p in Priority::ALL.into_iter().filter(|p| v.count(*p) > 0) {
        spans.push(Span::styled(
            format!("{} {}  ", p.name(), thousands(v.count(p))),
            theme.style(priority_role(p)),
        ));
    }
    if spans.is_empty() {
        spans.push(Span::styled(
            format!("{}  ", thousands(0)),
            theme.style(Role::TextDim),
        ));
    }
    let bad = v.malformed_total();
    let role = if bad > 0 {
        Role::Warning
    } else {
        Role::TextDim
    };
    spans.push(Span::styled(
        format!("│ {} {} ", s::ALERTS_MALFORMED, thousands(bad)),
        theme.style(role),
    ));
    for (name, st) in &v.intakes {
        let (text, role) = intake_state(&st.state);
        spans.push(Span::styled(
            format!("│ {}: ", sanitize(name)),
            theme.style(Role::TextDim),
        ));
        spans.push(Span::styled(
            format!("{} ", sanitize(&text)),
            theme.style(role),
        ));
    }
    fit_spans(spans, width)
}

/// One line: `by rule: Terminal shell in container 5 · Read sensitive 2 …`.
pub fn rules_line(v: &AlertsView, theme: &Theme, width: u16) -> Line<'static> {
    let mut spans = vec![Span::styled(
        format!("{}: ", s::ALERTS_BY_RULE),
        theme.style(Role::TextDim),
    )];
    for (i, (rule, n)) in v.rules_by_count().iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.style(Role::TextDim)));
        }
        spans.push(Span::styled(
            format!("{} ", sanitize(rule)),
            theme.style(Role::Text),
        ));
        spans.push(Span::styled(thousands(*n), theme.style(Role::Accent)));
    }
    fit_spans(spans, width)
}

/// The per-rule column: a header and one `count rule` line per rule.
pub fn by_rule_lines(v: &AlertsView, theme: &Theme, width: u16, height: u16) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        fit(s::ALERTS_BY_RULE, width, false),
        theme.style(Role::Header),
    )];
    for (rule, n) in v
        .rules_by_count()
        .iter()
        .take(usize::from(height.saturating_sub(1)))
    {
        let count = format!("{:>6} ", thousands(*n));
        let rest = width.saturating_sub(count.len() as u16);
        lines.push(Line::from(vec![
            Span::styled(count, theme.style(Role::Accent)),
            Span::styled(fit(&sanitize(rule), rest, false), theme.style(Role::Text)),
        ]));
    }
    lines
}

fn labelled(label: &str, text: String, role: Role, theme: &Theme, width: u16) -> Line<'static> {
    fit_spans(
        vec![
            Span::styled(format!("{label}: "), theme.style(Role::TextDim)),
            Span::styled(text, theme.style(role)),
        ],
        width,
    )
}

/// `text` wrapped at spaces (words longer than a line are cut) into at most
/// `rows` lines of `width` cells.
pub(super) fn wrap(text: &str, width: u16, rows: usize) -> Vec<String> {
    let width = usize::from(width);
    let mut out: Vec<String> = vec![String::new()];
    let mut tmp = [0u8; 4];
    for word in text.split(' ') {
        let Some(line) = out.last_mut() else { break };
        let need = width_of(word) + usize::from(!line.is_empty());
        if width_of(line) + need > width && !line.is_empty() {
            if out.len() == rows {
                break;
            }
            out.push(String::new());
        }
        let Some(line) = out.last_mut() else { break };
        if !line.is_empty() {
            line.push(' ');
        }
        for c in word.chars() {
            if width_of(line) + width_of(c.encode_utf8(&mut tmp)) > width {
                break;
            }
            line.push(c);
        }
    }
    out
}

/// Six lines about the selected alert: a rule, priority and origin line, the
/// output (two lines), its fields, and the snapshot and last malformed line;
/// seven when its process was started by a `kubectl exec` (who ran it, after the fields).
pub fn detail_lines(view: &View, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let v = view.alerts;
    let mut lines = vec![Line::styled(
        "─".repeat(usize::from(width)),
        theme.style(Role::Border),
    )];
    let mut last = Vec::new();
    if let Some(e) = v.selected_entry() {
        let a = &e.alert;
        let origin = match &a.origin {
            AlertOrigin::Engine => "ktriage rules".to_string(),
            AlertOrigin::Falco(name) => format!("falco {}", sanitize(name)),
        };
        let mut host = if a.hostname.is_empty() {
            String::new()
        } else {
            format!(" @ {}", sanitize(&a.hostname))
        };
        // the event source, when not the kernel's (k8s_audit)
        if !a.source.is_empty() && a.source != "syscall" {
            host = format!("{host}, {}", sanitize(&a.source));
        }
        lines.push(fit_spans(
            vec![
                Span::styled(
                    format!("{} ", a.priority.name()),
                    theme.style(priority_role(a.priority)),
                ),
                Span::styled(sanitize(&a.rule).into_owned(), theme.style(Role::Title)),
                Span::styled(format!("  ({origin}{host})"), theme.style(Role::TextDim)),
            ],
            width,
        ));
        let mut out = wrap(&sanitize(&a.output), width, 2);
        out.resize(2, String::new());
        lines.extend(
            out.into_iter()
                .map(|l| Line::styled(l, theme.style(Role::Text))),
        );
        let fields: Vec<String> = a
            .output_fields
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| {
                let val = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                format!("{}={}", sanitize(k), sanitize(&val))
            })
            .collect();
        lines.push(labelled(
            s::ALERTS_FIELDS,
            fields.join(" "),
            Role::Text,
            theme,
            width,
        ));
        if let Some(line) = a.pid.and_then(|p| exec_line(view, p, theme, width)) {
            lines.push(line);
        }
        let (snap, role) = match a.pid.map(|p| view.flight.status(p)) {
            None | Some(SnapshotStatus::None) => (s::SNAPSHOT_NONE.to_string(), Role::TextDim),
            Some(SnapshotStatus::Pending) => (s::SNAPSHOT_PENDING.to_string(), Role::TextDim),
            Some(SnapshotStatus::Taken) => (s::SNAPSHOT_TAKEN.to_string(), Role::Ok),
            Some(SnapshotStatus::Failed(why)) => {
                (s::snapshot_failed(&sanitize(&why)), Role::Warning)
            }
        };
        last.push(Span::styled(
            format!("{}: ", s::ALERTS_SNAPSHOT),
            theme.style(Role::TextDim),
        ));
        last.push(Span::styled(format!("{snap}  "), theme.style(role)));
    }
    if let Some(m) = v.malformed.back() {
        let text = format!(
            "{}:{}: {}: {}",
            sanitize(&m.intake),
            m.line_no,
            m.reason,
            sanitize(&m.text)
        );
        last.push(Span::styled(
            format!("{}: ", s::ALERTS_LAST_MALFORMED),
            theme.style(Role::TextDim),
        ));
        last.push(Span::styled(text, theme.style(Role::Warning)));
    }
    if !last.is_empty() {
        lines.resize(5 + usize::from(has_exec_line(view)), Line::default());
        lines.push(fit_spans(last, width));
    }
    lines
}

/// True when the selected alert's process was started by an exec the audit log names
/// (the detail then has one line more: [`exec_line`]).
pub fn has_exec_line(view: &View) -> bool {
    view.alerts
        .selected_entry()
        .and_then(|e| e.alert.pid)
        .is_some_and(|p| view.exec.of_pid(p).next().is_some())
}

/// `exec by: mallory at 10:00:01 ran "sh" · exact` (several links joined), or `None`.
fn exec_line(view: &View, pid: u32, theme: &Theme, width: u16) -> Option<Line<'static>> {
    let links = super::exec_by::of_pid(view.exec, pid);
    if links.is_empty() {
        return None;
    }
    let mut spans = vec![Span::styled(
        format!("{}: ", s::EXEC_BY),
        theme.style(Role::TextDim),
    )];
    for (i, (who, how, role)) in links.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" | ", theme.style(Role::TextDim)));
        }
        spans.push(Span::styled(format!("{who} "), theme.style(Role::Text)));
        spans.push(Span::styled(how, theme.style(role)));
    }
    Some(fit_spans(spans, width))
}
