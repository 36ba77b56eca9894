//! Decoding of raw ring-buffer records into the core's [`SysEvent`].

use ktriage_common::{BUF_MAX, BUF_TRUNCATED, EventHeader, HEADER_SIZE};

use crate::model::{Captured, EventKind, SysEvent};

/// A record that is not a valid probe record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Shorter than the fixed header.
    #[error("record of {0} bytes is shorter than the {HEADER_SIZE}-byte header")]
    Short(usize),
    /// Unknown record kind.
    #[error("unknown record kind {0}")]
    Kind(u32),
}

/// Decodes one record as the probe wrote it.
pub fn decode(bytes: &[u8]) -> Result<SysEvent, DecodeError> {
    if bytes.len() < HEADER_SIZE {
        return Err(DecodeError::Short(bytes.len()));
    }
    // SAFETY: the length was checked; EventHeader is repr(C) plain integers and
    // read_unaligned copes with the ring buffer's 8-byte alignment.
    let h: EventHeader = unsafe { std::ptr::read_unaligned(bytes.as_ptr().cast()) };
    let kind = EventKind::from_raw(h.kind).ok_or(DecodeError::Kind(h.kind))?;
    let data = &bytes[HEADER_SIZE..];
    let buf = |i: usize| {
        let raw = h.buf_len[i];
        let len = ((raw & !BUF_TRUNCATED) as usize).min(BUF_MAX);
        let start = i * BUF_MAX;
        let bytes = data.get(start..start + len).unwrap_or(&[]).to_vec();
        Captured {
            bytes,
            truncated: raw & BUF_TRUNCATED != 0,
        }
    };
    Ok(SysEvent {
        ts_ns: h.ts_ns,
        cgroup_id: h.cgroup_id,
        duration_ns: h.duration_ns,
        ret: h.ret,
        args: h.args,
        kind,
        nr: h.nr,
        pid: h.pid,
        tid: h.tid,
        ppid: h.ppid,
        uid: h.uid,
        comm: h.comm,
        bufs: [buf(0), buf(1)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(h: &EventHeader, data: &[u8]) -> Vec<u8> {
        // SAFETY: EventHeader is repr(C) plain data.
        let hb = unsafe {
            std::slice::from_raw_parts((h as *const EventHeader).cast::<u8>(), HEADER_SIZE)
        };
        let mut v = hb.to_vec();
        v.extend_from_slice(data);
        v
    }

    #[test]
    fn decodes_header_and_buffers() {
        let h = EventHeader {
            kind: ktriage_common::kind::SYSCALL,
            nr: 257,
            pid: 42,
            ret: -2,
            buf_len: [4, 0],
            comm: *b"cat\0\0\0\0\0\0\0\0\0\0\0\0\0",
            ..EventHeader::default()
        };
        let ev = decode(&record(&h, b"/x\0\0")).expect("decodes");
        assert_eq!((ev.pid, ev.nr, ev.ret), (42, 257, -2));
        assert_eq!(ev.bufs[0].bytes, b"/x\0\0");
        assert!(ev.bufs[1].bytes.is_empty());
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        assert_eq!(decode(&[0; 10]), Err(DecodeError::Short(10)));
        let h = EventHeader {
            kind: 99,
            ..EventHeader::default()
        };
        assert_eq!(decode(&record(&h, &[])), Err(DecodeError::Kind(99)));
        let h = EventHeader {
            kind: 1,
            buf_len: [u16::MAX, u16::MAX],
            ..EventHeader::default()
        };
        let ev = decode(&record(&h, &[1, 2, 3])).expect("lengths past the data are cut");
        assert!(ev.bufs[0].bytes.is_empty() && ev.bufs[0].truncated);
    }
}
