//! User list blocks (`UL_BLOCK_TYPE`, its early `_INT` number and `_V2` with a length per entry):
//! the users and groups of the machine the capture was taken on, for `user.name` and `group.name`.

use super::ScapError;
use super::cursor::Cursor;

/// The users and groups of a user list (names are the capture's bytes, untrusted).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserList {
    /// uid → name.
    pub users: Vec<(u32, String)>,
    /// gid → name.
    pub groups: Vec<(u32, String)>,
}

/// `Some(true)` for the version with a length before each entry, `Some(false)` for the first one.
pub(super) fn version(block_type: u32) -> Option<bool> {
    super::cursor::list_version(block_type, [0x206, 0x8012_ABCD], 0x220)
}

/// Longest name, home or shell the libs accept (`MAX_CREDENTIALS_STR_LEN`).
const MAX_STR: usize = 256;

/// Parses a user list block's body (after the header, before the trailer; padded to 4 bytes).
pub(super) fn parse(
    data: &[u8],
    v2: bool,
    swap: bool,
    offset: u64,
    block_type: u32,
) -> Result<UserList, ScapError> {
    let mut c = Cursor::new(data, swap);
    let mut out = UserList::default();
    let bad = |what: String| ScapError::corrupt(offset, block_type, what);
    while c.left() >= 4 {
        let start = c.pos;
        let entry = format!("user list entry at byte {} of the block", start + 8);
        let cut = || bad(format!("{entry} cut short"));
        let sub_len = if v2 {
            c.u32().ok_or_else(cut)? as usize
        } else {
            0
        };
        let kind = c.take(1).ok_or_else(cut)?[0];
        let name = |c: &mut Cursor<'_>| -> Result<String, ScapError> {
            let s = c.str16().ok_or_else(cut)?;
            if s.len() >= MAX_STR {
                return Err(bad(format!("{entry}: a {}-byte string", s.len())));
            }
            Ok(String::from_utf8_lossy(s).into_owned())
        };
        if kind == 0 {
            let uid = c.u32().ok_or_else(cut)?;
            c.u32().ok_or_else(cut)?; // gid
            let n = name(&mut c)?;
            name(&mut c)?; // home
            name(&mut c)?; // shell
            out.users.push((uid, n));
        } else {
            let gid = c.u32().ok_or_else(cut)?;
            out.groups.push((gid, name(&mut c)?));
        }
        if sub_len != 0 {
            super::cursor::skip_rest(&mut c, start, sub_len)
                .map_err(|w| bad(format!("{entry}: {w}")))?;
        }
    }
    Ok(out)
}
