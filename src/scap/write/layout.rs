//! The `.scap` facts the writer needs, in one place: block types, event ids and the parameter encodings
//! of the events it writes, as `sysdig` 0.29.3 (falcosecurity libs of March 2022) reads them.
//!
//! Block types and event ids are stable in that format (new versions get new numbers), so a reader's
//! table can replace these constants one for one.

/// Section header block type (`\r\n\n\r`).
pub const SHB: u32 = 0x0A0D_0D0A;
/// Byte-order magic of the section header.
pub const SHB_MAGIC: u32 = 0x1A2B_3C4D;
/// File format version written (major, minor).
pub const VERSION: (u16, u16) = (1, 2);
/// Machine info block.
pub const MI: u32 = 0x201;
/// Process list block, version 9 (one length per entry).
pub const PL_V9: u32 = 0x215;
/// Event block, version 2 (the event header carries the parameter count).
pub const EV_V2: u32 = 0x216;

/// Longest comm, exe, exepath, cwd or root in a process list entry (the reader refuses more).
pub const MAX_PATH: usize = 1024;
/// Longest args, env or cgroups in a process list entry.
pub const MAX_ARGS: usize = 4096;
/// Longest string parameter written in an event (a u16 length; kept well under the reader's buffer).
pub const MAX_PARAM: usize = 4096;

/// Event ids: (enter, exit) of the newest version sysdig 0.29.3 knows.
pub mod ev {
    pub const GENERIC: (u16, u16) = (0, 1);
    pub const OPEN: (u16, u16) = (2, 3);
    pub const CLOSE: (u16, u16) = (4, 5);
    pub const READ: (u16, u16) = (6, 7);
    pub const WRITE: (u16, u16) = (8, 9);
    pub const PROCEXIT_1: u16 = 186;
    pub const PTRACE: (u16, u16) = (168, 169);
    pub const SOCKET: (u16, u16) = (18, 19);
    pub const SENDTO: (u16, u16) = (30, 31);
    pub const RECVFROM: (u16, u16) = (34, 35);
    pub const CHDIR: (u16, u16) = (94, 95);
    pub const FCHDIR: (u16, u16) = (96, 97);
    /// dup, dup2 and dup3 (one event in this version).
    pub const DUP: (u16, u16) = (124, 125);
    pub const MKDIR_2: (u16, u16) = (276, 277);
    pub const RMDIR_2: (u16, u16) = (278, 279);
    pub const BIND: (u16, u16) = (20, 21);
    pub const CONNECT: (u16, u16) = (22, 23);
    pub const LISTEN: (u16, u16) = (24, 25);
    pub const CREAT: (u16, u16) = (58, 59);
    pub const KILL: (u16, u16) = (128, 129);
    pub const TKILL: (u16, u16) = (130, 131);
    pub const TGKILL: (u16, u16) = (132, 133);
    pub const RENAME: (u16, u16) = (174, 175);
    pub const RENAMEAT: (u16, u16) = (176, 177);
    pub const SYMLINK: (u16, u16) = (178, 179);
    pub const SYMLINKAT: (u16, u16) = (180, 181);
    pub const SETRESUID: (u16, u16) = (192, 193);
    pub const SETRESGID: (u16, u16) = (194, 195);
    pub const SETUID: (u16, u16) = (198, 199);
    pub const SETGID: (u16, u16) = (200, 201);
    pub const CLONE_20: (u16, u16) = (222, 223);
    pub const SETNS: (u16, u16) = (240, 241);
    pub const ACCEPT_5: (u16, u16) = (246, 247);
    pub const ACCEPT4_5: (u16, u16) = (248, 249);
    pub const MOUNT: (u16, u16) = (256, 257);
    pub const UMOUNT: (u16, u16) = (258, 259);
    pub const CHROOT: (u16, u16) = (266, 267);
    pub const UNSHARE: (u16, u16) = (284, 285);
    pub const EXECVE_19: (u16, u16) = (292, 293);
    pub const UNLINK_2: (u16, u16) = (300, 301);
    pub const UNLINKAT_2: (u16, u16) = (302, 303);
    pub const OPENAT_2: (u16, u16) = (306, 307);
    pub const LINK_2: (u16, u16) = (308, 309);
    pub const LINKAT_2: (u16, u16) = (310, 311);
    pub const FCHMODAT: (u16, u16) = (312, 313);
    pub const CHMOD: (u16, u16) = (314, 315);
    pub const FCHMOD: (u16, u16) = (316, 317);
    pub const RENAMEAT2: (u16, u16) = (318, 319);
    pub const OPENAT2: (u16, u16) = (326, 327);
    pub const EXECVEAT: (u16, u16) = (330, 331);
}

/// The libs' own syscall codes (`PPM_SC_*`), for the generic event of a syscall without an event of
/// its own (only those ktriage streams by default and that the table of March 2022 names).
pub fn ppm_sc(name: &str) -> Option<u16> {
    Some(match name {
        "init_module" => 76,
        "delete_module" => 77,
        "capset" => 115,
        "lchown" => 118,
        "setreuid" => 123,
        "setregid" => 124,
        "fchown" => 127,
        "chown" => 132,
        "setfsuid" => 135,
        "setfsgid" => 136,
        "pivot_root" => 137,
        "kexec_load" => 187,
        "fchownat" => 200,
        "process_vm_writev" => 302,
        "finit_module" => 314,
        // its own event has a DYNAMIC result that makes `sysdig -p %evt.res` crash
        "bpf" => 315,
        _ => return None,
    })
}

/// `PPM_AT_FDCWD`, the same value as Linux's `AT_FDCWD`.
pub const AT_FDCWD: i64 = -100;

/// Linux `open(2)` flags → the libs' `PPM_O_*` bits.
pub fn open_flags(linux: u64) -> u32 {
    let mut f = match linux & 0o3 {
        0 => 1,      // O_RDONLY
        1 => 1 << 1, // O_WRONLY
        _ => 3,      // O_RDWR
    };
    const MAP: &[(u64, u32)] = &[
        (0o100, 1 << 2),       // O_CREAT
        (0o2000, 1 << 3),      // O_APPEND
        (0o10000, 1 << 4),     // O_DSYNC
        (0o200, 1 << 5),       // O_EXCL
        (0o4000, 1 << 6),      // O_NONBLOCK
        (0o4010000, 1 << 7),   // O_SYNC
        (0o1000, 1 << 8),      // O_TRUNC
        (0o40000, 1 << 9),     // O_DIRECT
        (0o200000, 1 << 10),   // O_DIRECTORY
        (0o100000, 1 << 11),   // O_LARGEFILE
        (0o2000000, 1 << 12),  // O_CLOEXEC
        (0o20200000, 1 << 13), // O_TMPFILE
    ];
    for (l, p) in MAP {
        if linux & l == *l {
            f |= p;
        }
    }
    f
}

/// Linux `CLONE_*` flags and the libs' `PPM_CL_*` bits they stand for.
pub const CLONE_FLAGS: &[(u64, u32)] = &[
    (0x400, 1 << 0),        // CLONE_FILES
    (0x200, 1 << 1),        // CLONE_FS
    (0x8000_0000, 1 << 2),  // CLONE_IO
    (0x0800_0000, 1 << 3),  // CLONE_NEWIPC
    (0x4000_0000, 1 << 4),  // CLONE_NEWNET
    (0x0002_0000, 1 << 5),  // CLONE_NEWNS
    (0x2000_0000, 1 << 6),  // CLONE_NEWPID
    (0x0400_0000, 1 << 7),  // CLONE_NEWUTS
    (0x8000, 1 << 8),       // CLONE_PARENT
    (0x0010_0000, 1 << 9),  // CLONE_PARENT_SETTID
    (0x2000, 1 << 10),      // CLONE_PTRACE
    (0x800, 1 << 11),       // CLONE_SIGHAND
    (0x0004_0000, 1 << 12), // CLONE_SYSVSEM
    (0x0001_0000, 1 << 13), // CLONE_THREAD
    (0x0080_0000, 1 << 14), // CLONE_UNTRACED
    (0x100, 1 << 15),       // CLONE_VM
    (0x1000_0000, 1 << 20), // CLONE_NEWUSER
    (0x0020_0000, 1 << 23), // CLONE_CHILD_CLEARTID
    (0x0100_0000, 1 << 24), // CLONE_CHILD_SETTID
    (0x0008_0000, 1 << 25), // CLONE_SETTLS
    (0x4000, 1 << 27),      // CLONE_VFORK
    (0x0200_0000, 1 << 28), // CLONE_NEWCGROUP
];

/// Linux `CLONE_*` flags → the libs' `PPM_CL_*` bits.
pub fn clone_flags(linux: u64) -> u32 {
    CLONE_FLAGS
        .iter()
        .filter(|(l, _)| linux & l != 0)
        .fold(0, |acc, (_, p)| acc | p)
}

/// Linux `ptrace` requests, indexed by the libs' `PPM_PTRACE_*` code (0 is `PPM_PTRACE_UNKNOWN`).
pub const PTRACE_REQUESTS: [u64; 39] = [
    u64::MAX, // unknown
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9, // TRACEME, PEEK*, POKE*, CONT, KILL, SINGLESTEP
    16,
    17,
    24, // ATTACH, DETACH, SYSCALL
    0x4200,
    0x4201,
    0x4202,
    0x4203,
    0x4204,
    0x4205,
    0x4206,
    0x4207,
    0x4208,
    0x4209,
    0x420a,
    0x420b, // SETOPTIONS .. SETSIGMASK
    12,
    13,
    14,
    15,
    18,
    19, // GETREGS, SETREGS, GETFPREGS, SETFPREGS, GETFPXREGS, SETFPXREGS
    21,
    25,
    26,
    30,
    31,
    32,
    33, // OLDSETOPTIONS .. SINGLEBLOCK
];

/// Linux `ptrace` request → `PPM_PTRACE_*` (0 when the libs have no code for it).
pub fn ptrace_request(linux: u64) -> u16 {
    PTRACE_REQUESTS
        .iter()
        .skip(1)
        .position(|r| *r == linux)
        .map_or(0, |i| i as u16 + 1)
}

/// `PPM_CL_*` of a new thread sharing its creator's process (what sysdig reads a thread from).
pub const CL_THREAD: u32 = (1 << 13) | (1 << 15) | (1 << 11) | (1 << 0) | (1 << 1);

/// One event's parameters, encoded as the event table says.
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct Params(pub Vec<Vec<u8>>);

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }
    /// UINT8, FLAGS8, SIGTYPE.
    pub fn u8(mut self, v: u8) -> Self {
        self.0.push(vec![v]);
        self
    }
    /// UINT16, SYSCALLID.
    pub fn u16(mut self, v: u16) -> Self {
        self.0.push(v.to_le_bytes().to_vec());
        self
    }
    /// UINT32, INT32, FLAGS32, MODE, UID, GID.
    pub fn u32(mut self, v: u32) -> Self {
        self.0.push(v.to_le_bytes().to_vec());
        self
    }
    /// INT64, UINT64, ERRNO, FD, PID.
    pub fn i64(mut self, v: i64) -> Self {
        self.0.push(v.to_le_bytes().to_vec());
        self
    }
    /// CHARBUF, FSPATH, FSRELPATH: the bytes (cut at a NUL, capped) and a NUL.
    pub fn str(mut self, s: &[u8]) -> Self {
        let end = s
            .iter()
            .position(|b| *b == 0)
            .unwrap_or(s.len())
            .min(MAX_PARAM);
        let mut v = s[..end].to_vec();
        v.push(0);
        self.0.push(v);
        self
    }
    /// BYTEBUF, SOCKADDR, SOCKTUPLE, DYNAMIC: the bytes as they are (capped).
    pub fn bytes(mut self, b: &[u8]) -> Self {
        self.0.push(b[..b.len().min(MAX_PARAM)].to_vec());
        self
    }
}

/// A socket address as the probe captured it (Linux `struct sockaddr_*` bytes), parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sock {
    /// IPv4 address (network order) and port.
    V4([u8; 4], u16),
    /// IPv6 address and port.
    V6([u8; 16], u16),
    /// Unix socket path (abstract names start with `@`).
    Unix(Vec<u8>),
}

impl Sock {
    /// Parses raw sockaddr bytes; `None` for another family or too few bytes.
    pub fn parse(raw: &[u8]) -> Option<Sock> {
        let family = u16::from_le_bytes(raw.get(..2)?.try_into().ok()?);
        let port = || raw.get(2..4).map(|p| u16::from_be_bytes([p[0], p[1]]));
        match family {
            2 => Some(Sock::V4(raw.get(4..8)?.try_into().ok()?, port()?)),
            10 => Some(Sock::V6(raw.get(8..24)?.try_into().ok()?, port()?)),
            1 => {
                let path = raw.get(2..).unwrap_or_default();
                let mut p = match path.split_first() {
                    Some((0, rest)) => {
                        let mut v = b"@".to_vec();
                        v.extend(rest.iter().take_while(|b| **b != 0));
                        v
                    }
                    _ => path.iter().take_while(|b| **b != 0).copied().collect(),
                };
                p.truncate(MAX_PATH);
                Some(Sock::Unix(p))
            }
            _ => None,
        }
    }

    /// The unspecified address of the same family (the side ktriage did not capture).
    pub fn unspecified(&self) -> Sock {
        match self {
            Sock::V4(..) => Sock::V4([0; 4], 0),
            Sock::V6(..) => Sock::V6([0; 16], 0),
            Sock::Unix(_) => Sock::Unix(Vec::new()),
        }
    }

    /// SOCKADDR parameter: family, address, port in host order (or the path and a NUL).
    pub fn sockaddr(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(20);
        match self {
            Sock::V4(a, p) => {
                v.push(2);
                v.extend_from_slice(a);
                v.extend_from_slice(&p.to_le_bytes());
            }
            Sock::V6(a, p) => {
                v.push(10);
                v.extend_from_slice(a);
                v.extend_from_slice(&p.to_le_bytes());
            }
            Sock::Unix(path) => {
                v.push(1);
                v.extend_from_slice(path);
                v.push(0);
            }
        }
        v
    }

    /// SOCKTUPLE parameter from `self` (source) to `dst` of the same family (else empty).
    pub fn tuple(&self, dst: &Sock) -> Vec<u8> {
        let mut v = Vec::with_capacity(40);
        match (self, dst) {
            (Sock::V4(sa, sp), Sock::V4(da, dp)) => {
                v.push(2);
                v.extend_from_slice(sa);
                v.extend_from_slice(&sp.to_le_bytes());
                v.extend_from_slice(da);
                v.extend_from_slice(&dp.to_le_bytes());
            }
            (Sock::V6(sa, sp), Sock::V6(da, dp)) => {
                v.push(10);
                v.extend_from_slice(sa);
                v.extend_from_slice(&sp.to_le_bytes());
                v.extend_from_slice(da);
                v.extend_from_slice(&dp.to_le_bytes());
            }
            (Sock::Unix(_), Sock::Unix(path)) => {
                v.push(1);
                v.extend_from_slice(&[0; 16]); // the two kernel socket pointers, unknown
                v.extend_from_slice(path);
                v.push(0);
            }
            _ => {}
        }
        v
    }
}
