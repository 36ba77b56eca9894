//! Opening files inside a process's root (`/proc/PID/root`) with `openat2(RESOLVE_IN_ROOT)`, so symlinks cannot escape it.

use std::ffi::CString;
use std::fs::File;
use std::io::{self, Read};
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Opens `path` (absolute or relative, always taken from `root`) inside `root`:
/// `..` and absolute symlinks resolve against `root`, never the host's `/`, and
/// magic links (`/proc/self/...`) are refused. `flags` are `open(2)` flags;
/// `O_CLOEXEC` (and `O_NOCTTY` unless `O_PATH`) are always added.
pub fn open_in_root(root: &Path, path: &Path, flags: libc::c_int) -> io::Result<File> {
    let dir = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_PATH | libc::O_DIRECTORY)
        .open(root)?;
    let rel = path.strip_prefix("/").unwrap_or(path);
    let rel = if rel.as_os_str().is_empty() {
        Path::new(".")
    } else {
        rel
    };
    let c_path = CString::new(rel.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in path"))?;
    // openat2 rejects flags O_PATH ignores (O_NOCTTY among them).
    let extra = if flags & libc::O_PATH != 0 {
        0
    } else {
        libc::O_NOCTTY
    };
    let fd = super::rootfs::sys::openat2_in_root(dir.as_fd(), &c_path, flags | extra)?;
    Ok(File::from(fd))
}

/// Reads a regular file inside `root` (see [`open_in_root`]), at most `limit`
/// bytes. Refuses anything that is not a regular file, so a FIFO or device
/// planted by the container cannot hang or flood us, and any file on a
/// pseudo-filesystem (a symlink to `/proc/self/environ` in a root with its own
/// procfs would be our environment): both checked on an `O_PATH` descriptor
/// before that very file is re-opened for reading (non-blocking).
pub fn read_in_root(root: &Path, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let pfd = open_in_root(root, path, libc::O_PATH)?;
    if let Some(fs) = crate::safe_fs::pseudo_fs(pfd.as_fd())? {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("on a pseudo-filesystem ({fs}), not read"),
        ));
    }
    if !pfd.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    // The checked descriptor itself is re-opened: no second walk to race with.
    let file = File::from(super::rootfs::reopen_for_read(pfd.as_fd())?);
    let mut out = Vec::new();
    file.take(limit).read_to_end(&mut out)?;
    Ok(out)
}

/// `(st_dev, st_ino)` of `path` inside `root`, without following a final symlink out of it.
pub fn identity_in_root(root: &Path, path: &Path) -> io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = open_in_root(root, path, libc::O_PATH)?.metadata()?;
    Ok((m.dev(), m.ino()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlinks_stay_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("etc")).unwrap();
        std::fs::write(root.join("etc/passwd"), "inside\n").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", root.join("abs")).unwrap();
        std::os::unix::fs::symlink("../../../../../../etc/passwd", root.join("dots")).unwrap();
        for p in ["abs", "dots", "/etc/passwd"] {
            let got = read_in_root(root, Path::new(p), 1 << 20).unwrap();
            assert_eq!(got, b"inside\n", "{p}");
        }
    }

    #[test]
    fn refuses_pseudo_filesystems() {
        let e = read_in_root(Path::new("/"), Path::new("/proc/self/environ"), 1 << 20)
            .expect_err("refused");
        assert_eq!(e.to_string(), "on a pseudo-filesystem (proc), not read");
        let ok = read_in_root(Path::new("/"), Path::new("/etc/hostname"), 1 << 20);
        assert!(ok.is_ok() || !Path::new("/etc/hostname").exists(), "{ok:?}");
    }

    #[test]
    fn refuses_fifos() {
        let dir = tempfile::tempdir().unwrap();
        let c = CString::new(dir.path().join("f").as_os_str().as_bytes()).unwrap();
        // SAFETY: valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(read_in_root(dir.path(), Path::new("f"), 10).is_err());
    }
}
