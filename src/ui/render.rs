//! Screen layout: splits the terminal into banner, panes, input line and status bar, and draws them from `&AppState`.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::panes::alerts;
use super::panes::{banner, finder, help, input, inspect, processes, status, stream, summary};
use super::theme::Theme;
use crate::app::View;
use crate::app::state::{Mode, Pane};
use crate::collector::clock::WallClock;

/// From this many columns on, the stream goes left and the other panes stack on the right.
const WIDE_COLS: u16 = 160;
/// Below this many body rows only the focused pane is shown.
const SPLIT_ROWS: u16 = 16;
/// Below this many columns the bottom row holds one pane (summary, or the focused one).
const BOTTOM_SPLIT_COLS: u16 = 70;
/// The stream shares its place with the alerts pane from this many rows on.
const ALERTS_SHARE_ROWS: u16 = 12;
/// Rows the body keeps before the banner gives up lines.
const MIN_BODY: u16 = 4;

/// Where everything goes; `None` for what is not shown at this size.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Areas {
    /// Degraded-mode banner.
    pub banner: Option<Rect>,
    /// Everything the panes share (the inspect view covers it).
    pub body: Option<Rect>,
    /// Stream pane.
    pub stream: Option<Rect>,
    /// Summary pane.
    pub summary: Option<Rect>,
    /// Processes pane.
    pub processes: Option<Rect>,
    /// Alerts pane.
    pub alerts: Option<Rect>,
    /// `/` or `:` input line.
    pub input: Option<Rect>,
    /// Status bar.
    pub status: Option<Rect>,
    /// Replay bar (above the status bar, while replaying).
    pub replay: Option<Rect>,
    /// Drill mode: the task panel (above the input line).
    pub drill: Option<Rect>,
}

/// Computes the layout for `area`. The focused pane is always given room.
pub fn layout(area: Rect, view: &View) -> Areas {
    let mut a = Areas::default();
    let mut rest = area;
    let typing = input::prompt(view).is_some();
    if typing && rest.height < 3 {
        // No room for both: the input line replaces the status bar.
        a.input = Some(take_bottom(&mut rest, 1)).filter(|r| r.height > 0);
    } else {
        a.status = Some(take_bottom(&mut rest, 1)).filter(|r| r.height > 0);
        if view.replay.is_some() && rest.height > MIN_BODY {
            a.replay = Some(take_bottom(&mut rest, 1));
        }
        if typing {
            a.input = Some(take_bottom(&mut rest, 1));
        }
    }
    let want = super::panes::drill::height(view, rest.width);
    if want > 0 && rest.height > MIN_BODY + 3 {
        let rows = want.clamp(3, rest.height / 2);
        a.drill = Some(take_bottom(&mut rest, rows));
    }
    let banner_rows = banner::height(view, rest.width).min(rest.height.saturating_sub(MIN_BODY));
    if banner_rows > 0 {
        a.banner = Some(Rect {
            height: banner_rows,
            ..rest
        });
        rest.y += banner_rows;
        rest.height -= banner_rows;
    }
    if rest.height == 0 || rest.width == 0 {
        return a;
    }
    a.body = Some(rest);
    split_body(&mut a, rest, view.focus);
    carve_alerts(&mut a, view.focus, view.alerts.active());
    a
}

/// The alerts pane takes the stream's place when focused, else (when there is
/// anything to show and room) a third of it, on top.
fn carve_alerts(a: &mut Areas, focus: Pane, active: bool) {
    let Some(stream) = a.stream.filter(|_| a.alerts.is_none()) else {
        return;
    };
    if focus == Pane::Alerts {
        a.alerts = Some(stream);
        a.stream = None;
        return;
    }
    if !active || stream.height < ALERTS_SHARE_ROWS {
        return;
    }
    let h = (stream.height / 3).max(5);
    a.alerts = Some(Rect {
        height: h,
        ..stream
    });
    a.stream = Some(Rect {
        y: stream.y + h,
        height: stream.height - h,
        ..stream
    });
}

/// Cuts `rows` rows off the bottom of `rest`.
fn take_bottom(rest: &mut Rect, rows: u16) -> Rect {
    let rows = rows.min(rest.height);
    rest.height -= rows;
    Rect {
        y: rest.y + rest.height,
        height: rows,
        ..*rest
    }
}

fn split_body(a: &mut Areas, body: Rect, focus: Pane) {
    if body.height < SPLIT_ROWS {
        match focus {
            Pane::Stream => a.stream = Some(body),
            Pane::Summary => a.summary = Some(body),
            Pane::Processes | Pane::Pods => a.processes = Some(body),
            Pane::Alerts => a.alerts = Some(body),
        }
        return;
    }
    if body.width >= WIDE_COLS {
        let left = body.width * 3 / 5;
        let right = Rect {
            x: body.x + left,
            width: body.width - left,
            ..body
        };
        let top = right.height / 2;
        a.stream = Some(Rect {
            width: left,
            ..body
        });
        a.summary = Some(Rect {
            height: top,
            ..right
        });
        a.processes = Some(Rect {
            y: right.y + top,
            height: right.height - top,
            ..right
        });
        return;
    }
    let bottom_h = (body.height * 2 / 5).clamp(7, 14);
    let bottom = Rect {
        y: body.y + body.height - bottom_h,
        height: bottom_h,
        ..body
    };
    a.stream = Some(Rect {
        height: body.height - bottom_h,
        ..body
    });
    if body.width >= BOTTOM_SPLIT_COLS {
        let left = body.width * 11 / 20;
        a.summary = Some(Rect {
            width: left,
            ..bottom
        });
        a.processes = Some(Rect {
            x: bottom.x + left,
            width: bottom.width - left,
            ..bottom
        });
    } else if matches!(focus, Pane::Processes | Pane::Pods) {
        a.processes = Some(bottom);
    } else {
        a.summary = Some(bottom);
    }
}

/// Draws the whole screen from a view of the state. Pure: no I/O, and only
/// the visible rows of each pane are built (what a pane needs over all its
/// data, `update` keeps in the state).
pub fn render(frame: &mut Frame, view: &View, theme: &Theme, clock: &WallClock) {
    let area = frame.area();
    let a = layout(area, view);
    if let Some(r) = a.banner {
        banner::render(frame, r, view, theme);
    }
    if let (Some(iv), Some(r)) = (view.inspect, a.body) {
        inspect::render(frame, r, view, iv, theme);
    } else {
        if let Some(r) = a.stream {
            stream::render(frame, r, view, theme, clock);
        }
        if let Some(r) = a.summary {
            summary::render(frame, r, view, theme, clock);
        }
        if let Some(r) = a.processes {
            if view.focus == Pane::Pods {
                super::panes::pods::render(frame, r, view, theme);
            } else {
                processes::render(frame, r, view, theme);
            }
        }
        if let Some(r) = a.alerts {
            alerts::render(frame, r, view, theme);
        }
    }
    if let Some(r) = a.drill {
        super::panes::drill::render(frame, r, view, theme);
    }
    if let Some(r) = a.status {
        status::render(frame, r, view, theme);
    }
    if let Some(r) = a.input {
        input::render(frame, r, view, theme);
    }
    if let (Some(r), Some(v)) = (a.replay, view.replay) {
        super::panes::replay::render(frame, r, v, theme, clock);
    }
    if *view.mode == Mode::Help && area.width > 0 && area.height > 0 {
        help::render(frame, area, view, theme);
    }
    if let (Mode::Finder, Some(f)) = (view.mode, view.finder) {
        finder::render(frame, area, f, theme);
    }
}
