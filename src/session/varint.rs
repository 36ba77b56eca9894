//! Byte-level encoding inside a chunk: LEB128 varints, zigzag, length-prefixed bytes, and a bounds-checked cursor that reports where it failed.

use super::error::DecodeError;

/// Appends `v` as an unsigned LEB128 varint (1–10 bytes).
#[inline]
pub fn put_u64(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Zigzag: small magnitudes of either sign become small unsigned numbers.
#[inline]
pub fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// Inverse of [`zigzag`].
#[inline]
pub fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// Appends `v` zigzagged.
#[inline]
pub fn put_i64(out: &mut Vec<u8>, v: i64) {
    put_u64(out, zigzag(v));
}

/// Appends a length-prefixed byte string.
#[inline]
pub fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_u64(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// A reader over a decompressed chunk; every read is bounds-checked and an
/// error says at which byte of the chunk it happened.
pub struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// Reads `buf` from its start.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Moves to `pos` (clamped to the end).
    pub fn skip_to(&mut self, pos: usize) {
        self.pos = pos.min(self.buf.len());
    }

    /// Current position in the chunk.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// An error at the current position.
    pub fn err(&self, what: &'static str) -> DecodeError {
        DecodeError { at: self.pos, what }
    }

    /// One byte.
    #[inline]
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        let b = *self
            .buf
            .get(self.pos)
            .ok_or_else(|| self.err("ends inside a record"))?;
        self.pos += 1;
        Ok(b)
    }

    /// An unsigned LEB128 varint (at most 10 bytes, no overflow).
    #[inline]
    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        let mut v = 0u64;
        for i in 0..10 {
            let b = self.u8()?;
            if i == 9 && b > 1 {
                return Err(self.err("varint overflows 64 bits"));
            }
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.err("varint longer than 10 bytes"))
    }

    /// A varint that must fit in a u32.
    #[inline]
    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        u32::try_from(self.u64()?).map_err(|_| self.err("value does not fit 32 bits"))
    }

    /// A zigzagged varint.
    #[inline]
    pub fn i64(&mut self) -> Result<i64, DecodeError> {
        Ok(unzigzag(self.u64()?))
    }

    /// A count of items each at least `min_size` bytes long: never more than
    /// what the rest of the chunk could hold, so it can size an allocation.
    pub fn count(&mut self, min_size: usize) -> Result<usize, DecodeError> {
        let n = self.u64()?;
        if n > (self.remaining() / min_size.max(1)) as u64 {
            return Err(self.err("count larger than the rest of the chunk can hold"));
        }
        Ok(n as usize)
    }

    /// The next `n` bytes (borrowed from the chunk).
    #[inline]
    pub fn take(&mut self, n: u64) -> Result<&'a [u8], DecodeError> {
        if n > self.remaining() as u64 {
            return Err(self.err("length runs past the end of the chunk"));
        }
        let s = &self.buf[self.pos..self.pos + n as usize];
        self.pos += n as usize;
        Ok(s)
    }

    /// A length-prefixed byte string (borrowed from the chunk).
    #[inline]
    pub fn bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let n = self.u64()?;
        self.take(n)
    }

    /// A length-prefixed UTF-8 string.
    pub fn string(&mut self) -> Result<String, DecodeError> {
        let at = self.pos;
        let b = self.bytes()?;
        String::from_utf8(b.to_vec()).map_err(|_| DecodeError {
            at,
            what: "string is not UTF-8",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip_and_overflow_is_refused() {
        let vals = [0u64, 1, 127, 128, 300, u32::MAX as u64, u64::MAX];
        let mut out = Vec::new();
        for v in vals {
            put_u64(&mut out, v);
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX, -100] {
            put_i64(&mut out, v);
        }
        let mut c = Cursor::new(&out);
        for v in vals {
            assert_eq!(c.u64().unwrap(), v);
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX, -100] {
            assert_eq!(c.i64().unwrap(), v);
        }
        assert_eq!(c.remaining(), 0);
        let bad = [0xffu8; 11];
        assert!(Cursor::new(&bad).u64().is_err());
        let bad = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert!(Cursor::new(&bad).u64().is_err());
        let mut huge = Vec::new();
        put_u64(&mut huge, u64::MAX);
        assert!(Cursor::new(&huge).count(1).is_err());
        assert!(Cursor::new(&huge).bytes().is_err());
    }
}
