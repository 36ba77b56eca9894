//! The compression of a file's chunks, stream by stream (see [`super::columns`]): the text streams as one zstd stream per file each, flushed at the end of every chunk, so a chunk refers back to what earlier chunks held (paths, process names) yet is complete on disk once written; the number columns chunk by chunk, each a zstd frame of its own.
//!
//! A compressed chunk is the chunk's stream table as it is (count, bitmask
//! of the streams with bytes, their raw lengths), a varint per stream with
//! bytes (its compressed length, shifted left, the low bit set for a column
//! stored as it is because zstd would not make it smaller), then those
//! streams' bytes. A killed writer
//! still leaves every written chunk decodable. A damaged chunk ends the
//! reading there: the chunks after it refer to bytes the reader could not
//! rebuild. Windows and lengths are capped on the reading side, so a hostile
//! file cannot make the reader allocate more than its frame declares.

use std::io;

use zstd::stream::raw::{CParameter, DParameter, Decoder, Encoder, InBuffer, Operation, OutBuffer};
use zstd::zstd_safe::{CCtx, DCtx};

use super::columns::{CONTINUOUS, STREAMS, get_table, stream_name, table};
use super::varint::{Cursor, put_u64};

/// log2 of the window of the text streams (8 MiB: a few seconds of a busy node).
const WINDOW_LOG: u32 = 23;

/// zstd level of the number columns (the writer's level applies to the text streams).
const COLUMN_LEVEL: i32 = 1;

/// The writer's side.
pub struct Packer {
    text: Vec<Encoder<'static>>,
    cols: CCtx<'static>,
    part: Vec<u8>,
    lens: Vec<u8>,
}

impl Packer {
    /// Streams compressing at `level`.
    pub fn new(level: i32) -> io::Result<Self> {
        let text = (0..CONTINUOUS)
            .map(|_| {
                let mut e = Encoder::new(level)?;
                e.set_parameter(CParameter::WindowLog(WINDOW_LOG))?;
                Ok(e)
            })
            .collect::<io::Result<_>>()?;
        // numbers: entropy coding is what gains, level 1 as small as higher ones here and cheaper
        let mut cols = CCtx::create();
        cols.set_parameter(zstd::zstd_safe::CParameter::CompressionLevel(COLUMN_LEVEL))
            .map_err(zerr)?;
        Ok(Self {
            text,
            cols,
            part: Vec::new(),
            lens: Vec::new(),
        })
    }

    /// Compresses the chunk `input` (a stream table and its streams) into `out` (cleared first).
    pub fn pack(&mut self, input: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
        let t = table(input).map_err(|e| io::Error::other(e.to_string()))?;
        out.clear();
        out.extend_from_slice(&input[..t[0].0]);
        self.lens.clear();
        self.part.clear();
        let mut body = std::mem::take(&mut self.part);
        for (i, &(a, b)) in t.iter().enumerate() {
            let before = body.len();
            if b == a {
                continue;
            }
            let mut kept = false;
            if i < CONTINUOUS {
                stream_pack(&mut self.text[i], &input[a..b], &mut body)?;
            } else {
                let at = body.len();
                body.resize(at + zstd::zstd_safe::compress_bound(b - a), 0);
                let n = self
                    .cols
                    .compress2(&mut body[at..], &input[a..b])
                    .map_err(zerr)?;
                body.truncate(at + n);
                if n >= b - a {
                    // a column too small to gain: its bytes as they are
                    body.truncate(at);
                    body.extend_from_slice(&input[a..b]);
                    kept = true;
                }
            }
            put_u64(
                &mut self.lens,
                ((body.len() - before) as u64) << 1 | u64::from(kept),
            );
        }
        out.extend_from_slice(&self.lens);
        out.extend_from_slice(&body);
        self.part = body;
        Ok(())
    }

    /// Starts new streams (a new file).
    pub fn restart(&mut self) -> io::Result<()> {
        self.text.iter_mut().try_for_each(Encoder::reinit)
    }
}

fn zerr(code: usize) -> io::Error {
    io::Error::other(zstd::zstd_safe::get_error_name(code))
}

/// Compresses `input` as a text stream's next part, appended to `out`, flushed whole.
fn stream_pack(e: &mut Encoder<'static>, input: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
    out.reserve(zstd::zstd_safe::compress_bound(input.len()) + 64);
    let mut inb = InBuffer::around(input);
    while inb.pos() < input.len() {
        grow(out);
        let pos = out.len();
        let mut ob = OutBuffer::around_pos(out, pos);
        e.run(&mut inb, &mut ob)?;
    }
    loop {
        grow(out);
        let pos = out.len();
        let mut ob = OutBuffer::around_pos(out, pos);
        if e.flush(&mut ob)? == 0 {
            return Ok(());
        }
    }
}

fn grow(out: &mut Vec<u8>) {
    if out.capacity() - out.len() < 4096 {
        out.reserve(64 << 10);
    }
}

/// The reader's side.
pub struct Unpacker {
    text: Vec<Decoder<'static>>,
    cols: DCtx<'static>,
}

impl Unpacker {
    /// Stream readers with the window capped.
    pub fn new() -> io::Result<Self> {
        let text = (0..CONTINUOUS)
            .map(|_| {
                let mut d = Decoder::new()?;
                d.set_parameter(DParameter::WindowLogMax(WINDOW_LOG))?;
                Ok(d)
            })
            .collect::<io::Result<_>>()?;
        Ok(Self {
            text,
            cols: DCtx::create(),
        })
    }

    /// Decompresses the next chunk's `input` into `out` (cleared first),
    /// which must come to exactly `raw_len` bytes; never writes more.
    pub fn unpack(
        &mut self,
        input: &[u8],
        raw_len: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), String> {
        let mut c = Cursor::new(input);
        let located = |e: super::error::DecodeError| format!("stream table: {e}");
        let raw = get_table(&mut c).map_err(located)?;
        let head = c.pos();
        let mut comp = [(0u64, false); STREAMS];
        for (l, r) in comp.iter_mut().zip(raw) {
            if r > 0 {
                let v = c.u64().map_err(located)?;
                *l = (v >> 1, v & 1 == 1);
            }
        }
        let total = raw
            .iter()
            .try_fold(head as u64, |s, &r| s.checked_add(r))
            .filter(|&s| s == raw_len as u64)
            .ok_or_else(|| {
                format!("stream lengths do not add up to the {raw_len} bytes its frame says")
            })?;
        out.clear();
        out.reserve_exact(total as usize + 1);
        out.extend_from_slice(&input[..head]);
        for i in 0..STREAMS {
            let name = stream_name(i);
            let (len, kept) = comp[i];
            let src = c
                .take(len)
                .map_err(|_| format!("stream {name} runs past the end of the chunk"))?;
            let n = raw[i] as usize;
            if n == 0 {
                continue;
            }
            if kept {
                if i < CONTINUOUS || src.len() != n {
                    return Err(format!(
                        "stream {name} is stored as it is, yet its lengths differ or it is text"
                    ));
                }
                out.extend_from_slice(src);
            } else if i < CONTINUOUS {
                stream_unpack(&mut self.text[i], src, n, out)
                    .map_err(|e| format!("stream {name} {e}"))?;
            } else {
                let at = out.len();
                out.resize(at + n, 0);
                let got = self
                    .cols
                    .decompress(&mut out[at..], src)
                    .map_err(|e| format!("stream {name} does not decompress: {}", zerr(e)))?;
                if got != n {
                    return Err(format!(
                        "stream {name} decompresses to {got} bytes, its table says {n}"
                    ));
                }
            }
        }
        if c.remaining() != 0 {
            return Err("bytes after the last stream".into());
        }
        Ok(())
    }
}

/// Decompresses a text stream's next part `input`, appending exactly `n` bytes to `out`; never more.
fn stream_unpack(
    d: &mut Decoder<'static>,
    input: &[u8],
    n: usize,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let end = out.len() + n;
    let mut inb = InBuffer::around(input);
    loop {
        let pos = out.len();
        // room for exactly what is left: a longer stream stops at the cap
        let mut ob = OutBuffer::around_pos(out, pos);
        let before = (inb.pos(), pos);
        d.run(&mut inb, &mut ob)
            .map_err(|e| format!("does not decompress: {e}"))?;
        if out.len() > end {
            return Err(format!(
                "decompresses to more than the {n} bytes its table says"
            ));
        }
        if (inb.pos(), out.len()) == before {
            if inb.pos() == input.len() {
                break;
            }
            return Err(format!(
                "does not decompress to the {n} bytes its table says"
            ));
        }
    }
    if out.len() != end {
        return Err(format!(
            "decompresses to {} bytes, its table says {n}",
            n - (end - out.len())
        ));
    }
    Ok(())
}
