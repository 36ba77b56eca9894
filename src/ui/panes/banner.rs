//! The banner: why there are no kernel events and how to get them; an unreachable Kubernetes API.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::width_of;
use crate::app::View;
use crate::app::event::CollectorState;
use crate::app::kube_status::KubeStatus;
use crate::sanitize::sanitize;
use crate::ui::strings as s;
use crate::ui::theme::{Role, Theme};

/// The banner's lines for a width (none when the collector is not degraded):
/// one line when everything fits, else reason and fix on two lines.
pub fn lines(view: &View, width: u16) -> Vec<String> {
    let mut out = collector_lines(view, width);
    if let KubeStatus::Unreachable { url, message } = view.kube {
        out.push(format!(" {}", sanitize(&s::kube_unreachable(url, message))));
    }
    out
}

fn collector_lines(view: &View, width: u16) -> Vec<String> {
    let CollectorState::Degraded { reason, fix } = view.collector else {
        return Vec::new();
    };
    let reason = s::banner_reason(&sanitize(reason));
    let fix = s::banner_fix(&sanitize(fix));
    let one = format!(" {reason} — {fix} {}", s::BANNER_PROC);
    if width_of(&one) <= usize::from(width) {
        return vec![one];
    }
    vec![format!(" {reason}"), format!(" {fix} {}", s::BANNER_PROC)]
}

/// How many rows the banner wants at this width (0 to 3).
pub fn height(view: &View, width: u16) -> u16 {
    lines(view, width).len() as u16
}

/// Draws the banner in `area` (cut to its height).
pub fn render(frame: &mut Frame, area: Rect, view: &View, theme: &Theme) {
    let mut lines = lines(view, area.width);
    if lines.len() > usize::from(area.height) {
        // One row only: the reason and fix side by side, cut at the edge.
        lines = vec![lines.join(" —")];
    }
    let text: Vec<Line> = lines.into_iter().map(Line::from).collect();
    frame.render_widget(Paragraph::new(text).style(theme.style(Role::Banner)), area);
}
