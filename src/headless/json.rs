//! One JSON object per buffered record (the `stream --json` line shape), and the lossless encoding of untrusted bytes in JSON.
//!
//! Text from the kernel or /proc (comm, paths, argv) is bytes, not always
//! UTF-8. A JSON field holds it decoded (invalid sequences as U+FFFD); when
//! the bytes were not valid UTF-8, a sibling field `<name>_b64` holds them in
//! standard base64 (RFC 4648, padded), so nothing is lost: `comm_b64`,
//! `args.filename_b64`, `args.argv_b64` (one entry per argument; a masked
//! argument is encoded masked).

use serde_json::{Value, json};

use crate::app::buffer::EventRef;
use crate::app::describe;
use crate::app::state::AppState;
use crate::collector::clock::WallClock;

/// The JSON object for one record.
pub fn event_json(state: &AppState, ev: &EventRef<'_>, clock: &WallClock) -> Value {
    let cg = state.cgroups.get(&ev.cgroup_id());
    let mut v = json!({
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
    });
    if let Some(b) = b64_if_not_utf8(ev.comm_bytes()) {
        v["comm_b64"] = json!(b);
    }
    v
}

pub use crate::model::b64::{b64, b64_if_not_utf8};
