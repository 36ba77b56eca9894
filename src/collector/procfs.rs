//! /proc polling: the process table without BPF (and alongside it).

use std::fs;

use crate::identity::cgroup::parse_proc_cgroup;
use crate::model::ProcInfo;
use crate::model::proc::{parse_stat, parse_status};

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
    let stat = parse_stat(&String::from_utf8_lossy(&fs::read(dir.join("stat")).ok()?))?;
    let status = fs::read(dir.join("status")).unwrap_or_default();
    let uid = parse_status(&String::from_utf8_lossy(&status)).map_or(u32::MAX, |s| s.uid.real);
    let cgroup = fs::read_to_string(dir.join("cgroup")).unwrap_or_default();
    let container_id = parse_proc_cgroup(&cgroup).container_id;
    Some(ProcInfo {
        pid,
        ppid: stat.ppid,
        uid,
        comm: stat.comm,
        container_id,
        ..ProcInfo::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A comm that is not UTF-8 does not hide the process from the poller.
    #[test]
    fn lists_a_process_whose_comm_is_not_utf8() {
        let dir = std::env::temp_dir().join(format!("kt-procfs-{}", std::process::id()));
        let p = dir.join("77");
        fs::create_dir_all(&p).expect("fixture dir");
        fs::write(
            p.join("stat"),
            b"77 (\xff\xfeevil) S 1 77 77 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0",
        )
        .expect("stat");
        fs::write(
            p.join("status"),
            b"Name:\t\xff\xfeevil\nState:\tS (sleeping)\nUid:\t1000\t1000\t1000\t1000\n",
        )
        .expect("status");
        let procs = scan_root(&dir);
        fs::remove_dir_all(&dir).expect("cleanup");
        assert_eq!(procs.len(), 1);
        assert_eq!((procs[0].pid, procs[0].ppid, procs[0].uid), (77, 1, 1000));
        assert_eq!(procs[0].comm, "\u{fffd}\u{fffd}evil");
    }

    #[test]
    fn scans_this_process() {
        let me = std::process::id();
        let procs = scan();
        assert!(procs.iter().any(|p| p.pid == me), "own pid listed");
    }
}
