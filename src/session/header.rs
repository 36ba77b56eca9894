//! The header block: what was recorded, where, when and by whom; gathered from the running system, stored as JSON.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::SessionError;
use crate::safe_fs::{RULES_CAP, read_input};

/// A rule file the recording evaluated, and the SHA-256 of its bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleFileHash {
    /// The path as given.
    pub path: String,
    /// Hex SHA-256 of its content.
    pub sha256: String,
}

/// The header of a session file (one per file; a rotated file has its own).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// `ktriage` version that wrote it.
    pub tool_version: String,
    /// Host name.
    pub host: String,
    /// Kernel release (`uname -r`).
    pub kernel: String,
    /// `/proc/sys/kernel/random/boot_id`: the boot the boot-clock times belong to.
    pub boot_id: String,
    /// Wall clock at the start, ns since the Unix epoch.
    pub wall_start_ns: u64,
    /// CLOCK_BOOTTIME at the start, ns (the collector's clock; record times use it).
    pub boot_start_ns: u64,
    /// Real uid of the recorder.
    pub uid: u32,
    /// `SUDO_USER`, when run through sudo.
    pub sudo_user: Option<String>,
    /// Command line, secret-shaped arguments masked.
    pub argv: Vec<String>,
    /// Rule files and their hashes.
    pub rule_files: Vec<RuleFileHash>,
    /// Filters in force (as the command line gave them).
    pub filters: Vec<String>,
    /// Secrets were kept (`--record-secrets`): the file holds unmasked values.
    pub secrets_kept: bool,
    /// Part number: 0, then 1, 2… for files continued after rotation.
    pub part: u32,
    /// Final hash (hex) of the previous part, linking rotated files.
    pub prev_part_hash: Option<String>,
}

fn first_line(path: &str) -> String {
    std::fs::read_to_string(path)
        .map(|s| s.lines().next().unwrap_or_default().trim().to_string())
        .unwrap_or_default()
}

impl Header {
    /// Gathers the header for a recording starting now: host, kernel, boot id,
    /// clocks, operator, the command line `argv` (masked here), hashes of
    /// `rule_files`, the `filters` and whether secrets are kept.
    pub fn gather(
        argv: &[String],
        rule_files: &[PathBuf],
        filters: Vec<String>,
        secrets_kept: bool,
    ) -> Result<Self, SessionError> {
        let mut rules = Vec::with_capacity(rule_files.len());
        for p in rule_files {
            let bytes = read_input("--rules", p, RULES_CAP)?;
            rules.push(RuleFileHash {
                path: p.display().to_string(),
                sha256: hex(&Sha256::digest(&bytes)),
            });
        }
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Ok(Self {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            host: first_line("/proc/sys/kernel/hostname"),
            kernel: first_line("/proc/sys/kernel/osrelease"),
            boot_id: first_line("/proc/sys/kernel/random/boot_id"),
            wall_start_ns: wall,
            boot_start_ns: crate::collector::clock::boot_ns(),
            // SAFETY: getuid has no preconditions and cannot fail.
            uid: unsafe { libc::getuid() },
            sudo_user: std::env::var("SUDO_USER").ok().filter(|s| !s.is_empty()),
            // Masked even with secrets kept: they are about the workloads, not our own flags.
            argv: crate::redact::mask_argv(argv),
            rule_files: rules,
            filters,
            secrets_kept,
            part: 0,
            prev_part_hash: None,
        })
    }

    /// Wall-clock ns of a boot-clock time of this recording.
    pub fn wall_ns(&self, boot_ns: u64) -> i128 {
        i128::from(self.wall_start_ns) - i128::from(self.boot_start_ns) + i128::from(boot_ns)
    }

    /// The wall clock that maps this recording's boot-clock times.
    pub fn wall_clock(&self) -> crate::collector::clock::WallClock {
        crate::collector::clock::WallClock::with_offset(
            i128::from(self.wall_start_ns) - i128::from(self.boot_start_ns),
        )
    }
}

/// Lower-case hex of `b`.
pub fn hex(b: &[u8]) -> String {
    use std::fmt::Write;
    b.iter()
        .fold(String::with_capacity(b.len() * 2), |mut s, x| {
            let _ = write!(s, "{x:02x}");
            s
        })
}
