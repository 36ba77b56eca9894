//! Splits a byte stream into lines with a size cap: an over-long line is reported once (its head) and skipped.

/// One piece of input.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// A complete line, without its `\n` (or `\r\n`).
    Line(&'a [u8]),
    /// A line longer than the cap: its first bytes; the rest is skipped.
    TooLong(&'a [u8]),
}

/// Incremental, capped line splitter.
#[derive(Debug)]
pub struct LineSplitter {
    buf: Vec<u8>,
    max: usize,
    skipping: bool,
}

impl LineSplitter {
    /// Lines longer than `max` bytes are reported as [`Piece::TooLong`].
    pub fn new(max: usize) -> Self {
        Self {
            buf: Vec::new(),
            max,
            skipping: false,
        }
    }

    /// Feeds bytes; `f` gets every piece they complete.
    pub fn push(&mut self, mut data: &[u8], mut f: impl FnMut(Piece<'_>)) {
        while !data.is_empty() {
            let nl = data.iter().position(|b| *b == b'\n');
            let (seg, rest) = match nl {
                Some(i) => (&data[..i], &data[i + 1..]),
                None => (data, &data[data.len()..]),
            };
            data = rest;
            if self.skipping {
                self.skipping = nl.is_none();
                continue;
            }
            let room = self.max + 1 - self.buf.len().min(self.max + 1);
            self.buf.extend_from_slice(&seg[..seg.len().min(room)]);
            if self.buf.len() > self.max {
                f(Piece::TooLong(
                    &self.buf[..self.buf.len().min(super::MALFORMED_KEEP)],
                ));
                self.buf.clear();
                self.skipping = nl.is_none();
            } else if nl.is_some() {
                let line = self.buf.strip_suffix(b"\r").unwrap_or(&self.buf);
                f(Piece::Line(line));
                self.buf.clear();
            }
        }
    }

    /// End of input: a last line without `\n` is still a line.
    pub fn finish(&mut self, mut f: impl FnMut(Piece<'_>)) {
        if !self.buf.is_empty() && !self.skipping {
            f(Piece::Line(&self.buf));
        }
        self.buf.clear();
        self.skipping = false;
    }

    /// Forgets a partial line (the file under it was truncated or rotated).
    pub fn reset(&mut self) {
        self.buf.clear();
        self.skipping = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(max: usize, chunks: &[&[u8]]) -> Vec<String> {
        let mut s = LineSplitter::new(max);
        let mut out = Vec::new();
        let mut take = |p: Piece<'_>| {
            out.push(match p {
                Piece::Line(l) => format!("L:{}", String::from_utf8_lossy(l)),
                Piece::TooLong(h) => format!("T:{}", String::from_utf8_lossy(h)),
            })
        };
        for c in chunks {
            s.push(c, &mut take);
        }
        s.finish(&mut take);
        out
    }

    #[test]
    fn lines_across_chunks_and_crlf() {
        assert_eq!(
            split(100, &[b"ab", b"c\r\nde\n\nf"]),
            ["L:abc", "L:de", "L:", "L:f"]
        );
    }

    #[test]
    fn overlong_lines_are_reported_once_and_skipped() {
        assert_eq!(
            split(4, &[b"ok\n0123456", b"789\nnext\n"]),
            ["L:ok", "T:01234", "L:next"]
        );
        assert_eq!(split(4, &[b"12345"]), ["T:12345"]);
        assert_eq!(split(4, &[b"1234\n"]), ["L:1234"]);
    }
}
