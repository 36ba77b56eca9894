//! Rule drills graded on behaviour: a lab process's write below a binary directory replayed (exec + open for writing) through ktriage's rule engine with the candidate's rules file.

use std::path::Path;

use crate::collector::clock::WallClock;
use crate::collector::syscalls;
use crate::model::alert::Alert;
use crate::model::{Captured, EventKind, KernelBatch, SysEvent};
use crate::rules::{DEFAULT_RULES, DEFAULT_RULES_NAME, Engine, Env, ProcTable, RuleSet};

/// `O_WRONLY | O_CREAT | O_TRUNC`.
const O_WRITE_CREATE: u64 = 0o1101;
const AT_FDCWD: u64 = -100i64 as u64;

fn buf(b: &[u8]) -> Captured {
    Captured {
        bytes: b.to_vec(),
        truncated: false,
    }
}

fn event(pid: u32, kind: EventKind, nr: &str, args: [u64; 6], bufs: [&[u8]; 2]) -> SysEvent {
    SysEvent {
        ts_ns: 1_000_000_000,
        cgroup_id: 1,
        duration_ns: 0,
        ret: if kind == EventKind::Exec { 0 } else { 3 },
        args,
        kind,
        nr: syscalls::number(nr).unwrap_or(u32::MAX),
        pid,
        tid: pid,
        ppid: 1,
        uid: 0,
        comm: [0; 16],
        bufs: bufs.map(buf),
    }
}

/// The behaviour: `argv` (as root, pid `pid`) starts, then opens `path` for writing.
pub fn write_events(pid: u32, argv: &[String], path: &str) -> Vec<SysEvent> {
    let arg0 = argv.first().map_or("sh", String::as_str);
    let exe = if arg0.starts_with('/') {
        arg0.to_string()
    } else {
        format!("/bin/{arg0}")
    };
    let name = exe.rsplit('/').next().unwrap_or("sh");
    let mut a = argv.join("\0").into_bytes();
    a.push(0);
    let mut exec = event(
        pid,
        EventKind::Exec,
        "execve",
        [u64::from(pid), 0, 0, 0, 0, 0],
        [format!("{exe}\0").as_bytes(), &a],
    );
    for (d, b) in exec.comm.iter_mut().zip(name.bytes().take(15)) {
        *d = b;
    }
    let open = event(
        pid,
        EventKind::Syscall,
        "openat",
        [AT_FDCWD, 0x1000, O_WRITE_CREATE, 0o644, 0, 0],
        [format!("{path}\0").as_bytes(), b""],
    );
    vec![exec, open]
}

/// Runs `events` through the shipped rules plus `local` (a file, or text when `file` is None).
/// Errors are the rules file's load errors, as `rules check` words them.
pub fn run(
    local_name: &str,
    local: Result<&Path, &str>,
    events: Vec<SysEvent>,
) -> Result<Vec<Alert>, String> {
    let mut set = RuleSet::default();
    set.load_str(DEFAULT_RULES_NAME, DEFAULT_RULES);
    match local {
        Ok(path) => set.load_file(path),
        Err(text) => set.load_str(local_name, text),
    }
    let mut env = Env::empty("lab");
    env.users.insert(0, "root".into());
    let (mut engine, cov) =
        Engine::build(&set, ProcTable::new(None), env, WallClock::with_offset(0));
    if cov.error_count() > 0 {
        return Err(cov.to_text());
    }
    let mut out = Vec::new();
    engine.process_batch(
        &KernelBatch {
            cgroups: Vec::new(),
            events,
        },
        &mut out,
    );
    Ok(out)
}
