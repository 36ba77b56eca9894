//! OCI bundles without the runtime socket: where a container's `config.json` is, reading it safely, the applied view and the names its annotations carry.
//!
//! containerd keeps a running container's bundle in
//! `<state>/io.containerd.runtime.v2.task/<namespace>/<id>/`; the state
//! directory is `/run/containerd` unless configured otherwise, so the shim
//! (`containerd-shim-runc-v2`, an ancestor of every container process, whose
//! working directory is its sandbox's bundle) is asked first. CRI-O keeps it in
//! the container's `userdata` directory. See [`locate`].

pub mod annotations;
pub mod locate;
pub mod spec;

use std::path::{Path, PathBuf};

pub use annotations::identity_from;
pub use locate::{BundleSearch, Found};
pub use spec::{Applied, AppliedMount, AppliedSeccomp, OciConfig};

use crate::safe_fs::{FileError, read_input};

/// Largest `config.json` read (a RuntimeDefault seccomp profile makes one of ~30 KiB).
pub const CONFIG_CAP: u64 = 4 << 20;

/// Why a bundle's `config.json` was not read.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The file is a symbolic link: a runtime never makes one, so it is not followed.
    #[error("{}: is a symbolic link; refusing to follow it", .0.display())]
    Symlink(PathBuf),
    /// Missing, not a regular file (FIFO, device, directory), over [`CONFIG_CAP`], unreadable.
    #[error(transparent)]
    File(#[from] FileError),
    /// Not the JSON of an OCI runtime spec.
    #[error("{}: byte {offset} (line {line}, column {column}): {message}", path.display())]
    Json {
        path: PathBuf,
        offset: usize,
        line: usize,
        column: usize,
        message: String,
    },
}

/// Reads and parses the `config.json` at `path` (not followed if a symlink; a regular file
/// of at most [`CONFIG_CAP`] bytes; a FIFO never blocks).
pub fn read_config(path: &Path) -> Result<OciConfig, BundleError> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(BundleError::Symlink(path.to_path_buf()));
    }
    let bytes = read_input("", path, CONFIG_CAP)?;
    serde_json::from_slice(&bytes).map_err(|e| BundleError::Json {
        path: path.to_path_buf(),
        offset: byte_offset(&bytes, e.line(), e.column()),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// The applied view of a found bundle.
pub fn read_applied(found: &Found) -> Result<Applied, BundleError> {
    let config = read_config(&found.path)?;
    Ok(Applied::from_config(
        config,
        &found.path.to_string_lossy(),
        found.runtime,
    ))
}

/// The byte offset of serde_json's 1-based `line` and `column` in `bytes`.
fn byte_offset(bytes: &[u8], line: usize, column: usize) -> usize {
    let start: usize = bytes
        .split(|b| *b == b'\n')
        .take(line.saturating_sub(1))
        .map(|l| l.len() + 1)
        .sum();
    (start + column.saturating_sub(1)).min(bytes.len())
}

#[cfg(test)]
mod tests;
