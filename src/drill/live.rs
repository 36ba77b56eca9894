//! What the grader reads from the live lab at grade time: a container's processes, their env, files, fds, terminal, sockets, binary, seccomp and capabilities.

use std::path::Path;

use crate::inspect;

const PROC: &str = "/proc";

/// Host pids of every process in container `id` (its cgroup path names the id).
pub fn container_pids(id: &str) -> Vec<u32> {
    let Ok(rd) = std::fs::read_dir(PROC) else {
        return Vec::new();
    };
    let mut pids: Vec<u32> = rd
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("{PROC}/{pid}/cgroup")).is_ok_and(|c| c.contains(id))
        })
        .collect();
    pids.sort_unstable();
    pids
}

/// The value of env `var` of `pid`.
pub fn env_value(pid: u32, var: &str) -> Option<String> {
    inspect::environ::read_environ(Path::new(PROC), pid)
        .ok()?
        .into_iter()
        .find(|e| e.name(true) == var)
        .and_then(|e| e.value(true).map(str::to_string))
}

/// The content of `path` inside `pid`'s root (never leaving it), trimmed.
pub fn file_in_root(pid: u32, path: &str) -> Option<String> {
    let root = Path::new(PROC).join(pid.to_string()).join("root");
    let bytes = inspect::inroot::read_in_root(&root, Path::new(path), 1 << 20).ok()?;
    Some(String::from_utf8_lossy(&bytes).trim().to_string())
}

/// The fds of any of `pids` open on `path`: (pid, fd).
pub fn fds_on(pids: &[u32], path: &str) -> Vec<(u32, u32)> {
    pids.iter()
        .flat_map(|&pid| {
            inspect::fds::list_fds(Path::new(PROC), pid)
                .unwrap_or_default()
                .into_iter()
                .filter(|f| f.target == path)
                .map(move |f| (pid, f.fd))
        })
        .collect()
}

/// Field `n` (1-based, as proc(5) numbers them) of `/proc/PID/stat`.
fn stat_field(pid: u32, n: usize) -> Option<i64> {
    let stat = std::fs::read_to_string(format!("{PROC}/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    after.split(' ').nth(n - 3)?.parse().ok()
}

/// Whether `pid` has a controlling terminal.
pub fn has_tty(pid: u32) -> bool {
    stat_field(pid, 7).is_some_and(|t| t != 0)
}

/// The inode of the TCP socket listening on `port` (IPv4 or IPv6), if any.
pub fn listening_inode(port: u16) -> Option<u64> {
    ["net/tcp", "net/tcp6"].iter().find_map(|t| {
        let text = std::fs::read_to_string(Path::new(PROC).join(t)).ok()?;
        inspect::sockets::parse_inet(&text, "tcp")
            .into_iter()
            .find(|s| {
                s.state == "LISTEN"
                    && s.local
                        .as_deref()
                        .is_some_and(|l| l.rsplit(':').next() == Some(&port.to_string()))
            })
            .map(|s| s.inode)
    })
}

/// Which of `pids` holds socket `inode`.
pub fn socket_owner(pids: &[u32], inode: u64) -> Option<u32> {
    let want = format!("socket:[{inode}]");
    pids.iter().copied().find(|&pid| {
        inspect::fds::list_fds(Path::new(PROC), pid)
            .unwrap_or_default()
            .iter()
            .any(|f| f.target == want)
    })
}

/// Whether `pid` runs a binary deleted from disk.
pub fn exe_deleted(pid: u32) -> bool {
    std::fs::read_link(format!("{PROC}/{pid}/exe"))
        .is_ok_and(|p| p.to_string_lossy().ends_with(" (deleted)"))
}

/// `pid`'s seccomp mode (0, 1, 2) and effective capability names (`CAP_…`).
pub fn security(pid: u32) -> Option<(u8, Vec<String>)> {
    let s = inspect::status::read_status(Path::new(PROC), pid).ok()?;
    Some((s.seccomp, inspect::caps::decode(s.cap_eff)))
}

/// `pid`'s argv.
pub fn cmdline(pid: u32) -> Option<Vec<String>> {
    let raw = std::fs::read(format!("{PROC}/{pid}/cmdline")).ok()?;
    Some(
        raw.split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect(),
    )
}
