//! A capped preview of a file's bytes, with binary detection, `strings` and hex dump views.

use std::fmt::Write as _;

/// Default preview cap: 1 MiB.
pub const DEFAULT_PREVIEW_CAP: usize = 1 << 20;

/// Default minimum run length for [`FileView::strings`], as `strings(1)`.
pub const DEFAULT_STRINGS_MIN: usize = 4;

/// The first bytes of a regular file inside a root.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileView {
    /// The path as requested.
    pub path: String,
    /// Where it resolved inside the root (after symlinks), e.g. `/etc/shadow`.
    pub resolved: String,
    /// At most `cap` bytes from offset 0.
    pub data: Vec<u8>,
    /// Total size: `st_size`, or the bytes seen if more (procfs files report 0).
    pub size: u64,
    /// Whether the file has more than `data`.
    pub truncated: bool,
}

impl FileView {
    /// Whether `data` looks binary: any NUL byte, or more than 10% of bytes
    /// invalid UTF-8 or control characters other than `\t \n \r \f \b ESC`.
    /// A multi-byte character cut off by the cap does not count.
    pub fn is_binary(&self) -> bool {
        let d = &self.data;
        if d.is_empty() {
            return false;
        }
        if d.contains(&0) {
            return true;
        }
        let mut bad = 0usize;
        let mut chunks = d.utf8_chunks().peekable();
        while let Some(chunk) = chunks.next() {
            bad += chunk
                .valid()
                .chars()
                .filter(|c| {
                    c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c' | '\x08' | '\x1b')
                })
                .count();
            let invalid = chunk.invalid().len();
            let cut_tail = self.truncated && chunks.peek().is_none() && invalid < 4;
            if !cut_tail {
                bad += invalid;
            }
        }
        bad * 10 > d.len()
    }

    /// Runs of at least `min_len` printable ASCII characters (and tabs) with
    /// their byte offsets, like `strings -t x -n min_len`.
    pub fn strings(&self, min_len: usize) -> Vec<(usize, String)> {
        let min_len = min_len.max(1);
        let mut out = Vec::new();
        let mut start = None;
        for (i, &b) in self.data.iter().chain(std::iter::once(&0)).enumerate() {
            let printable = (0x20..=0x7e).contains(&b) || b == b'\t';
            match (printable && i < self.data.len(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    if i - s >= min_len {
                        out.push((s, String::from_utf8_lossy(&self.data[s..i]).into_owned()));
                    }
                    start = None;
                }
                _ => {}
            }
        }
        out
    }

    /// At most `max_lines` lines of `hexdump -C` output: offset, 16 hex bytes in
    /// two groups of 8, and the bytes as ASCII with `.` for non-printables
    /// (repeated lines are not collapsed into `*`).
    pub fn hex_dump(&self, max_lines: usize) -> Vec<String> {
        self.data
            .chunks(16)
            .take(max_lines)
            .enumerate()
            .map(|(n, chunk)| hex_line(n * 16, chunk))
            .collect()
    }
}

fn hex_line(offset: usize, chunk: &[u8]) -> String {
    let mut s = String::with_capacity(80);
    let _ = write!(s, "{offset:08x}  ");
    for i in 0..16 {
        match chunk.get(i) {
            Some(b) => {
                let _ = write!(s, "{b:02x} ");
            }
            None => s.push_str("   "),
        }
        if i == 7 {
            s.push(' ');
        }
    }
    s.push_str(" |");
    s.extend(chunk.iter().map(|&b| {
        if (0x20..=0x7e).contains(&b) {
            b as char
        } else {
            '.'
        }
    }));
    s.push('|');
    s
}
