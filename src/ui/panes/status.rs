//! The status bar: message, collector state, event rate, drops, buffer fill and the help key, fitted to the width.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{compact, fit, width_of};
use crate::app::Action;
use crate::app::View;
use crate::app::event::CollectorState;
use crate::app::state::Severity;
use crate::sanitize::sanitize;
use crate::ui::strings as s;
use crate::ui::theme::{Role, Theme};

const SEP: &str = " │ ";

/// A piece of the bar: text, role, and how important it is (lower = kept longer).
struct Segment {
    text: String,
    role: Role,
    priority: u8,
}

fn segments(view: &View) -> Vec<Segment> {
    let mut out = Vec::new();
    let seg = |text: String, role, priority| Segment {
        text,
        role,
        priority,
    };
    if let Some((severity, msg)) = view.message {
        let role = if *severity == Severity::Error {
            Role::Error
        } else {
            Role::Accent
        };
        out.push(seg(sanitize(msg).into_owned(), role, 0));
    }
    let (label, role) = match view.collector {
        CollectorState::Running => (s::STATE_RUNNING, Role::Ok),
        CollectorState::Degraded { .. } => (s::STATE_DEGRADED, Role::Warning),
        CollectorState::Starting => (s::STATE_STARTING, Role::StatusBar),
        CollectorState::Stopped => (s::STATE_STOPPED, Role::StatusBar),
    };
    out.push(seg(label.to_string(), role, 2));
    if let Some(worst) = view.alerts.worst() {
        let n = compact(view.alerts.received());
        out.push(seg(
            s::status_alerts(&n),
            super::alerts::priority_role(worst),
            2,
        ));
    }
    let rate = view.rate.per_sec.max(0.0);
    let rate = if rate < 10.0 {
        format!("{rate:.1}")
    } else {
        compact(rate as u64)
    };
    out.push(seg(s::status_rate(&rate), Role::StatusBar, 3));
    let timing = if view.timing {
        (s::STATUS_TIMING_ON, Role::Accent)
    } else {
        (s::STATUS_TIMING_OFF, Role::StatusBar)
    };
    out.push(seg(timing.0.to_string(), timing.1, 4));
    let (kernel, buffer) = (view.stats.kernel_dropped, view.buffer.dropped());
    let role = if kernel + buffer > 0 {
        Role::Warning
    } else {
        Role::StatusBar
    };
    out.push(seg(
        s::status_drops(&compact(kernel), &compact(buffer)),
        role,
        4,
    ));
    let (len, cap) = (view.buffer.len() as u64, view.buffer.cap().max(1) as u64);
    out.push(seg(
        s::status_buffer(&compact(len), &compact(cap), len * 100 / cap),
        Role::StatusBar,
        5,
    ));
    if let Some(key) = view
        .key_help
        .first_key(view.focus.into(), Action::ToggleHelp)
    {
        out.push(seg(s::status_help(key), Role::StatusKey, 1));
    }
    out
}

fn total_width(segs: &[Segment]) -> usize {
    let text: usize = segs.iter().map(|s| width_of(&s.text)).sum();
    text + width_of(SEP) * segs.len().saturating_sub(1) + 2
}

/// Draws the one-line bar in `area`, dropping the least important parts until it fits.
pub fn render(frame: &mut Frame, area: Rect, view: &View, theme: &Theme) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let width = usize::from(area.width);
    let mut segs = segments(view);
    while total_width(&segs) > width && segs.len() > 1 {
        let Some(worst) = (0..segs.len()).max_by_key(|i| segs[*i].priority) else {
            break;
        };
        segs.remove(worst);
    }
    // Whatever is left (a long message alone) is cut to the width.
    if total_width(&segs) > width
        && let Some(first) = segs.first_mut()
    {
        first.text = fit(&first.text, area.width.saturating_sub(2), false);
    }
    let bar = theme.style(Role::StatusBar);
    let mut spans = vec![Span::raw(" ")];
    for (i, seg) in segs.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(SEP));
        }
        spans.push(Span::styled(seg.text.clone(), patch(bar, theme, seg.role)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(bar), area);
}

fn patch(bar: Style, theme: &Theme, role: Role) -> Style {
    if role == Role::StatusBar {
        bar
    } else {
        bar.patch(theme.style(role))
    }
}
