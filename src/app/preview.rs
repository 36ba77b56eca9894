//! Derived data of the inspect view, built once by `update` when its input
//! arrives: an open file's line and string index (drawing a screen of a
//! megabyte file reads only that screen's bytes), and the counts the tabs'
//! summary lines show.

use std::sync::Arc;

use crate::inspect::Inspection;
use crate::inspect::fds::FdKind;
use crate::inspect::rootfs::{DEFAULT_STRINGS_MIN, FileView};

/// A previewed file with where its lines and its `strings` runs start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    /// The file as read.
    pub file: Arc<FileView>,
    /// Start offset of each line (text mode).
    lines: Vec<u32>,
    /// (start, end) of each run of printable bytes (strings mode).
    strings: Vec<(u32, u32)>,
}

/// Offsets are kept in 32 bits: a preview is capped far below 4 GiB, and only
/// that much of a larger one is indexed.
fn indexed(data: &[u8]) -> &[u8] {
    &data[..data.len().min(u32::MAX as usize)]
}

impl Preview {
    /// Indexes `file` (one pass over its bytes).
    pub fn new(file: Arc<FileView>) -> Self {
        let data = indexed(&file.data);
        let mut lines = Vec::new();
        if !data.is_empty() {
            lines.push(0);
            for (i, b) in data.iter().enumerate() {
                if *b == b'\n' && i + 1 < data.len() {
                    lines.push((i + 1) as u32);
                }
            }
        }
        let strings = string_runs(data)
            .map(|(a, b)| (a as u32, b as u32))
            .collect();
        Self {
            file,
            lines,
            strings,
        }
    }

    /// Number of text lines (a last line without a newline counts).
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// Line `i` without its newline.
    pub fn line(&self, i: usize) -> Option<&[u8]> {
        let data = indexed(&self.file.data);
        let start = *self.lines.get(i)? as usize;
        let end = match self.lines.get(i + 1) {
            Some(next) => *next as usize - 1,
            None if data.ends_with(b"\n") => data.len() - 1,
            None => data.len(),
        };
        data.get(start..end)
    }

    /// Number of `strings` runs.
    pub fn string_count(&self) -> usize {
        self.strings.len()
    }

    /// Run `i`: its offset and bytes.
    pub fn string(&self, i: usize) -> Option<(usize, &[u8])> {
        let (a, b) = *self.strings.get(i)?;
        let (a, b) = (a as usize, b as usize);
        Some((a, self.file.data.get(a..b)?))
    }
}

/// Runs of printable ASCII (and tabs) of at least [`DEFAULT_STRINGS_MIN`]
/// bytes, as [`FileView::strings`] finds them: (start, end) offsets.
pub fn string_runs(data: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < data.len() {
            let printable = |b: u8| (0x20..=0x7e).contains(&b) || b == b'\t';
            if !printable(data[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < data.len() && printable(data[i]) {
                i += 1;
            }
            if i - start >= DEFAULT_STRINGS_MIN {
                return Some((start, i));
            }
        }
        None
    })
}

/// What the Fds, Environ and Mounts tabs count over a whole list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InspectCounts {
    /// Descriptors that are sockets.
    pub sockets: usize,
    /// Environment variables whose value is masked.
    pub masked_env: usize,
    /// Mounts flagged as sensitive.
    pub flagged_mounts: usize,
}

impl InspectCounts {
    /// Counts over an inspection (one pass, when it arrives).
    pub fn of(ins: &Inspection) -> Self {
        Self {
            sockets: ins.fds.as_ref().map_or(0, |f| {
                f.iter()
                    .filter(|f| matches!(f.kind, FdKind::Socket(_)))
                    .count()
            }),
            masked_env: ins
                .environ
                .as_ref()
                .map_or(0, |e| e.iter().filter(|e| e.masked).count()),
            flagged_mounts: ins
                .mounts
                .as_ref()
                .map_or(0, |m| m.iter().filter(|m| !m.sensitive.is_empty()).count()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preview(data: &[u8]) -> Preview {
        Preview::new(Arc::new(FileView {
            path: "/x".into(),
            resolved: "/x".into(),
            data: data.to_vec(),
            size: data.len() as u64,
            truncated: false,
        }))
    }

    /// The lines as a split on `\n` gives them (the empty piece after a final newline dropped).
    fn split_lines(data: &[u8]) -> Vec<&[u8]> {
        let mut v: Vec<&[u8]> = data.split(|b| *b == b'\n').collect();
        if data.is_empty() || data.ends_with(b"\n") {
            v.pop();
        }
        v
    }

    #[test]
    fn lines_match_a_split() {
        for data in [
            &b""[..],
            b"\n",
            b"\n\n",
            b"a",
            b"a\n",
            b"a\nb",
            b"a\r\n\nlong line\n\nlast",
        ] {
            let p = preview(data);
            let want = split_lines(data);
            assert_eq!(p.line_count(), want.len(), "{data:?}");
            let got: Vec<&[u8]> = (0..p.line_count()).filter_map(|i| p.line(i)).collect();
            assert_eq!(got, want, "{data:?}");
            assert_eq!(p.line(p.line_count()), None);
        }
    }

    #[test]
    fn strings_match_file_view_strings() {
        let data =
            b"\x7fELF\x02\x01\x00\x00abc\x00/lib64/ld-linux.so.2\x00GLIBC_2.34\tx\x00\x01tail";
        let p = preview(data);
        let ours: Vec<(usize, String)> = (0..p.string_count())
            .filter_map(|i| p.string(i))
            .map(|(a, b)| (a, String::from_utf8_lossy(b).into_owned()))
            .collect();
        assert_eq!(ours, p.file.strings(DEFAULT_STRINGS_MIN));
    }
}
