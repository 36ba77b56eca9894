//! Process list blocks (`PL_BLOCK_TYPE_V1`..`V9` and the early `_INT` numbers): the threads that existed when the capture started.

use super::ScapError;
use super::cursor::Cursor;

/// One thread of a process list (strings are the capture's bytes, untrusted).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ThreadInfo {
    pub tid: u64,
    pub pid: u64,
    pub ptid: u64,
    pub comm: Vec<u8>,
    pub exe: Vec<u8>,
    pub exepath: Vec<u8>,
    /// Arguments after argv[0], NUL separated.
    pub args: Vec<u8>,
    pub cwd: Vec<u8>,
    pub uid: u32,
    pub gid: u32,
    /// `controller=path` entries, NUL separated (empty before V4).
    pub cgroups: Vec<u8>,
    /// `u32::MAX` when the capture does not carry it.
    pub loginuid: u32,
}

/// Process list versions, by block type: 1..=9.
pub(super) fn version(block_type: u32) -> Option<u8> {
    Some(match block_type {
        0x202 | 0x8000_ABCD => 1,
        0x207 | 0x8013_ABCD => 2,
        0x209 | 0x8014_ABCD => 3,
        0x210 => 4,
        0x211 => 5,
        0x212 => 6,
        0x213 => 7,
        0x214 => 8,
        0x215 => 9,
        _ => return None,
    })
}

/// Parses the threads of a process list block's body (`data`: after the block header, before the trailer).
pub(super) fn parse(
    data: &[u8],
    v: u8,
    swap: bool,
    offset: u64,
    block_type: u32,
) -> Result<Vec<ThreadInfo>, ScapError> {
    let mut c = Cursor::new(data, swap);
    let mut out = Vec::new();
    while c.left() >= 4 {
        let start = c.pos;
        let entry = thread(&mut c, v).ok_or_else(|| {
            ScapError::corrupt(
                offset,
                block_type,
                format!(
                    "process list entry at byte {} runs past the block",
                    offset + 8 + start as u64
                ),
            )
        })?;
        out.push(entry);
    }
    Ok(out)
}

fn thread(c: &mut Cursor<'_>, v: u8) -> Option<ThreadInfo> {
    let sub_len = if v >= 9 { c.u32()? as usize } else { 0 };
    let start = c.pos;
    let mut t = ThreadInfo {
        tid: c.u64()?,
        pid: c.u64()?,
        ptid: c.u64()?,
        loginuid: u32::MAX,
        ..ThreadInfo::default()
    };
    if v >= 6 {
        c.u64()?; // sid
    }
    if v >= 8 {
        c.u64()?; // vpgid
    }
    t.comm = c.str16()?.to_vec();
    t.exe = c.str16()?.to_vec();
    if v >= 7 {
        t.exepath = c.str16()?.to_vec();
    }
    t.args = c.str16()?.to_vec();
    t.cwd = c.str16()?.to_vec();
    c.u64()?; // fdlimit
    c.u32()?; // flags
    t.uid = c.u32()?;
    t.gid = c.u32()?;
    if v >= 2 {
        c.take(3 * 4 + 2 * 8)?; // vmsize, vmrss, vmswap, pfmajor, pfminor
        if v >= 3 {
            c.str16()?; // env: not kept
        }
        if v >= 4 {
            c.take(16)?; // vtid, vpid
            t.cgroups = c.str16()?.to_vec();
            if v >= 5 {
                c.str16()?; // root
            }
        }
    }
    if sub_len > 0 {
        let read = c.pos - start + 4;
        if read + 4 <= sub_len {
            t.loginuid = c.u32()?;
        }
        let read = c.pos - start + 4;
        if read > sub_len {
            return None;
        }
        c.take(sub_len - read)?;
    }
    Some(t)
}
