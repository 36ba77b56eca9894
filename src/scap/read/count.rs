//! `strace -c` of a capture: calls, errors (exit events' negative results) and time (enter to exit) per syscall, for all of it, one process or one container.

use std::collections::HashMap;
use std::path::Path;

use super::feed::Feed;
use crate::app::Event;
use crate::app::summary::SummaryRow;
use crate::model::{EventKind, NR_CAPTURED, SysEvent};

/// What to count.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Only this process (tgid).
    pub pid: Option<u32>,
    /// Only this container (id or id prefix).
    pub container: Option<String>,
}

/// The counts of a capture.
#[derive(Debug, Default)]
pub struct CaptureCount {
    /// Per syscall; `nr` indexes [`CaptureCount::names`].
    pub rows: Vec<SummaryRow>,
    /// Syscall names, by the rows' `nr`.
    pub names: Vec<String>,
    /// Records counted.
    pub events: u64,
    /// The damage that ended the reading (everything before it is counted).
    pub damage: Option<String>,
}

/// Counts the capture at `path` within `scope`.
pub fn count(path: &Path, scope: &Scope) -> Result<CaptureCount, super::ScapError> {
    let mut feed = Feed::open(path)?;
    let mut out = CaptureCount::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut containers: HashMap<u64, Option<String>> = HashMap::new();
    while let Some(it) = feed.next_item() {
        let batch = match it {
            Ok((_, Event::Kernel(b))) => b,
            Ok(_) => continue,
            Err(e) => {
                out.damage = Some(e.to_string());
                break;
            }
        };
        for c in batch.cgroups {
            containers.insert(c.id, c.container_id);
        }
        for ev in &batch.events {
            if !in_scope(ev, scope, &containers) {
                continue;
            }
            let Some(name) = syscall_of(ev) else { continue };
            let i = match index.get(name.as_ref()) {
                Some(i) => *i,
                None => {
                    let i = out.names.len();
                    index.insert(name.to_string(), i);
                    out.names.push(name.into_owned());
                    out.rows.push(SummaryRow {
                        nr: i as u32,
                        ..SummaryRow::default()
                    });
                    i
                }
            };
            let r = &mut out.rows[i];
            r.calls += 1;
            r.errors += u64::from(ev.ret < 0 && ev.kind != EventKind::Fork);
            r.time_ns += ev.duration_ns;
            out.events += 1;
        }
    }
    // as strace sorts: by time, then calls
    out.rows
        .sort_by(|a, b| b.time_ns.cmp(&a.time_ns).then(b.calls.cmp(&a.calls)));
    Ok(out)
}

fn in_scope(ev: &SysEvent, scope: &Scope, containers: &HashMap<u64, Option<String>>) -> bool {
    if scope.pid.is_some_and(|p| p != ev.pid) {
        return false;
    }
    match &scope.container {
        Some(want) => containers
            .get(&ev.cgroup_id)
            .and_then(|c| c.as_deref())
            .is_some_and(|id| id.starts_with(want.as_str())),
        None => true,
    }
}

/// The syscall a record counts as; `None` for what is no syscall call (process exits, context
/// switches, samples, enter events without their exit, a child's return from clone).
pub(super) fn syscall_of(ev: &SysEvent) -> Option<std::borrow::Cow<'_, str>> {
    use std::borrow::Cow;
    match ev.kind {
        EventKind::Exit => None,
        EventKind::Fork => Some(Cow::Borrowed("clone")),
        EventKind::Syscall if ev.nr == NR_CAPTURED => {
            let name = String::from_utf8_lossy(&ev.bufs[0].bytes);
            let skip = name.ends_with('>')
                || super::map::STANDALONE.contains(&name.as_ref())
                || matches!(name.as_ref(), "clone" | "fork" | "vfork" | "clone3");
            (!skip).then_some(name)
        }
        _ => crate::collector::syscalls::name(ev.nr).map(Cow::Borrowed),
    }
}
