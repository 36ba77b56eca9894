//! The pivot from the audit view: the selected exec event → the process it started (its inspect view, the stream filtered to it at the event's time), when the link names exactly one; an ambiguous or missing link is said, never guessed.

use super::state::{AppState, Severity};
use super::update::{Effect, Fact};
use crate::model::audit::ExecLink;

/// `pivot` (or enter) in the audit view.
pub fn pivot(state: &mut AppState) -> Vec<Effect> {
    let Some(event) = state.audit.selected_event().cloned() else {
        state.message = Some((Severity::Error, crate::strings::ALERTS_NONE_SELECTED.into()));
        return Vec::new();
    };
    let Some(linked) = state.exec.of_event(&event).cloned() else {
        let text = crate::strings::audit_pivot_refused(&[]);
        state.message = Some((Severity::Error, text));
        return Vec::new();
    };
    let pid = match &linked.link {
        ExecLink::Exact(c) => c.pid,
        ExecLink::Ambiguous(cs) => {
            let pids: Vec<u32> = cs.iter().map(|c| c.pid).collect();
            let text = crate::strings::audit_pivot_refused(&pids);
            state.message = Some((Severity::Error, text));
            return Vec::new();
        }
        ExecLink::None => {
            let text = crate::strings::audit_pivot_refused(&[]);
            state.message = Some((Severity::Error, text));
            return Vec::new();
        }
    };
    let filter = format!("pid:{pid}");
    let open = super::alerts_update::go_to(state, Some(pid), Some(&filter), event.time_ns);
    let user = linked.user();
    state.message = Some((
        Severity::Info,
        crate::strings::audit_pivot(&crate::sanitize::sanitize(&user), pid),
    ));
    let fact = Effect::Fact(Fact::Pivot {
        rule: format!("pods/exec by {user}"),
        pid: Some(pid),
    });
    std::iter::once(fact).chain(open).collect()
}

#[cfg(test)]
#[path = "audit_pivot_tests.rs"]
mod tests;
