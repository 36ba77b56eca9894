//! Output that never outlives the run: a buffered writer on a file descriptor that waits for a slow reader only until the run's stop turns hard.

use std::io::{self, Write};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::sync::Arc;

use crate::collector::stop::Stop;

/// Bytes buffered before a write is attempted.
const BUF: usize = 64 * 1024;
/// Bytes per write(2): at most what a pipe reported writable is sure to take (one page).
const CHUNK: usize = 4096;
/// How often a blocked writer looks at the stop level.
const POLL_MS: i32 = 50;

/// A buffered writer on `fd` (stdout) that gives up with an error once `stop` is hard.
pub struct StopAwareOut<'a> {
    fd: BorrowedFd<'a>,
    buf: Vec<u8>,
    stop: Arc<Stop>,
}

impl<'a> StopAwareOut<'a> {
    /// Writes to `fd` until `stop` is hard.
    pub fn new(fd: BorrowedFd<'a>, stop: Arc<Stop>) -> Self {
        Self {
            fd,
            buf: Vec::with_capacity(BUF),
            stop,
        }
    }

    /// Waits until `fd` takes bytes; false when the stop turned hard first.
    fn wait_writable(&self) -> bool {
        loop {
            if self.stop.hard() {
                return false;
            }
            let mut pfd = libc::pollfd {
                fd: self.fd.as_raw_fd(),
                events: libc::POLLOUT,
                revents: 0,
            };
            // SAFETY: one valid pollfd on our stack.
            let r = unsafe { libc::poll(&mut pfd, 1, POLL_MS) };
            if r > 0 {
                return true;
            }
        }
    }

    /// Writes the buffer up to its last line end (all of it when `all`), or fails once the stop is hard.
    fn push(&mut self, all: bool) -> io::Result<()> {
        let end = if all {
            self.buf.len()
        } else {
            self.buf
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1)
        };
        let mut done = 0;
        let res = loop {
            if done == end {
                break Ok(());
            }
            if !self.wait_writable() {
                break Err(io::Error::other("stopped before the output took it"));
            }
            let rest = &self.buf[done..end];
            let mut n = rest.len().min(CHUNK);
            // End a chunk at a line end when there is one, so a stop leaves whole lines.
            if n < rest.len()
                && let Some(nl) = rest[..n].iter().rposition(|b| *b == b'\n')
            {
                n = nl + 1;
            }
            // SAFETY: writes `n` initialized bytes from our buffer to a borrowed, open fd.
            let w = unsafe { libc::write(self.fd.as_raw_fd(), rest.as_ptr().cast(), n) };
            if w < 0 {
                let e = io::Error::last_os_error();
                if matches!(
                    e.kind(),
                    io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock
                ) {
                    continue;
                }
                break Err(e);
            }
            done += w as usize;
        };
        self.buf.drain(..done);
        res
    }
}

impl Write for StopAwareOut<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.stop.hard() {
            return Err(io::Error::other("stopped"));
        }
        self.buf.extend_from_slice(data);
        if self.buf.len() >= BUF {
            // Whole lines only: a line half in the buffer waits for its end.
            self.push(false)?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.push(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collector::stop::HARD;
    use std::os::fd::{AsFd, FromRawFd, OwnedFd};
    use std::time::{Duration, Instant};

    fn pipe() -> (OwnedFd, OwnedFd) {
        let mut fds = [0; 2];
        // SAFETY: pipe writes two fds into our array.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: both fds were just created and are owned by nobody else.
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
    }

    #[test]
    fn a_full_pipe_holds_the_writer_only_until_the_hard_stop() {
        let (_r, w) = pipe();
        let stop = Stop::new();
        let s2 = stop.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            s2.raise(HARD);
        });
        let mut out = StopAwareOut::new(w.as_fd(), stop);
        let t0 = Instant::now();
        let line = [b'x'; 99].iter().chain(b"\n").copied().collect::<Vec<u8>>();
        let mut err = None;
        for _ in 0..100_000 {
            if let Err(e) = out.write_all(&line).and_then(|()| out.flush()) {
                err = Some(e);
                break;
            }
        }
        t.join().unwrap();
        assert!(err.is_some(), "nobody reads: the writer must give up");
        let took = t0.elapsed();
        assert!(took < Duration::from_millis(800), "{took:?}");
    }

    #[test]
    fn a_reader_gets_whole_lines() {
        let (r, w) = pipe();
        let stop = Stop::new();
        let mut out = StopAwareOut::new(w.as_fd(), stop);
        out.write_all(b"one\ntwo\n").unwrap();
        out.flush().unwrap();
        drop(out);
        drop(w);
        let mut s = String::new();
        io::Read::read_to_string(&mut std::fs::File::from(r), &mut s).unwrap();
        assert_eq!(s, "one\ntwo\n");
    }

    #[test]
    fn a_closed_reader_is_an_error_not_a_panic() {
        let (r, w) = pipe();
        drop(r);
        let mut out = StopAwareOut::new(w.as_fd(), Stop::new());
        out.write_all(b"x\n").unwrap();
        let e = out.flush().expect_err("EPIPE");
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
    }
}
