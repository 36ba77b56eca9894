//! /proc polling: the process table without BPF (and alongside it).

use std::fs;

use crate::identity::cgroup::parse_proc_cgroup;
use crate::model::ProcInfo;

/// Reads every process under `/proc`.
pub fn scan() -> Vec<ProcInfo> {
    scan_root(std::path::Path::new("/proc"))
}

/// Reads every process under `root` (a /proc or a fixture tree).
pub fn scan_root(root: &std::path::Path) -> Vec<ProcInfo> {
    let Ok(rd) = fs::read_dir(root) else {
        return Vec::new();
    };
    let mut out: Vec<ProcInfo> = rd
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| read_proc(root, pid))
        .collect();
    out.sort_by_key(|p| p.pid);
    out
}

fn read_proc(root: &std::path::Path, pid: u32) -> Option<ProcInfo> {
    let dir = root.join(pid.to_string());
    let stat = fs::read_to_string(dir.join("stat")).ok()?;
    let (comm, ppid) = parse_stat(&stat)?;
    let status = fs::read_to_string(dir.join("status")).unwrap_or_default();
    let uid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(u32::MAX);
    let cgroup = fs::read_to_string(dir.join("cgroup")).unwrap_or_default();
    let container_id = parse_proc_cgroup(&cgroup).container_id;
    Some(ProcInfo {
        pid,
        ppid,
        uid,
        comm,
        container_id,
        ..ProcInfo::default()
    })
}

/// (comm, ppid) from /proc/PID/stat; comm may hold spaces and parentheses.
pub fn parse_stat(stat: &str) -> Option<(String, u32)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let comm = stat.get(open + 1..close)?.to_string();
    let mut rest = stat.get(close + 1..)?.split_whitespace();
    let _state = rest.next()?;
    let ppid = rest.next()?.parse().ok()?;
    Some((comm, ppid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stat_with_hostile_comm() {
        assert_eq!(
            parse_stat("42 (a) b (c) S 7 42 42"),
            Some(("a) b (c".into(), 7))
        );
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn scans_this_process() {
        let me = std::process::id();
        let procs = scan();
        assert!(procs.iter().any(|p| p.pid == me), "own pid listed");
    }
}
