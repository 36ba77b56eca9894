//! Which pseudo-filesystem (procfs, sysfs, cgroupfs, ...) an open descriptor is on, by `fstatfs` magic number.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

/// Filesystems whose files are views of kernel or process state, not data:
/// reading them can reveal another process's secrets (`/proc/PID/environ`),
/// ktriage's own (`/proc/self/...`), or consume something (`/proc/kmsg`).
/// Magic numbers from `include/uapi/linux/magic.h`.
const PSEUDO: &[(u32, &str)] = &[
    (0x0000_9fa0, "proc"),
    (0x6265_6572, "sysfs"),
    (0x6462_6720, "debugfs"),
    (0x7363_6673, "securityfs"),
    (0x7472_6163, "tracefs"),
    (0xcafe_4a11, "bpf"),
    (0x0027_e0eb, "cgroup"),
    (0x6367_7270, "cgroup2"),
    (0x6265_6570, "configfs"),
    (0x6165_676c, "pstore"),
    (0xde5e_81e4, "efivarfs"),
    (0x4249_4e4d, "binfmt_misc"),
    (0x6573_5543, "fusectl"),
    (0xf97c_ff8c, "selinuxfs"),
    (0x4341_5d53, "smackfs"),
    (0x1980_0202, "mqueue"),
    (0x0765_5821, "resctrl"),
    (0x6e73_6673, "nsfs"),
    (0x0000_1cd1, "devpts"),
    (0x6759_6969, "rpc_pipefs"),
    (0x6e66_7364, "nfsd"),
    (0x0000_9fa2, "usbdevfs"),
    (0xabba_1974, "xenfs"),
    (0x0000_9fa1, "openpromfs"),
];

/// The name of the pseudo-filesystem `fd` is on (works on `O_PATH`
/// descriptors), or `None` for a filesystem that holds data (ext4, xfs,
/// overlay, tmpfs, ...).
pub fn pseudo_fs(fd: BorrowedFd<'_>) -> io::Result<Option<&'static str>> {
    let mut st = std::mem::MaybeUninit::<libc::statfs>::uninit();
    // SAFETY: `fd` is a valid descriptor for the call; `st` is writable memory of the right type.
    if unsafe { libc::fstatfs(fd.as_raw_fd(), st.as_mut_ptr()) } < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fstatfs succeeded, so it filled `st`.
    let st = unsafe { st.assume_init() };
    // The magic is 32 bits; f_type is a signed long of either width.
    let magic = st.f_type as u32;
    Ok(PSEUDO.iter().find(|(m, _)| *m == magic).map(|(_, n)| *n))
}
