//! Bounds-checked reads of little/big-endian fields from a block's bytes (`None` past the end).

/// A position in a block's bytes, in the section's byte order.
pub(super) struct Cursor<'a> {
    data: &'a [u8],
    pub pos: usize,
    swap: bool,
}

impl<'a> Cursor<'a> {
    /// Reads `data` from its start; `swap`: the section is big-endian.
    pub fn new(data: &'a [u8], swap: bool) -> Self {
        Self { data, pos: 0, swap }
    }

    /// Bytes left.
    pub fn left(&self) -> usize {
        self.data.len() - self.pos
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.data.len())?;
        let s = &self.data[self.pos..end];
        self.pos = end;
        Some(s)
    }

    fn arr<const N: usize>(&mut self) -> Option<[u8; N]> {
        let mut a: [u8; N] = self.take(N)?.try_into().ok()?;
        if self.swap {
            a.reverse();
        }
        Some(a)
    }

    pub fn u16(&mut self) -> Option<u16> {
        self.arr().map(u16::from_le_bytes)
    }

    pub fn u32(&mut self) -> Option<u32> {
        self.arr().map(u32::from_le_bytes)
    }

    pub fn u64(&mut self) -> Option<u64> {
        self.arr().map(u64::from_le_bytes)
    }

    /// A string with a 16-bit length before it (not NUL-terminated in the file).
    pub fn str16(&mut self) -> Option<&'a [u8]> {
        let n = self.u16()?;
        self.take(usize::from(n))
    }
}

/// `u16` from 2 little-endian bytes, honouring `swap` (parameter data).
pub(super) fn u16_of(b: &[u8], swap: bool) -> Option<u16> {
    let a: [u8; 2] = b.get(..2)?.try_into().ok()?;
    Some(if swap {
        u16::from_be_bytes(a)
    } else {
        u16::from_le_bytes(a)
    })
}

/// A list block's version: `Some(true)` for `with_lengths` (a length before each entry),
/// `Some(false)` for the first version's numbers, `None` for another block type.
pub(super) fn list_version(ty: u32, first: [u32; 2], with_lengths: u32) -> Option<bool> {
    if ty == with_lengths {
        Some(true)
    } else {
        first.contains(&ty).then_some(false)
    }
}

/// Moves past the rest of an entry that began at `start` (its length field) and declares `len`
/// bytes (a newer writer's fields); what is wrong when more was read or the rest is cut short.
pub(super) fn skip_rest(c: &mut Cursor<'_>, start: usize, len: usize) -> Result<(), String> {
    let read = c.pos - start;
    if read > len {
        return Err(format!("{read} bytes read of an entry of {len}"));
    }
    c.take(len - read)
        .map(drop)
        .ok_or_else(|| "cut short".to_string())
}
