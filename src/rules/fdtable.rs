//! Per-process fds the stream showed: files opened, sockets created, connected, accepted, duplicated.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::model::hash::FxMap;

/// What an fd is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FdKind {
    File,
    Directory,
    Ipv4,
    Ipv6,
    Unix,
    Netlink,
    /// Another socket family (packet, vsock...).
    Socket,
}

impl FdKind {
    /// `fd.type` as Falco names it.
    pub fn type_name(self) -> &'static str {
        match self {
            FdKind::File => "file",
            FdKind::Directory => "directory",
            FdKind::Ipv4 => "ipv4",
            FdKind::Ipv6 => "ipv6",
            FdKind::Unix => "unix",
            FdKind::Netlink => "netlink",
            FdKind::Socket => "socket",
        }
    }

    /// `fd.typechar`.
    pub fn type_char(self) -> &'static str {
        match self {
            FdKind::File => "f",
            FdKind::Directory => "d",
            FdKind::Ipv4 => "4",
            FdKind::Ipv6 => "6",
            FdKind::Unix => "u",
            FdKind::Netlink => "n",
            FdKind::Socket => "s",
        }
    }

    /// From an address family number.
    pub fn from_family(f: u16) -> FdKind {
        match f {
            1 => FdKind::Unix,
            2 => FdKind::Ipv4,
            10 => FdKind::Ipv6,
            16 => FdKind::Netlink,
            _ => FdKind::Socket,
        }
    }
}

/// Transport protocol of a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum L4 {
    Tcp,
    Udp,
    Raw,
    Unknown,
}

impl L4 {
    /// `fd.l4proto`.
    pub fn name(self) -> &'static str {
        match self {
            L4::Tcp => "tcp",
            L4::Udp => "udp",
            L4::Raw => "raw",
            L4::Unknown => "unknown",
        }
    }

    /// From a `socket()` type argument.
    pub fn from_sock_type(t: u64) -> L4 {
        match t & 0xf {
            1 => L4::Tcp,
            2 => L4::Udp,
            3 => L4::Raw,
            _ => L4::Unknown,
        }
    }
}

/// One fd.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FdEntry {
    pub kind: FdKind,
    /// Path of a file or unix socket.
    pub path: Option<Arc<str>>,
    pub l4: L4,
    pub local: Option<SocketAddr>,
    pub remote: Option<SocketAddr>,
    /// The remote end is the server (connect) rather than the client (accept).
    pub remote_is_server: bool,
    pub connected: bool,
}

impl FdEntry {
    pub fn file(path: Arc<str>, dir: bool) -> FdEntry {
        FdEntry {
            kind: if dir { FdKind::Directory } else { FdKind::File },
            path: Some(path),
            l4: L4::Unknown,
            local: None,
            remote: None,
            remote_is_server: true,
            connected: false,
        }
    }

    pub fn socket(kind: FdKind, l4: L4) -> FdEntry {
        FdEntry {
            kind,
            path: None,
            l4,
            local: None,
            remote: None,
            remote_is_server: true,
            connected: false,
        }
    }
}

/// At most this many fds per process are remembered.
const MAX_FDS: usize = 256;

/// fd number -> entry.
#[derive(Clone, Debug, Default)]
pub struct FdTable(FxMap<i32, FdEntry>);

impl FdTable {
    pub fn get(&self, fd: i32) -> Option<&FdEntry> {
        self.0.get(&fd)
    }

    pub fn get_mut(&mut self, fd: i32) -> Option<&mut FdEntry> {
        self.0.get_mut(&fd)
    }

    /// Remembers `fd` (replacing what the number meant before).
    pub fn set(&mut self, fd: i32, e: FdEntry) {
        if fd < 0 {
            return;
        }
        if self.0.len() >= MAX_FDS && !self.0.contains_key(&fd) {
            // forget the highest-numbered fd: low numbers (std streams) matter most
            if let Some(max) = self.0.keys().max().copied() {
                self.0.remove(&max);
            }
        }
        self.0.insert(fd, e);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
