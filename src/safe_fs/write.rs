//! Output files: created `0600` without following a final symlink; existing files replaced only when asked, appended to only when they are plain regular files.

use std::fs::{File, Metadata, OpenOptions};
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use super::{FileError, Named, clear_nonblock, kind_name};

/// Mode of every file ktriage creates (before the umask).
pub const OUTPUT_MODE: u32 = 0o600;

/// What [`create_output`] does with a file that already exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Existing {
    /// Refuse it ([`FileError::Exists`]): the default for every output.
    Refuse,
    /// Truncate and rewrite it (the user asked, e.g. `--force`), if it is a
    /// regular file with one link; a symlink is still refused.
    Truncate,
}

/// An existing output must be a regular file, not a symlink, with one link.
fn check_existing(at: &Named, m: &Metadata) -> Result<(), FileError> {
    let ft = m.file_type();
    if ft.is_symlink() {
        return Err(FileError::Symlink { at: at.clone() });
    }
    if !ft.is_file() {
        return Err(FileError::NotRegular {
            at: at.clone(),
            kind: kind_name(m.mode()),
        });
    }
    if m.nlink() > 1 {
        return Err(FileError::HardLinks {
            at: at.clone(),
            links: m.nlink(),
        });
    }
    Ok(())
}

/// The descriptor we opened is the file we checked (no swap in between).
fn check_same(at: &Named, before: Option<&Metadata>, f: &File) -> Result<(), FileError> {
    let now = f.metadata().map_err(|e| FileError::io(at, e))?;
    check_existing(at, &now)?;
    match before {
        Some(b) if (b.dev(), b.ino()) != (now.dev(), now.ino()) => Err(FileError::io(
            at,
            io::Error::other("replaced while being opened"),
        )),
        _ => Ok(()),
    }
}

fn open_error(at: &Named, e: io::Error) -> FileError {
    if e.raw_os_error() == Some(libc::ELOOP) {
        FileError::Symlink { at: at.clone() }
    } else {
        FileError::io(at, e)
    }
}

/// Creates the output file `path` (named by `flag` in errors), mode `0600`.
/// A symlink as the last component is never followed; an existing file is
/// refused unless `existing` is [`Existing::Truncate`].
pub fn create_output(flag: &str, path: &Path, existing: Existing) -> Result<File, FileError> {
    let at = Named::new(flag, path);
    // A file removed between our attempts is tried again, a few times.
    for _ in 0..3 {
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NOCTTY)
            .mode(OUTPUT_MODE)
            .open(path)
        {
            Ok(f) => return Ok(f),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(open_error(&at, e)),
        }
        let before = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(FileError::io(&at, e)),
        };
        check_existing(&at, &before)?;
        if existing == Existing::Refuse {
            return Err(FileError::Exists { at });
        }
        // Not O_TRUNC: truncate only once the descriptor is checked.
        let f = match OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
            .open(path)
        {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(open_error(&at, e)),
        };
        check_same(&at, Some(&before), &f)?;
        f.set_len(0).map_err(|e| FileError::io(&at, e))?;
        clear_nonblock(&f).map_err(|e| FileError::io(&at, e))?;
        return Ok(f);
    }
    Err(FileError::io(
        &at,
        io::Error::other("keeps appearing and disappearing"),
    ))
}

/// Opens `path` (named by `flag` in errors) for appending, like Falco's
/// `file_output`: created `0600` when missing; an existing file must be a
/// regular file with one link, and a symlink as the last component is never
/// followed.
pub fn open_append(flag: &str, path: &Path) -> Result<File, FileError> {
    let at = Named::new(flag, path);
    let before = match std::fs::symlink_metadata(path) {
        Ok(m) => {
            check_existing(&at, &m)?;
            Some(m)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(FileError::io(&at, e)),
    };
    let f = OpenOptions::new()
        .append(true)
        .create(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .mode(OUTPUT_MODE)
        .open(path)
        .map_err(|e| open_error(&at, e))?;
    check_same(&at, before.as_ref(), &f)?;
    clear_nonblock(&f).map_err(|e| FileError::io(&at, e))?;
    Ok(f)
}
