//! `/proc/PID/status`: name, state, ids, threads, seccomp, no_new_privs and capability masks (the parser is in the leaf [`crate::model::proc`], shared with the collector and the rule engine).

use std::io;
use std::path::Path;

pub use crate::model::proc::{
    Ids, Status, parse_status, seccomp_mode_name, state_word, unescape_name,
};

/// Reads and parses `<proc_root>/<pid>/status`.
pub fn read_status(proc_root: &Path, pid: u32) -> io::Result<Status> {
    let text = std::fs::read(proc_root.join(pid.to_string()).join("status"))?;
    parse_status(&String::from_utf8_lossy(&text))
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "malformed status"))
}

#[cfg(test)]
#[path = "tests/status.rs"]
mod tests;
