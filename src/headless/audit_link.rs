//! The processes an exec audit event may have started, read from /proc with their pod identity (the `ps` scan), for [`crate::app::exec_link`].

use std::path::Path;

use crate::app::exec_link::ExecProc;
use crate::headless::ps::{PsOpts, rows};

/// Clock ticks per second of `/proc/PID/stat` start times.
fn ticks_per_sec() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    u64::try_from(t).ok().filter(|t| *t > 0).unwrap_or(100)
}

/// The processes in pods now, with their parent's comm, argv\[0] and start time.
pub fn pod_processes(opts: &PsOpts) -> Vec<ExecProc> {
    let all = rows(opts);
    let proc_root = Path::new("/proc");
    let offset = crate::collector::clock::WallClock::now().offset_ns();
    let tps = ticks_per_sec();
    let comm_of = |pid: u32| {
        all.iter()
            .find(|p| p.pid == pid)
            .map(|p| p.comm.clone())
            .unwrap_or_default()
    };
    all.iter()
        .filter(|p| p.pod_name.is_some())
        .filter_map(|p| {
            let ticks = crate::inspect::start_time(proc_root, p.pid).ok()?;
            let boot_ns = i128::from(ticks) * 1_000_000_000 / i128::from(tps);
            let argv0 = crate::inspect::overview::read_cmdline(proc_root, p.pid)
                .ok()
                .and_then(|a| a.into_iter().next())
                .unwrap_or_default();
            Some(ExecProc {
                pid: p.pid,
                comm: p.comm.clone(),
                argv0,
                argv: Vec::new(),
                parent_comm: comm_of(p.ppid),
                start_ns: (boot_ns + offset).max(0) as u64,
                pod_namespace: p.pod_namespace.clone(),
                pod_name: p.pod_name.clone(),
                container_name: p.container_name.clone(),
            })
        })
        .collect()
}
