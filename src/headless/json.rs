//! One JSON object per buffered record (the `stream --json` line shape).

use serde_json::{Value, json};

use crate::app::buffer::EventRef;
use crate::app::describe;
use crate::app::state::AppState;
use crate::collector::clock::WallClock;

/// The JSON object for one record.
pub fn event_json(state: &AppState, ev: &EventRef<'_>, clock: &WallClock) -> Value {
    let cg = state.cgroups.get(&ev.cgroup_id());
    json!({
        "ts": clock.rfc3339(ev.ts_ns()),
        "kind": ev.kind().name(),
        "pid": ev.pid(),
        "tid": ev.tid(),
        "ppid": ev.ppid(),
        "uid": ev.uid(),
        "comm": String::from_utf8_lossy(ev.comm_bytes()),
        "syscall": describe::syscall_name(ev),
        "args": describe::args_json(ev),
        "ret": ev.ret(),
        "duration_ns": ev.duration_ns(),
        "cgroup_id": ev.cgroup_id(),
        "cgroup": cg.and_then(|c| c.path.as_deref()),
        "container_id": cg.and_then(|c| c.container_id.as_deref()),
    })
}
