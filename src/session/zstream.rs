//! The compression of a file's chunks: one zstd stream per file, flushed at the end of every chunk, so a chunk refers back to what earlier chunks held (paths, process names) yet is complete on disk once written; read back in order.
//!
//! A killed writer still leaves every written chunk decodable (each ends
//! with a flush). A damaged chunk ends the reading there: the chunks after
//! it refer to bytes the reader could not rebuild. The window is capped on
//! both sides, so a hostile file cannot make the reader allocate more.

use std::io;

use zstd::stream::raw::{CParameter, DParameter, Decoder, Encoder, InBuffer, Operation, OutBuffer};

/// log2 of the window both sides use (8 MiB: a few seconds of a busy node).
const WINDOW_LOG: u32 = 23;

/// The writer's side.
pub struct Packer(Encoder<'static>);

impl Packer {
    /// A stream compressing at `level`.
    pub fn new(level: i32) -> io::Result<Self> {
        let mut e = Encoder::new(level)?;
        e.set_parameter(CParameter::WindowLog(WINDOW_LOG))?;
        Ok(Self(e))
    }

    /// Compresses `input` as the stream's next chunk into `out` (cleared first), flushed whole.
    pub fn pack(&mut self, input: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
        out.clear();
        out.reserve(zstd::zstd_safe::compress_bound(input.len()) + 64);
        let mut inb = InBuffer::around(input);
        while inb.pos() < input.len() {
            grow(out);
            let pos = out.len();
            let mut ob = OutBuffer::around_pos(out, pos);
            self.0.run(&mut inb, &mut ob)?;
        }
        loop {
            grow(out);
            let pos = out.len();
            let mut ob = OutBuffer::around_pos(out, pos);
            if self.0.flush(&mut ob)? == 0 {
                return Ok(());
            }
        }
    }

    /// Starts a new stream (a new file).
    pub fn restart(&mut self) -> io::Result<()> {
        self.0.reinit()
    }
}

fn grow(out: &mut Vec<u8>) {
    if out.capacity() - out.len() < 4096 {
        out.reserve(64 << 10);
    }
}

/// The reader's side.
pub struct Unpacker(Decoder<'static>);

impl Unpacker {
    /// A stream reader with the window capped.
    pub fn new() -> io::Result<Self> {
        let mut d = Decoder::new()?;
        d.set_parameter(DParameter::WindowLogMax(WINDOW_LOG))?;
        Ok(Self(d))
    }

    /// Decompresses the next chunk's `input` into `out` (cleared first),
    /// which must come to exactly `raw_len` bytes; never writes more.
    pub fn unpack(
        &mut self,
        input: &[u8],
        raw_len: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), String> {
        out.clear();
        out.reserve_exact(raw_len + 1);
        let mut inb = InBuffer::around(input);
        loop {
            let pos = out.len();
            let mut ob = OutBuffer::around_pos(out, pos);
            let before = (inb.pos(), pos);
            self.0
                .run(&mut inb, &mut ob)
                .map_err(|e| format!("does not decompress: {e}"))?;
            if out.len() > raw_len {
                return Err(format!(
                    "decompresses to more than the {raw_len} bytes its frame says"
                ));
            }
            if (inb.pos(), out.len()) == before {
                if inb.pos() == input.len() {
                    break;
                }
                // no room left, or a stream that goes nowhere
                return Err(format!(
                    "does not decompress to the {raw_len} bytes its frame says"
                ));
            }
        }
        if out.len() != raw_len {
            return Err(format!(
                "decompresses to {} bytes, its frame says {raw_len}",
                out.len()
            ));
        }
        Ok(())
    }
}
