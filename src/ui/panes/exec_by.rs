//! How the exec links of a process read on screen (`mallory at 10:00:01 ran "sh" · exact`), shared by the inspect overview and the alert detail.

use crate::app::exec_track::{ExecTracker, LinkedExec};
use crate::model::alert::clock_time;
use crate::model::audit::ExecLink;
use crate::sanitize::sanitize;
use crate::ui::strings as s;
use crate::ui::theme::Role;

/// Links shown at most for one process (the newest).
pub const MAX_SHOWN: usize = 4;

/// The text of one link, who/when/what and how sure (sanitized: user and command come
/// from the cluster), and the role of the second.
pub fn text(l: &LinkedExec) -> (String, String, Role) {
    let (pids, role): (Vec<u32>, Role) = match &l.link {
        ExecLink::Exact(c) => (vec![c.pid], Role::Accent),
        ExecLink::Ambiguous(cs) => (cs.iter().map(|c| c.pid).collect(), Role::Warning),
        ExecLink::None => (Vec::new(), Role::TextDim),
    };
    let time = clock_time(l.event.time_ns);
    let who = s::exec_by(
        &sanitize(&l.user()),
        time.get(..8).unwrap_or(&time),
        &sanitize(&l.command().join(" ")),
    );
    (who, s::exec_how(&pids), role)
}

/// The texts of the newest links naming `pid`, newest first.
pub fn of_pid(exec: &ExecTracker, pid: u32) -> Vec<(String, String, Role)> {
    let mut all: Vec<&LinkedExec> = exec.of_pid(pid).collect();
    all.reverse();
    all.into_iter().take(MAX_SHOWN).map(text).collect()
}
