//! The evaluation context of one event: event, process, container, and lazily computed views (fd, args).

use std::borrow::Cow;
use std::cell::OnceCell;
use std::net::{IpAddr, SocketAddr};
use std::sync::OnceLock;

use super::env::{ContainerMeta, Env};
use super::fdtable::{FdEntry, FdKind, L4};
use super::proctable::{Proc, ProcTable};
use crate::collector::args::{self, ArgValue, RawSyscall, SockAddr};
use crate::collector::syscalls;
use crate::model::{EventKind, SysEvent};

/// A field's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val<'a> {
    Str(&'a str),
    Int(i64),
    Bool(bool),
    Ip(IpAddr),
}

/// How a syscall relates to fds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cat {
    /// Opens a path: index of the flags argument (`None`: `creat`, `openat2`).
    Open(Option<usize>),
    Creat,
    Connect,
    Accept,
    Bind,
    Socket,
    Dup,
    SendTo,
    /// Acts on the fd in argument 0.
    FdArg0,
    Other,
}

/// Category of syscall `nr` (a table built once).
pub fn category(nr: u32) -> Cat {
    static TABLE: OnceLock<Vec<Cat>> = OnceLock::new();
    let t = TABLE.get_or_init(|| {
        (0..512u32)
            .map(|n| match syscalls::name(n).unwrap_or_default() {
                "open" => Cat::Open(Some(1)),
                "openat" => Cat::Open(Some(2)),
                "openat2" => Cat::Open(None),
                "creat" => Cat::Creat,
                "connect" => Cat::Connect,
                "accept" | "accept4" => Cat::Accept,
                "bind" => Cat::Bind,
                "socket" => Cat::Socket,
                "dup" | "dup2" | "dup3" => Cat::Dup,
                "sendto" | "sendmsg" => Cat::SendTo,
                "read" | "write" | "pread64" | "pwrite64" | "readv" | "writev" | "close"
                | "fchmod" | "fchown" | "fstat" | "ftruncate" | "fsync" | "listen" | "recvfrom"
                | "recvmsg" | "shutdown" | "getsockname" | "getpeername" | "setsockopt"
                | "getsockopt" | "ioctl" | "fcntl" | "sendfile" | "splice" | "mmap" => Cat::FdArg0,
                _ => Cat::Other,
            })
            .collect()
    });
    t.get(nr as usize).copied().unwrap_or(Cat::Other)
}

/// What the event says about its fd.
#[derive(Clone, Debug, Default)]
pub struct FdView<'a> {
    pub num: Option<i64>,
    /// The name when it differs from `nameraw` (resolved path, socket tuple, table entry).
    pub name: Option<String>,
    /// The path as the call passed it (borrowed from the event when valid UTF-8).
    pub nameraw: Option<Cow<'a, str>>,
    pub kind: Option<FdKind>,
    pub l4: Option<L4>,
    pub local: Option<SocketAddr>,
    pub remote: Option<SocketAddr>,
    /// The remote end is the server (connect) or the client (accept).
    pub remote_is_server: bool,
    pub connected: Option<bool>,
    pub name_changed: bool,
    /// Open flags, when the event is an open.
    pub open_flags: Option<u64>,
}

/// One event under evaluation.
pub struct Ctx<'a> {
    pub ev: &'a SysEvent,
    pub etype: u16,
    /// Sequence number of the event (`evt.num`, from 1).
    pub num: u64,
    pub procs: &'a ProcTable,
    pub proc: Option<&'a Proc>,
    pub env: &'a Env,
    pub container: Option<&'a ContainerMeta>,
    /// The container came from the process's namespaces, not its cgroup (nsenter, setns).
    pub entered_from_host: bool,
    /// Wall-clock time of the event, ns since the epoch.
    pub wall_ns: u64,
    /// Results of memoized checks for this event.
    pub memo: &'a super::optimize::Memo,
    /// The audit event under evaluation (`k8s_audit` rules), `None` for kernel events.
    pub audit: Option<&'a super::audit::KaView<'a>>,
    fd: OnceCell<FdView<'a>>,
    args: OnceCell<Vec<(&'static str, ArgValue)>>,
    arg_text: OnceCell<Vec<String>>,
    pub(super) time: OnceCell<String>,
    pub(super) args_line: OnceCell<String>,
    pub(super) caps: OnceCell<String>,
    pub(super) env_line: OnceCell<String>,
    pub(super) caps_prm: OnceCell<String>,
    pub(super) caps_inh: OnceCell<String>,
    pub(super) res: OnceCell<String>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        ev: &'a SysEvent,
        etype: u16,
        num: u64,
        procs: &'a ProcTable,
        env: &'a Env,
        wall_ns: u64,
        memo: &'a super::optimize::Memo,
    ) -> Self {
        memo.reset();
        let proc = procs.get(ev.pid);
        let by_cgroup = env.container(ev.cgroup_id);
        let entered = by_cgroup
            .is_none()
            .then(|| proc.and_then(|p| p.entered.as_deref()))
            .flatten();
        Self {
            ev,
            etype,
            num,
            procs,
            proc,
            env,
            container: by_cgroup.or(entered),
            entered_from_host: entered.is_some(),
            wall_ns,
            memo,
            audit: None,
            fd: OnceCell::new(),
            args: OnceCell::new(),
            arg_text: OnceCell::new(),
            time: OnceCell::new(),
            args_line: OnceCell::new(),
            caps: OnceCell::new(),
            env_line: OnceCell::new(),
            caps_prm: OnceCell::new(),
            caps_inh: OnceCell::new(),
            res: OnceCell::new(),
        }
    }

    /// The decoded arguments (syscalls) or exec facts (execs).
    pub fn args(&self) -> &[(&'static str, ArgValue)] {
        self.args.get_or_init(|| match self.ev.kind {
            EventKind::Syscall => {
                let raw = RawSyscall {
                    nr: self.ev.nr,
                    args: &self.ev.args,
                    ret: self.ev.ret,
                    buf0: &self.ev.bufs[0].bytes,
                    trunc0: self.ev.bufs[0].truncated,
                    buf1: &self.ev.bufs[1].bytes,
                    trunc1: self.ev.bufs[1].truncated,
                };
                let mut v = args::decode(&raw);
                v.insert(0, ("res", ArgValue::Int(self.ev.ret)));
                v
            }
            EventKind::Exec => super::extract::exec_args(self),
            EventKind::Fork => vec![
                ("res", ArgValue::Int(self.ev.args[0] as i64)),
                ("tid", ArgValue::Int(self.ev.args[1] as i64)),
            ],
            EventKind::Exit => vec![("status", ArgValue::Int(self.ev.ret))],
        })
    }

    /// Argument `i` as text.
    pub fn arg_text(&self, i: usize) -> Option<&str> {
        let t = self.arg_text.get_or_init(|| {
            self.args()
                .iter()
                .map(|(_, v)| match v {
                    ArgValue::Str { value, .. } => value.clone(),
                    other => other.to_string(),
                })
                .collect()
        });
        t.get(i).map(String::as_str)
    }

    /// The fd view of this event.
    pub fn fd(&self) -> &FdView<'a> {
        self.fd.get_or_init(|| fd_view(self))
    }
}

fn entry(p: Option<&Proc>, fd: i64) -> Option<&FdEntry> {
    p?.fds.get(i32::try_from(fd).ok()?)
}

fn sockaddr(buf: &[u8]) -> (Option<FdKind>, Option<SocketAddr>, Option<String>) {
    match SockAddr::parse(buf) {
        Some(SockAddr::Inet(a)) => (Some(FdKind::Ipv4), Some(SocketAddr::V4(a)), None),
        Some(SockAddr::Inet6(a)) => (Some(FdKind::Ipv6), Some(SocketAddr::V6(a)), None),
        Some(a @ (SockAddr::UnixPath(_) | SockAddr::UnixAbstract(_) | SockAddr::UnixUnnamed)) => {
            (Some(FdKind::Unix), None, Some(a.to_string()))
        }
        Some(a) => (Some(FdKind::from_family(a.family())), None, None),
        None => (None, None, None),
    }
}

impl FdView<'_> {
    /// `fd.name`: the resolved name, else the raw one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref().or(self.nameraw.as_deref())
    }
}

fn fd_view<'a>(c: &Ctx<'a>) -> FdView<'a> {
    let ev = c.ev;
    let mut v = FdView::default();
    if ev.kind != EventKind::Syscall {
        return v;
    }
    let ret = ev.ret;
    let buf0 = &ev.bufs[0].bytes;
    let from_entry = |v: &mut FdView, e: &FdEntry| {
        v.kind = Some(e.kind);
        v.l4 = Some(e.l4);
        v.local = e.local;
        v.remote = e.remote;
        v.remote_is_server = e.remote_is_server;
        v.connected = Some(e.connected);
        if let Some(p) = &e.path {
            v.name = Some(p.to_string());
        }
    };
    match category(ev.nr) {
        cat @ (Cat::Open(_) | Cat::Creat) => {
            let flags = match cat {
                Cat::Creat => Some(0o1101),
                Cat::Open(Some(i)) => Some(ev.args[i] & 0xffff_ffff),
                // openat2: the flags are the first field of the captured struct open_how
                _ => ev.bufs[1]
                    .bytes
                    .first_chunk::<8>()
                    .map(|f| u64::from_ne_bytes(*f) & 0xffff_ffff),
            };
            v.open_flags = flags;
            v.num = Some(if ret >= 0 { ret } else { -1 });
            let end = buf0.iter().position(|b| *b == 0).unwrap_or(buf0.len());
            let raw = String::from_utf8_lossy(&buf0[..end]);
            let dirfd = matches!(cat, Cat::Open(Some(2)) | Cat::Open(None))
                .then_some(ev.args[0] as u32 as i32 as i64);
            v.name = super::extract::resolve_path(c, &raw, dirfd);
            v.nameraw = Some(raw);
            let dir = flags.is_some_and(|f| f & 0o200000 != 0);
            v.kind = Some(if dir { FdKind::Directory } else { FdKind::File });
        }
        Cat::Socket => {
            v.num = Some(ret);
            v.kind = Some(FdKind::from_family(ev.args[0] as u16));
            v.l4 = Some(L4::from_sock_type(ev.args[1]));
        }
        Cat::Connect | Cat::SendTo | Cat::Bind => {
            v.num = Some(ev.args[0] as u32 as i32 as i64);
            if let Some(e) = entry(c.proc, v.num.unwrap_or(-1)) {
                from_entry(&mut v, e);
            }
            let (kind, addr, unix) = sockaddr(buf0);
            v.kind = kind.or(v.kind);
            let cat = category(ev.nr);
            if cat == Cat::Bind {
                v.local = addr.or(v.local);
            } else if addr.is_some() || unix.is_some() {
                v.remote = addr;
                v.remote_is_server = true;
                v.name_changed = cat == Cat::SendTo;
            }
            if cat == Cat::Connect {
                v.connected = Some(ret == 0 || ret == -115);
            }
            if let Some(u) = unix {
                v.name = Some(u);
            }
        }
        Cat::Accept => {
            v.num = Some(ret);
            let listener = entry(c.proc, ev.args[0] as u32 as i32 as i64);
            let (kind, addr, _) = sockaddr(buf0);
            v.kind = kind.or(listener.map(|e| e.kind));
            v.l4 = listener.map(|e| e.l4).or(Some(L4::Tcp));
            v.local = listener.and_then(|e| e.local);
            v.remote = addr;
            v.remote_is_server = false;
            v.connected = Some(ret >= 0);
        }
        Cat::Dup => {
            v.num = Some(ret);
            if let Some(e) = entry(c.proc, ev.args[0] as u32 as i32 as i64) {
                from_entry(&mut v, e);
            }
        }
        Cat::FdArg0 => {
            v.num = Some(ev.args[0] as u32 as i32 as i64);
            if let Some(e) = entry(c.proc, v.num.unwrap_or(-1)) {
                from_entry(&mut v, e);
            }
        }
        _ => {}
    }
    if v.name.is_none() && (v.remote.is_some() || v.local.is_some()) {
        v.name = Some(super::extract::socket_name(&v));
    }
    v
}
