//! Interface list blocks (`IL_BLOCK_TYPE`, its early `_INT` number and `_V2` with a length per
//! entry): the addresses of the machine the capture was taken on.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::ScapError;
use super::cursor::Cursor;

/// One address of an interface (the name is the capture's bytes, untrusted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    pub name: String,
    pub addr: IpAddr,
    pub netmask: IpAddr,
}

/// `Some(true)` for the version with a length before each entry, `Some(false)` for the first one.
pub(super) fn version(block_type: u32) -> Option<bool> {
    super::cursor::list_version(block_type, [0x205, 0x8011_ABCD], 0x219)
}

/// Longest interface name the libs accept (`SCAP_MAX_PATH_SIZE`, with its NUL).
const MAX_NAME: usize = 1024;

/// Parses an interface list block's body (entries back to back, padded to 4 bytes).
pub(super) fn parse(
    data: &[u8],
    v2: bool,
    swap: bool,
    offset: u64,
    block_type: u32,
) -> Result<Vec<Interface>, ScapError> {
    let mut c = Cursor::new(data, swap);
    let bad = |what: String| ScapError::corrupt(offset, block_type, what);
    let mut out = Vec::new();
    while c.left() >= 4 {
        let entry = format!("interface list entry at byte {} of the block", c.pos + 8);
        let cut = || bad(format!("{entry} cut short"));
        let start = c.pos;
        let sub_len = if v2 {
            c.u32().ok_or_else(cut)? as usize
        } else {
            0
        };
        let ty = c.u16().ok_or_else(cut)?;
        let name_len = usize::from(c.u16().ok_or_else(cut)?);
        if name_len >= MAX_NAME {
            return Err(bad(format!("{entry}: a {name_len}-byte name")));
        }
        // SCAP_II_IPV4, _IPV6, and their _NOLINKSPEED forms
        let (n, linkspeed) = match ty {
            1 => (4, true),
            2 => (16, true),
            3 => (4, false),
            4 => (16, false),
            t if sub_len == 0 => {
                return Err(bad(format!(
                    "{entry}: interface type {t} unknown, and the entry has no length to skip it by"
                )));
            }
            _ => {
                super::cursor::skip_rest(&mut c, start, sub_len)
                    .map_err(|w| bad(format!("{entry}: {w}")))?;
                continue;
            }
        };
        let a = c.take(n).ok_or_else(cut)?;
        let m = c.take(n).ok_or_else(cut)?;
        c.take(n).ok_or_else(cut)?; // broadcast
        if linkspeed {
            c.u64().ok_or_else(cut)?;
        }
        let name = c.take(name_len).ok_or_else(cut)?;
        out.push(Interface {
            name: String::from_utf8_lossy(name).into_owned(),
            addr: ip(a),
            netmask: ip(m),
        });
        if sub_len != 0 {
            super::cursor::skip_rest(&mut c, start, sub_len)
                .map_err(|w| bad(format!("{entry}: {w}")))?;
        }
    }
    Ok(out)
}

fn ip(b: &[u8]) -> IpAddr {
    match <[u8; 4]>::try_from(b) {
        Ok(a) => IpAddr::V4(Ipv4Addr::from(a)),
        Err(_) => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(b).unwrap_or_default())),
    }
}
