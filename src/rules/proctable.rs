//! The process table the fields read: fed by exec/fork/exit records, filled from /proc on first sight.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use super::fdtable::FdTable;
use super::procread;
use crate::model::SysEvent;
use crate::model::hash::FxMap;

/// What the rules know of one process.
#[derive(Clone, Debug, Default)]
pub struct Proc {
    pub pid: u32,
    pub ppid: u32,
    /// Task comm (`proc.name`, at most 15 bytes).
    pub comm: Arc<str>,
    /// argv[0] (`proc.exe`).
    pub exe: Arc<str>,
    /// Full path of the executable (`proc.exepath`).
    pub exepath: Arc<str>,
    /// argv[1..] joined by spaces (`proc.args`).
    pub args: Arc<str>,
    /// `comm args` (`proc.cmdline`).
    pub cmdline: Arc<str>,
    /// Controlling terminal (`tty_nr`), 0 without one.
    pub tty: u32,
    /// Session id.
    pub sid: u32,
    /// pid inside its own pid namespace.
    pub vpid: u32,
    /// Process group id inside its own pid namespace (/proc status `NSpgid`, at first
    /// sight and at exec; 0 when unknown).
    pub vpgid: u32,
    pub uid: u32,
    pub gid: u32,
    /// Login (audit) uid, `u32::MAX` when unset.
    pub loginuid: u32,
    pub cwd: Option<Arc<str>>,
    /// Start, boot-clock ns.
    pub start_ns: u64,
    /// Effective capabilities.
    pub cap_eff: u64,
    /// Permitted and inheritable capabilities (from /proc status: at first sight and at exec).
    pub cap_prm: u64,
    pub cap_inh: u64,
    /// Environment read from /proc/PID/environ at first sight / exec: NUL-separated
    /// `NAME=value` entries, at most [`MAX_ENV`] bytes; empty when it could not be read.
    pub env: Arc<str>,
    pub exe_from_memfd: bool,
    pub exe_upper_layer: bool,
    /// Open fds the stream showed (files, sockets).
    pub fds: FdTable,
    /// In a host cgroup, in this container's pid and mount namespaces (entered from the host).
    pub entered: Option<Arc<super::env::ContainerMeta>>,
    /// A pid whose `/proc/PID/ns/{pid,mnt}` this process (or an ancestor) opened: `nsenter -t PID`.
    pub ns_target: Option<u32>,
    /// Container and pod, from the /proc poll through the CRI cache (a fork inherits its
    /// parent's); `None` until known.
    pub identity: Option<Arc<crate::identity::Identity>>,
    /// Boot-clock ns of its exit (the kernel's exit record, or the poll that found it gone).
    pub exited_ns: Option<u64>,
}

impl Proc {
    /// Sets argv-derived fields from the NUL-separated argv bytes.
    pub fn set_argv(&mut self, argv: &[u8]) {
        let mut end = argv.len();
        while end > 0 && argv[end - 1] == 0 {
            end -= 1;
        }
        let argv = &argv[..end];
        let (exe, rest) = match argv.iter().position(|b| *b == 0) {
            Some(i) => (&argv[..i], &argv[i + 1..]),
            None => (argv, &argv[..0]),
        };
        self.exe = String::from_utf8_lossy(exe).as_ref().into();
        // argv[1..] joined by spaces: the NULs between them become spaces
        let args: Vec<u8> = rest
            .iter()
            .map(|b| if *b == 0 { b' ' } else { *b })
            .collect();
        let args = String::from_utf8_lossy(&args);
        self.cmdline = if args.is_empty() {
            self.comm.clone()
        } else {
            format!("{} {args}", self.comm).into()
        };
        self.args = args.as_ref().into();
    }
}

/// Processes by pid: the live ones, and the last [`MAX_EXITED`] that exited.
#[derive(Debug, Default)]
pub struct ProcTable {
    procs: FxMap<u32, Proc>,
    /// Exited processes, by pid (a reused pid's newest exit wins).
    exited: FxMap<u32, Proc>,
    /// Exit order: (pid, start) oldest first, for the cap.
    exit_order: VecDeque<(u32, u64)>,
    /// Where to read processes seen for the first time (`None`: never read /proc).
    proc_root: Option<PathBuf>,
    /// Reads of /proc done (for tests and stats).
    pub proc_reads: u64,
}

/// Bytes of environment kept per process (Falco's libs keep 4096 too).
pub const MAX_ENV: usize = 4096;

/// Cap on tracked processes (oldest are not evicted: new ones beyond it are not kept).
const MAX_PROCS: usize = 1 << 17;
/// Exited processes kept (oldest forgotten first); their environment and fds are dropped.
pub const MAX_EXITED: usize = 4096;
/// Ancestors looked up at most.
pub const MAX_DEPTH: usize = 16;

impl ProcTable {
    /// A table that fills unknown processes from `proc_root` (usually `/proc`).
    pub fn new(proc_root: Option<PathBuf>) -> Self {
        Self {
            proc_root,
            ..Self::default()
        }
    }

    pub fn get(&self, pid: u32) -> Option<&Proc> {
        self.procs.get(&pid)
    }

    pub fn get_mut(&mut self, pid: u32) -> Option<&mut Proc> {
        self.procs.get_mut(&pid)
    }

    pub fn len(&self) -> usize {
        self.procs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.procs.is_empty()
    }

    /// Inserts or replaces a process.
    pub fn insert(&mut self, p: Proc) {
        if self.procs.len() < MAX_PROCS || self.procs.contains_key(&p.pid) {
            self.procs.insert(p.pid, p);
        }
    }

    pub fn remove(&mut self, pid: u32) -> Option<Proc> {
        self.procs.remove(&pid)
    }

    /// The live process `pid` exited at `ts_ns`: it moves to the exited ones, with its
    /// identity, argv and parent (its environment and fds are dropped).
    pub fn retire(&mut self, pid: u32, ts_ns: u64) {
        let Some(mut p) = self.procs.remove(&pid) else {
            return;
        };
        p.exited_ns = Some(ts_ns);
        p.env = "".into();
        p.fds = FdTable::default();
        self.exit_order.push_back((pid, p.start_ns));
        self.exited.insert(pid, p);
        while self.exit_order.len() > MAX_EXITED {
            let Some((old, start)) = self.exit_order.pop_front() else {
                break;
            };
            if self.exited.get(&old).is_some_and(|p| p.start_ns == start) {
                self.exited.remove(&old);
            }
        }
    }

    /// The last process with this pid that exited, if still kept.
    pub fn exited(&self, pid: u32) -> Option<&Proc> {
        self.exited.get(&pid)
    }

    /// Exited processes kept.
    pub fn exited_len(&self) -> usize {
        self.exited.len()
    }

    /// The live processes, in no order.
    pub fn live(&self) -> impl Iterator<Item = &Proc> {
        self.procs.values()
    }

    /// The parent of `p`, if known.
    pub fn parent(&self, p: &Proc) -> Option<&Proc> {
        (p.ppid != 0 && p.ppid != p.pid)
            .then(|| self.procs.get(&p.ppid))
            .flatten()
    }

    /// Ancestor `level` of `pid` (0: the process, 1: its parent...).
    pub fn ancestor(&self, pid: u32, level: usize) -> Option<&Proc> {
        let mut p = self.procs.get(&pid)?;
        for _ in 0..level {
            p = self.parent(p)?;
        }
        Some(p)
    }

    /// Makes sure `pid` is known: from /proc, else from the event's header.
    pub fn ensure(&mut self, pid: u32, ev: Option<&SysEvent>) {
        if self.procs.contains_key(&pid) {
            return;
        }
        let read = self.read_proc(pid);
        let p = match (read, ev) {
            (Some(p), _) => p,
            (None, Some(ev)) => from_header(ev),
            (None, None) => return,
        };
        self.insert(p);
    }

    /// Makes sure the ancestors of `pid` are known (read from /proc when missing).
    pub fn ensure_ancestors(&mut self, pid: u32) {
        let mut cur = pid;
        for _ in 0..MAX_DEPTH {
            let Some(p) = self.procs.get(&cur) else {
                return;
            };
            let ppid = p.ppid;
            if ppid == 0 || ppid == cur {
                return;
            }
            if !self.procs.contains_key(&ppid) {
                match self.read_proc(ppid) {
                    Some(pp) => self.insert(pp),
                    None => return,
                }
            }
            cur = ppid;
        }
    }

    pub(super) fn read_proc(&mut self, pid: u32) -> Option<Proc> {
        let root = self.proc_root.as_ref()?;
        self.proc_reads += 1;
        procread::read(root, pid)
    }

    /// The /proc root, when reads are enabled.
    pub fn proc_root(&self) -> Option<&std::path::Path> {
        self.proc_root.as_deref()
    }
}

/// A process known only from one event's header.
pub fn from_header(ev: &SysEvent) -> Proc {
    let end = ev
        .comm
        .iter()
        .position(|b| *b == 0)
        .unwrap_or(ev.comm.len());
    let comm: Arc<str> = String::from_utf8_lossy(&ev.comm[..end]).into();
    Proc {
        pid: ev.pid,
        ppid: ev.ppid,
        exe: comm.clone(),
        exepath: "".into(),
        args: "".into(),
        cmdline: comm.clone(),
        comm,
        uid: ev.uid,
        vpid: ev.pid,
        loginuid: u32::MAX,
        start_ns: ev.ts_ns,
        ..Proc::default()
    }
}
