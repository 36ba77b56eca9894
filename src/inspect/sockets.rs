//! `socket:[INODE]` resolved through the process's own network namespace tables (`/proc/PID/net/*`).

use std::collections::HashMap;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::Path;

/// The inet tables read, with the protocol name each gives.
const INET_TABLES: [(&str, &str); 6] = [
    ("tcp", "tcp"),
    ("tcp6", "tcp6"),
    ("udp", "udp"),
    ("udp6", "udp6"),
    ("raw", "raw"),
    ("raw6", "raw6"),
];

/// One socket from the tables.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Socket {
    pub inode: u64,
    /// `tcp`, `tcp6`, `udp`, `udp6`, `raw`, `raw6`, `unix`.
    pub proto: String,
    /// `127.0.0.1:8080`, `[::1]:443`; `None` for unix sockets.
    pub local: Option<String>,
    pub remote: Option<String>,
    /// TCP state (`LISTEN`, `ESTABLISHED`, ...), `UNCONN` for unconnected
    /// UDP/raw; for unix sockets `LISTEN`, `CONNECTED`, `UNCONNECTED`, ...
    pub state: String,
    /// Unix: the bound path (`@name` for abstract), raw; sanitize before drawing.
    pub path: Option<String>,
    /// Unix: `stream`, `dgram`, `seqpacket`.
    pub sock_type: Option<String>,
}

/// Sockets of one network namespace by inode.
#[derive(Clone, Debug, Default)]
pub struct SocketTable {
    pub by_inode: HashMap<u64, Socket>,
}

impl SocketTable {
    /// The socket with this inode, if a table lists it.
    pub fn get(&self, inode: u64) -> Option<&Socket> {
        self.by_inode.get(&inode)
    }
}

/// Reads `<proc_root>/<pid>/net/{tcp,tcp6,udp,udp6,raw,raw6,unix}`: the tables
/// of the namespace `pid` is in. Missing tables (no IPv6) are skipped; fails
/// only when none is readable.
pub fn read_tables(proc_root: &Path, pid: u32) -> io::Result<SocketTable> {
    let net = proc_root.join(pid.to_string()).join("net");
    let mut table = SocketTable::default();
    let mut last_err = None;
    let mut any = false;
    let mut add =
        |name: &str, parse: &dyn Fn(&str) -> Vec<Socket>| match std::fs::read(net.join(name)) {
            Ok(raw) => {
                any = true;
                for s in parse(&String::from_utf8_lossy(&raw)) {
                    table.by_inode.entry(s.inode).or_insert(s);
                }
            }
            Err(e) => last_err = Some(e),
        };
    for (file, proto) in INET_TABLES {
        add(file, &|t| parse_inet(t, proto));
    }
    add("unix", &parse_unix);
    match (any, last_err) {
        (false, Some(e)) => Err(e),
        _ => Ok(table),
    }
}

/// Parses a tcp/udp/raw table (v4 or v6, chosen by the address width).
pub fn parse_inet(text: &str, proto: &str) -> Vec<Socket> {
    let tcp = proto.starts_with("tcp");
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let inode = f.get(9)?.parse().ok()?;
            let st = u8::from_str_radix(f.get(3)?, 16).ok()?;
            Some(Socket {
                inode,
                proto: proto.to_string(),
                local: Some(decode_endpoint(f.get(1)?)?),
                remote: Some(decode_endpoint(f.get(2)?)?),
                state: if tcp {
                    tcp_state_name(st).to_string()
                } else {
                    match st {
                        1 => "ESTABLISHED".into(),
                        7 => "UNCONN".into(),
                        other => tcp_state_name(other).to_string(),
                    }
                },
                ..Socket::default()
            })
        })
        .collect()
}

/// `0100007F:1F90` → `127.0.0.1:8080`; 32-digit addresses → `[v6]:port`.
pub fn decode_endpoint(hex: &str) -> Option<String> {
    let (addr, port) = hex.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    match addr.len() {
        8 => Some(format!("{}:{port}", decode_ipv4(addr)?)),
        32 => Some(format!("[{}]:{port}", decode_ipv6(addr)?)),
        _ => None,
    }
}

/// The kernel prints the network-order address as one native-endian `%08X`
/// word (little-endian on x86 and arm64): `0100007F` is 127.0.0.1.
pub fn decode_ipv4(hex: &str) -> Option<Ipv4Addr> {
    let w = u32::from_str_radix(hex, 16).ok()?;
    Some(Ipv4Addr::from(w.to_ne_bytes()))
}

/// Four native-endian 32-bit words, as for IPv4.
pub fn decode_ipv6(hex: &str) -> Option<Ipv6Addr> {
    if hex.len() != 32 {
        return None;
    }
    let mut bytes = [0u8; 16];
    for i in 0..4 {
        let w = u32::from_str_radix(hex.get(i * 8..i * 8 + 8)?, 16).ok()?;
        bytes[i * 4..i * 4 + 4].copy_from_slice(&w.to_ne_bytes());
    }
    Some(Ipv6Addr::from(bytes))
}

/// TCP state number (`include/net/tcp_states.h`) → name.
pub fn tcp_state_name(st: u8) -> &'static str {
    match st {
        1 => "ESTABLISHED",
        2 => "SYN_SENT",
        3 => "SYN_RECV",
        4 => "FIN_WAIT1",
        5 => "FIN_WAIT2",
        6 => "TIME_WAIT",
        7 => "CLOSE",
        8 => "CLOSE_WAIT",
        9 => "LAST_ACK",
        10 => "LISTEN",
        11 => "CLOSING",
        12 => "NEW_SYN_RECV",
        _ => "UNKNOWN",
    }
}

/// Parses `/proc/net/unix`:
/// `Num RefCount Protocol Flags Type St Inode [Path]` (the path may hold spaces).
pub fn parse_unix(text: &str) -> Vec<Socket> {
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let mut rest = l.trim_start();
            let mut f = [""; 7];
            for slot in &mut f {
                let (head, tail) = rest.split_once(' ').unwrap_or((rest, ""));
                *slot = head;
                rest = tail.trim_start_matches(' ');
            }
            let flags = u32::from_str_radix(f[3], 16).ok()?;
            let st = u8::from_str_radix(f[5], 16).ok()?;
            let state = if flags & 0x10000 != 0 {
                "LISTEN"
            } else {
                match st {
                    1 => "UNCONNECTED",
                    2 => "CONNECTING",
                    3 => "CONNECTED",
                    4 => "DISCONNECTING",
                    _ => "UNKNOWN",
                }
            };
            let sock_type = match u16::from_str_radix(f[4], 16).ok()? {
                1 => "stream",
                2 => "dgram",
                5 => "seqpacket",
                _ => "other",
            };
            Some(Socket {
                inode: f[6].parse().ok()?,
                proto: "unix".into(),
                state: state.into(),
                path: (!rest.is_empty()).then(|| rest.to_string()),
                sock_type: Some(sock_type.into()),
                ..Socket::default()
            })
        })
        .collect()
}

#[cfg(test)]
#[path = "tests/sockets.rs"]
mod tests;
