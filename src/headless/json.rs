//! One JSON object per buffered record (the `stream --json` line shape), and the lossless encoding of untrusted bytes in JSON.
//!
//! Text from the kernel or /proc (comm, paths, argv) is bytes, not always
//! UTF-8. A JSON field holds it decoded (invalid sequences as U+FFFD); when
//! the bytes were not valid UTF-8, a sibling field `<name>_b64` holds them in
//! standard base64 (RFC 4648, padded), so nothing is lost: `comm_b64`,
//! `args.filename_b64`, `args.argv_b64` (one entry per argument; a masked
//! argument is encoded masked).
//!
//! A record is written straight to the output ([`Record`] is serialized, no `Value` is
//! built); its keys come in sorted order, as `serde_json`'s own maps print them.

use std::borrow::Cow;

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::{Map, Value};

use crate::app::buffer::EventRef;
use crate::app::describe;
use crate::app::event::EventKind;
use crate::app::state::AppState;
use crate::collector::args::ArgValue;
use crate::collector::clock::{TsCache, WallClock};

/// A record's container and pod names: `[container_name, pod_namespace, pod_name]`.
pub type Names<'a> = [Option<&'a str>; 3];

/// One record's JSON line, borrowed from the buffer and the state (fields in key order).
#[derive(Serialize)]
pub struct Record<'a> {
    args: Args,
    cgroup: Option<&'a str>,
    cgroup_id: u64,
    comm: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comm_b64: Option<String>,
    container_id: Option<&'a str>,
    container_name: Option<&'a str>,
    duration_ns: u64,
    kind: &'static str,
    pid: u32,
    pod_name: Option<&'a str>,
    pod_namespace: Option<&'a str>,
    ppid: u32,
    ret: i64,
    syscall: Cow<'static, str>,
    tid: u32,
    ts: &'a str,
    uid: u32,
}

/// A record's decoded arguments: a syscall's (keys sorted, the last of a repeated name kept),
/// a capture's rendered parameters, or the object built for exec, exit and fork records.
enum Args {
    Decoded(Vec<(&'static str, ArgValue)>),
    Params(String),
    Object(Map<String, Value>),
}

impl Serialize for Args {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Args::Decoded(pairs) => {
                let mut m = s.serialize_map(None)?;
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if pairs.get(i + 1).is_some_and(|(next, _)| next == k) {
                        continue;
                    }
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
            Args::Params(p) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("params", p)?;
                m.end()
            }
            Args::Object(o) => o.serialize(s),
        }
    }
}

fn args(ev: &EventRef<'_>) -> Args {
    match ev.kind() {
        EventKind::Syscall if ev.nr() == crate::model::NR_CAPTURED => {
            Args::Params(String::from_utf8_lossy(ev.buf(1).0).into_owned())
        }
        EventKind::Syscall => {
            let mut pairs = describe::decoded(ev);
            // stable: of equal names the last stays last, and is the one written
            pairs.sort_by(|a, b| a.0.cmp(b.0));
            Args::Decoded(pairs)
        }
        _ => Args::Object(describe::args_json(ev)),
    }
}

/// The record of `ev` with its time text `ts` and container/pod `names`.
pub fn record<'a>(
    state: &'a AppState,
    ev: &EventRef<'a>,
    ts: &'a str,
    names: Names<'a>,
) -> Record<'a> {
    let cg = state.cgroups.get(&ev.cgroup_id());
    let [container_name, pod_namespace, pod_name] = names;
    Record {
        args: args(ev),
        cgroup: cg.and_then(|c| c.path.as_deref()),
        cgroup_id: ev.cgroup_id(),
        comm: String::from_utf8_lossy(ev.comm_bytes()),
        comm_b64: b64_if_not_utf8(ev.comm_bytes()),
        container_id: cg.and_then(|c| c.container_id.as_deref()),
        container_name,
        duration_ns: ev.duration_ns(),
        kind: ev.kind().name(),
        pid: ev.pid(),
        pod_name,
        pod_namespace,
        ppid: ev.ppid(),
        ret: ev.ret(),
        syscall: describe::syscall_name(ev),
        tid: ev.tid(),
        ts,
        uid: ev.uid(),
    }
}

/// Writes the record's JSON line (with its newline) to `out`.
pub fn write_line(
    out: &mut impl std::io::Write,
    state: &AppState,
    ev: &EventRef<'_>,
    clock: &WallClock,
    ts: &mut TsCache,
    names: Names<'_>,
) -> std::io::Result<()> {
    let ts = clock.rfc3339_cached(ev.ts_ns(), ts);
    serde_json::to_writer(&mut *out, &record(state, ev, ts, names))?;
    out.write_all(b"\n")
}

/// The JSON object for one record, as a `Value` (its printed form equals [`write_line`]'s).
pub fn event_json(
    state: &AppState,
    ev: &EventRef<'_>,
    clock: &WallClock,
    names: Names<'_>,
) -> Value {
    let ts = clock.rfc3339(ev.ts_ns());
    serde_json::to_value(record(state, ev, &ts, names)).unwrap_or(Value::Null)
}

pub use crate::model::b64::{b64, b64_if_not_utf8};
