//! The block layer of a `.scap` file: type, total length, body, padding to 4 bytes, the length again
//! (little-endian); and the blocks every file starts with (section header, machine info).

use std::io::{self, Write};

use super::layout::{self, Params};

/// Writes blocks to `out`, counting the bytes (the offset named in errors).
pub struct BlockWriter<W: Write> {
    out: W,
    offset: u64,
}

/// Bytes of padding after a body of `len` bytes.
pub fn padding(len: usize) -> usize {
    (4 - len % 4) % 4
}

impl<W: Write> BlockWriter<W> {
    /// A writer at offset 0 of `out`.
    pub fn new(out: W) -> Self {
        Self { out, offset: 0 }
    }

    /// Bytes written so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// One block of type `ty` around `body`.
    pub fn block(&mut self, ty: u32, body: &[u8]) -> io::Result<()> {
        let pad = padding(body.len());
        let total = u32::try_from(12 + body.len() + pad)
            .map_err(|_| io::Error::other(format!("block of {} bytes: too long", body.len())))?;
        self.out.write_all(&ty.to_le_bytes())?;
        self.out.write_all(&total.to_le_bytes())?;
        self.out.write_all(body)?;
        self.out.write_all(&[0u8; 3][..pad])?;
        self.out.write_all(&total.to_le_bytes())?;
        self.offset += u64::from(total);
        Ok(())
    }

    /// The section header block: byte-order magic, version, section length unknown (-1).
    pub fn section_header(&mut self) -> io::Result<()> {
        let mut b = Vec::with_capacity(16);
        b.extend_from_slice(&layout::SHB_MAGIC.to_le_bytes());
        b.extend_from_slice(&layout::VERSION.0.to_le_bytes());
        b.extend_from_slice(&layout::VERSION.1.to_le_bytes());
        b.extend_from_slice(&u64::MAX.to_le_bytes());
        self.block(layout::SHB, &b)
    }

    /// The machine info block: cpus, memory, highest pid, host name (cut at 127 bytes), boot time
    /// (wall ns, where newer readers look for it; 0 when unknown).
    pub fn machine_info(&mut self, host: &[u8], boot_wall_ns: u64) -> io::Result<()> {
        let mut b = Vec::with_capacity(180);
        b.extend_from_slice(&0u32.to_le_bytes()); // cpus: not recorded
        b.extend_from_slice(&0u64.to_le_bytes()); // memory: not recorded
        b.extend_from_slice(&0u64.to_le_bytes()); // max pid: not recorded
        let mut name = [0u8; 128];
        let host = &host[..host.len().min(127)];
        name[..host.len()].copy_from_slice(host);
        b.extend_from_slice(&name);
        b.extend_from_slice(&boot_wall_ns.to_le_bytes());
        b.extend_from_slice(&[0u8; 24]);
        self.block(layout::MI, &b)
    }

    /// One event block (version 2: the header counts the parameters): cpu, time (wall ns), thread,
    /// event id, parameters.
    pub fn event(&mut self, ts: u64, tid: u64, ty: u16, params: &Params) -> io::Result<()> {
        let n = params.0.len();
        let data: usize = params.0.iter().map(Vec::len).sum();
        let len = 26 + 2 * n + data;
        let mut b = Vec::with_capacity(2 + len);
        b.extend_from_slice(&0u16.to_le_bytes()); // cpu: not recorded
        b.extend_from_slice(&ts.to_le_bytes());
        b.extend_from_slice(&tid.to_le_bytes());
        b.extend_from_slice(&(len as u32).to_le_bytes());
        b.extend_from_slice(&ty.to_le_bytes());
        b.extend_from_slice(&(n as u32).to_le_bytes());
        for p in &params.0 {
            b.extend_from_slice(&(p.len() as u16).to_le_bytes());
        }
        for p in &params.0 {
            b.extend_from_slice(p);
        }
        self.block(layout::EV_V2, &b)
    }

    /// Flushes and hands back the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn a_block_is_padded_to_4_bytes_and_repeats_its_length() {
        for body_len in 0..9usize {
            let mut w = BlockWriter::new(Vec::new());
            let body: Vec<u8> = (1..=body_len as u8).collect();
            w.block(0x204, &body).unwrap();
            let off = w.offset();
            let b = w.finish().unwrap();
            let total = 12 + body_len + padding(body_len);
            assert_eq!(b.len(), total, "body {body_len}");
            assert_eq!(total % 4, 0);
            assert_eq!(off, total as u64);
            assert_eq!(u32_at(&b, 0), 0x204);
            assert_eq!(u32_at(&b, 4) as usize, total);
            assert_eq!(u32_at(&b, total - 4) as usize, total);
            assert_eq!(&b[8..8 + body_len], &body[..]);
            assert!(
                b[8 + body_len..total - 4].iter().all(|x| *x == 0),
                "zero padding"
            );
        }
    }

    #[test]
    fn the_file_starts_with_the_section_header_and_machine_info() {
        let mut w = BlockWriter::new(Vec::new());
        w.section_header().unwrap();
        w.machine_info(b"node-1", 42).unwrap();
        let b = w.finish().unwrap();
        assert_eq!(u32_at(&b, 0), 0x0A0D_0D0A);
        assert_eq!(u32_at(&b, 4), 28);
        assert_eq!(u32_at(&b, 8), 0x1A2B_3C4D);
        assert_eq!(&b[12..16], &[1, 0, 2, 0]);
        assert_eq!(u32_at(&b, 28), 0x201);
        assert_eq!(u32_at(&b, 32), 192, "machine info: 180 bytes of body");
        assert_eq!(&b[28 + 8 + 20..28 + 8 + 26], b"node-1");
        assert_eq!(
            u32_at(&b, 28 + 8 + 148),
            42,
            "boot time after the host name"
        );
    }

    #[test]
    fn an_event_counts_its_parameters_and_their_lengths() {
        let mut w = BlockWriter::new(Vec::new());
        let p = Params::new().i64(-2).str(b"/etc/x").u32(7);
        w.event(1_000, 77, 3, &p).unwrap();
        let b = w.finish().unwrap();
        let body = &b[8..];
        assert_eq!(u16::from_le_bytes([body[0], body[1]]), 0, "cpu");
        assert_eq!(u64::from_le_bytes(body[2..10].try_into().unwrap()), 1_000);
        assert_eq!(u64::from_le_bytes(body[10..18].try_into().unwrap()), 77);
        let len = u32_at(body, 18) as usize;
        assert_eq!(len, 26 + 3 * 2 + 8 + 7 + 4);
        assert_eq!(u16::from_le_bytes([body[22], body[23]]), 3);
        assert_eq!(u32_at(body, 24), 3, "nparams");
        assert_eq!(&body[28..34], &[8, 0, 7, 0, 4, 0]);
        assert_eq!(&body[34 + 8..34 + 15], b"/etc/x\0");
        assert_eq!(u32_at(&b, 4) as usize, 12 + 2 + len + padding(2 + len));
    }
}
