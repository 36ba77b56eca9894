//! Capability bits → names, mask decoding, and what a process holds beyond the container runtime default.

use std::borrow::Cow;

/// Capability names indexed by bit (`linux/capability.h`, up to `CAP_CHECKPOINT_RESTORE` = 40).
pub const CAP_NAMES: [&str; 41] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

/// The capabilities containerd and docker grant a container by default (no `privileged`, no `capabilities.add`).
pub const RUNTIME_DEFAULT_NAMES: [&str; 14] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_FSETID",
    "CAP_FOWNER",
    "CAP_MKNOD",
    "CAP_NET_RAW",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETFCAP",
    "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT",
    "CAP_KILL",
    "CAP_AUDIT_WRITE",
];

/// [`RUNTIME_DEFAULT_NAMES`] as a mask (`0x00000000a80425fb`, docker's familiar `CapEff`).
pub const RUNTIME_DEFAULT: u64 = 0x0000_0000_a804_25fb;

/// Name of one capability bit; unknown bits come back as `CAP_<n>`.
pub fn cap_name(bit: u32) -> Cow<'static, str> {
    match CAP_NAMES.get(bit as usize) {
        Some(n) => Cow::Borrowed(n),
        None => Cow::Owned(format!("CAP_{bit}")),
    }
}

/// Bit of a capability name (`CAP_` prefix optional, case-insensitive; `CAP_<n>` accepted).
pub fn cap_bit(name: &str) -> Option<u32> {
    let upper = name.to_ascii_uppercase();
    let full = if upper.starts_with("CAP_") {
        upper
    } else {
        format!("CAP_{upper}")
    };
    if let Some(i) = CAP_NAMES.iter().position(|n| *n == full) {
        return Some(i as u32);
    }
    full.strip_prefix("CAP_")?
        .parse::<u32>()
        .ok()
        .filter(|b| *b < 64)
}

/// The names of the bits set in `mask`, sorted alphabetically.
pub fn decode(mask: u64) -> Vec<String> {
    let mut names: Vec<String> = (0..64u32)
        .filter(|b| mask & (1u64 << b) != 0)
        .map(|b| cap_name(b).into_owned())
        .collect();
    names.sort();
    names
}

/// Capabilities in `effective` or `bounding` that the runtime default does not grant:
/// what a container gained from `privileged`, `capabilities.add`, or what a host
/// process holds. The bounding set counts because a setuid binary or file
/// capability can raise a process to it.
pub fn beyond_runtime_default(effective: u64, bounding: u64) -> u64 {
    (effective | bounding) & !RUNTIME_DEFAULT
}

#[cfg(test)]
#[path = "tests/caps.rs"]
mod tests;
