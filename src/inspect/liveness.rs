//! Whether the inspected process is still the same live one, and section errors vs. "it exited".

use std::io;
use std::path::Path;

use super::{InspectError, SectionError};

/// Section bookkeeping: turns read errors into [`SectionError`]s, or into
/// [`InspectError::Exited`] as soon as one is explained by the process being gone.
pub(super) struct Cx<'a> {
    pub(super) root: &'a Path,
    pub(super) pid: u32,
    pub(super) start: u64,
    pub(super) errors: Vec<SectionError>,
}

impl Cx<'_> {
    /// Still the same process (start time), not exiting (`PF_EXITING`), not a zombie.
    pub(super) fn alive(&self) -> bool {
        match stat_fields(self.root, self.pid) {
            Ok(f) => {
                f.start == self.start
                    && f.flags & PF_EXITING == 0
                    && !matches!(f.state, 'Z' | 'X' | 'x')
            }
            Err(e) => !is_gone(&e),
        }
    }

    pub(super) fn take<T>(
        &mut self,
        section: &'static str,
        r: io::Result<T>,
    ) -> Result<Option<T>, InspectError> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(e) => {
                // Any failure may be the exit (a zombie's mountinfo is EINVAL).
                if !self.alive() {
                    return Err(InspectError::Exited(self.pid));
                }
                self.errors.push(SectionError {
                    section,
                    message: e.to_string(),
                    permission_denied: e.kind() == io::ErrorKind::PermissionDenied,
                });
                Ok(None)
            }
        }
    }

    /// Like [`Cx::take`], but "not found" on a live process means "has none"
    /// (a kernel thread has no exe), not an error.
    pub(super) fn take_present<T>(
        &mut self,
        section: &'static str,
        r: io::Result<T>,
    ) -> Result<Option<T>, InspectError> {
        match r {
            Err(e) if e.kind() == io::ErrorKind::NotFound && self.alive() => Ok(None),
            other => self.take(section, other),
        }
    }
}

pub(super) fn is_gone(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(libc::ESRCH)
}

/// Field 22 of `/proc/PID/stat` (start time in clock ticks since boot): the
/// process's identity across pid reuse.
pub fn start_time(proc_root: &Path, pid: u32) -> io::Result<u64> {
    stat_fields(proc_root, pid).map(|f| f.start)
}

/// `PF_EXITING` in the task flags (`include/linux/sched.h`): `do_exit` has begun.
const PF_EXITING: u64 = 0x4;

struct StatFields {
    state: char,
    flags: u64,
    start: u64,
}

/// State, flags and start time from `/proc/PID/stat`; the comm may hold `)`.
fn stat_fields(proc_root: &Path, pid: u32) -> io::Result<StatFields> {
    let raw = std::fs::read(proc_root.join(pid.to_string()).join("stat"))?;
    let st = crate::model::proc::parse_stat(&String::from_utf8_lossy(&raw))
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "malformed stat"))?;
    Ok(StatFields {
        state: st.state,
        flags: st.flags,
        start: st.start_ticks,
    })
}
