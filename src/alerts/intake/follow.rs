//! Following a file like `tail -F`: from its end (or start), across truncation and rotation, waiting while it is missing.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Bytes read per call at most (the rest comes at the next poll).
const MAX_PER_POLL: usize = 8 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;

/// What a poll found.
#[derive(Debug, PartialEq, Eq)]
pub enum Change<'a> {
    /// New bytes.
    Data(&'a [u8]),
    /// The file was truncated: reading restarts at its beginning.
    Truncated,
    /// The path now names another file (rotation): the old one was read to its end.
    Rotated,
}

/// Where the follower stands after a poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowState {
    /// The file is open and followed.
    Following,
    /// The path does not exist (yet).
    Missing,
}

/// A followed file.
#[derive(Debug)]
pub struct Follower {
    path: PathBuf,
    file: Option<(File, (u64, u64))>,
    pos: u64,
    from_start: bool,
    /// The last bytes read (up to [`TAIL`]): when they are no longer there, the
    /// file was truncated and written again past the old length between two polls.
    tail: Vec<u8>,
}

/// Bytes before the read position compared at each poll.
const TAIL: usize = 64;

fn id_of(m: &std::fs::Metadata) -> (u64, u64) {
    (m.dev(), m.ino())
}

impl Follower {
    /// Follows `path`; the first time it is opened, reading starts at its end
    /// unless `from_start`. Files that appear later are always read from their start.
    pub fn new(path: impl Into<PathBuf>, from_start: bool) -> Self {
        Self {
            path: path.into(),
            file: None,
            pos: 0,
            from_start,
            tail: Vec::new(),
        }
    }

    /// The followed path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens whatever is at the path now; only a regular file is followed (a
    /// FIFO or device is refused at once, never waited on: see [`crate::safe_fs`]).
    fn open(&mut self, at_end: bool) -> io::Result<bool> {
        let f = match crate::safe_fs::open_input("", &self.path) {
            Ok(f) => f,
            Err(e) if e.is_not_found() => return Ok(false),
            Err(crate::safe_fs::FileError::Io { source, .. }) => return Err(source),
            Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidInput, e.reason())),
        };
        let m = f.metadata()?;
        self.pos = if at_end { m.len() } else { 0 };
        self.tail.clear();
        self.file = Some((f, id_of(&m)));
        Ok(true)
    }

    /// Reads everything new, calling `f` for each change. Errors other than a
    /// missing file (permission denied...) are returned.
    pub fn poll(&mut self, mut f: impl FnMut(Change<'_>)) -> io::Result<FollowState> {
        if self.file.is_none() {
            let at_end = !self.from_start;
            // Only the very first open may start at the end.
            self.from_start = true;
            if !self.open(at_end)? {
                return Ok(FollowState::Missing);
            }
        }
        self.drain(&mut f)?;
        // Rotation: the path names another file (or none yet: keep the old one).
        let current = self.file.as_ref().map(|(_, id)| *id);
        match std::fs::metadata(&self.path) {
            Ok(m) if Some(id_of(&m)) != current => {
                f(Change::Rotated);
                self.file = None;
                if self.open(false)? {
                    self.drain(&mut f)?;
                }
            }
            _ => {}
        }
        Ok(FollowState::Following)
    }

    fn drain(&mut self, f: &mut impl FnMut(Change<'_>)) -> io::Result<()> {
        let Some((file, _)) = self.file.as_mut() else {
            return Ok(());
        };
        if file.metadata()?.len() < self.pos || !still_there(file, self.pos, &self.tail)? {
            self.pos = 0;
            self.tail.clear();
            f(Change::Truncated);
        }
        file.seek(SeekFrom::Start(self.pos))?;
        let mut buf = vec![0u8; CHUNK];
        let mut total = 0;
        while total < MAX_PER_POLL {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            self.pos += n as u64;
            total += n;
            keep_tail(&mut self.tail, &buf[..n]);
            f(Change::Data(&buf[..n]));
        }
        Ok(())
    }
}

/// True when the bytes before `pos` are still `tail` (a copytruncate followed by
/// more writes than were read leaves the length past `pos`, not the content).
fn still_there(file: &mut File, pos: u64, tail: &[u8]) -> io::Result<bool> {
    if tail.is_empty() {
        return Ok(true);
    }
    let mut now = vec![0u8; tail.len()];
    file.seek(SeekFrom::Start(pos - tail.len() as u64))?;
    match file.read_exact(&mut now) {
        Ok(()) => Ok(now == tail),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

fn keep_tail(tail: &mut Vec<u8>, data: &[u8]) {
    tail.extend_from_slice(&data[data.len().saturating_sub(TAIL)..]);
    let extra = tail.len().saturating_sub(TAIL);
    tail.drain(..extra);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::time::Duration;

    #[test]
    fn a_copytruncate_overwritten_past_the_old_length_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.log");
        std::fs::write(&path, "aaaa\n").unwrap();
        let mut f = Follower::new(&path, true);
        let mut got = Vec::new();
        f.poll(|c| got.push(format!("{c:?}"))).unwrap();
        std::fs::write(&path, "bbbbbbbbbb\n").unwrap();
        got.clear();
        let mut data = Vec::new();
        f.poll(|c| match c {
            Change::Data(d) => data.extend_from_slice(d),
            other => got.push(format!("{other:?}")),
        })
        .unwrap();
        assert_eq!(got, ["Truncated"]);
        assert_eq!(data, b"bbbbbbbbbb\n");
    }

    #[test]
    fn a_fifo_rotated_in_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("falco.json");
        std::fs::write(&path, "old\n").unwrap();
        let fifo = dir.path().join("fifo");
        let c = CString::new(fifo.as_os_str().as_bytes()).unwrap();
        // SAFETY: valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let (tx, rx) = std::sync::mpsc::channel();
        let p = path.clone();
        // On a thread: a regression (a blocking open of the FIFO) fails the deadline, not the suite.
        std::thread::spawn(move || {
            let mut f = Follower::new(&p, true);
            let first = f.poll(|_| {}).map_err(|e| e.to_string());
            std::fs::rename(&fifo, &p).unwrap();
            let mut rotated = false;
            let second = f
                .poll(|c| rotated |= c == Change::Rotated)
                .map_err(|e| e.to_string());
            let third = f.poll(|_| {}).map_err(|e| e.to_string());
            let _ = tx.send((first, rotated, second, third));
        });
        let (first, rotated, second, third) = rx
            .recv_timeout(Duration::from_secs(2))
            .expect("poll returned instead of blocking on the FIFO");
        assert_eq!(first, Ok(FollowState::Following));
        assert!(rotated);
        for r in [second, third] {
            let e = r.expect_err("refused");
            assert!(e.contains("FIFO, not a regular file"), "{e}");
        }
    }
}
