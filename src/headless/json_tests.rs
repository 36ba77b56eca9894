//! The JSON line written straight from a record equals the `Value` that `stream --json` used to build for it.

use serde_json::{Value, json};

use super::json::{Names, event_json, write_line};
use crate::app::buffer::EventRef;
use crate::app::describe;
use crate::app::state::AppState;
use crate::collector::clock::{TsCache, WallClock};
use crate::collector::syscalls;
use crate::model::{Captured, CgroupInfo, EventKind, NR_CAPTURED, SysEvent};
use ktriage_common::NR_NONE;

/// The record as the `json!` object of the previous printer (the oracle).
fn built_value(state: &AppState, ev: &EventRef<'_>, clock: &WallClock, names: Names<'_>) -> Value {
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
        "container_name": names[0],
        "pod_namespace": names[1],
        "pod_name": names[2],
    });
    if let Some(b) = super::json::b64_if_not_utf8(ev.comm_bytes()) {
        v["comm_b64"] = json!(b);
    }
    v
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const BUFS: [&[u8]; 7] = [
    b"",
    b"/etc/shadow\0",
    b"/tmp/\"q\\uote\"\n\x1b[31m\0",
    b"\xff\xfe/not-utf8\0",
    b"--password hunter2 \0AKIAABCDEFGHIJKLMNOP\0",
    b"\x02\x00\x1f\x90\x7f\x00\x00\x01\0\0\0\0\0\0\0\0",
    b"a\0b\0\0c\0",
];

fn event(rng: &mut Rng, kind: EventKind, nr: u32) -> SysEvent {
    let mut comm = [0u8; 16];
    let name: &[u8] = [&b"curl"[..], b"\xffbad\x1b", b"sh \"x\""][(rng.next() % 3) as usize];
    comm[..name.len()].copy_from_slice(name);
    let buf = |rng: &mut Rng| Captured {
        bytes: BUFS[(rng.next() % BUFS.len() as u64) as usize].to_vec(),
        truncated: rng.next().is_multiple_of(5),
    };
    SysEvent {
        ts_ns: rng.next() % (1 << 60),
        cgroup_id: rng.next() % 4,
        duration_ns: rng.next() % 1000,
        ret: [0, 3, -2, -13, i64::MIN][(rng.next() % 5) as usize],
        args: std::array::from_fn(|_| match rng.next() % 3 {
            0 => rng.next() % 8,
            1 => (-100i64) as u64,
            _ => rng.next(),
        }),
        kind,
        nr,
        pid: rng.next() as u32,
        tid: rng.next() as u32,
        ppid: rng.next() as u32,
        uid: [0, 1000, u32::MAX][(rng.next() % 3) as usize],
        comm,
        bufs: [buf(rng), buf(rng)],
    }
}

#[test]
fn written_lines_equal_the_built_values() {
    let mut state = AppState::new(1 << 16);
    state.cgroups.insert(
        1,
        CgroupInfo {
            id: 1,
            path: Some("/kubepods/pod\"1\"/ctr\n".into()),
            container_id: Some("abc\u{1b}def".into()),
        },
    );
    state.cgroups.insert(
        2,
        CgroupInfo {
            id: 2,
            path: None,
            container_id: None,
        },
    );
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut events = Vec::new();
    for (nr, _) in syscalls::all() {
        for _ in 0..6 {
            events.push(event(&mut rng, EventKind::Syscall, nr));
        }
    }
    for _ in 0..200 {
        events.push(event(&mut rng, EventKind::Syscall, NR_CAPTURED));
        events.push(event(&mut rng, EventKind::Exec, 59));
        events.push(event(&mut rng, EventKind::Exit, NR_NONE));
        events.push(event(&mut rng, EventKind::Fork, NR_NONE));
    }
    let clock = WallClock::with_offset(1_700_000_000_000_000_000);
    let mut ts = TsCache::default();
    let names_of = [
        [None, None, None],
        [Some("web"), Some("team-a"), Some("web-0")],
        [Some("\"\u{1b}[2J"), None, Some("p\nq")],
    ];
    let seqs: Vec<u64> = events.iter().map(|e| state.buffer.push(e)).collect();
    let mut checked = 0;
    for (i, seq) in seqs.into_iter().enumerate() {
        let ev = state.buffer.get(seq).expect("kept");
        let names = names_of[i % 3];
        let mut line = Vec::new();
        write_line(&mut line, &state, &ev, &clock, &mut ts, names).expect("written");
        let want = format!("{}\n", built_value(&state, &ev, &clock, names));
        assert_eq!(String::from_utf8(line).expect("utf-8"), want, "event {i}");
        assert_eq!(
            format!("{}\n", event_json(&state, &ev, &clock, names)),
            want
        );
        checked += 1;
    }
    assert!(checked > 2000, "{checked}");
}
