//! Exports of synthetic sessions, walked block by block: every block's length stated twice and
//! padded, the events each record becomes, the skipped ones counted, a damaged session exported
//! up to the damage.

use std::path::Path;

use super::*;
use crate::app::Event;
use crate::model::{Captured, CgroupInfo, EventKind, KernelBatch, ProcInfo, SysEvent};
use crate::session::entry::{Entry, other};
use crate::session::{Record, SessionWriter, WriterOpts};

const BOOT: u64 = 5_000_000_000;
const WALL: u64 = 1_700_000_000_000_000_000;

fn header() -> Header {
    Header {
        host: "node-a".into(),
        wall_start_ns: WALL,
        boot_start_ns: BOOT,
        ..Header::default()
    }
}

fn sys(
    kind: EventKind,
    nr: &str,
    tid: u32,
    ret: i64,
    args: [u64; 6],
    bufs: [&[u8]; 2],
) -> SysEvent {
    let mut comm = [0u8; 16];
    comm[..7].copy_from_slice(b"python3");
    SysEvent {
        ts_ns: BOOT + 1_000,
        cgroup_id: 9,
        duration_ns: 500,
        ret,
        args,
        kind,
        nr: crate::collector::syscalls::number(nr).unwrap_or(u32::MAX),
        pid: 4242,
        tid,
        ppid: 1,
        uid: 0,
        comm,
        bufs: bufs.map(|b| Captured {
            bytes: b.to_vec(),
            truncated: false,
        }),
    }
}

/// 127.0.0.1:8080 as a Linux sockaddr_in.
fn sockaddr_in() -> Vec<u8> {
    let mut v = 2u16.to_le_bytes().to_vec();
    v.extend_from_slice(&8080u16.to_be_bytes());
    v.extend_from_slice(&[127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    v
}

/// The workload of the live test, made up: open, connect, a fork, the child's exec, its exit, and
/// a syscall the format has no event for.
pub fn workload() -> Vec<SysEvent> {
    let addr = sockaddr_in();
    let exec_args = [0, 0, 0, 0, 0, 1 << 63];
    vec![
        sys(
            EventKind::Syscall,
            "openat",
            4242,
            3,
            [(-100i64) as u64, 0, 0o101, 0o600, 0, 0],
            [b"/tmp/uniq-file\0", b""],
        ),
        sys(
            EventKind::Syscall,
            "connect",
            4242,
            0,
            [4, 0, 16, 0, 0, 0],
            [&addr, b""],
        ),
        sys(
            EventKind::Fork,
            "",
            4242,
            0,
            [4243, 4243, 0, 0, 0, 0],
            [b"", b""],
        ),
        sys(
            EventKind::Exec,
            "execve",
            4243,
            0,
            exec_args,
            [
                b"/bin/echo\0",
                b"echo\0uniq-arg\0--password=hunter2hunter2\0",
            ],
        ),
        sys(EventKind::Exit, "", 4243, 0, [1, 0, 0, 0, 0, 0], [b"", b""]),
        sys(
            EventKind::Syscall,
            "memfd_create",
            4242,
            5,
            [0; 6],
            [b"x\0", b""],
        ),
    ]
}

/// A session file at `path` holding a /proc poll and `events` in one batch.
pub fn session(path: &Path, events: Vec<SysEvent>) {
    let mut w = SessionWriter::create(path, header(), WriterOpts::default()).unwrap();
    let rows = vec![ProcInfo {
        pid: 4242,
        ppid: 1,
        comm: "python3".into(),
        ..ProcInfo::default()
    }];
    w.write(&other(BOOT, &Entry::Event(Event::Processes(rows))))
        .unwrap();
    let cgroups = vec![CgroupInfo {
        id: 9,
        path: Some("/kubepods/besteffort/podx/abc".into()),
        container_id: Some("abc".into()),
    }];
    w.write(&Record::Kernel(KernelBatch { cgroups, events }))
        .unwrap();
    w.finish().unwrap();
}

/// (block type, body) of every block of a capture, checking the framing on the way.
fn blocks(b: &[u8]) -> Vec<(u32, &[u8])> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < b.len() {
        let ty = u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
        let len = u32::from_le_bytes(b[at + 4..at + 8].try_into().unwrap()) as usize;
        assert_eq!(len % 4, 0, "block at {at}: padded");
        let tail = u32::from_le_bytes(b[at + len - 4..at + len].try_into().unwrap()) as usize;
        assert_eq!(tail, len, "block at {at}: length repeated");
        out.push((ty, &b[at + 8..at + len - 4]));
        at += len;
    }
    assert_eq!(at, b.len());
    out
}

#[test]
fn a_session_exports_as_framed_blocks_with_each_record_as_its_events() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.ktr");
    session(&f, workload());
    let mut out = Vec::new();
    let done = export(&f, &mut out).unwrap();
    assert_eq!(done.bytes as usize, out.len());
    assert_eq!(done.damage, None);
    let bl = blocks(&out);
    let types: Vec<u32> = bl.iter().map(|(t, _)| *t).collect();
    assert_eq!(&types[..3], &[layout::SHB, layout::MI, layout::PL_V9]);
    let ids_of = |t: u64| -> Vec<u16> {
        bl[3..]
            .iter()
            .filter(|(_, body)| u64::from_le_bytes(body[10..18].try_into().unwrap()) == t)
            .map(|(ty, body)| {
                assert_eq!(*ty, layout::EV_V2);
                u16::from_le_bytes([body[22], body[23]])
            })
            .collect()
    };
    use layout::ev;
    let parent = [
        ev::OPENAT_2.0,
        ev::OPENAT_2.1,
        ev::CONNECT.0,
        ev::CONNECT.1,
        ev::CLONE_20.0,
        ev::CLONE_20.1,
    ];
    let child = [ev::EXECVE_19.0, ev::EXECVE_19.1, ev::PROCEXIT_1];
    assert_eq!(ids_of(4242), parent, "each thread's events in their order");
    assert_eq!(ids_of(4243), child);
    let want = [&parent[..], &child[..]].concat();
    assert_eq!(done.events, want.len() as u64);
    assert_eq!(done.skipped.get("memfd_create"), Some(&1));
    assert_eq!(done.written.get("execve"), Some(&1));
    assert_eq!(
        done.threads, 1,
        "python3 known before its first event; its child is born later"
    );
    // the enter is at the call's start, the exit at its end, both on the wall clock
    let ts = |id: u16| {
        let (_, b) = bl[3..]
            .iter()
            .find(|(_, b)| u16::from_le_bytes([b[22], b[23]]) == id)
            .unwrap();
        u64::from_le_bytes(b[2..10].try_into().unwrap())
    };
    assert_eq!(ts(ev::OPENAT_2.0), WALL + 500, "the open's enter");
    assert_eq!(ts(ev::OPENAT_2.1), WALL + 1_000, "and its exit");
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("/tmp/uniq-file"));
    assert!(text.contains("uniq-arg"));
    assert!(
        !text.contains("hunter2hunter2"),
        "a secret-shaped argument stays masked"
    );
    assert!(text.contains("node-a"));
}

#[test]
fn a_cut_session_exports_up_to_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.ktr");
    session(&f, workload());
    let full = std::fs::read(&f).unwrap();
    let cut = dir.path().join("cut.ktr");
    std::fs::write(&cut, &full[..full.len() - 40]).unwrap();
    let mut out = Vec::new();
    let done = export(&cut, &mut out).unwrap();
    assert!(done.damage.is_some(), "the cut is reported");
    assert!(
        blocks(&out).len() >= 3,
        "still a capture: header blocks at least"
    );
}

#[test]
fn not_a_session_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.ktr");
    std::fs::write(&f, b"not a session at all").unwrap();
    let err = export(&f, Vec::new()).unwrap_err();
    assert!(matches!(err, ExportError::Session(_)));
    assert!(err.to_string().contains("x.ktr"), "{err}");
}

#[test]
fn addresses_become_sockaddr_and_tuple_parameters() {
    let s = layout::Sock::parse(&sockaddr_in()).unwrap();
    assert_eq!(s, layout::Sock::V4([127, 0, 0, 1], 8080));
    assert_eq!(s.sockaddr(), [2, 127, 0, 0, 1, 0x90, 0x1f]);
    let t = s.unspecified().tuple(&s);
    assert_eq!(t.len(), 13);
    assert_eq!(&t[7..], &[127, 0, 0, 1, 0x90, 0x1f]);
    let mut un = 1u16.to_le_bytes().to_vec();
    un.extend_from_slice(b"\0abstract\0");
    assert_eq!(
        layout::Sock::parse(&un),
        Some(layout::Sock::Unix(b"@abstract".to_vec()))
    );
    assert_eq!(layout::Sock::parse(&[9, 0, 1]), None);
    assert_eq!(layout::Sock::parse(&[2, 0, 1]), None, "short");
}

#[test]
fn open_flags_are_the_libs_bits() {
    assert_eq!(layout::open_flags(0), 1, "O_RDONLY");
    assert_eq!(
        layout::open_flags(0o101),
        (1 << 1) | (1 << 2),
        "O_WRONLY|O_CREAT"
    );
    assert_eq!(
        layout::open_flags(0o2000002),
        3 | (1 << 12),
        "O_RDWR|O_CLOEXEC"
    );
    assert_eq!(
        layout::clone_flags(0x0001_0000 | 0x100),
        layout::CL_THREAD & ((1 << 13) | (1 << 15))
    );
}

#[test]
fn a_batch_is_written_in_time_order_each_thread_in_its_own_order() {
    let r = |tid: u64, ts: u64| Rec {
        ts,
        tid,
        ty: 0,
        params: layout::Params::new(),
    };
    let got: Vec<(u64, u64)> = time_order(vec![r(1, 10), r(2, 5), r(1, 20), r(2, 15), r(1, 12)])
        .iter()
        .map(|x| (x.tid, x.ts))
        .collect();
    assert_eq!(got, [(2, 5), (1, 10), (2, 15), (1, 20), (1, 12)]);
}

#[test]
fn the_engines_facts_fill_the_process_list_until_the_process_execs() {
    use crate::model::alert::{Alert, AlertOrigin, Priority};
    use crate::model::facts::ProcFacts;
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.ktr");
    let mut w = SessionWriter::create(&f, header(), WriterOpts::default()).unwrap();
    let row = |pid: u32| ProcInfo {
        pid,
        ppid: 1,
        comm: "python3".into(),
        ..ProcInfo::default()
    };
    w.write(&other(
        BOOT,
        &Entry::Event(Event::Processes(vec![row(4242), row(4250)])),
    ))
    .unwrap();
    let alert = |pid: u32, arg: &str| Alert {
        time_ns: WALL,
        rule: "r".into(),
        priority: Priority::Warning,
        source: "syscall".into(),
        hostname: String::new(),
        output: String::new(),
        output_fields: Default::default(),
        tags: Vec::new(),
        origin: AlertOrigin::Engine,
        pid: Some(pid),
        container_id: None,
        facts: Some(std::sync::Arc::new(ProcFacts {
            pid,
            argv: vec![
                "python3".into(),
                arg.into(),
                "--token=ghp_abcdefghijklmnopqrstuvwxyz0123456789".into(),
            ],
            cwd: Some("/srv/app".into()),
            exepath: "/usr/bin/python3.11".into(),
            ..ProcFacts::default()
        })),
    };
    // 4250 execs before its alert: the alert's argv is its new program's, not its first
    let mut exec = workload()[3].clone();
    exec.pid = 4250;
    exec.tid = 4250;
    w.write(&Record::Kernel(KernelBatch {
        cgroups: Vec::new(),
        events: vec![exec],
    }))
    .unwrap();
    w.write(&other(
        BOOT,
        &Entry::Event(Event::Alerts(vec![
            alert(4242, "app.py"),
            alert(4250, "later.py"),
        ])),
    ))
    .unwrap();
    w.finish().unwrap();
    let mut out = Vec::new();
    export(&f, &mut out).unwrap();
    let pl = &blocks(&out)[2].1;
    let text = String::from_utf8_lossy(pl);
    assert!(
        text.contains("app.py")
            && text.contains("/srv/app")
            && text.contains("/usr/bin/python3.11"),
        "{text:?}"
    );
    assert!(
        !text.contains("later.py"),
        "facts of after an exec are not the process's first state"
    );
    assert!(!text.contains("ghp_abcdefghij"), "argv masked");
}
