//! Decoding of captured `struct sockaddr` bytes (possibly short or garbage) into display text.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};

use super::flags;

const AF_UNIX: u16 = 1;
const AF_INET: u16 = 2;
const AF_INET6: u16 = 10;
const AF_NETLINK: u16 = 16;
const AF_PACKET: u16 = 17;
const AF_VSOCK: u16 = 40;

/// A socket address decoded from the bytes the probe captured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SockAddr {
    /// `AF_INET`: `127.0.0.1:8080`.
    Inet(SocketAddrV4),
    /// `AF_INET6`: `[::1]:8080`, `[fe80::1%2]:22`, `[::ffff:10.0.0.1]:80` (v4-mapped).
    Inet6(SocketAddrV6),
    /// `AF_UNIX` bound to a filesystem path.
    UnixPath(String),
    /// `AF_UNIX` abstract name (shown `@name`).
    UnixAbstract(String),
    /// `AF_UNIX` without a name (autobound peer, `socketpair`).
    UnixUnnamed,
    /// `AF_NETLINK` port id and multicast groups.
    Netlink { pid: u32, groups: u32 },
    /// `AF_PACKET` interface index and (host order) ethernet protocol.
    Packet { ifindex: i32, protocol: u16 },
    /// `AF_VSOCK` context id and port.
    Vsock { cid: u32, port: u32 },
    /// A known family whose bytes were too short to hold its address.
    Short { family: u16, len: usize },
    /// Any other family.
    Other { family: u16 },
}

impl SockAddr {
    /// Decodes a sockaddr; `None` when even the family (2 bytes) is missing.
    pub fn parse(buf: &[u8]) -> Option<SockAddr> {
        let family = u16::from_ne_bytes(*buf.first_chunk::<2>()?);
        let short = || SockAddr::Short {
            family,
            len: buf.len(),
        };
        Some(match family {
            AF_INET => match (be16(buf, 2), buf.get(4..8)) {
                (Some(port), Some(ip)) => {
                    let ip = Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3]);
                    SockAddr::Inet(SocketAddrV4::new(ip, port))
                }
                _ => short(),
            },
            AF_INET6 => {
                let (Some(port), Some(flow), Some(ip)) =
                    (be16(buf, 2), ne32(buf, 4), buf.get(8..24))
                else {
                    return Some(short());
                };
                let mut octets = [0u8; 16];
                octets.copy_from_slice(ip);
                // sin6_scope_id is absent from the old 24-byte sockaddr_in6
                let scope = ne32(buf, 24).unwrap_or(0);
                SockAddr::Inet6(SocketAddrV6::new(
                    Ipv6Addr::from(octets),
                    port,
                    u32::from_be(flow),
                    scope,
                ))
            }
            AF_UNIX => unix(&buf[2..]),
            AF_NETLINK => match (ne32(buf, 4), ne32(buf, 8)) {
                (Some(pid), Some(groups)) => SockAddr::Netlink { pid, groups },
                _ => short(),
            },
            AF_PACKET => match (be16(buf, 2), ne32(buf, 4)) {
                (Some(protocol), Some(ifindex)) => SockAddr::Packet {
                    ifindex: ifindex as i32,
                    protocol,
                },
                _ => short(),
            },
            AF_VSOCK => match (ne32(buf, 4), ne32(buf, 8)) {
                (Some(port), Some(cid)) => SockAddr::Vsock { cid, port },
                _ => short(),
            },
            _ => SockAddr::Other { family },
        })
    }

    /// The address family number.
    pub fn family(&self) -> u16 {
        match self {
            SockAddr::Inet(_) => AF_INET,
            SockAddr::Inet6(_) => AF_INET6,
            SockAddr::UnixPath(_) | SockAddr::UnixAbstract(_) | SockAddr::UnixUnnamed => AF_UNIX,
            SockAddr::Netlink { .. } => AF_NETLINK,
            SockAddr::Packet { .. } => AF_PACKET,
            SockAddr::Vsock { .. } => AF_VSOCK,
            SockAddr::Short { family, .. } | SockAddr::Other { family } => *family,
        }
    }

    /// `AF_INET`, ..., or `None` for a family without a known name.
    pub fn family_name(&self) -> Option<&'static str> {
        flags::family(u64::from(self.family()))
    }
}

impl fmt::Display for SockAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SockAddr::Inet(a) => write!(f, "{a}"),
            SockAddr::Inet6(a) => write!(f, "{a}"),
            SockAddr::UnixPath(p) => f.write_str(p),
            SockAddr::UnixAbstract(n) => write!(f, "@{n}"),
            SockAddr::UnixUnnamed => f.write_str("(unnamed)"),
            SockAddr::Netlink { pid, groups } => write!(f, "pid={pid} groups={groups:#x}"),
            SockAddr::Packet { ifindex, protocol } => {
                write!(f, "ifindex={ifindex} protocol={protocol:#06x}")
            }
            SockAddr::Vsock { cid, port } => write!(f, "cid={cid} port={port}"),
            SockAddr::Short { family, len } => match flags::family(u64::from(*family)) {
                Some(name) => write!(f, "({name}, short: {len} bytes)"),
                None => write!(f, "(family={family}, short: {len} bytes)"),
            },
            SockAddr::Other { family } => write!(f, "family={family}"),
        }
    }
}

/// `sun_path`: a path up to its NUL, an abstract name (leading NUL; trailing NUL
/// padding from callers passing `sizeof(struct sockaddr_un)` is dropped), or nothing.
fn unix(path: &[u8]) -> SockAddr {
    match path.split_first() {
        None => SockAddr::UnixUnnamed,
        Some((0, name)) => {
            let end = name.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
            SockAddr::UnixAbstract(String::from_utf8_lossy(&name[..end]).into_owned())
        }
        Some(_) => {
            let end = path.iter().position(|&b| b == 0).unwrap_or(path.len());
            SockAddr::UnixPath(String::from_utf8_lossy(&path[..end]).into_owned())
        }
    }
}

fn be16(buf: &[u8], at: usize) -> Option<u16> {
    let b = buf.get(at..at + 2)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

fn ne32(buf: &[u8], at: usize) -> Option<u32> {
    let b = buf.get(at..at + 4)?;
    Some(u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inet(port: u16, ip: [u8; 4]) -> Vec<u8> {
        let mut b = AF_INET.to_ne_bytes().to_vec();
        b.extend(port.to_be_bytes());
        b.extend(ip);
        b.extend([0u8; 8]);
        b
    }

    fn inet6(port: u16, ip: Ipv6Addr, scope: u32) -> Vec<u8> {
        let mut b = AF_INET6.to_ne_bytes().to_vec();
        b.extend(port.to_be_bytes());
        b.extend(0u32.to_ne_bytes());
        b.extend(ip.octets());
        b.extend(scope.to_ne_bytes());
        b
    }

    fn unix_buf(path: &[u8]) -> Vec<u8> {
        let mut b = AF_UNIX.to_ne_bytes().to_vec();
        b.extend(path);
        b
    }

    fn with_family(family: u16, rest: &[u8]) -> Vec<u8> {
        let mut b = family.to_ne_bytes().to_vec();
        b.extend(rest);
        b
    }

    #[test]
    fn decodes() {
        let v4mapped: Ipv6Addr = "::ffff:10.1.2.3".parse().unwrap();
        let mut abs_padded = b"\0hidden".to_vec();
        abs_padded.extend([0u8; 20]);
        #[rustfmt::skip]
        let cases: Vec<(Vec<u8>, &str, Option<&str>)> = vec![
            (inet(8080, [127, 0, 0, 1]), "127.0.0.1:8080", Some("AF_INET")),
            (inet(443, [10, 0, 0, 1])[..8].to_vec(), "10.0.0.1:443", Some("AF_INET")),
            (inet6(22, Ipv6Addr::LOCALHOST, 0), "[::1]:22", Some("AF_INET6")),
            (inet6(22, Ipv6Addr::LOCALHOST, 0)[..24].to_vec(), "[::1]:22", Some("AF_INET6")),
            (inet6(80, "fe80::1".parse().unwrap(), 2), "[fe80::1%2]:80", Some("AF_INET6")),
            (inet6(80, v4mapped, 0), "[::ffff:10.1.2.3]:80", Some("AF_INET6")),
            (unix_buf(b"/run/docker.sock\0\0\0"), "/run/docker.sock", Some("AF_UNIX")),
            (unix_buf(b"/no/nul"), "/no/nul", Some("AF_UNIX")),
            (unix_buf(b"\0abstract"), "@abstract", Some("AF_UNIX")),
            (unix_buf(&abs_padded), "@hidden", Some("AF_UNIX")),
            (unix_buf(b""), "(unnamed)", Some("AF_UNIX")),
            (with_family(99, &[1, 2, 3]), "family=99", None),
            (with_family(0, &[]), "family=0", Some("AF_UNSPEC")),
            (inet(1, [1, 2, 3, 4])[..7].to_vec(), "(AF_INET, short: 7 bytes)", Some("AF_INET")),
            (with_family(AF_INET6, &[0; 10]), "(AF_INET6, short: 12 bytes)", Some("AF_INET6")),
            (with_family(AF_NETLINK, &[0; 4]), "(AF_NETLINK, short: 6 bytes)", Some("AF_NETLINK")),
            (with_family(AF_VSOCK, &[0; 4]), "(AF_VSOCK, short: 6 bytes)", Some("AF_VSOCK")),
            (with_family(300, &[0; 4]), "family=300", None),
        ];
        for (buf, want, fam) in cases {
            let a = SockAddr::parse(&buf).expect("family present");
            assert_eq!(a.to_string(), want, "{buf:?}");
            assert_eq!(a.family_name(), fam, "{buf:?}");
        }
    }

    #[test]
    fn netlink_packet_vsock() {
        let mut nl = with_family(AF_NETLINK, &[0, 0]);
        nl.extend(1234u32.to_ne_bytes());
        nl.extend(5u32.to_ne_bytes());
        let a = SockAddr::parse(&nl).unwrap();
        assert_eq!(
            a,
            SockAddr::Netlink {
                pid: 1234,
                groups: 5
            }
        );
        assert_eq!(a.to_string(), "pid=1234 groups=0x5");

        let mut pk = with_family(AF_PACKET, &0x0800u16.to_be_bytes());
        pk.extend(3i32.to_ne_bytes());
        assert_eq!(
            SockAddr::parse(&pk).unwrap().to_string(),
            "ifindex=3 protocol=0x0800"
        );

        let mut vs = with_family(AF_VSOCK, &[0, 0]);
        vs.extend(1024u32.to_ne_bytes());
        vs.extend(2u32.to_ne_bytes());
        assert_eq!(SockAddr::parse(&vs).unwrap().to_string(), "cid=2 port=1024");
    }

    #[test]
    fn too_short_for_family() {
        assert_eq!(SockAddr::parse(&[]), None);
        assert_eq!(SockAddr::parse(&[2]), None);
    }
}
