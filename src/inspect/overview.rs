//! Who and what a process is: argv, exe (deleted / replaced), cwd, user and group names from its own root, parent chain.

use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::inroot;
use super::namespaces::ns_inode;
use super::status::{self, Status};

/// How far [`parent_chain`] walks before giving up (a loop guard).
pub const MAX_PARENTS: usize = 64;
/// Largest `/etc/passwd` or `/etc/group` we read from a container.
const ACCOUNTS_LIMIT: u64 = 4 << 20;

/// The assembled overview section.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Overview {
    /// argv; empty for kernel threads.
    pub cmdline: Vec<String>,
    /// `None` for kernel threads (or when unreadable; see the section errors).
    pub exe: Option<Exe>,
    pub cwd: Option<String>,
    /// Effective uid with its name from the process's own `/etc/passwd`.
    pub uid: NamedId,
    /// Effective gid with its name from the process's own `/etc/group`.
    pub gid: NamedId,
    /// `S (sleeping)`.
    pub state: String,
    pub threads: u32,
    /// The process itself first, then its ancestors up to host pid 1.
    pub parents: Vec<Parent>,
}

/// The executable.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Exe {
    /// The link target without the ` (deleted)` suffix; raw, sanitize before drawing.
    pub path: String,
    /// The kernel marked the running file ` (deleted)`: unlinked since exec.
    pub deleted: bool,
    /// `Some(true)` when a file exists at `path` (seen from the process's root)
    /// but is not the inode being run: the binary was swapped after exec
    /// (upgrade, or tampering). `Some(false)` when it is the same inode; `None`
    /// when nothing is at the path or it could not be checked.
    pub replaced: Option<bool>,
}

/// A numeric id and its name (`None` → show `unknown`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NamedId {
    pub id: u32,
    pub name: Option<String>,
}

impl NamedId {
    /// The name, or `unknown`.
    pub fn name_or_unknown(&self) -> &str {
        self.name.as_deref().unwrap_or("unknown")
    }
}

/// One link of the parent chain.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Parent {
    pub pid: u32,
    /// Raw task name; sanitize before drawing.
    pub name: String,
    /// Inode of `/proc/PID/ns/pid`, when readable.
    pub pid_ns: Option<u64>,
    /// True when this process is the init (pid 1) of a pid namespace its parent is
    /// not in: the container's real init.
    pub pidns_init: bool,
    /// How this process came to be in a pid namespace its parent is not in, if it is.
    pub boundary: Option<Boundary>,
}

/// Why a process's pid namespace differs from its parent's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Boundary {
    /// The namespace's pid 1: the container's init.
    Init,
    /// Started in the container by the runtime (`runc exec`, CRI ExecSync): the parent is the shim.
    RuntimeExec,
    /// Entered from a host process (`nsenter`, `setns`).
    EnteredFromHost,
}

impl Boundary {
    /// Lower-case name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Self::Init => "init",
            Self::RuntimeExec => "runtime_exec",
            Self::EnteredFromHost => "entered_from_host",
        }
    }
}

/// True for the comm of a container runtime's process (shim, runc, conmon, crun).
pub fn is_runtime_comm(comm: &str) -> bool {
    ["containerd-shim", "runc", "conmon", "crun", "containerd"]
        .iter()
        .any(|r| comm.starts_with(r))
}

/// The boundary between a child (its vpid, when known) and its parent in another pid namespace.
pub fn boundary(child_vpid: Option<u32>, parent_comm: &str) -> Boundary {
    match child_vpid {
        None | Some(1) => Boundary::Init,
        Some(_) if is_runtime_comm(parent_comm) => Boundary::RuntimeExec,
        Some(_) => Boundary::EnteredFromHost,
    }
}

fn pid_dir(proc_root: &Path, pid: u32) -> PathBuf {
    proc_root.join(pid.to_string())
}

/// argv from `/proc/PID/cmdline`.
pub fn read_cmdline(proc_root: &Path, pid: u32) -> io::Result<Vec<String>> {
    Ok(parse_cmdline(&std::fs::read(
        pid_dir(proc_root, pid).join("cmdline"),
    )?))
}

/// Splits a NUL-separated argv (the trailing NUL is optional).
pub fn parse_cmdline(raw: &[u8]) -> Vec<String> {
    let raw = raw.strip_suffix(b"\0").unwrap_or(raw);
    if raw.is_empty() {
        return Vec::new();
    }
    raw.split(|b| *b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect()
}

/// The exe link, with the deleted and replaced checks (see [`Exe`]).
pub fn read_exe(proc_root: &Path, pid: u32) -> io::Result<Exe> {
    let dir = pid_dir(proc_root, pid);
    let target = std::fs::read_link(dir.join("exe"))?;
    let raw = target.to_string_lossy();
    let (path, deleted) = match raw.strip_suffix(" (deleted)") {
        Some(p) => (p.to_string(), true),
        None => (raw.into_owned(), false),
    };
    // stat() through the magic link reaches the inode being run, even if unlinked.
    let running = std::fs::metadata(dir.join("exe"))
        .ok()
        .map(|m| (m.dev(), m.ino()));
    let on_disk = inroot::identity_in_root(&dir.join("root"), Path::new(&path)).ok();
    let replaced = match (running, on_disk) {
        (Some(a), Some(b)) => Some(a != b),
        _ => None,
    };
    Ok(Exe {
        path,
        deleted,
        replaced,
    })
}

/// The cwd link target (raw).
pub fn read_cwd(proc_root: &Path, pid: u32) -> io::Result<String> {
    let t = std::fs::read_link(pid_dir(proc_root, pid).join("cwd"))?;
    Ok(t.to_string_lossy().into_owned())
}

/// The effective uid and gid named from the process's OWN `/etc/passwd` and
/// `/etc/group`, read through `/proc/PID/root` without leaving it. Names are
/// `None` when the files are unreadable or have no entry.
pub fn lookup_ids(proc_root: &Path, pid: u32, uid: u32, gid: u32) -> (NamedId, NamedId) {
    let root = pid_dir(proc_root, pid).join("root");
    let read = |p: &str| {
        inroot::read_in_root(&root, Path::new(p), ACCOUNTS_LIMIT)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .ok()
    };
    let user = read("/etc/passwd").and_then(|t| lookup_name(&t, uid));
    let group = read("/etc/group").and_then(|t| lookup_name(&t, gid));
    (
        NamedId {
            id: uid,
            name: user,
        },
        NamedId {
            id: gid,
            name: group,
        },
    )
}

/// The name whose third `:` field is `id`, in passwd or group format.
pub fn lookup_name(text: &str, id: u32) -> Option<String> {
    text.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
        let mut f = l.split(':');
        let name = f.next()?;
        let _pw = f.next()?;
        (f.next()?.trim().parse::<u32>().ok()? == id && !name.is_empty()).then(|| name.to_string())
    })
}

/// The process and its ancestors, following `PPid` up to pid 1 (or the first
/// unreadable one), with pid-namespace boundaries marked (see [`Parent`]).
pub fn parent_chain(proc_root: &Path, pid: u32) -> Vec<Parent> {
    let mut chain: Vec<Parent> = Vec::new();
    let mut vpids: Vec<Option<u32>> = Vec::new();
    let mut cur = pid;
    while chain.len() < MAX_PARENTS && !chain.iter().any(|p| p.pid == cur) {
        let Ok(st) = status::read_status(proc_root, cur) else {
            break;
        };
        chain.push(Parent {
            pid: cur,
            name: st.name,
            pid_ns: ns_inode(proc_root, cur, "pid").ok(),
            pidns_init: false,
            boundary: None,
        });
        vpids.push(st.vpid);
        if cur <= 1 || st.ppid == 0 {
            break;
        }
        cur = st.ppid;
    }
    for i in 1..chain.len() {
        if let (Some(child), Some(parent)) = (chain[i - 1].pid_ns, chain[i].pid_ns)
            && child != parent
        {
            let b = boundary(vpids[i - 1], &chain[i].name);
            chain[i - 1].boundary = Some(b);
            chain[i - 1].pidns_init = b == Boundary::Init;
        }
    }
    chain
}

/// `S (sleeping)` from a parsed status.
pub fn state_text(st: &Status) -> String {
    if st.state_word.is_empty() {
        format!("{} ({})", st.state, status::state_word(st.state))
    } else {
        format!("{} ({})", st.state, st.state_word)
    }
}

#[cfg(test)]
#[path = "tests/overview.rs"]
mod tests;
