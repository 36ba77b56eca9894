//! A chunk's table of byte strings (paths, directories): the writer finds a string's number, the reader its bytes.
//!
//! Strings are keyed by their hash; a hash that matches another string is
//! checked against the bytes and the string is then simply defined again (a
//! hostile workload that makes paths collide costs bytes, never correctness).

use std::hash::Hasher;

use crate::model::hash::{FxHasher, FxMap};

/// Strings of a chunk, numbered in order of definition.
#[derive(Default)]
pub struct Strings {
    arena: Vec<u8>,
    spans: Vec<(usize, usize)>,
    index: FxMap<u64, u32>,
}

/// The key [`Strings`] files `b` under.
pub fn hash(b: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(b);
    h.finish()
}

impl Strings {
    /// Forgets every string.
    pub fn clear(&mut self) {
        self.arena.clear();
        self.spans.clear();
        self.index.clear();
    }

    /// The number of string `b` (whose [`hash`] is `h`), if the table has it (writer side).
    #[inline]
    pub fn find(&self, h: u64, b: &[u8]) -> Option<u32> {
        self.index
            .get(&h)
            .copied()
            .filter(|&k| self.get(k as usize) == Some(b))
    }

    /// Defines `b` (whose [`hash`] is `h`) as the next string, found by [`Self::find`] from now on (writer side).
    pub fn add(&mut self, h: u64, b: &[u8]) -> u32 {
        let k = self.push(&[b]);
        self.index.insert(h, k);
        k
    }

    /// Defines the next string as the concatenation of `parts` (reader side, no index).
    pub fn push(&mut self, parts: &[&[u8]]) -> u32 {
        let at = self.arena.len();
        parts.iter().for_each(|p| self.arena.extend_from_slice(p));
        self.spans.push((at, self.arena.len()));
        (self.spans.len() - 1) as u32
    }

    /// String `k`.
    #[inline]
    pub fn get(&self, k: usize) -> Option<&[u8]> {
        self.spans.get(k).map(|&(a, b)| &self.arena[a..b])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_numbered_once_and_read_back() {
        let mut s = Strings::default();
        let h = |b: &[u8]| hash(b);
        assert_eq!(s.find(h(b"/etc/"), b"/etc/"), None);
        assert_eq!(s.add(h(b"/etc/"), b"/etc/"), 0);
        assert_eq!(s.add(h(b"/tmp/"), b"/tmp/"), 1);
        assert_eq!(s.find(h(b"/etc/"), b"/etc/"), Some(0));
        // a colliding key is checked against the bytes
        assert_eq!(s.find(h(b"/etc/"), b"/tmp/"), None);
        assert_eq!(s.get(1), Some(&b"/tmp/"[..]));
        assert_eq!(s.push(&[b"/a/", b"b"]), 2);
        assert_eq!(s.get(2), Some(&b"/a/b"[..]));
        assert_eq!(s.get(3), None);
        s.clear();
        assert_eq!(s.find(h(b"/tmp/"), b"/tmp/"), None);
    }
}
