//! The default stream set, per-syscall argument signatures, and the capture spec written to the probe.

use ktriage_common::{StreamSpec, capture};

use super::flags::{self, Table};
use crate::collector::syscalls;

/// Highest argument index the probe's `capture` accepts.
pub const MAX_CAPTURE_ARG: usize = 4;

/// The security-relevant syscalls streamed when the user names none, in groups:
///
/// - program execution: `execve`, `execveat` (only failures reach the stream; a
///   successful exec is reported by the exec event);
/// - file access and tampering: `open`, `openat`, `openat2`, `creat`, `unlink`,
///   `unlinkat`, `rename`, `renameat`, `renameat2`, `link`, `linkat`, `symlink`,
///   `symlinkat`, `memfd_create` (fileless payloads);
/// - permissions and ownership: `chmod`, `fchmod`, `fchmodat`, `fchmodat2`, `chown`,
///   `fchown`, `lchown`, `fchownat`;
/// - credentials: `setuid`, `setgid`, `setreuid`, `setregid`, `setresuid`,
///   `setresgid`, `setfsuid`, `setfsgid`, `capset`;
/// - network: `connect`, `accept`, `accept4`, `bind`, `listen`;
/// - other processes: `ptrace`, `process_vm_writev`, `kill`, `tkill`, `tgkill`;
/// - mounts and namespaces (container escapes): `mount`, `umount2`, `move_mount`,
///   `chroot`, `pivot_root`, `unshare`, `setns`;
/// - the kernel itself: `init_module`, `finit_module`, `delete_module`, `bpf`,
///   `kexec_load`, `kexec_file_load`.
///
/// Names the syscall table does not know (`fchmodat2` with pre-6.6 headers) are
/// left out. Sorted by number, no duplicates.
pub fn default_stream_set() -> Vec<u32> {
    let mut set: Vec<u32> = DEFAULT_NAMES
        .iter()
        .filter_map(|n| syscalls::number(n))
        .collect();
    set.sort_unstable();
    set.dedup();
    set
}

#[rustfmt::skip]
const DEFAULT_NAMES: &[&str] = &[
    "execve", "execveat",
    "open", "openat", "openat2", "creat", "unlink", "unlinkat", "rename", "renameat", "renameat2",
    "link", "linkat", "symlink", "symlinkat", "memfd_create",
    "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown", "fchownat",
    "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid", "setfsgid",
    "capset",
    "connect", "accept", "accept4", "bind", "listen",
    "ptrace", "process_vm_writev", "kill", "tkill", "tgkill",
    "mount", "umount2", "move_mount", "chroot", "pivot_root", "unshare", "setns",
    "init_module", "finit_module", "delete_module", "bpf", "kexec_load", "kexec_file_load",
];

/// Capture spec for syscall `nr`: always `enabled = 1`; the first two capturable
/// arguments of its signature (user strings, sockaddrs) go to buffers 0 and 1.
/// A syscall without a signature is streamed with its raw arguments only.
pub fn stream_spec(nr: u32) -> StreamSpec {
    let mut spec = StreamSpec {
        enabled: 1,
        ..StreamSpec::default()
    };
    let Some(sig) = syscalls::name(nr).and_then(signature) else {
        return spec;
    };
    let slots = buffer_slots(sig);
    for (arg, slot) in slots.iter().enumerate() {
        let cap = slot
            .and_then(|_| sig[arg].1.capture())
            .unwrap_or(capture::NONE);
        match slot {
            Some(0) => (spec.cap0, spec.arg0) = (cap, arg as u8),
            Some(_) => (spec.cap1, spec.arg1) = (cap, arg as u8),
            None => {}
        }
    }
    spec
}

/// Argument registers of a syscall record that decoding never reads, as a
/// bit mask: skipped arguments, registers past the signature, and the pointers whose target the probe
/// captured into a non-empty buffer (`captured[i]`: buffer `i` holds bytes;
/// the address itself is never shown once its target is). A recording stores
/// them as 0, so that what differs from call to call (stack and heap
/// addresses) costs nothing; what `decode` shows is unchanged.
pub fn unread_registers(nr: u32, captured: [bool; 2]) -> u8 {
    static TABLE: std::sync::OnceLock<Vec<[u8; 3]>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..=syscalls::max_nr())
            .map(|nr| {
                let mut m = [0u8; 3];
                let Some(sig) = syscalls::name(nr).and_then(signature) else {
                    return m;
                };
                let slots = buffer_slots(sig);
                // registers past the signature hold leftovers
                m[0] = (0x3fu8 >> sig.len().min(6)) << sig.len().min(6);
                for (i, (_, kind)) in sig.iter().enumerate().take(6) {
                    match (kind, slots[i]) {
                        (Skip, _) => m[0] |= 1 << i,
                        // AddrOut's register is read (a NULL peer is not shown)
                        (Str | Addr | OpenHow, Some(s)) => m[1 + s] |= 1 << i,
                        _ => {}
                    }
                }
                m
            })
            .collect()
    });
    let Some(m) = usize::try_from(nr).ok().and_then(|n| table.get(n)) else {
        return 0;
    };
    let mut mask = m[0];
    for (s, present) in captured.iter().enumerate() {
        if *present {
            mask |= m[1 + s];
        }
    }
    mask
}

/// How one argument is shown (and whether the probe captures what it points to).
#[derive(Clone, Copy, Debug)]
pub(super) enum Kind {
    /// Not shown (a length consumed by a sockaddr, an uncaptured buffer).
    Skip,
    /// C `int` (fd, pid): the low 32 bits, signed.
    Int,
    /// C `long`/`off_t`: all 64 bits, signed.
    Long,
    /// `size_t`, counts.
    UInt,
    /// Raw hex (addresses, opaque words).
    Hex,
    /// A directory fd: `AT_FDCWD` or a number.
    DirFd,
    /// NUL-terminated user string (captured).
    Str,
    /// sockaddr with its length in the next argument (captured).
    Addr,
    /// sockaddr filled in by the kernel, length at the pointer in the next argument
    /// (captured; shown only when the call succeeded).
    AddrOut,
    /// uid/gid (`-1` = unchanged).
    Id,
    /// Permission bits, octal.
    Mode,
    /// Octal mode, shown only when the preceding open flags create a file.
    CreateMode,
    OpenFlags,
    /// `struct open_how` (openat2) with its size in the next argument (captured):
    /// shown as its flags.
    OpenHow,
    MountFlags,
    SockType,
    Family,
    Signal,
    BpfCmd,
    /// Bit flags named from a table (low 32 bits).
    Flags(Table),
    /// Enumerated value named from a table.
    Enum(Table),
}

impl Kind {
    /// The probe capture kind for this argument, if its target is captured.
    pub(super) fn capture(self) -> Option<u8> {
        match self {
            Kind::Str => Some(capture::USER_STR),
            Kind::Addr => Some(capture::SOCKADDR_LEN),
            Kind::AddrOut => Some(capture::SOCKADDR_PLEN),
            // a sized user buffer, read like a sockaddr with its length
            Kind::OpenHow => Some(capture::SOCKADDR_LEN),
            _ => None,
        }
    }
}

/// Named argument kinds of a syscall, by position.
pub(super) type Signature = &'static [(&'static str, Kind)];

/// Which buffer (0 or 1) holds the capture of each argument: the first two
/// capturable arguments with an index the probe accepts. Shared by
/// [`stream_spec`] and the decoder so both always agree.
pub(super) fn buffer_slots(sig: Signature) -> [Option<usize>; 6] {
    let mut slots = [None; 6];
    let mut next = 0;
    for (arg, (_, kind)) in sig.iter().enumerate().take(MAX_CAPTURE_ARG + 1) {
        if next < 2 && kind.capture().is_some() {
            slots[arg] = Some(next);
            next += 1;
        }
    }
    slots
}

use Kind::*;
const SKIP: (&str, Kind) = ("", Skip);
const FD: (&str, Kind) = ("fd", Int);
const DIRFD: (&str, Kind) = ("dirfd", DirFd);
const PATH: (&str, Kind) = ("path", Str);
const MODE: (&str, Kind) = ("mode", Mode);
const AT_FLAGS: (&str, Kind) = ("flags", Flags(flags::AT));
const HEXFLAGS: (&str, Kind) = ("flags", Hex);
const OLD2: [(&str, Kind); 4] = [
    ("olddirfd", DirFd),
    ("oldpath", Str),
    ("newdirfd", DirFd),
    ("newpath", Str),
];
const ADDR_IN: [(&str, Kind); 3] = [FD, ("addr", Addr), SKIP];
const ADDR_OUT: [(&str, Kind); 3] = [FD, ("addr", AddrOut), SKIP];

/// Argument signature of the syscall called `name` (x86_64 argument order).
#[rustfmt::skip]
pub(super) fn signature(name: &str) -> Option<Signature> {
    Some(match name {
        "execve" => &[PATH, SKIP, SKIP],
        "execveat" => &[DIRFD, PATH, SKIP, SKIP, AT_FLAGS],
        "open" => &[PATH, ("flags", OpenFlags), ("mode", CreateMode)],
        "openat" => &[DIRFD, PATH, ("flags", OpenFlags), ("mode", CreateMode)],
        "openat2" => &[DIRFD, PATH, ("flags", OpenHow), SKIP],
        "creat" => &[PATH, MODE],
        "connect" | "bind" => &ADDR_IN,
        "accept" | "getpeername" | "getsockname" => &ADDR_OUT,
        "accept4" => &[FD, ("addr", AddrOut), SKIP, ("flags", Flags(flags::SOCK))],
        "listen" => &[FD, ("backlog", Int)],
        "socket" => &[("domain", Family), ("type", SockType), ("protocol", Int)],
        "sendto" => &[FD, SKIP, ("len", UInt), HEXFLAGS, ("addr", Addr), SKIP],
        "recvfrom" => &[FD, SKIP, ("len", UInt), HEXFLAGS, ("addr", AddrOut), SKIP],
        "unlink" | "rmdir" | "chdir" | "chroot" | "acct" | "stat" | "lstat" | "readlink" => &[PATH],
        "unlinkat" => &[DIRFD, PATH, ("flags", Flags(flags::UNLINK))],
        "rename" | "link" => &[("oldpath", Str), ("newpath", Str)],
        "renameat" => &OLD2,
        "renameat2" => &[OLD2[0], OLD2[1], OLD2[2], OLD2[3], ("flags", Flags(flags::RENAME))],
        "linkat" => &[OLD2[0], OLD2[1], OLD2[2], OLD2[3], AT_FLAGS],
        "symlink" => &[("target", Str), ("linkpath", Str)],
        "symlinkat" => &[("target", Str), ("newdirfd", DirFd), ("linkpath", Str)],
        "chmod" | "mkdir" => &[PATH, MODE],
        "fchmod" => &[FD, MODE],
        "fchmodat" | "mkdirat" => &[DIRFD, PATH, MODE],
        "fchmodat2" => &[DIRFD, PATH, MODE, AT_FLAGS],
        "chown" | "lchown" => &[PATH, ("uid", Id), ("gid", Id)],
        "fchown" => &[FD, ("uid", Id), ("gid", Id)],
        "fchownat" => &[DIRFD, PATH, ("uid", Id), ("gid", Id), AT_FLAGS],
        "setuid" => &[("uid", Id)],
        "setgid" => &[("gid", Id)],
        "setreuid" => &[("ruid", Id), ("euid", Id)],
        "setregid" => &[("rgid", Id), ("egid", Id)],
        "setresuid" => &[("ruid", Id), ("euid", Id), ("suid", Id)],
        "setresgid" => &[("rgid", Id), ("egid", Id), ("sgid", Id)],
        "setfsuid" => &[("fsuid", Id)],
        "setfsgid" => &[("fsgid", Id)],
        "capset" => &[("hdrp", Hex), ("datap", Hex)],
        "ptrace" => &[("request", Enum(flags::PTRACE)), ("pid", Int), ("addr", Hex), ("data", Hex)],
        "process_vm_writev" | "process_vm_readv" =>
            &[("pid", Int), SKIP, ("liovcnt", UInt), SKIP, ("riovcnt", UInt)],
        "kill" => &[("pid", Int), ("sig", Signal)],
        "tkill" => &[("tid", Int), ("sig", Signal)],
        "tgkill" => &[("tgid", Int), ("tid", Int), ("sig", Signal)],
        "mount" => &[("source", Str), ("target", Str), SKIP, ("flags", MountFlags), SKIP],
        "umount2" => &[("target", Str), ("flags", Flags(flags::UMOUNT))],
        "move_mount" => &[("from_dirfd", DirFd), ("from_path", Str), ("to_dirfd", DirFd),
                          ("to_path", Str), ("flags", Flags(flags::MOVE_MOUNT))],
        "open_tree" => &[DIRFD, PATH, ("flags", Flags(flags::OPEN_TREE))],
        "fsopen" => &[("fsname", Str), HEXFLAGS],
        "pivot_root" => &[("new_root", Str), ("put_old", Str)],
        "unshare" => &[("flags", Flags(flags::CLONE))],
        "setns" => &[FD, ("nstype", Flags(flags::CLONE))],
        "init_module" => &[SKIP, ("len", UInt), ("params", Str)],
        "finit_module" => &[FD, ("params", Str), ("flags", Flags(flags::MODULE_INIT))],
        "delete_module" => &[("name", Str), ("flags", Flags(flags::DELETE_MODULE))],
        "bpf" => &[("cmd", BpfCmd), SKIP, ("size", UInt)],
        "kexec_load" => &[("entry", Hex), ("nr_segments", UInt), SKIP, HEXFLAGS],
        "kexec_file_load" => &[("kernel_fd", Int), ("initrd_fd", Int), SKIP, ("cmdline", Str), HEXFLAGS],
        "memfd_create" => &[("name", Str), ("flags", Flags(flags::MEMFD))],
        "newfstatat" => &[DIRFD, PATH, SKIP, AT_FLAGS],
        "statx" => &[DIRFD, PATH, AT_FLAGS, ("mask", Hex)],
        "access" => &[PATH, ("mode", Int)],
        "faccessat" => &[DIRFD, PATH, ("mode", Int)],
        "faccessat2" => &[DIRFD, PATH, ("mode", Int), AT_FLAGS],
        "readlinkat" => &[DIRFD, PATH],
        "truncate" => &[PATH, ("length", Long)],
        "mknod" => &[PATH, MODE, ("dev", Hex)],
        "mknodat" => &[DIRFD, PATH, MODE, ("dev", Hex)],
        "utimensat" => &[DIRFD, PATH, SKIP, AT_FLAGS],
        "setxattr" | "lsetxattr" => &[PATH, ("name", Str), SKIP, ("size", UInt), HEXFLAGS],
        "removexattr" | "lremovexattr" => &[PATH, ("name", Str)],
        "inotify_add_watch" => &[FD, PATH, ("mask", Hex)],
        "swapon" => &[PATH, HEXFLAGS],
        "pidfd_open" => &[("pid", Int), HEXFLAGS],
        // Common fd calls (streamed when asked for, or when a rule needs them).
        "close" | "fsync" | "fdatasync" | "fchdir" => &[FD],
        "dup" => &[("oldfd", Int)],
        "dup2" => &[("oldfd", Int), ("newfd", Int)],
        "dup3" => &[("oldfd", Int), ("newfd", Int), HEXFLAGS],
        "read" | "write" => &[FD, SKIP, ("count", UInt)],
        "pread64" | "pwrite64" => &[FD, SKIP, ("count", UInt), ("offset", Long)],
        "readv" | "writev" => &[FD, SKIP, ("iovcnt", UInt)],
        "lseek" => &[FD, ("offset", Long), ("whence", Int)],
        "fcntl" => &[FD, ("cmd", Int), ("arg", Hex)],
        "ioctl" => &[FD, ("request", Hex)],
        "sendmsg" | "recvmsg" => &[FD, SKIP, HEXFLAGS],
        "shutdown" => &[FD, ("how", Int)],
        "socketpair" => &[("domain", Family), ("type", SockType), ("protocol", Int)],
        "pipe2" => &[SKIP, HEXFLAGS],
        "clone" => &[("flags", Flags(flags::CLONE))],
        "fork" | "vfork" | "pipe" | "getpid" | "getppid" | "getuid" | "geteuid" | "getgid"
        | "getegid" | "gettid" | "setsid" | "sync" | "sched_yield" | "pause" => &[],
        "exit" | "exit_group" => &[("status", Int)],
        _ => return None,
    })
}
