//! One JSON object per buffered record (the `stream --json` line shape), and the lossless encoding of untrusted bytes in JSON.
//!
//! Text from the kernel or /proc (comm, paths, argv) is bytes, not always
//! UTF-8. A JSON field holds it decoded (invalid sequences as U+FFFD); when
//! the bytes were not valid UTF-8, a sibling field `<name>_b64` holds them in
//! standard base64 (RFC 4648, padded), so nothing is lost: `comm_b64`,
//! `args.filename_b64`, `args.argv_b64` (one entry per argument; a masked
//! argument is encoded masked).
//!
//! A record is written straight to the output by [`LineWriter`] (no `Value` is built); its keys
//! come in sorted order, as `serde_json`'s own maps print them.

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

/// A record's decoded arguments: a syscall's (keys sorted, the last of a repeated name kept),
/// a capture's rendered parameters, or the object built for exec, exit and fork records.
enum Args<'a> {
    Decoded(Vec<(&'static str, ArgValue)>),
    Params(Cow<'a, str>),
    Object(Map<String, Value>),
}

impl Serialize for Args<'_> {
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

fn args<'a>(ev: &EventRef<'a>) -> Args<'a> {
    match ev.kind() {
        EventKind::Syscall if ev.nr() == crate::model::NR_CAPTURED => {
            Args::Params(String::from_utf8_lossy(ev.buf(1).0))
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

/// Writes records as JSON lines: the line is built in a reused buffer, keys in sorted order
/// (as `serde_json` prints a map), and the time text is kept for the second.
#[derive(Default)]
pub struct LineWriter {
    ts: TsCache,
    buf: Vec<u8>,
}

impl LineWriter {
    /// Writes the record's JSON line (with its newline) to `out`.
    pub fn write(
        &mut self,
        out: &mut impl std::io::Write,
        state: &AppState,
        ev: &EventRef<'_>,
        clock: &WallClock,
        names: Names<'_>,
    ) -> std::io::Result<()> {
        let b = &mut self.buf;
        b.clear();
        let cg = state.cgroups.get(&ev.cgroup_id());
        let [container_name, pod_namespace, pod_name] = names;
        b.extend_from_slice(b"{\"args\":");
        serde_json::to_writer(&mut *b, &args(ev))?;
        b.extend_from_slice(b",\"cgroup\":");
        opt_str(b, cg.and_then(|c| c.path.as_deref()))?;
        b.extend_from_slice(b",\"cgroup_id\":");
        uint(b, ev.cgroup_id());
        b.extend_from_slice(b",\"comm\":");
        serde_json::to_writer(&mut *b, &String::from_utf8_lossy(ev.comm_bytes()))?;
        if let Some(enc) = b64_if_not_utf8(ev.comm_bytes()) {
            b.extend_from_slice(b",\"comm_b64\":");
            serde_json::to_writer(&mut *b, &enc)?;
        }
        b.extend_from_slice(b",\"container_id\":");
        opt_str(b, cg.and_then(|c| c.container_id.as_deref()))?;
        b.extend_from_slice(b",\"container_name\":");
        opt_str(b, container_name)?;
        b.extend_from_slice(b",\"duration_ns\":");
        uint(b, ev.duration_ns());
        b.extend_from_slice(b",\"kind\":\"");
        b.extend_from_slice(ev.kind().name().as_bytes());
        b.extend_from_slice(b"\",\"pid\":");
        uint(b, ev.pid().into());
        b.extend_from_slice(b",\"pod_name\":");
        opt_str(b, pod_name)?;
        b.extend_from_slice(b",\"pod_namespace\":");
        opt_str(b, pod_namespace)?;
        b.extend_from_slice(b",\"ppid\":");
        uint(b, ev.ppid().into());
        b.extend_from_slice(b",\"ret\":");
        serde_json::to_writer(&mut *b, &ev.ret())?;
        b.extend_from_slice(b",\"syscall\":");
        serde_json::to_writer(&mut *b, &describe::syscall_name(ev))?;
        b.extend_from_slice(b",\"tid\":");
        uint(b, ev.tid().into());
        b.extend_from_slice(b",\"ts\":\"");
        b.extend_from_slice(clock.rfc3339_cached(ev.ts_ns(), &mut self.ts).as_bytes());
        b.extend_from_slice(b"\",\"uid\":");
        uint(b, ev.uid().into());
        b.extend_from_slice(b"}\n");
        out.write_all(b)
    }
}

fn uint(b: &mut Vec<u8>, v: u64) {
    b.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

fn opt_str(b: &mut Vec<u8>, s: Option<&str>) -> serde_json::Result<()> {
    match s {
        Some(s) => serde_json::to_writer(b, s),
        None => {
            b.extend_from_slice(b"null");
            Ok(())
        }
    }
}

pub use crate::model::b64::{b64, b64_if_not_utf8};
