//! Private directories: created `0700` component by component, never through a symlink, owned by us.

use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::Path;

use super::{FileError, Named, kind_name};

/// Mode of every directory ktriage creates for itself (lab state, scores).
pub const PRIVATE_DIR_MODE: u32 = 0o700;

/// Creates `path` and its missing parents mode `0700`. An existing last
/// component must be a real directory (not a symlink) owned by our euid; a
/// group- or world-accessible one is narrowed to `0700`. Parents that exist
/// are left as they are (`/run`, `/var/lib`, `~/.local/share`).
pub fn create_private_dir(flag: &str, path: &Path) -> Result<(), FileError> {
    let at = Named::new(flag, path);
    let io_err = |e: io::Error| FileError::Io {
        at: at.clone(),
        source: e,
    };
    match std::fs::DirBuilder::new()
        .recursive(true)
        .mode(PRIVATE_DIR_MODE)
        .create(path)
    {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io_err(e)),
    }
    let m = std::fs::symlink_metadata(path).map_err(io_err)?;
    if m.file_type().is_symlink() {
        return Err(FileError::Symlink { at });
    }
    if !m.is_dir() {
        return Err(FileError::NotRegular {
            kind: kind_name(m.mode()),
            at,
        });
    }
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    if m.uid() != euid {
        return Err(io_err(io::Error::other(format!(
            "owned by uid {}, not by us (uid {euid}); refusing it",
            m.uid()
        ))));
    }
    if m.mode() & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(PRIVATE_DIR_MODE))
            .map_err(io_err)?;
    }
    Ok(())
}
