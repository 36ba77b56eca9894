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

/// Standard base64 (RFC 4648, with padding).
pub fn b64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `Some(base64)` when `bytes` are not valid UTF-8 (the decoded text lost something).
pub fn b64_if_not_utf8(bytes: &[u8]) -> Option<String> {
    std::str::from_utf8(bytes).is_err().then(|| b64(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_what_utf8_cannot_carry() {
        assert_eq!(b64(b""), "");
        assert_eq!(b64(b"f"), "Zg==");
        assert_eq!(b64(b"fo"), "Zm8=");
        assert_eq!(b64(b"foo"), "Zm9v");
        assert_eq!(b64(b"\xff\xfe\x00a"), "//4AYQ==");
        assert_eq!(b64_if_not_utf8(b"plain"), None);
        assert_eq!(b64_if_not_utf8(b"ev\xffil").as_deref(), Some("ZXb/aWw="));
    }
}
