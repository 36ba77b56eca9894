//! Thin wrappers over the syscalls in-root browsing needs: openat2, fstatat, readlinkat, readdir.

use std::ffi::{CStr, CString, OsString};
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

/// The kernel's `struct open_how` (include/uapi/linux/openat2.h).
#[allow(non_camel_case_types)]
#[repr(C)]
struct open_how {
    flags: u64,
    mode: u64,
    resolve: u64,
}

/// Do not follow /proc magic links (`/proc/PID/root`, `/proc/PID/fd/N`, ...).
pub(super) const RESOLVE_NO_MAGICLINKS: u64 = 0x02;
/// Treat the dirfd as `/`: absolute symlinks and `..` stay inside it.
pub(super) const RESOLVE_IN_ROOT: u64 = 0x10;

/// `openat2(dirfd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)`.
/// `O_CLOEXEC` is always added. Retries `EAGAIN`, which the kernel returns
/// when a concurrent rename or mount could have made the in-root walk unsafe.
pub(in crate::inspect) fn openat2_in_root(
    dirfd: BorrowedFd<'_>,
    path: &CStr,
    flags: i32,
) -> io::Result<OwnedFd> {
    let how = open_how {
        flags: (flags | libc::O_CLOEXEC) as u32 as u64,
        mode: 0,
        resolve: RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    let mut tries = 0;
    loop {
        // SAFETY: `path` is NUL-terminated, `how` is a valid `open_how` of the
        // size passed, and the dirfd is borrowed for the duration of the call.
        let ret = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                dirfd.as_raw_fd(),
                path.as_ptr(),
                &how as *const open_how,
                std::mem::size_of::<open_how>(),
            )
        };
        if ret >= 0 {
            // SAFETY: the kernel returned a new file descriptor that we now own.
            return Ok(unsafe { OwnedFd::from_raw_fd(ret as i32) });
        }
        let err = io::Error::last_os_error();
        tries += 1;
        if err.raw_os_error() != Some(libc::EAGAIN) || tries >= 16 {
            return Err(err);
        }
    }
}

/// Plain `open(2)` with `O_CLOEXEC`; only for the root itself and for
/// re-opening our own O_PATH descriptors through `/proc/self/fd`.
pub(super) fn open(path: &Path, flags: i32) -> io::Result<OwnedFd> {
    let c = cstring(path.as_os_str().as_bytes())?;
    // SAFETY: `c` is NUL-terminated and outlives the call.
    let fd = unsafe { libc::open(c.as_ptr(), flags | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `open` returned a new descriptor that we now own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `fstatat(fd, name, flags)`; `name` may be empty with `AT_EMPTY_PATH`.
pub(super) fn fstatat(fd: BorrowedFd<'_>, name: &CStr, flags: i32) -> io::Result<libc::stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `name` is NUL-terminated; `st` is writable memory of the right type.
    let ret = unsafe { libc::fstatat(fd.as_raw_fd(), name.as_ptr(), st.as_mut_ptr(), flags) };
    if ret < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fstatat succeeded, so it filled `st`.
    Ok(unsafe { st.assume_init() })
}

/// `fstat` of the descriptor itself (works on O_PATH descriptors, symlinks included).
pub(super) fn fstat(fd: BorrowedFd<'_>) -> io::Result<libc::stat> {
    fstatat(fd, c"", libc::AT_EMPTY_PATH | libc::AT_SYMLINK_NOFOLLOW)
}

/// `readlinkat(fd, name)`; with an empty `name`, reads the symlink `fd` is an
/// O_PATH|O_NOFOLLOW descriptor of.
pub(super) fn readlinkat(fd: BorrowedFd<'_>, name: &CStr) -> io::Result<OsString> {
    let mut buf = vec![0u8; 256];
    loop {
        // SAFETY: `name` is NUL-terminated; `buf` is writable for `buf.len()` bytes.
        let n = unsafe {
            libc::readlinkat(
                fd.as_raw_fd(),
                name.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        let n = n as usize;
        if n < buf.len() {
            buf.truncate(n);
            return Ok(OsString::from_vec(buf));
        }
        buf.resize(buf.len() * 2, 0);
    }
}

/// Where our own descriptor points, as the kernel prints it (`/proc/self/fd/N`).
/// Reading this link does not follow anything.
pub(super) fn fd_path(fd: BorrowedFd<'_>) -> io::Result<PathBuf> {
    std::fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd()))
}

/// Names in the directory `fd` (an `O_RDONLY|O_DIRECTORY` descriptor),
/// without `.` and `..`. Does not move `fd`'s own offset past what a fresh
/// descriptor would need: the listing goes through a duplicate.
pub(super) fn read_dir(fd: BorrowedFd<'_>) -> io::Result<Vec<OsString>> {
    let dup = fd.try_clone_to_owned()?;
    // SAFETY: `dup` is a valid directory descriptor; on success fdopendir owns it.
    let dir = unsafe { libc::fdopendir(dup.as_raw_fd()) };
    if dir.is_null() {
        return Err(io::Error::last_os_error());
    }
    std::mem::forget(dup);
    // SAFETY: `dir` is a valid, non-null DIR* from fdopendir.
    unsafe { libc::rewinddir(dir) };
    let mut names = Vec::new();
    let result = loop {
        // SAFETY: errno is thread-local; clearing it tells end-of-stream from errors.
        unsafe { *libc::__errno_location() = 0 };
        // SAFETY: `dir` is valid until the closedir below.
        let ent = unsafe { libc::readdir(dir) };
        if ent.is_null() {
            let err = io::Error::last_os_error();
            break if err.raw_os_error() == Some(0) {
                Ok(())
            } else {
                Err(err)
            };
        }
        // SAFETY: readdir returned a valid dirent whose d_name is NUL-terminated.
        let name = unsafe { CStr::from_ptr((*ent).d_name.as_ptr()) };
        let bytes = name.to_bytes();
        if bytes != b"." && bytes != b".." {
            names.push(OsString::from_vec(bytes.to_vec()));
        }
    };
    // SAFETY: `dir` is valid and closed exactly once (this also closes `dup`).
    unsafe { libc::closedir(dir) };
    result.map(|()| names)
}

/// A C string from path bytes; interior NULs are an `InvalidInput` error.
pub(super) fn cstring(bytes: &[u8]) -> io::Result<CString> {
    CString::new(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains NUL"))
}
