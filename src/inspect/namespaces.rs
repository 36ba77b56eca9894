//! Namespace inodes of a process against the host's (pid 1), and its uid/gid maps.

use std::io;
use std::path::Path;

/// The namespace kinds compared, in display order.
pub const KINDS: [&str; 8] = ["cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"];

/// Kinds whose sharing with the host is called out (`shares host pid`, ...).
pub const CALLED_OUT: [&str; 5] = ["pid", "net", "ipc", "uts", "user"];

/// One namespace of the process.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Namespace {
    #[serde(deserialize_with = "crate::inspect::static_name::deserialize")]
    pub kind: crate::inspect::static_name::StaticName,
    /// Inode from `readlink /proc/PID/ns/KIND` (`net:[4026531840]`); `None` if
    /// unreadable or the kernel lacks the kind.
    pub inode: Option<u64>,
    /// The host's (reference pid's) inode, when readable.
    pub host_inode: Option<u64>,
}

impl Namespace {
    /// `Some(true)` when both inodes are known and equal; `None` when either is unknown.
    pub fn shared_with_host(&self) -> Option<bool> {
        Some(self.inode? == self.host_inode?)
    }
}

/// One `uid_map` / `gid_map` line: ids `inside..inside+count` map to `outside..`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IdMap {
    pub inside: u32,
    pub outside: u32,
    pub count: u32,
}

/// The namespaces section.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Namespaces {
    pub entries: Vec<Namespace>,
    pub uid_map: Vec<IdMap>,
    pub gid_map: Vec<IdMap>,
}

impl Namespaces {
    /// The kinds known to be shared with the host, in [`KINDS`] order.
    pub fn shared_with_host(&self) -> Vec<&'static str> {
        self.entries
            .iter()
            .filter(|n| n.shared_with_host() == Some(true))
            .map(|n| n.kind)
            .collect()
    }

    /// `shares host pid`, `shares host net`, ... for the called-out kinds.
    pub fn callouts(&self) -> Vec<String> {
        self.shared_with_host()
            .into_iter()
            .filter(|k| CALLED_OUT.contains(k))
            .map(|k| format!("shares host {k}"))
            .collect()
    }

    /// The entry of one kind.
    pub fn get(&self, kind: &str) -> Option<&Namespace> {
        self.entries.iter().find(|n| n.kind == kind)
    }
}

/// `(kind, inode)` of a namespace link text (`net:[4026531840]`).
pub fn parse_ns_link(text: &str) -> Option<(&str, u64)> {
    let (kind, rest) = text.split_once(":[")?;
    Some((kind, rest.strip_suffix(']')?.parse().ok()?))
}

/// The inode of `/proc/PID/ns/KIND`.
pub fn ns_inode(proc_root: &Path, pid: u32, kind: &str) -> io::Result<u64> {
    let link = std::fs::read_link(proc_root.join(pid.to_string()).join("ns").join(kind))?;
    let text = link.to_string_lossy();
    parse_ns_link(&text)
        .map(|(_, ino)| ino)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, format!("bad ns link {text}")))
}

/// Reads all [`KINDS`] for `pid` and for `host_pid`, plus the maps. Fails only
/// when not a single namespace of `pid` is readable (the first error is returned).
pub fn read_namespaces(proc_root: &Path, pid: u32, host_pid: u32) -> io::Result<Namespaces> {
    let mut first_err = None;
    let mut entries = Vec::with_capacity(KINDS.len());
    for kind in KINDS {
        let inode = match ns_inode(proc_root, pid, kind) {
            Ok(i) => Some(i),
            Err(e) => {
                first_err.get_or_insert(e);
                None
            }
        };
        let host_inode = ns_inode(proc_root, host_pid, kind).ok();
        entries.push(Namespace {
            kind,
            inode,
            host_inode,
        });
    }
    if entries.iter().all(|n| n.inode.is_none())
        && let Some(e) = first_err
    {
        return Err(e);
    }
    let dir = proc_root.join(pid.to_string());
    let map = |f: &str| {
        std::fs::read_to_string(dir.join(f))
            .map(|t| parse_id_map(&t))
            .unwrap_or_default()
    };
    Ok(Namespaces {
        entries,
        uid_map: map("uid_map"),
        gid_map: map("gid_map"),
    })
}

/// Parses `uid_map` / `gid_map` text (malformed lines skipped).
pub fn parse_id_map(text: &str) -> Vec<IdMap> {
    text.lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace().map(|x| x.parse::<u32>().ok());
            Some(IdMap {
                inside: f.next()??,
                outside: f.next()??,
                count: f.next()??,
            })
        })
        .collect()
}

#[cfg(test)]
#[path = "tests/namespaces.rs"]
mod tests;
