//! Symbolic names for the flag words and enumerated constants found in syscall arguments (x86_64 values).

/// `(bits, name)` pairs; an entry whose bits are a superset of another's must come first.
pub(super) type Table = &'static [(u64, &'static str)];

/// Renders `value` as `NAME|NAME|0xrest` from `table`; `"0"` when zero.
pub(super) fn flags(value: u64, table: Table) -> String {
    let mut out = String::new();
    let rest = flags_into(&mut out, value, table);
    finish(out, rest)
}

/// Appends the names of the bits of `value` found in `table`; returns the unnamed bits.
fn flags_into(out: &mut String, value: u64, table: Table) -> u64 {
    let mut rest = value;
    for &(bits, name) in table {
        if bits != 0 && rest & bits == bits {
            push(out, name);
            rest &= !bits;
        }
    }
    rest
}

fn push(out: &mut String, name: &str) {
    if !out.is_empty() {
        out.push('|');
    }
    out.push_str(name);
}

fn finish(mut out: String, rest: u64) -> String {
    if rest != 0 {
        push(&mut out, &format!("{rest:#x}"));
    } else if out.is_empty() {
        out.push('0');
    }
    out
}

/// Name of an enumerated `value` in `table`, if known.
pub(super) fn lookup(value: u64, table: Table) -> Option<&'static str> {
    table.iter().find(|(v, _)| *v == value).map(|(_, n)| *n)
}

/// `open`/`openat` flags: the access mode first (`O_RDONLY` for 0), then the other bits.
pub(super) fn open_flags(value: u64) -> String {
    let mut out = String::from(match value & 3 {
        0 => "O_RDONLY",
        1 => "O_WRONLY",
        2 => "O_RDWR",
        _ => "O_ACCMODE",
    });
    let rest = flags_into(&mut out, value & !3, OPEN);
    finish(out, rest)
}

/// True when open flags make the kernel use the mode argument (`O_CREAT` or `O_TMPFILE`).
pub(super) fn open_uses_mode(value: u64) -> bool {
    value & (O_CREAT | O_TMPFILE_BIT) != 0
}

const O_CREAT: u64 = 0o100;
const O_TMPFILE_BIT: u64 = 0o20000000;

#[rustfmt::skip]
const OPEN: Table = &[
    (O_CREAT, "O_CREAT"), (0o200, "O_EXCL"), (0o400, "O_NOCTTY"), (0o1000, "O_TRUNC"),
    (0o2000, "O_APPEND"), (0o4000, "O_NONBLOCK"), (0o4010000, "O_SYNC"), (0o10000, "O_DSYNC"),
    (0o20000, "O_ASYNC"), (0o40000, "O_DIRECT"), (0o100000, "O_LARGEFILE"),
    (O_TMPFILE_BIT | 0o200000, "O_TMPFILE"), (0o200000, "O_DIRECTORY"), (0o400000, "O_NOFOLLOW"),
    (0o1000000, "O_NOATIME"), (0o2000000, "O_CLOEXEC"), (0o10000000, "O_PATH"),
];

/// `AT_*` flags of the `*at` calls other than `unlinkat`.
#[rustfmt::skip]
pub(super) const AT: Table = &[
    (0x100, "AT_SYMLINK_NOFOLLOW"), (0x400, "AT_SYMLINK_FOLLOW"), (0x800, "AT_NO_AUTOMOUNT"),
    (0x1000, "AT_EMPTY_PATH"), (0x200, "AT_EACCESS"),
];

/// `unlinkat` flags.
pub(super) const UNLINK: Table = &[(0x200, "AT_REMOVEDIR")];

/// `renameat2` flags.
#[rustfmt::skip]
pub(super) const RENAME: Table = &[
    (1, "RENAME_NOREPLACE"), (2, "RENAME_EXCHANGE"), (4, "RENAME_WHITEOUT"),
];

/// `mount` flags; see [`mount_flags`] for the `MS_MGC_VAL` magic.
#[rustfmt::skip]
const MOUNT: Table = &[
    (1, "MS_RDONLY"), (2, "MS_NOSUID"), (4, "MS_NODEV"), (8, "MS_NOEXEC"),
    (16, "MS_SYNCHRONOUS"), (32, "MS_REMOUNT"), (64, "MS_MANDLOCK"), (128, "MS_DIRSYNC"),
    (256, "MS_NOSYMFOLLOW"), (1024, "MS_NOATIME"), (2048, "MS_NODIRATIME"), (4096, "MS_BIND"),
    (8192, "MS_MOVE"), (16384, "MS_REC"), (32768, "MS_SILENT"), (1 << 16, "MS_POSIXACL"),
    (1 << 17, "MS_UNBINDABLE"), (1 << 18, "MS_PRIVATE"), (1 << 19, "MS_SLAVE"),
    (1 << 20, "MS_SHARED"), (1 << 21, "MS_RELATIME"), (1 << 22, "MS_KERNMOUNT"),
    (1 << 23, "MS_I_VERSION"), (1 << 24, "MS_STRICTATIME"), (1 << 25, "MS_LAZYTIME"),
];

/// `mount` flags; a `0xC0ED` magic in the high 16 bits (old callers) is named and
/// masked off like the kernel does.
pub(super) fn mount_flags(value: u64) -> String {
    const MGC_MSK: u64 = 0xffff_0000;
    const MGC_VAL: u64 = 0xc0ed_0000;
    if value & MGC_MSK == MGC_VAL {
        let mut out = String::from("MS_MGC_VAL");
        let rest = flags_into(&mut out, value & !MGC_MSK, MOUNT);
        return finish(out, rest);
    }
    flags(value, MOUNT)
}

/// `umount2` flags.
#[rustfmt::skip]
pub(super) const UMOUNT: Table = &[
    (1, "MNT_FORCE"), (2, "MNT_DETACH"), (4, "MNT_EXPIRE"), (8, "UMOUNT_NOFOLLOW"),
];

/// `move_mount` flags.
#[rustfmt::skip]
pub(super) const MOVE_MOUNT: Table = &[
    (1, "MOVE_MOUNT_F_SYMLINKS"), (2, "MOVE_MOUNT_F_AUTOMOUNTS"), (4, "MOVE_MOUNT_F_EMPTY_PATH"),
    (0x10, "MOVE_MOUNT_T_SYMLINKS"), (0x20, "MOVE_MOUNT_T_AUTOMOUNTS"),
    (0x40, "MOVE_MOUNT_T_EMPTY_PATH"), (0x100, "MOVE_MOUNT_SET_GROUP"), (0x200, "MOVE_MOUNT_BENEATH"),
];

/// `open_tree` flags.
#[rustfmt::skip]
pub(super) const OPEN_TREE: Table = &[
    (1, "OPEN_TREE_CLONE"), (0o2000000, "OPEN_TREE_CLOEXEC"), (0x100, "AT_SYMLINK_NOFOLLOW"),
    (0x800, "AT_NO_AUTOMOUNT"), (0x1000, "AT_EMPTY_PATH"), (0x8000, "AT_RECURSIVE"),
];

/// `memfd_create` flags (hugetlb page-size bits stay hex).
#[rustfmt::skip]
pub(super) const MEMFD: Table = &[
    (1, "MFD_CLOEXEC"), (2, "MFD_ALLOW_SEALING"), (4, "MFD_HUGETLB"), (8, "MFD_NOEXEC_SEAL"),
    (0x10, "MFD_EXEC"),
];

/// `clone`/`unshare`/`setns` flags.
#[rustfmt::skip]
pub(super) const CLONE: Table = &[
    (0x80, "CLONE_NEWTIME"), (0x100, "CLONE_VM"), (0x200, "CLONE_FS"), (0x400, "CLONE_FILES"),
    (0x800, "CLONE_SIGHAND"), (0x1000, "CLONE_PIDFD"), (0x2000, "CLONE_PTRACE"),
    (0x4000, "CLONE_VFORK"), (0x8000, "CLONE_PARENT"), (0x10000, "CLONE_THREAD"),
    (0x20000, "CLONE_NEWNS"), (0x40000, "CLONE_SYSVSEM"), (0x80000, "CLONE_SETTLS"),
    (0x100000, "CLONE_PARENT_SETTID"), (0x200000, "CLONE_CHILD_CLEARTID"),
    (0x400000, "CLONE_DETACHED"), (0x800000, "CLONE_UNTRACED"), (0x1000000, "CLONE_CHILD_SETTID"),
    (0x2000000, "CLONE_NEWCGROUP"), (0x4000000, "CLONE_NEWUTS"), (0x8000000, "CLONE_NEWIPC"),
    (0x10000000, "CLONE_NEWUSER"), (0x20000000, "CLONE_NEWPID"), (0x40000000, "CLONE_NEWNET"),
    (0x80000000, "CLONE_IO"),
];

/// `accept4` flags and the flag bits of a `socket` type.
pub(super) const SOCK: Table = &[(0o4000, "SOCK_NONBLOCK"), (0o2000000, "SOCK_CLOEXEC")];

/// `socket` type: the base type name and the `SOCK_*` flag bits.
pub(super) fn socket_type(value: u64) -> String {
    #[rustfmt::skip]
    const TYPES: Table = &[
        (1, "SOCK_STREAM"), (2, "SOCK_DGRAM"), (3, "SOCK_RAW"), (4, "SOCK_RDM"),
        (5, "SOCK_SEQPACKET"), (6, "SOCK_DCCP"), (10, "SOCK_PACKET"),
    ];
    let mut out = String::new();
    let base = value & 0xf;
    match lookup(base, TYPES) {
        Some(n) => out.push_str(n),
        None => out.push_str(&base.to_string()),
    }
    let rest = flags_into(&mut out, value & !0xf, SOCK);
    finish(out, rest)
}

/// `finit_module` flags.
#[rustfmt::skip]
pub(super) const MODULE_INIT: Table = &[
    (1, "MODULE_INIT_IGNORE_MODVERSIONS"), (2, "MODULE_INIT_IGNORE_VERMAGIC"),
    (4, "MODULE_INIT_COMPRESSED_FILE"),
];

/// `delete_module` flags.
pub(super) const DELETE_MODULE: Table = &[(0o4000, "O_NONBLOCK"), (0o1000, "O_TRUNC")];

/// Signal name: `SIGKILL`, `SIGRT_n` for real-time signal 32 + n (kernel numbering,
/// as strace prints them), the number otherwise (0 is the existence probe).
pub(super) fn signal(value: u64) -> String {
    #[rustfmt::skip]
    const NAMES: [&str; 31] = [
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
        "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
        "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ];
    let sig = value as u32 as i32;
    match sig {
        1..=31 => NAMES[(sig - 1) as usize].to_string(),
        32..=64 => format!("SIGRT_{}", sig - 32),
        _ => sig.to_string(),
    }
}

/// `ptrace` requests.
#[rustfmt::skip]
pub(super) const PTRACE: Table = &[
    (0, "PTRACE_TRACEME"), (1, "PTRACE_PEEKTEXT"), (2, "PTRACE_PEEKDATA"), (3, "PTRACE_PEEKUSER"),
    (4, "PTRACE_POKETEXT"), (5, "PTRACE_POKEDATA"), (6, "PTRACE_POKEUSER"), (7, "PTRACE_CONT"),
    (8, "PTRACE_KILL"), (9, "PTRACE_SINGLESTEP"), (12, "PTRACE_GETREGS"), (13, "PTRACE_SETREGS"),
    (14, "PTRACE_GETFPREGS"), (15, "PTRACE_SETFPREGS"), (16, "PTRACE_ATTACH"),
    (17, "PTRACE_DETACH"), (18, "PTRACE_GETFPXREGS"), (19, "PTRACE_SETFPXREGS"),
    (24, "PTRACE_SYSCALL"), (25, "PTRACE_GET_THREAD_AREA"), (26, "PTRACE_SET_THREAD_AREA"),
    (30, "PTRACE_ARCH_PRCTL"), (31, "PTRACE_SYSEMU"), (32, "PTRACE_SYSEMU_SINGLESTEP"),
    (33, "PTRACE_SINGLEBLOCK"), (0x4200, "PTRACE_SETOPTIONS"), (0x4201, "PTRACE_GETEVENTMSG"),
    (0x4202, "PTRACE_GETSIGINFO"), (0x4203, "PTRACE_SETSIGINFO"), (0x4204, "PTRACE_GETREGSET"),
    (0x4205, "PTRACE_SETREGSET"), (0x4206, "PTRACE_SEIZE"), (0x4207, "PTRACE_INTERRUPT"),
    (0x4208, "PTRACE_LISTEN"), (0x4209, "PTRACE_PEEKSIGINFO"), (0x420a, "PTRACE_GETSIGMASK"),
    (0x420b, "PTRACE_SETSIGMASK"), (0x420c, "PTRACE_SECCOMP_GET_FILTER"),
    (0x420d, "PTRACE_SECCOMP_GET_METADATA"), (0x420e, "PTRACE_GET_SYSCALL_INFO"),
    (0x420f, "PTRACE_GET_RSEQ_CONFIGURATION"),
    (0x4210, "PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG"),
    (0x4211, "PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG"),
];

/// `bpf` commands, indexed by number.
#[rustfmt::skip]
pub(super) const BPF_CMDS: &[&str] = &[
    "BPF_MAP_CREATE", "BPF_MAP_LOOKUP_ELEM", "BPF_MAP_UPDATE_ELEM", "BPF_MAP_DELETE_ELEM",
    "BPF_MAP_GET_NEXT_KEY", "BPF_PROG_LOAD", "BPF_OBJ_PIN", "BPF_OBJ_GET", "BPF_PROG_ATTACH",
    "BPF_PROG_DETACH", "BPF_PROG_TEST_RUN", "BPF_PROG_GET_NEXT_ID", "BPF_MAP_GET_NEXT_ID",
    "BPF_PROG_GET_FD_BY_ID", "BPF_MAP_GET_FD_BY_ID", "BPF_OBJ_GET_INFO_BY_FD", "BPF_PROG_QUERY",
    "BPF_RAW_TRACEPOINT_OPEN", "BPF_BTF_LOAD", "BPF_BTF_GET_FD_BY_ID", "BPF_TASK_FD_QUERY",
    "BPF_MAP_LOOKUP_AND_DELETE_ELEM", "BPF_MAP_FREEZE", "BPF_BTF_GET_NEXT_ID",
    "BPF_MAP_LOOKUP_BATCH", "BPF_MAP_LOOKUP_AND_DELETE_BATCH", "BPF_MAP_UPDATE_BATCH",
    "BPF_MAP_DELETE_BATCH", "BPF_LINK_CREATE", "BPF_LINK_UPDATE", "BPF_LINK_GET_FD_BY_ID",
    "BPF_LINK_GET_NEXT_ID", "BPF_ENABLE_STATS", "BPF_ITER_CREATE", "BPF_LINK_DETACH",
    "BPF_PROG_BIND_MAP", "BPF_TOKEN_CREATE",
];

/// Address families, indexed by number.
#[rustfmt::skip]
const FAMILIES: &[&str] = &[
    "AF_UNSPEC", "AF_UNIX", "AF_INET", "AF_AX25", "AF_IPX", "AF_APPLETALK", "AF_NETROM",
    "AF_BRIDGE", "AF_ATMPVC", "AF_X25", "AF_INET6", "AF_ROSE", "AF_DECnet", "AF_NETBEUI",
    "AF_SECURITY", "AF_KEY", "AF_NETLINK", "AF_PACKET", "AF_ASH", "AF_ECONET", "AF_ATMSVC",
    "AF_RDS", "AF_SNA", "AF_IRDA", "AF_PPPOX", "AF_WANPIPE", "AF_LLC", "AF_IB", "AF_MPLS",
    "AF_CAN", "AF_TIPC", "AF_BLUETOOTH", "AF_IUCV", "AF_RXRPC", "AF_ISDN", "AF_PHONET",
    "AF_IEEE802154", "AF_CAIF", "AF_ALG", "AF_NFC", "AF_VSOCK", "AF_KCM", "AF_QIPCRTR", "AF_SMC",
    "AF_XDP", "AF_MCTP",
];

/// Name of address family `family` (`AF_INET`), if known.
pub(super) fn family(family: u64) -> Option<&'static str> {
    usize::try_from(family)
        .ok()
        .and_then(|f| FAMILIES.get(f))
        .copied()
}
