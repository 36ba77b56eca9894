//! Input files: stdin (`-`) or a regular file, checked before and after opening, read under a cap.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use super::{FileError, Named, clear_nonblock, kind_name};

fn not_regular(at: &Named, m: &std::fs::Metadata) -> Result<(), FileError> {
    if m.is_file() {
        Ok(())
    } else {
        Err(FileError::NotRegular {
            at: at.clone(),
            kind: kind_name(m.mode()),
        })
    }
}

/// Opens the regular file `path` (named by `flag` in errors) for reading.
/// Symlinks are followed (a config linked from elsewhere is fine), but what
/// they lead to must be a regular file: a FIFO, device, socket or directory
/// is refused without being opened for reading (opening a FIFO blocks,
/// opening some devices acts), and the opened descriptor is checked again.
pub fn open_input(flag: &str, path: &Path) -> Result<File, FileError> {
    let at = Named::new(flag, path);
    let before = std::fs::metadata(path).map_err(|e| FileError::io(&at, e))?;
    not_regular(&at, &before)?;
    let f = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| FileError::io(&at, e))?;
    let now = f.metadata().map_err(|e| FileError::io(&at, e))?;
    not_regular(&at, &now)?;
    clear_nonblock(&f).map_err(|e| FileError::io(&at, e))?;
    Ok(f)
}

/// Reads all of `path` (`-`: stdin), refusing more than `cap` bytes and
/// anything that is not a regular file (see [`open_input`]).
pub fn read_input(flag: &str, path: &Path, cap: u64) -> Result<Vec<u8>, FileError> {
    let at = Named::new(flag, path);
    let too_large = || FileError::TooLarge {
        at: at.clone(),
        cap,
    };
    let mut out = Vec::new();
    let read = if path.as_os_str() == "-" {
        io::stdin()
            .lock()
            .take(cap.saturating_add(1))
            .read_to_end(&mut out)
    } else {
        let f = open_input(flag, path)?;
        let len = f.metadata().map_err(|e| FileError::io(&at, e))?.len();
        if len > cap {
            return Err(too_large());
        }
        // procfs and growing files report no size: the cap holds while reading too.
        f.take(cap.saturating_add(1)).read_to_end(&mut out)
    };
    read.map_err(|e| FileError::io(&at, e))?;
    if out.len() as u64 > cap {
        return Err(too_large());
    }
    Ok(out)
}
