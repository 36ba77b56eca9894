//! The pods pane: pods with their immutability verdict and findings by severity, sortable, opening to containers and their processes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{
    Column, fit, fit_columns, header_line, inner, pane_block, row_line, selection, thousands,
    window,
};
use crate::app::View;
use crate::app::kube_status::KubeStatus;
use crate::app::podview::PodRow;
use crate::app::state::Pane;
use crate::posture::finding::count_by_severity;
use crate::posture::{Finding, Severity};
use crate::sanitize::sanitize;
use crate::ui::strings as s;
use crate::ui::theme::{Role, Theme};

const POD: usize = 0;
const IMMUTABLE: usize = 1;
const CRIT: usize = 2;
const HIGH: usize = 3;
const MED: usize = 4;
const LOW: usize = 5;
const PIDS: usize = 6;

const COLUMNS: [Column; 7] = [
    Column::flex(s::COL_PODS_POD, 16),
    Column::left(s::COL_PODS_IMMUTABLE, 4),
    Column::right(s::COL_PODS_CRIT, 4),
    Column::right(s::COL_PODS_HIGH, 4),
    Column::right(s::COL_PODS_MED, 4),
    Column::right(s::COL_PODS_LOW, 4),
    Column::right(s::COL_PODS_PIDS, 5),
];
/// Narrow panes keep the pod, the verdict and the worst counts.
const PRIORITY: [usize; 7] = [POD, IMMUTABLE, CRIT, HIGH, MED, PIDS, LOW];

/// One drawn row: cells and the role of each.
type Cells = [(String, Role); 7];

/// Draws the pane in `area`; only visible rows are formatted.
pub fn render(frame: &mut Frame, area: Rect, view: &View, theme: &Theme) {
    let focused = view.focus == Pane::Pods;
    let v = view.pods_view;
    let title = format!(
        " {} ",
        s::pods_title(
            &thousands((view.pods.len() + v.runtime.len()) as u64),
            v.sort.name()
        )
    );
    frame.render_widget(pane_block(title, focused, theme), area);
    let body = inner(area);
    if body.height == 0 || body.width == 0 {
        return;
    }
    let chosen = fit_columns(&COLUMNS, &PRIORITY, body.width);
    let mut lines = vec![header_line(&COLUMNS, &chosen, theme.style(Role::Header))];
    let mut height = usize::from(body.height - 1);
    if !v.runtime.is_empty() {
        let why = match view.kube {
            KubeStatus::Off if view.pods.is_empty() => s::no_spec_unconfigured(None),
            KubeStatus::Unconfigured(w) if view.pods.is_empty() => s::no_spec_unconfigured(Some(w)),
            KubeStatus::Connecting { .. } => s::NO_SPEC_CONNECTING.into(),
            KubeStatus::Unreachable { .. } => s::NO_SPEC_UNREACHABLE.into(),
            _ => s::NO_SPEC_MISSING.into(),
        };
        lines.push(Line::styled(
            fit(&sanitize(&s::pods_from_runtime(&why)), body.width, false),
            theme.style(Role::TextDim),
        ));
        height = height.saturating_sub(1);
    } else if view.pods.is_empty() {
        let text = match view.kube {
            KubeStatus::Off => s::PODS_EMPTY.to_string(),
            KubeStatus::Unconfigured(why) => s::pods_unconfigured(why),
            KubeStatus::Connecting { url, node } => s::pods_connecting(url, node),
            KubeStatus::Ready { node, .. } => s::pods_none_on_node(node),
            KubeStatus::Unreachable { url, message } => s::kube_unreachable(url, message),
        };
        lines.push(Line::styled(
            sanitize(&text).into_owned(),
            theme.style(Role::TextDim),
        ));
    }
    let sel = v.selected.min(v.rows.len().saturating_sub(1));
    let base = theme.style(Role::Text);
    for i in window(v.rows.len(), height, Some(sel), false) {
        let cells = cells(view, &v.rows[i]);
        let highlight = (i == sel).then(|| selection(theme, base, focused));
        let styled = chosen
            .iter()
            .map(|&(col, w)| {
                let (text, role) = &cells[col];
                let style: Style = base.patch(theme.style(*role));
                (fit(text, w, COLUMNS[col].right), style)
            })
            .collect();
        lines.push(row_line(styled, base, highlight));
    }
    // Rows are cut to the width; only the empty-state text is long enough to wrap.
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
}

fn blank() -> (String, Role) {
    (String::new(), Role::Text)
}

/// Severity counts as cells: zero dim, critical and high in the warning/error roles.
fn counts(findings: &[&Finding]) -> [(String, Role); 4] {
    let n = count_by_severity(findings.iter().copied());
    let cell = |sev: Severity, role: Role| {
        let c = n[sev as usize];
        if c == 0 {
            ("0".to_string(), Role::TextDim)
        } else {
            (c.to_string(), role)
        }
    };
    [
        cell(Severity::Critical, Role::Error),
        cell(Severity::High, Role::Warning),
        cell(Severity::Medium, Role::Text),
        cell(Severity::Low, Role::Text),
    ]
}

fn cells(view: &View, row: &PodRow) -> Cells {
    let v = view.pods_view;
    match row {
        PodRow::Pod(key) => {
            let Some(p) = view.pods.get(key) else {
                return runtime_pod(view, key);
            };
            let f: Vec<&Finding> = p.findings.iter().collect();
            let [c, h, m, l] = counts(&f);
            let pids: usize = p
                .containers
                .iter()
                .filter_map(|c| v.pids.get(&(key.clone(), c.declared.container.clone())))
                .map(Vec::len)
                .sum();
            let (imm, role) = if p.immutable {
                (s::PODS_IMMUTABLE_YES, Role::Ok)
            } else {
                (s::PODS_IMMUTABLE_NO, Role::Warning)
            };
            [
                (
                    sanitize(&format!("{}/{}", p.namespace, p.name)).into_owned(),
                    Role::Text,
                ),
                (imm.to_string(), role),
                c,
                h,
                m,
                l,
                (pids.to_string(), Role::TextDim),
            ]
        }
        PodRow::Container(key, name) => {
            let Some(p) = view.pods.get(key) else {
                return runtime_container(view, key, name);
            };
            let kind = p
                .container(name)
                .map_or("regular", |c| c.declared.kind.name());
            let f: Vec<&Finding> = p
                .findings
                .iter()
                .filter(|f| f.container.as_deref() == Some(name))
                .collect();
            let [c, h, m, l] = counts(&f);
            let pids = v.pids.get(&(key.clone(), name.clone())).map_or(0, Vec::len);
            [
                (
                    format!("  {}", sanitize(&s::pods_container(name, kind))),
                    Role::Accent,
                ),
                blank(),
                c,
                h,
                m,
                l,
                (pids.to_string(), Role::TextDim),
            ]
        }
        PodRow::Process(pid) => {
            let comm = view.process(*pid).map_or("", |p| p.comm.as_str());
            let mut row: Cells = std::array::from_fn(|_| blank());
            row[POD] = (
                format!("  {}", sanitize(&s::pods_process(*pid, comm))),
                Role::Text,
            );
            row
        }
    }
}

/// The spec columns of a pod or container the runtime lists without a spec.
fn no_spec(name: (String, Role), pids: usize) -> Cells {
    let dash = || (s::NO_SPEC_CELL.to_string(), Role::TextDim);
    [
        name,
        dash(),
        dash(),
        dash(),
        dash(),
        dash(),
        (pids.to_string(), Role::TextDim),
    ]
}

fn runtime_pod(view: &View, key: &str) -> Cells {
    let Some(p) = view.pods_view.runtime.get(key) else {
        return std::array::from_fn(|_| blank());
    };
    let pids = p.containers.values().map(Vec::len).sum();
    no_spec((sanitize(&p.label()).into_owned(), Role::Text), pids)
}

fn runtime_container(view: &View, key: &str, name: &str) -> Cells {
    let pids = view
        .pods_view
        .runtime
        .get(key)
        .and_then(|p| p.containers.get(name))
        .map_or(0, Vec::len);
    no_spec((format!("  {}", sanitize(name)), Role::Accent), pids)
}
