//! Fd list blocks (`FDL_BLOCK_TYPE`, its early `_INT` number and `_V2` with a length per entry): the
//! fds a thread had open when the capture started, so later events on them get their names.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::ScapError;
use super::cursor::Cursor;

/// One fd of an fd list (names are the capture's bytes, untrusted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FdInfo {
    pub fd: i64,
    /// scap's `SCAP_FD_*` type.
    pub ty: u8,
    /// Path of a file, directory, fifo, unix socket (empty for the others).
    pub path: Vec<u8>,
    /// A socket's addresses: (source, destination) for a connected one, (local, local) for a server.
    pub addrs: Option<(SocketAddr, SocketAddr)>,
    /// `SCAP_L4_*` of a socket.
    pub l4: u8,
    /// A unix socket's kernel addresses (source, destination).
    pub unix: (u64, u64),
}

/// `SCAP_FD_*` numbers used here.
pub const FD_FILE: u8 = 1;
pub const FD_DIRECTORY: u8 = 2;
pub const FD_IPV4_SOCK: u8 = 3;
pub const FD_IPV6_SOCK: u8 = 4;
pub const FD_IPV4_SERVSOCK: u8 = 5;
pub const FD_IPV6_SERVSOCK: u8 = 6;
pub const FD_FIFO: u8 = 7;
pub const FD_UNIX_SOCK: u8 = 8;
pub const FD_NETLINK: u8 = 15;
pub const FD_FILE_V2: u8 = 16;
/// The last type the libs know (`SCAP_FD_PIDFD`).
const FD_LAST: u8 = 21;

/// Longest path the libs accept (`SCAP_MAX_PATH_SIZE`, with its NUL).
const MAX_PATH: usize = 1024;

impl FdInfo {
    /// `fd.typechar` as sysdig prints it.
    pub fn type_char(&self) -> char {
        match self.ty {
            FD_FILE | FD_FILE_V2 => 'f',
            FD_DIRECTORY => 'd',
            FD_IPV4_SOCK | FD_IPV4_SERVSOCK => '4',
            FD_IPV6_SOCK | FD_IPV6_SERVSOCK => '6',
            FD_FIFO => 'p',
            FD_UNIX_SOCK => 'u',
            9 => 'e',
            11 => 's',
            12 => 'l',
            13 => 'i',
            14 => 't',
            FD_NETLINK => 'n',
            _ => 'o',
        }
    }

    /// The type as sysdig prints it in an fd argument: the type char, an IPv4 socket's protocol
    /// after it (`4t`; sysdig 0.29 prints none for IPv6).
    pub fn type_text(&self) -> String {
        let mut s = self.type_char().to_string();
        if matches!(self.ty, FD_IPV4_SOCK | FD_IPV4_SERVSOCK) {
            match self.l4 {
                2 => s.push('t'),
                3 => s.push('u'),
                4 => s.push('i'),
                5 => s.push('r'),
                _ => {}
            }
        }
        s
    }

    /// `fd.name` as sysdig prints it: the path, `sip:sport->dip:dport`, `ip:port`, an unnamed unix socket's `src->dst`.
    pub fn name(&self) -> String {
        let side = |a: &SocketAddr| format!("{}:{}", a.ip(), a.port());
        match (self.ty, &self.addrs) {
            (FD_IPV4_SOCK | FD_IPV6_SOCK, Some((s, d))) => format!("{}->{}", side(s), side(d)),
            (FD_IPV4_SERVSOCK | FD_IPV6_SERVSOCK, Some((l, _))) => side(l),
            (FD_UNIX_SOCK, _) if self.path.is_empty() => {
                format!("{:x}->{:x}", self.unix.0, self.unix.1)
            }
            _ => String::from_utf8_lossy(&self.path).into_owned(),
        }
    }
}

/// `Some(true)` for the version with a length before each entry, `Some(false)` for the first one.
pub(super) fn version(block_type: u32) -> Option<bool> {
    super::cursor::list_version(block_type, [0x203, 0x8001_ABCD], 0x218)
}

/// Parses an fd list block's body: the thread and its fds.
pub(super) fn parse(
    data: &[u8],
    v2: bool,
    swap: bool,
    offset: u64,
    block_type: u32,
) -> Result<(u64, Vec<FdInfo>), ScapError> {
    let mut c = Cursor::new(data, swap);
    let bad = |what: String| ScapError::corrupt(offset, block_type, what);
    let tid = c
        .u64()
        .ok_or_else(|| bad("fd list cut short before its thread id".into()))?;
    let mut out = Vec::new();
    while c.left() >= 4 {
        let start = c.pos;
        let entry = format!("fd list entry at byte {} of the block", start + 8);
        let cut = || bad(format!("{entry} cut short"));
        let sub_len = if v2 {
            c.u32().ok_or_else(cut)? as usize
        } else {
            0
        };
        let fd = c.u64().ok_or_else(cut)? as i64;
        c.u64().ok_or_else(cut)?; // inode
        let ty = c.take(1).ok_or_else(cut)?[0];
        let mut f = FdInfo {
            fd,
            ty,
            path: Vec::new(),
            addrs: None,
            l4: 0,
            unix: (0, 0),
        };
        let path = |c: &mut Cursor<'_>| -> Result<Vec<u8>, ScapError> {
            let s = c.str16().ok_or_else(cut)?;
            if s.len() >= MAX_PATH {
                return Err(bad(format!("{entry}: a {}-byte path", s.len())));
            }
            Ok(s.to_vec())
        };
        match ty {
            FD_IPV4_SOCK | FD_IPV6_SOCK => {
                let n = if ty == FD_IPV4_SOCK { 4 } else { 16 };
                let (s, d) = (c.take(n).ok_or_else(cut)?, c.take(n).ok_or_else(cut)?);
                let (sp, dp) = (c.u16().ok_or_else(cut)?, c.u16().ok_or_else(cut)?);
                f.l4 = c.take(1).ok_or_else(cut)?[0];
                f.addrs = Some((addr(s, sp), addr(d, dp)));
            }
            FD_IPV4_SERVSOCK | FD_IPV6_SERVSOCK => {
                let n = if ty == FD_IPV4_SERVSOCK { 4 } else { 16 };
                let ip = c.take(n).ok_or_else(cut)?;
                let port = c.u16().ok_or_else(cut)?;
                f.l4 = c.take(1).ok_or_else(cut)?[0];
                let a = addr(ip, port);
                f.addrs = Some((a, a));
            }
            FD_UNIX_SOCK => {
                f.unix = (c.u64().ok_or_else(cut)?, c.u64().ok_or_else(cut)?);
                f.path = path(&mut c)?;
            }
            FD_FILE_V2 => {
                c.u32().ok_or_else(cut)?; // open flags
                f.path = path(&mut c)?;
                // the device, when the entry's length leaves room for it
                if sub_len >= c.pos - start + 4 {
                    c.u32().ok_or_else(cut)?;
                }
            }
            0 => {}
            t if t <= FD_LAST => f.path = path(&mut c)?,
            t if sub_len == 0 => {
                return Err(bad(format!(
                    "{entry}: fd type {t} unknown, and the entry has no length to skip it by"
                )));
            }
            _ => {}
        }
        if sub_len != 0 {
            super::cursor::skip_rest(&mut c, start, sub_len)
                .map_err(|w| bad(format!("{entry}: {w}")))?;
        }
        if ty <= FD_LAST {
            out.push(f);
        }
    }
    Ok((tid, out))
}

/// An address of `ip` (4 or 16 bytes, as the kernel keeps them) and `port`.
fn addr(ip: &[u8], port: u16) -> SocketAddr {
    let ip = match <[u8; 4]>::try_from(ip) {
        Ok(a) => IpAddr::V4(Ipv4Addr::from(a)),
        Err(_) => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(ip).unwrap_or_default())),
    };
    SocketAddr::new(ip, port)
}
