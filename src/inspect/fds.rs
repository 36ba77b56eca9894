//! Open file descriptors: `/proc/PID/fd/*` targets classified, with flags and position from `fdinfo`.

use std::fs::FileType;
use std::io;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

use super::sockets::Socket;

/// What a descriptor refers to.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FdKind {
    File,
    Dir,
    /// `socket:[INODE]`.
    Socket(u64),
    /// `pipe:[INODE]`, or a named FIFO.
    Pipe,
    /// `anon_inode:[eventfd]`, `anon_inode:inotify`: the name without brackets.
    AnonInode(String),
    /// `/memfd:NAME (deleted)`: the NAME.
    Memfd(String),
    CharDevice,
    BlockDevice,
    /// Anything else (`net:[...]` ns handles, unknown).
    Other,
}

impl FdKind {
    /// `file`, `dir`, `socket`, `pipe`, `anon_inode`, `memfd`, `char`, `block`, `other`.
    pub fn name(&self) -> &'static str {
        match self {
            FdKind::File => "file",
            FdKind::Dir => "dir",
            FdKind::Socket(_) => "socket",
            FdKind::Pipe => "pipe",
            FdKind::AnonInode(_) => "anon_inode",
            FdKind::Memfd(_) => "memfd",
            FdKind::CharDevice => "char",
            FdKind::BlockDevice => "block",
            FdKind::Other => "other",
        }
    }
}

/// One descriptor.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fd {
    pub fd: u32,
    /// The link target, raw (paths may hold any byte); sanitize before drawing.
    pub target: String,
    pub kind: FdKind,
    /// `flags:` from fdinfo (octal there), when readable.
    pub flags: Option<u32>,
    /// `pos:` from fdinfo.
    pub pos: Option<u64>,
    /// Filled by the inspector for sockets found in the process's own net tables.
    pub socket: Option<Socket>,
}

impl Fd {
    /// [`decode_flags`] of `flags`, empty when unknown.
    pub fn flag_names(&self) -> Vec<&'static str> {
        self.flags.map(decode_flags).unwrap_or_default()
    }
}

/// Lists `<proc_root>/<pid>/fd`, sorted by number. A descriptor closed while
/// listing is skipped; fdinfo that cannot be read leaves `flags`/`pos` empty.
pub fn list_fds(proc_root: &Path, pid: u32) -> io::Result<Vec<Fd>> {
    let dir = proc_root.join(pid.to_string());
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir.join("fd"))? {
        let entry = entry?;
        let Some(fd) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(link) = std::fs::read_link(entry.path()) else {
            continue;
        };
        let target = link.to_string_lossy().into_owned();
        // stat() follows the magic link to the open file itself.
        let ftype = std::fs::metadata(entry.path()).ok().map(|m| m.file_type());
        let (flags, pos) = std::fs::read_to_string(dir.join("fdinfo").join(fd.to_string()))
            .map(|t| parse_fdinfo(&t))
            .unwrap_or((None, None));
        out.push(Fd {
            fd,
            kind: classify(&target, ftype),
            target,
            flags,
            pos,
            socket: None,
        });
    }
    out.sort_by_key(|f| f.fd);
    Ok(out)
}

/// `(flags, pos)` from fdinfo text (`pos:\t0\nflags:\t02100002\n...`).
pub fn parse_fdinfo(text: &str) -> (Option<u32>, Option<u64>) {
    let field = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k)?.strip_prefix(':').map(str::trim))
    };
    (
        field("flags").and_then(|v| u32::from_str_radix(v, 8).ok()),
        field("pos").and_then(|v| v.parse().ok()),
    )
}

/// Kind of a descriptor from its link text, and its file type when stat worked.
pub fn classify(target: &str, ftype: Option<FileType>) -> FdKind {
    if let Some(ino) = bracketed(target, "socket:") {
        return FdKind::Socket(ino.parse().unwrap_or(0));
    }
    if target.starts_with("pipe:[") {
        return FdKind::Pipe;
    }
    if let Some(rest) = target.strip_prefix("anon_inode:") {
        return FdKind::AnonInode(rest.trim_start_matches('[').trim_end_matches(']').into());
    }
    if let Some(rest) = target.strip_prefix("/memfd:") {
        return FdKind::Memfd(rest.strip_suffix(" (deleted)").unwrap_or(rest).into());
    }
    match ftype {
        Some(t) if t.is_dir() => FdKind::Dir,
        Some(t) if t.is_char_device() => FdKind::CharDevice,
        Some(t) if t.is_block_device() => FdKind::BlockDevice,
        Some(t) if t.is_fifo() => FdKind::Pipe,
        Some(t) if t.is_socket() => FdKind::Socket(0),
        Some(_) => FdKind::File,
        None if target.starts_with("/dev/") => FdKind::CharDevice,
        None if target.starts_with('/') => FdKind::File,
        None => FdKind::Other,
    }
}

fn bracketed<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    s.strip_prefix(prefix)?.strip_prefix('[')?.strip_suffix(']')
}

/// Open flags → names: the access mode first (`O_RDONLY`, `O_WRONLY`, `O_RDWR`),
/// then the set bits, with this architecture's values (`libc`). `O_SYNC`
/// includes `O_DSYNC`, so only `O_SYNC` is listed when both are set.
pub fn decode_flags(flags: u32) -> Vec<&'static str> {
    let f = flags as libc::c_int;
    let mut out = vec![match f & libc::O_ACCMODE {
        libc::O_RDONLY => "O_RDONLY",
        libc::O_WRONLY => "O_WRONLY",
        libc::O_RDWR => "O_RDWR",
        _ => "O_ACCMODE(3)",
    }];
    let bits: [(libc::c_int, &str); 16] = [
        (libc::O_CREAT, "O_CREAT"),
        (libc::O_EXCL, "O_EXCL"),
        (libc::O_NOCTTY, "O_NOCTTY"),
        (libc::O_TRUNC, "O_TRUNC"),
        (libc::O_APPEND, "O_APPEND"),
        (libc::O_NONBLOCK, "O_NONBLOCK"),
        (libc::O_SYNC, "O_SYNC"),
        (libc::O_DSYNC, "O_DSYNC"),
        (libc::O_ASYNC, "O_ASYNC"),
        (libc::O_DIRECT, "O_DIRECT"),
        (KERNEL_O_LARGEFILE, "O_LARGEFILE"),
        (libc::O_DIRECTORY, "O_DIRECTORY"),
        (libc::O_NOFOLLOW, "O_NOFOLLOW"),
        (libc::O_NOATIME, "O_NOATIME"),
        (libc::O_CLOEXEC, "O_CLOEXEC"),
        (libc::O_PATH, "O_PATH"),
    ];
    let mut seen = 0;
    for (bit, name) in bits {
        if bit != 0 && f & bit == bit && seen & bit != bit {
            out.push(name);
            seen |= bit;
        }
    }
    let tmpfile_only = libc::O_TMPFILE & !libc::O_DIRECTORY;
    if f & tmpfile_only != 0 {
        out.push("O_TMPFILE");
    }
    if f & !all_known() != 0 {
        out.push("O_UNKNOWN");
    }
    out
}

/// The kernel's `O_LARGEFILE`, which fdinfo shows on 64-bit (glibc's constant is 0 there).
#[cfg(target_arch = "aarch64")]
const KERNEL_O_LARGEFILE: libc::c_int = 0o400000;
#[cfg(target_arch = "powerpc64")]
const KERNEL_O_LARGEFILE: libc::c_int = 0o200000;
#[cfg(not(any(target_arch = "aarch64", target_arch = "powerpc64")))]
const KERNEL_O_LARGEFILE: libc::c_int = 0o100000;

fn all_known() -> libc::c_int {
    libc::O_ACCMODE
        | libc::O_CREAT
        | libc::O_EXCL
        | libc::O_NOCTTY
        | libc::O_TRUNC
        | libc::O_APPEND
        | libc::O_NONBLOCK
        | libc::O_SYNC
        | libc::O_DSYNC
        | libc::O_ASYNC
        | libc::O_DIRECT
        | KERNEL_O_LARGEFILE
        | libc::O_DIRECTORY
        | libc::O_NOFOLLOW
        | libc::O_NOATIME
        | libc::O_CLOEXEC
        | libc::O_PATH
        | libc::O_TMPFILE
}

#[cfg(test)]
#[path = "tests/fds.rs"]
mod tests;
