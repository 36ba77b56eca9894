//! Event blocks (`EV`, `EVF` with flags, their V2 and large-payload variants): the header and the parameters, borrowed from the block.

use super::ScapError;
use super::cursor::Cursor;

/// Parameters an event may carry (the table's maximum).
pub const MAX_PARAMS: usize = 32;

/// One event of a capture, borrowed from the reader's block buffer.
#[derive(Clone, Debug)]
pub struct RawEvent<'a> {
    /// Byte offset of its block.
    pub offset: u64,
    pub cpu: u16,
    /// Dump flags (`EVF` blocks), 0 otherwise.
    pub flags: u32,
    /// Wall-clock ns.
    pub ts: u64,
    pub tid: u64,
    /// Event type (even: enter, odd: exit).
    pub ty: u16,
    /// The parameters' bytes, in the table's order.
    pub params: Vec<&'a [u8]>,
}

impl RawEvent<'_> {
    /// The event's name as sysdig shows it: the table's, or for a generic `syscall` event the
    /// syscall its code names.
    pub fn name(&self) -> std::borrow::Cow<'static, str> {
        name_of(self.ty, &self.params)
    }
}

/// The name of an event of type `ty` with these parameters (see [`RawEvent::name`]).
pub fn name_of(ty: u16, params: &[&[u8]]) -> std::borrow::Cow<'static, str> {
    if let (Some(("syscall", _)), Some(id)) = (crate::scap::event_info(ty), params.first()) {
        let id = super::params::uint(id).unwrap_or(0) as usize;
        if let Some(n) = crate::scap::SYSCALLS.get(id).filter(|n| !n.is_empty()) {
            return std::borrow::Cow::Borrowed(n);
        }
    }
    crate::scap::event_name(ty)
}

/// How an event block is laid out.
#[derive(Clone, Copy, Debug)]
pub(super) struct Layout {
    /// A 32-bit flags word follows the cpu id.
    pub flags: bool,
    /// The event header carries its parameter count (V2).
    pub nparams: bool,
    /// Parameter lengths are 32-bit (large payload).
    pub large: bool,
}

/// The layout of an event block type, `None` for other blocks.
pub(super) fn layout(block_type: u32) -> Option<Layout> {
    let l = |flags, nparams, large| {
        Some(Layout {
            flags,
            nparams,
            large,
        })
    };
    match block_type {
        0x204 | 0x8010_ABCD => l(false, false, false),
        0x208 => l(true, false, false),
        0x216 => l(false, true, false),
        0x217 => l(true, true, false),
        0x221 => l(false, true, true),
        0x222 => l(true, true, true),
        _ => None,
    }
}

/// Parses an event block's body (`data`: after the block header, before the trailer).
pub(super) fn parse<'a>(
    data: &'a [u8],
    lay: Layout,
    swap: bool,
    offset: u64,
    block_type: u32,
) -> Result<RawEvent<'a>, ScapError> {
    let bad = |what: String| ScapError::corrupt(offset, block_type, what);
    let mut c = Cursor::new(data, swap);
    let head = (|| {
        let cpu = c.u16()?;
        let flags = if lay.flags { c.u32()? } else { 0 };
        Some((cpu, flags, c.u64()?, c.u64()?, c.u32()?, c.u16()?))
    })();
    let Some((cpu, flags, ts, tid, len, ty)) = head else {
        return Err(bad("event header cut short".into()));
    };
    let hdr = if lay.nparams { 26 } else { 22 };
    let len = len as usize;
    if len < hdr || len - 22 > c.left() {
        return Err(bad(format!(
            "event length {len} does not fit its block ({} bytes)",
            c.left() + 22
        )));
    }
    let body_len = len - hdr;
    let declared = if lay.nparams {
        let n = c
            .u32()
            .ok_or_else(|| bad("event header cut short".into()))?;
        Some(n as usize)
    } else {
        None
    };
    let body = c
        .take(body_len)
        .ok_or_else(|| bad(format!("event length {len} runs past its block")))?;
    let width = if lay.large { 4 } else { 2 };
    let n = match declared {
        Some(n) if n <= MAX_PARAMS && n * width <= body.len() => n,
        Some(n) => return Err(bad(format!("event of type {ty} declares {n} parameters"))),
        None => infer_count(body, ty, swap).ok_or_else(|| {
            bad(format!(
                "event of type {ty}: parameter lengths do not add up"
            ))
        })?,
    };
    let mut lens = Cursor::new(&body[..n * width], swap);
    let mut data = Cursor::new(&body[n * width..], swap);
    let mut params = Vec::with_capacity(n);
    for i in 0..n {
        let l = if lay.large {
            lens.u32().map(|v| v as usize)
        } else {
            lens.u16().map(usize::from)
        };
        let p = l.and_then(|l| data.take(l)).ok_or_else(|| {
            bad(format!(
                "event of type {ty}: parameter {i} runs past the event"
            ))
        })?;
        params.push(p);
    }
    Ok(RawEvent {
        offset,
        cpu,
        flags,
        ts,
        tid,
        ty,
        params,
    })
}

/// Old event blocks do not say how many parameters follow: the count whose 16-bit
/// lengths add up to the event's length, the table's count when several do.
fn infer_count(body: &[u8], ty: u16, swap: bool) -> Option<usize> {
    let want = crate::scap::event_info(ty).map_or(0, |(_, p)| p.len());
    let mut best: Option<usize> = None;
    let mut sum = 0usize;
    for k in 0..=MAX_PARAMS {
        if 2 * k + sum == body.len() {
            if k == want {
                return Some(k);
            }
            if best.is_none_or(|b| k.abs_diff(want) < b.abs_diff(want)) {
                best = Some(k);
            }
        }
        let Some(l) = body
            .get(2 * k..2 * k + 2)
            .and_then(|b| super::cursor::u16_of(b, swap))
        else {
            break;
        };
        sum += usize::from(l);
        if 2 * (k + 1) + sum > body.len() {
            break;
        }
    }
    best
}
