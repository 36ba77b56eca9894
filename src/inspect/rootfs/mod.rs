//! Safe browsing of a process's root filesystem (`/proc/PID/root`) with openat2(RESOLVE_IN_ROOT).
//!
//! Every path is resolved by the kernel with `RESOLVE_IN_ROOT |
//! RESOLVE_NO_MAGICLINKS` against a descriptor of the root: absolute symlinks
//! and `..` stay inside it (a container's `/app/x -> /etc/shadow` shows the
//! container's `/etc/shadow`), and `/proc/*/root`-style magic links are refused.
//! Nothing here joins `/proc/PID/root/<path>` strings or uses `std::fs` on them.

mod entry;
pub(super) mod sys;
#[cfg(test)]
mod tests;
mod view;

use std::ffi::{CStr, CString, OsString};
use std::io::{self, Read};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

pub use entry::{DirEntry, FileKind, mode_string};
pub use view::{DEFAULT_PREVIEW_CAP, DEFAULT_STRINGS_MIN, FileView};

/// Why an in-root operation failed.
#[derive(Debug, thiserror::Error)]
pub enum RootFsError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    #[error("{path}: not a directory")]
    NotADirectory { path: String },
    #[error("{path}: is a {kind}, not a regular file; refusing to read it")]
    NotRegularFile { path: String, kind: FileKind },
    #[error("{path}: on a pseudo-filesystem ({fs}), not read")]
    PseudoFs { path: String, fs: &'static str },
    #[error("{path}: permission denied")]
    Permission { path: String },
    #[error("{path}: path leaves the root")]
    Escaped { path: String },
    #[error("{path}: too many levels of symbolic links, or a /proc magic link (refused)")]
    Loop { path: String },
    #[error("process {pid} has exited")]
    Exited { pid: u32 },
    #[error(
        "this kernel lacks openat2(2) with RESOLVE_IN_ROOT (Linux 5.6+); refusing to browse without it"
    )]
    Unsupported,
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
}

/// Maps an errno from resolving `path` to a [`RootFsError`].
fn map_err(err: io::Error, path: &str) -> RootFsError {
    let path = path.to_string();
    match err.raw_os_error() {
        Some(libc::ENOENT) => RootFsError::NotFound { path },
        Some(libc::ENOTDIR) => RootFsError::NotADirectory { path },
        Some(libc::EACCES | libc::EPERM) => RootFsError::Permission { path },
        Some(libc::EXDEV) => RootFsError::Escaped { path },
        Some(libc::ELOOP) => RootFsError::Loop { path },
        Some(libc::ENOSYS) => RootFsError::Unsupported,
        _ => RootFsError::Io { path, source: err },
    }
}

/// A directory acting as `/`: a process root (`/proc/PID/root`) or, in tests,
/// any directory. Holds an `O_PATH` descriptor of it, so the view stays on the
/// same root even if the path is reused.
#[derive(Debug)]
pub struct RootFs {
    fd: OwnedFd,
    path: PathBuf,
}

impl RootFs {
    /// Opens `root` (following `/proc/PID/root` to the process's root; this is
    /// the one magic link we want). `Exited` if `/proc/PID/root` is gone;
    /// `Unsupported` if the kernel has no openat2.
    pub fn open(root: &Path) -> Result<RootFs, RootFsError> {
        let shown = root.display().to_string();
        let fd = sys::open(root, libc::O_PATH | libc::O_DIRECTORY).map_err(|e| {
            match (e.raw_os_error(), proc_root_pid(root)) {
                (Some(libc::ENOENT | libc::ESRCH), Some(pid)) => RootFsError::Exited { pid },
                _ => map_err(e, &shown),
            }
        })?;
        sys::openat2_in_root(fd.as_fd(), c".", libc::O_PATH).map_err(|e| map_err(e, &shown))?;
        Ok(RootFs {
            fd,
            path: root.to_path_buf(),
        })
    }

    /// The root as given to [`RootFs::open`].
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Lists a directory inside the root (following symlinks inside the root,
    /// so listing `/app/dir-link` lists what it points at). Directories first,
    /// then by name. A symlink entry carries its text and where it resolves.
    pub fn list(&self, path: impl AsRef<Path>) -> Result<Vec<DirEntry>, RootFsError> {
        let (shown, c) = in_root_cpath(path.as_ref())?;
        let dir = self.open_in(&c, libc::O_RDONLY | libc::O_DIRECTORY, &shown)?;
        let base = self
            .in_root_path(dir.as_fd(), &shown)
            .unwrap_or(shown.clone());
        let names = sys::read_dir(dir.as_fd()).map_err(|e| map_err(e, &shown))?;
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let Ok(cname) = sys::cstring(name.as_bytes()) else {
                continue;
            };
            // Raced with an unlink: skip it.
            let Ok(st) = sys::fstatat(dir.as_fd(), &cname, libc::AT_SYMLINK_NOFOLLOW) else {
                continue;
            };
            let mut ent = DirEntry::from_stat(name, &st);
            if ent.kind == FileKind::Symlink {
                ent.link_target = sys::readlinkat(dir.as_fd(), &cname)
                    .ok()
                    .map(|t| t.to_string_lossy().into_owned());
                let child = Path::new(&base).join(&ent.os_name);
                ent.link_resolved = self.resolve(&child).ok();
            }
            out.push(ent);
        }
        out.sort_by(|a, b| {
            (b.kind == FileKind::Dir)
                .cmp(&(a.kind == FileKind::Dir))
                .then_with(|| a.os_name.cmp(&b.os_name))
        });
        Ok(out)
    }

    /// The entry for `path` itself, not following a final symlink (`lstat`).
    pub fn stat(&self, path: impl AsRef<Path>) -> Result<DirEntry, RootFsError> {
        let (shown, c) = in_root_cpath(path.as_ref())?;
        let fd = self.open_in(&c, libc::O_PATH | libc::O_NOFOLLOW, &shown)?;
        let st = sys::fstat(fd.as_fd()).map_err(|e| map_err(e, &shown))?;
        let name = path
            .as_ref()
            .file_name()
            .map_or_else(|| OsString::from("/"), |n| n.to_os_string());
        let mut ent = DirEntry::from_stat(name, &st);
        if ent.kind == FileKind::Symlink {
            ent.link_target = sys::readlinkat(fd.as_fd(), c"")
                .ok()
                .map(|t| t.to_string_lossy().into_owned());
            ent.link_resolved = self.resolve(path.as_ref()).ok();
        }
        Ok(ent)
    }

    /// Where `path` resolves inside the root, e.g. `/app/shadow-link` →
    /// `/etc/shadow`. Computed safely: the kernel resolves the path with
    /// RESOLVE_IN_ROOT into an `O_PATH` descriptor, then the descriptor's
    /// `/proc/self/fd/N` text has the root descriptor's own text stripped off.
    /// (For a root in another mount namespace the kernel prints both relative
    /// to that namespace, so the prefix is `/`.) A result outside the root's
    /// prefix is reported as `Escaped`.
    pub fn resolve(&self, path: impl AsRef<Path>) -> Result<String, RootFsError> {
        let (shown, c) = in_root_cpath(path.as_ref())?;
        let fd = self.open_in(&c, libc::O_PATH, &shown)?;
        self.in_root_path(fd.as_fd(), &shown)
    }

    /// Reads at most `cap` bytes of a regular file inside the root (following
    /// symlinks inside the root). Devices, fifos and sockets are refused before
    /// they are opened for reading (opening a fifo blocks; opening some devices
    /// has side effects): the path is opened `O_PATH`, checked with `fstat`,
    /// and only then re-opened for reading through `/proc/self/fd/N`. Files on
    /// a pseudo-filesystem (a procfs the container mounted, sysfs, cgroupfs...)
    /// are refused the same way, by `fstatfs`: `/proc/self/environ` there would
    /// be ktriage's own environment, `/proc/PID/environ` anyone's secrets, and
    /// reading `/proc/kmsg` consumes the kernel log.
    pub fn read(&self, path: impl AsRef<Path>, cap: usize) -> Result<FileView, RootFsError> {
        let (shown, c) = in_root_cpath(path.as_ref())?;
        let pfd = self.open_in(&c, libc::O_PATH, &shown)?;
        if let Some(fs) = crate::safe_fs::pseudo_fs(pfd.as_fd()).map_err(|e| map_err(e, &shown))? {
            return Err(RootFsError::PseudoFs { path: shown, fs });
        }
        let st = sys::fstat(pfd.as_fd()).map_err(|e| map_err(e, &shown))?;
        let kind = FileKind::from_mode(st.st_mode);
        if kind != FileKind::File {
            return Err(RootFsError::NotRegularFile { path: shown, kind });
        }
        let resolved = self.in_root_path(pfd.as_fd(), &shown)?;
        let file = reopen_for_read(pfd.as_fd()).map_err(|e| map_err(e, &shown))?;
        let mut data = Vec::with_capacity(cap.min(st.st_size.max(0) as usize).saturating_add(1));
        std::fs::File::from(file)
            .take((cap as u64).saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|e| map_err(e, &shown))?;
        let truncated = data.len() > cap;
        data.truncate(cap);
        Ok(FileView {
            path: shown,
            resolved,
            size: (st.st_size.max(0) as u64).max(data.len() as u64),
            data,
            truncated,
        })
    }

    fn open_in(&self, c: &CStr, flags: i32, shown: &str) -> Result<OwnedFd, RootFsError> {
        sys::openat2_in_root(self.fd.as_fd(), c, flags).map_err(|e| map_err(e, shown))
    }

    fn in_root_path(&self, fd: BorrowedFd<'_>, shown: &str) -> Result<String, RootFsError> {
        let io = |e| map_err(e, shown);
        let root = sys::fd_path(self.fd.as_fd()).map_err(io)?;
        let full = sys::fd_path(fd).map_err(io)?;
        strip_root(&root.to_string_lossy(), &full.to_string_lossy()).ok_or_else(|| {
            RootFsError::Escaped {
                path: shown.to_string(),
            }
        })
    }
}

/// `full` relative to `root` as an absolute in-root path; `None` if `full` is
/// not `root` or below it (checked at a path-component boundary).
fn strip_root(root: &str, full: &str) -> Option<String> {
    let root = root.trim_end_matches('/');
    if root.is_empty() {
        return full.starts_with('/').then(|| full.to_string());
    }
    match full.strip_prefix(root)? {
        "" => Some("/".to_string()),
        rest if rest.starts_with('/') => Some(rest.to_string()),
        _ => None,
    }
}

/// The pid of a `/proc/PID/root` path.
fn proc_root_pid(root: &Path) -> Option<u32> {
    let mut c = root.components().map(|c| c.as_os_str().to_str());
    match (c.next()?, c.next()?, c.next()?, c.next()?, c.next()) {
        (Some("/"), Some("proc"), Some(pid), Some("root"), None) => pid.parse().ok(),
        _ => None,
    }
}

/// The display string and C string of an in-root path (`""` means `/`).
fn in_root_cpath(path: &Path) -> Result<(String, CString), RootFsError> {
    let bytes = path.as_os_str().as_bytes();
    let bytes = if bytes.is_empty() { b"/" } else { bytes };
    let shown = String::from_utf8_lossy(bytes).into_owned();
    let c = sys::cstring(bytes).map_err(|e| map_err(e, &shown))?;
    Ok((shown, c))
}

/// Re-opens our verified regular-file `O_PATH` descriptor for reading, without
/// updating the access time when allowed (forensics should not touch atime).
pub(super) fn reopen_for_read(fd: BorrowedFd<'_>) -> io::Result<OwnedFd> {
    let link = PathBuf::from(format!(
        "/proc/self/fd/{}",
        std::os::fd::AsRawFd::as_raw_fd(&fd)
    ));
    let flags = libc::O_RDONLY | libc::O_NOCTTY | libc::O_NONBLOCK;
    match sys::open(&link, flags | libc::O_NOATIME) {
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => sys::open(&link, flags),
        r => r,
    }
}
