//! How alerts change the state: intake, flight-recorder snapshots, the alerts pane's keys, and the pivot to the process.

use std::sync::Arc;

use super::action::Action;
use super::alert_filter::AlertFilter;
use super::filter::Filter;
use super::inspect_view::InspectState;
use super::state::{AppState, Mode, Pane, Severity};
use super::update::{Effect, set_filter};
use crate::alerts::Alert;
use crate::inspect::Inspection;

/// New alerts: listed, counted, and a snapshot asked for each process they name.
pub fn on_alerts(state: &mut AppState, alerts: Vec<Alert>) -> Vec<Effect> {
    let mut effects = Vec::new();
    for a in &alerts {
        if let Some(pid) = a.pid
            && state.flight.want(pid, a.time_ns, a.facts.clone())
        {
            effects.push(Effect::Snapshot(pid));
        }
    }
    state.alerts.push(alerts);
    effects
}

/// A snapshot came back; an inspect view of that pid still loading, failed (gone) or
/// showing a zombie shows it (the pivot may have run before the snapshot was in).
pub fn on_snapshot(
    state: &mut AppState,
    pid: u32,
    result: Result<Arc<Inspection>, crate::app::event::EffectError>,
) {
    state.flight.store(pid, result);
    let Some(snap) = state.flight.snapshot(pid).cloned() else {
        return;
    };
    if let Some(v) = state.inspect.as_mut().filter(|v| v.pid == pid) {
        let replace = match &v.data {
            None | Some(Err(_)) => true,
            Some(Ok(ins)) => ins.exited && !ins.recorded,
        };
        if replace {
            v.set_data(Ok(snap));
            v.from_snapshot = true;
        }
    }
}

/// Alerts-pane handling of an action, when it applies (the alerts pane is
/// focused, or the action is about alerts); `None` lets the caller handle it.
pub fn on_action(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    match action {
        Action::Pivot if state.focus == Pane::Alerts && state.audit.shown => {
            return Some(super::audit_pivot::pivot(state));
        }
        Action::Pivot => return Some(pivot(state)),
        Action::FocusAlerts => {
            state.focus = Pane::Alerts;
            return Some(Vec::new());
        }
        Action::ToggleAudit => {
            // from another pane: straight to the audit trail
            state.audit.shown = state.focus != Pane::Alerts || !state.audit.shown;
            state.focus = Pane::Alerts;
            return Some(Vec::new());
        }
        _ => {}
    }
    if state.focus != Pane::Alerts {
        return None;
    }
    if state.audit.shown {
        return audit_action(state, action);
    }
    let page = state.page_rows() as isize;
    let v = &mut state.alerts;
    match action {
        Action::Enter => return Some(pivot(state)),
        Action::Up => v.step(-1),
        Action::Down => v.step(1),
        Action::PageUp => v.step(-page),
        Action::PageDown => v.step(page),
        Action::Top => v.step(isize::MIN / 2),
        Action::Bottom => {
            v.step(isize::MAX / 2);
            v.follow = true;
        }
        Action::ToggleFollow => v.toggle_follow(),
        Action::OpenFilter => state.mode = Mode::Filter(v.filter.to_string()),
        Action::ClearFilter => v.set_filter(AlertFilter::default()),
        Action::Back if state.message.is_none() && !v.filter.is_empty() => {
            v.set_filter(AlertFilter::default())
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// `/` submitted while the alerts pane is focused.
pub fn apply_filter(state: &mut AppState, text: &str) -> Vec<Effect> {
    match AlertFilter::parse(text) {
        Ok(f) => {
            state.message = None;
            state.alerts.set_filter(f);
        }
        Err(e) => state.message = Some((Severity::Error, format!("alerts filter: {e}"))),
    }
    Vec::new()
}

fn short(id: &str) -> &str {
    // Char-safe: an id from an alert is untrusted text.
    id.char_indices().nth(12).map_or(id, |(i, _)| &id[..i])
}

/// The process to inspect for an alert: its pid, else the oldest process of its container.
fn target_pid(state: &AppState, a: &Alert) -> Option<u32> {
    a.pid.or_else(|| {
        let id = a.container_id.as_deref()?;
        state
            .processes
            .iter()
            .filter(|p| p.container_id.as_deref().is_some_and(|c| c.starts_with(id)))
            .map(|p| p.pid)
            .min()
    })
}

/// The pod an alert is about: from the process table, else from its fields.
fn pod_of(state: &AppState, a: &Alert, pid: Option<u32>) -> Option<String> {
    let from_proc = pid
        .and_then(|p| state.processes.iter().find(|x| x.pid == p))
        .or_else(|| {
            let id = a.container_id.as_deref()?;
            state
                .processes
                .iter()
                .find(|p| p.container_id.as_deref().is_some_and(|c| c.starts_with(id)))
        })
        .and_then(|p| {
            Some(format!(
                "{}/{}",
                p.pod_namespace.as_deref()?,
                p.pod_name.as_deref()?
            ))
        });
    let field = |k: &str| {
        a.output_fields
            .get(k)
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty() && *s != "<NA>")
    };
    from_proc.or_else(|| {
        Some(format!(
            "{}/{}",
            field("k8s.ns.name")?,
            field("k8s.pod.name")?
        ))
    })
}

/// Selects the listed stream record nearest the alert's time and stops following.
fn select_near(state: &mut AppState, alert_ns: u64) {
    let len = state.stream_len();
    if len == 0 {
        return;
    }
    let Some(offset) = state.alerts.wall_offset_ns else {
        return;
    };
    let boot = i128::from(alert_ns) - offset;
    let ts = |i: usize| {
        state
            .stream_seq(i)
            .and_then(|s| state.buffer.get(s))
            .map_or(0, |e| i128::from(e.ts_ns()))
    };
    // Records are in ring-buffer order, close enough to time order for a search.
    let (mut lo, mut hi) = (0usize, len);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if ts(mid) < boot {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let best = if lo == len || (lo > 0 && boot - ts(lo - 1) <= ts(lo) - boot) {
        lo.saturating_sub(1)
    } else {
        lo
    };
    state.stream.selected = state.stream_seq(best);
    state.stream.follow = false;
}

/// The pivot: from the selected alert to its process (inspect view; the
/// flight-recorder snapshot when the process is gone), the stream filtered to
/// its pid or container around its time, and its pod.
pub fn pivot(state: &mut AppState) -> Vec<Effect> {
    let Some(alert) = state.alerts.selected_entry().map(|e| e.alert.clone()) else {
        state.message = Some((Severity::Error, crate::strings::ALERTS_NONE_SELECTED.into()));
        return Vec::new();
    };
    let pid = target_pid(state, &alert);
    let stream_filter = match (alert.pid, alert.container_id.as_deref()) {
        (Some(p), _) => Some(format!("pid:{p}")),
        (None, Some(c)) => Some(format!("container:{}", short(c))),
        (None, None) => None,
    };
    let open = go_to(state, pid, stream_filter.as_deref(), alert.time_ns);
    let pod = pod_of(state, &alert, pid);
    state.message = Some((
        Severity::Info,
        crate::strings::alerts_pivot(
            &alert.rule,
            pid,
            alert.container_id.as_deref().map(short),
            pod.as_deref(),
        ),
    ));
    let fact = Effect::Fact(super::update::Fact::Pivot {
        rule: alert.rule.clone(),
        pid,
    });
    std::iter::once(fact).chain(open).collect()
}

/// Where a pivot goes (from an alert, or from an exec audit event to its process): the stream
/// filtered by `stream_filter` (`pid:N`, `container:ID`) and paused at `time_ns` (wall clock),
/// the process selected, and its inspect view (its flight-recorder snapshot at once when
/// there is one); returns the inspection to run.
pub(super) fn go_to(
    state: &mut AppState,
    pid: Option<u32>,
    stream_filter: Option<&str>,
    time_ns: u64,
) -> Option<Effect> {
    if let Some(f) = stream_filter.and_then(|f| Filter::parse(f).ok()) {
        set_filter(state, f);
        select_near(state, time_ns);
    }
    super::procview::select_pid(state, pid);
    state.focus = Pane::Stream;
    let pid = pid?;
    let (mut view, effect) = InspectState::open(pid);
    if let Some(snap) = state.flight.snapshot(pid) {
        // Shown at once; the live inspection replaces it if the process is still there.
        view.set_data(Ok(snap.clone()));
        view.from_snapshot = true;
    }
    state.inspect = Some(view);
    Some(effect)
}

/// The alerts pane's audit view: moving, filtering; other actions are the caller's.
fn audit_action(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let page = state.page_rows() as isize;
    let v = &mut state.audit;
    match action {
        Action::Up => v.step(-1),
        Action::Down => v.step(1),
        Action::PageUp => v.step(-page),
        Action::PageDown => v.step(page),
        Action::Top => v.step(isize::MIN / 2),
        Action::Enter => return Some(super::audit_pivot::pivot(state)),
        Action::Bottom | Action::ToggleFollow => v.selected = None,
        Action::OpenFilter => state.mode = Mode::Filter(v.filter_text.clone()),
        Action::ClearFilter => {
            let _ = v.set_filter("");
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// Applies a typed audit filter (the alerts pane's audit view).
pub fn apply_audit_filter(state: &mut AppState, text: &str) -> Vec<Effect> {
    match state.audit.set_filter(text) {
        Ok(()) => state.message = None,
        Err(e) => state.message = Some((Severity::Error, format!("filter: {e}"))),
    }
    Vec::new()
}
