//! Helpers of the `.scap` export tests: the ktriage binary and `sysdig -r` run, sysdig's JSON read,
//! made-up sessions written with the library.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use ktriage::app::Event;
use ktriage::model::{Captured, CgroupInfo, EventKind, KernelBatch, ProcInfo, SysEvent};
use ktriage::session::entry::{Entry, other};
use ktriage::session::{Header, Record, SessionWriter, WriterOpts};
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_ktriage");

pub fn ktriage(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(BIN).args(args).output().expect("ktriage runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// `ktriage export SESSION -o OUT`: exit code and stderr.
pub fn export(session: &Path, out: &Path) -> (i32, String) {
    let (code, _, err) = ktriage(&[
        "export",
        session.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    (code, err)
}

/// Fields sysdig prints for every event of `scap`, one JSON object each.
pub fn sysdig(scap: &Path) -> Vec<Value> {
    // `*`: every event, also those without some of the fields
    let fmt = "*%evt.num %evt.type %evt.dir %thread.tid %proc.pid %proc.name %proc.exe %proc.args %fd.name %evt.res %container.id %evt.info";
    let o = Command::new("sysdig")
        .arg("-r")
        .arg(scap)
        .args(["-j", "-p", fmt])
        .output()
        .expect("sysdig runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "sysdig -r failed: {err}");
    assert!(!err.to_lowercase().contains("error"), "sysdig: {err}");
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

pub fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_default()
}

pub fn tid(v: &Value) -> u64 {
    v["thread.tid"].as_u64().unwrap_or(0)
}

/// The container (64 hex) of the made-up session's cgroup.
pub const CONTAINER: &str = "4b7c9e1f2a3d4c5b6a7980f1e2d3c4b5a6978f0e1d2c3b4a5968f7e6d5c4b3a2";

pub const BOOT: u64 = 5_000_000_000;

/// A kernel record of pid 4242 (`made-up-proc`), 100 ns long.
pub fn sysev(
    kind: EventKind,
    nr: &str,
    tid: u32,
    ret: i64,
    args: [u64; 6],
    b0: &[u8],
    b1: &[u8],
) -> SysEvent {
    let cap = |b: &[u8]| Captured {
        bytes: b.to_vec(),
        truncated: false,
    };
    SysEvent {
        ts_ns: BOOT + 1000,
        cgroup_id: 9,
        duration_ns: 100,
        ret,
        args,
        kind,
        nr: ktriage::collector::syscalls::number(nr).unwrap_or(u32::MAX),
        pid: 4242,
        tid,
        ppid: 1,
        uid: 0,
        comm: *b"made-up-proc\0\0\0\0",
        bufs: [cap(b0), cap(b1)],
    }
}

/// A session file made with the library: a /proc poll naming pid 4242, then `events`.
pub fn write_session(path: &Path, events: Vec<SysEvent>) {
    let header = Header {
        host: "node-\u{1b}[31mred".into(),
        wall_start_ns: 1_700_000_000_000_000_000,
        boot_start_ns: BOOT,
        ..Header::default()
    };
    let mut w = SessionWriter::create(path, header, WriterOpts::default()).unwrap();
    let row = ProcInfo {
        pid: 4242,
        ppid: 1,
        comm: "made-up-proc".into(),
        ..ProcInfo::default()
    };
    w.write(&other(BOOT, &Entry::Event(Event::Processes(vec![row]))))
        .unwrap();
    let cgroups = vec![CgroupInfo {
        id: 9,
        path: Some(format!("/kubepods/besteffort/pod5e2d/{CONTAINER}")),
        container_id: None,
    }];
    w.write(&Record::Kernel(KernelBatch { cgroups, events }))
        .unwrap();
    w.finish().unwrap();
}

/// 10.1.2.3:8080 as a Linux sockaddr_in.
pub fn sockaddr() -> Vec<u8> {
    let mut sa = 2u16.to_le_bytes().to_vec();
    sa.extend_from_slice(&8080u16.to_be_bytes());
    sa.extend_from_slice(&[10, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0]);
    sa
}

/// The made-up session: its open, socket and connect, a fork, the child's exec with a secret argv.
pub fn made_up_session(path: &Path) {
    let ev = sysev;
    let sa = sockaddr();
    let events = vec![
        ev(
            EventKind::Syscall,
            "openat",
            4242,
            3,
            [(-100i64) as u64, 0, 0, 0, 0, 0],
            b"/made/up/path\0",
            b"",
        ),
        ev(
            EventKind::Syscall,
            "socket",
            4242,
            3,
            [2, 1, 0, 0, 0, 0],
            b"",
            b"",
        ),
        ev(
            EventKind::Syscall,
            "connect",
            4242,
            0,
            [3, 0, 16, 0, 0, 0],
            &sa,
            b"",
        ),
        ev(
            EventKind::Fork,
            "",
            4242,
            0,
            [4300, 4300, 0, 0, 0, 0],
            b"",
            b"",
        ),
        ev(
            EventKind::Exec,
            "execve",
            4300,
            0,
            [0; 6],
            b"/bin/tool\0",
            b"tool\0--password=hunter2hunter2\0made-up-arg\0",
        ),
    ];
    write_session(path, events);
}

/// The name sysdig gives a syscall ktriage records under another name (one event for several calls).
pub fn scap_name(n: &str) -> &str {
    match n {
        "dup2" | "dup3" => "dup",
        "umount2" => "umount",
        "accept4" => "accept",
        other => other,
    }
}

/// The events of two threads, for a failure message.
pub fn dump(events: &[Value], a: u64, b: u64) -> String {
    events
        .iter()
        .filter(|e| tid(e) == a || tid(e) == b)
        .map(|e| {
            format!(
                "{} {} {} {}",
                tid(e),
                s(e, "evt.dir"),
                s(e, "evt.type"),
                s(e, "evt.info")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A `ktriage record -o FILE` running, its sources started.
pub struct Recording {
    child: std::process::Child,
    drain: Option<std::thread::JoinHandle<Vec<String>>>,
}

impl Recording {
    /// Starts the recorder and waits for it to say its sources started.
    pub fn start(out: &Path) -> Recording {
        use std::io::{BufRead, BufReader};
        let mut child = Command::new(BIN)
            .args(["record", "-o", out.to_str().unwrap(), "--duration", "120"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("record runs");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        for l in lines.by_ref() {
            if l.expect("stderr").contains("sources started") {
                break;
            }
        }
        let drain = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());
        Recording {
            child,
            drain: Some(drain),
        }
    }

    /// Stops it (SIGINT) and asserts it finished well.
    pub fn stop(mut self) {
        // SAFETY: kill() on our own child's pid; no memory is involved.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        let ok = self.child.wait().expect("wait").success();
        let err = self.drain.take().map(|d| d.join());
        assert!(ok, "record: {err:?}");
    }
}

/// The python3 interpreter itself (not a wrapper script that execs it).
pub fn python3() -> String {
    let exe = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .expect("python3");
    String::from_utf8_lossy(&exe.stdout).trim().to_string()
}
