//! The one way ktriage opens files named on its command line: outputs without following symlinks, inputs that are regular files under a cap, and filesystem types.
//!
//! Every file ktriage writes goes through [`create_output`] (a new file, or
//! one it may replace when asked) or [`open_append`]; every file it reads
//! through [`read_input`] or [`open_input`]. The rules, in one place:
//!
//! - outputs: the last path component is never followed if it is a symlink
//!   (`O_NOFOLLOW`), only regular files with a single link are written, new
//!   files are created mode `0600`, and an existing file is truncated only
//!   when the caller says so ([`Existing::Truncate`]);
//! - inputs: `-` is stdin; anything else must be a regular file (symlinks to
//!   one are fine): FIFOs, devices, sockets and directories are refused before
//!   they are opened for reading and checked again with `fstat` on the opened
//!   descriptor (opened `O_NONBLOCK`, so a FIFO swapped in cannot block us);
//!   each kind of input has a byte cap.
//!
//! [`pseudo_fs`] names the pseudo-filesystem (procfs, sysfs, ...) an open
//! descriptor lives on, for readers that must never read such files.

mod dir;
mod read;
mod statfs;
#[cfg(test)]
mod tests;
mod write;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

pub use dir::{PRIVATE_DIR_MODE, create_private_dir};
pub use read::{open_input, read_input};
pub use statfs::pseudo_fs;
pub use write::{Existing, OUTPUT_MODE, create_output, open_append};

/// Cap of `--pod-manifest` (a node's pods as YAML are a few MiB).
pub const MANIFEST_CAP: u64 = 64 << 20;
/// Cap of each `--rules` file (upstream `falco_rules.yaml` is ~200 KiB).
pub const RULES_CAP: u64 = 16 << 20;
/// Cap of a theme or keymap file.
pub const CONFIG_CAP: u64 = 1 << 20;

/// Which file, as the user named it: the flag and the path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    /// The command-line flag (`--rules`), or empty when there is none to name.
    pub flag: String,
    /// The path as given.
    pub path: PathBuf,
}

impl Named {
    fn new(flag: &str, path: &Path) -> Self {
        Self {
            flag: flag.to_string(),
            path: path.to_path_buf(),
        }
    }
}

impl fmt::Display for Named {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.flag.is_empty() {
            write!(f, "{}", self.path.display())
        } else {
            write!(f, "{} {}", self.flag, self.path.display())
        }
    }
}

/// Why a file was not opened, written or read; always names the flag and path.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The last component is a symlink and this is an output.
    #[error("{at}: is a symbolic link; refusing to write through it")]
    Symlink { at: Named },
    /// An output that exists and may not be replaced.
    #[error("{at}: already exists; refusing to overwrite it")]
    Exists { at: Named },
    /// A FIFO, device, socket or directory.
    #[error("{at}: is a {kind}, not a regular file; refusing it")]
    NotRegular { at: Named, kind: &'static str },
    /// An output with other hard links (writing it would change those too).
    #[error("{at}: has {links} hard links; refusing to write to it")]
    HardLinks { at: Named, links: u64 },
    /// An input over its cap.
    #[error("{at}: larger than the {cap}-byte cap; refusing to read it")]
    TooLarge { at: Named, cap: u64 },
    /// Any other I/O error.
    #[error("{at}: {source}")]
    Io {
        at: Named,
        #[source]
        source: io::Error,
    },
}

impl FileError {
    /// The flag and path this error is about.
    pub fn at(&self) -> &Named {
        match self {
            Self::Symlink { at }
            | Self::Exists { at }
            | Self::NotRegular { at, .. }
            | Self::HardLinks { at, .. }
            | Self::TooLarge { at, .. }
            | Self::Io { at, .. } => at,
        }
    }

    /// The message without the leading `flag path: ` (for callers that name the file themselves).
    pub fn reason(&self) -> String {
        let full = self.to_string();
        let prefix = format!("{}: ", self.at());
        full.strip_prefix(&prefix)
            .map_or(full.clone(), str::to_string)
    }

    /// Whether this is "no such file" (for optional inputs).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Io { source, .. } if source.kind() == io::ErrorKind::NotFound)
    }

    fn io(at: &Named, source: io::Error) -> Self {
        Self::Io {
            at: at.clone(),
            source,
        }
    }
}

/// What a `st_mode` is, in words.
pub fn kind_name(mode: u32) -> &'static str {
    match mode & libc::S_IFMT {
        libc::S_IFREG => "regular file",
        libc::S_IFDIR => "directory",
        libc::S_IFLNK => "symbolic link",
        libc::S_IFIFO => "FIFO",
        libc::S_IFCHR => "character device",
        libc::S_IFBLK => "block device",
        libc::S_IFSOCK => "socket",
        _ => "special file",
    }
}

/// Clears `O_NONBLOCK` on a descriptor we opened non-blocking only to check it.
fn clear_nonblock(fd: &impl std::os::fd::AsRawFd) -> io::Result<()> {
    let fd = fd.as_raw_fd();
    // SAFETY: fcntl F_GETFL/F_SETFL on a descriptor we own; no pointers involved.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}
