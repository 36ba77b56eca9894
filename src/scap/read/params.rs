//! Event parameters decoded by their table type: numbers, strings, socket addresses and tuples, rendered as text for events ktriage has no live decoder for.

use std::fmt::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::scap::{Fmt, ParamType};

/// A little-endian unsigned integer of 1, 2, 4 or 8 bytes (`None` for another length).
pub fn uint(b: &[u8]) -> Option<u64> {
    Some(match b.len() {
        1 => u64::from(b[0]),
        2 => u64::from(u16::from_le_bytes([b[0], b[1]])),
        4 => u64::from(u32::from_le_bytes(b.try_into().ok()?)),
        8 => u64::from_le_bytes(b.try_into().ok()?),
        _ => return None,
    })
}

/// The same, sign-extended.
pub fn int(b: &[u8]) -> Option<i64> {
    let v = uint(b)?;
    Some(match b.len() {
        1 => i64::from(v as u8 as i8),
        2 => i64::from(v as u16 as i16),
        4 => i64::from(v as u32 as i32),
        _ => v as i64,
    })
}

/// A string parameter up to its NUL.
pub fn cstr(b: &[u8]) -> &[u8] {
    &b[..b.iter().position(|c| *c == 0).unwrap_or(b.len())]
}

/// A socket address as the kernel's `struct sockaddr` bytes: scap's `family, address, port` (the
/// port in host order) or a socket tuple's destination (`dest = true`) or source side.
pub fn sockaddr(ty: ParamType, b: &[u8], dest: bool) -> Option<Vec<u8>> {
    let (&fam, rest) = b.split_first()?;
    let mut out = Vec::with_capacity(28);
    match (ty, fam) {
        (ParamType::SockAddr, 2) if rest.len() >= 6 => inet(&mut out, &rest[..4], &rest[4..6]),
        (ParamType::SockAddr, 10) if rest.len() >= 18 => {
            inet6(&mut out, &rest[..16], &rest[16..18])
        }
        (ParamType::SockTuple, 2) if rest.len() >= 12 => {
            let s = if dest { &rest[6..12] } else { &rest[..6] };
            inet(&mut out, &s[..4], &s[4..6])
        }
        (ParamType::SockTuple, 10) if rest.len() >= 36 => {
            let s = if dest { &rest[18..36] } else { &rest[..18] };
            inet6(&mut out, &s[..16], &s[16..18])
        }
        (ParamType::SockAddr, 1) => unix(&mut out, rest),
        (ParamType::SockTuple, 1) if rest.len() >= 16 => unix(&mut out, &rest[16..]),
        _ => return None,
    }
    Some(out)
}

fn inet(out: &mut Vec<u8>, ip: &[u8], port: &[u8]) {
    out.extend_from_slice(&2u16.to_ne_bytes());
    out.extend_from_slice(&u16::from_le_bytes([port[0], port[1]]).to_be_bytes());
    out.extend_from_slice(ip);
    out.extend_from_slice(&[0; 8]);
}

fn inet6(out: &mut Vec<u8>, ip: &[u8], port: &[u8]) {
    out.extend_from_slice(&10u16.to_ne_bytes());
    out.extend_from_slice(&u16::from_le_bytes([port[0], port[1]]).to_be_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(ip);
    out.extend_from_slice(&[0; 4]);
}

fn unix(out: &mut Vec<u8>, path: &[u8]) {
    out.extend_from_slice(&1u16.to_ne_bytes());
    out.extend_from_slice(cstr(path));
    out.push(0);
}

/// One side of an address: `1.2.3.4:80`, `[::1]:22`.
fn ip_port(fam: u8, ip: &[u8], port: &[u8]) -> String {
    let port = u16::from_le_bytes([port[0], port[1]]);
    if fam == 2 {
        let a: [u8; 4] = ip.try_into().unwrap_or_default();
        format!("{}:{port}", Ipv4Addr::from(a))
    } else {
        let a: [u8; 16] = ip.try_into().unwrap_or_default();
        format!("[{}]:{port}", Ipv6Addr::from(a))
    }
}

/// A socket address or tuple as text: `1.2.3.4:80`, `10.0.0.1:5000->1.2.3.4:80`, a unix path.
fn addr_text(ty: ParamType, b: &[u8]) -> Option<String> {
    let (&fam, r) = b.split_first()?;
    Some(match (ty, fam) {
        (ParamType::SockAddr, 2) if r.len() >= 6 => ip_port(2, &r[..4], &r[4..6]),
        (ParamType::SockAddr, 10) if r.len() >= 18 => ip_port(10, &r[..16], &r[16..18]),
        (ParamType::SockTuple, 2) if r.len() >= 12 => format!(
            "{}->{}",
            ip_port(2, &r[..4], &r[4..6]),
            ip_port(2, &r[6..10], &r[10..12])
        ),
        (ParamType::SockTuple, 10) if r.len() >= 36 => format!(
            "{}->{}",
            ip_port(10, &r[..16], &r[16..18]),
            ip_port(10, &r[18..34], &r[34..36])
        ),
        (ParamType::SockAddr, 1) => lossy(cstr(r)),
        (ParamType::SockTuple, 1) if r.len() >= 16 => lossy(cstr(&r[16..])),
        _ => return None,
    })
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A parameter as text, appended to `out` (untrusted: sanitize before drawing). Strings and buffers are shown
/// as text with NULs (and newlines) as `.` (as sysdig does), secrets in them masked; numbers in decimal (addresses in hex, modes in
/// octal, as the table's format says), negative results with their errno name; what does not
/// parse as its type, in hex.
pub fn render_into(out: &mut String, ty: ParamType, fmt: Fmt, b: &[u8]) {
    use ParamType as T;
    let hex = |out: &mut String| {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        out.push_str("0x");
        for x in b.iter().take(64) {
            out.push(DIGITS[usize::from(x >> 4)] as char);
            out.push(DIGITS[usize::from(x & 15)] as char);
        }
    };
    let plain_number = matches!(
        ty,
        T::Int8 | T::Int16 | T::Int32 | T::Int64 | T::UInt8 | T::UInt16 | T::UInt32 | T::UInt64
    );
    if plain_number && fmt == Fmt::Hex {
        return match uint(b) {
            Some(v) => drop(write!(out, "{v:X}")),
            None => hex(out),
        };
    }
    if plain_number && fmt == Fmt::Oct {
        return match uint(b) {
            Some(v) => drop(write!(out, "{v:o}")),
            None => hex(out),
        };
    }
    match ty {
        T::CharBuf | T::FsPath | T::FsRelPath => out.push_str(&String::from_utf8_lossy(cstr(b))),
        T::ByteBuf | T::CharBufArray | T::CharBufPairArray => {
            let end = if b.last() == Some(&0) {
                b.len() - 1
            } else {
                b.len()
            };
            let shown: Vec<u8> = b[..end.min(256)]
                .iter()
                .map(|c| if *c == 0 { b'\n' } else { *c })
                .collect();
            // data and argument lists may carry secrets (a token written, `--password x`)
            let text = String::from_utf8_lossy(&shown);
            let masked = crate::redact::mask_text(&text);
            out.extend(masked.chars().map(|c| if c == '\n' { '.' } else { c }));
        }
        T::Errno | T::Fd | T::Pid | T::Int8 | T::Int16 | T::Int32 | T::Int64 | T::RelTime => {
            match int(b) {
                Some(v) if v < 0 && matches!(ty, T::Errno | T::Fd) => {
                    match v.checked_neg().and_then(crate::model::errno::name) {
                        Some(n) => drop(write!(out, "{v}({n})")),
                        None => drop(write!(out, "{v}")),
                    }
                }
                Some(v) => out.push_str(itoa::Buffer::new().format(v)),
                None => hex(out),
            }
        }
        T::Mode => match uint(b) {
            Some(v) => drop(write!(out, "0{v:o}")),
            None => hex(out),
        },
        T::SyscallId => match uint(b) {
            Some(v) => match crate::scap::SYSCALLS
                .get(v as usize)
                .filter(|n| !n.is_empty())
            {
                Some(n) => out.push_str(n),
                None => drop(write!(out, "{v}")),
            },
            None => hex(out),
        },
        T::SockAddr | T::SockTuple => match addr_text(ty, b) {
            Some(t) => out.push_str(&t),
            None => hex(out),
        },
        T::Ipv4Addr if b.len() == 4 => {
            let _ = write!(out, "{}", Ipv4Addr::from([b[0], b[1], b[2], b[3]]));
        }
        T::Ipv6Addr if b.len() == 16 => {
            let _ = write!(
                out,
                "{}",
                Ipv6Addr::from(<[u8; 16]>::try_from(b).unwrap_or_default())
            );
        }
        T::Bool => match uint(b) {
            Some(v) => drop(write!(out, "{}", v != 0)),
            None => hex(out),
        },
        _ => match uint(b) {
            Some(v) => out.push_str(itoa::Buffer::new().format(v)),
            None => hex(out),
        },
    }
}

/// [`render_into`] a new string.
pub fn render(ty: ParamType, fmt: Fmt, b: &[u8]) -> String {
    let mut s = String::new();
    render_into(&mut s, ty, fmt, b);
    s
}
