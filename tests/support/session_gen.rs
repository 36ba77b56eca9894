//! Deterministic session files for the verify and fuzz tests: a kernel-event mix, notes, serialized events, written through the real writer.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use ktriage::model::{Captured, CgroupInfo, EventKind, KernelBatch, SysEvent};
use ktriage::session::{Header, Record, SessionWriter, WriterOpts, WriterSummary};

/// splitmix64.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// The file-format-blind mutations the fuzz tests share: 1–3 bit flips,
    /// a cut, random bytes inserted, up to `max_removed` bytes removed
    /// (`kind` 0..4); `None` for another kind, which the caller owns.
    pub fn blind_mutation(&mut self, kind: u64, b: &mut Vec<u8>, max_removed: u64) -> Option<()> {
        let len = b.len() as u64;
        match kind {
            0 => {
                for _ in 0..1 + self.below(3) {
                    let i = self.below(len) as usize;
                    b[i] ^= 1 << self.below(8);
                }
            }
            1 => b.truncate(self.below(len) as usize),
            2 => {
                let i = self.below(len) as usize;
                let n = 1 + self.below(64) as usize;
                let ins: Vec<u8> = (0..n).map(|_| self.next() as u8).collect();
                b.splice(i..i, ins);
            }
            3 => {
                let i = self.below(len) as usize;
                let n = (1 + self.below(max_removed) as usize).min(b.len() - i);
                b.drain(i..i + n);
            }
            _ => return None,
        }
        Some(())
    }
}

fn event(r: &mut Rng, i: u64) -> SysEvent {
    let pid = 1000 + r.below(40) as u32;
    let mut comm = [0u8; 16];
    comm[..4].copy_from_slice(b"proc");
    comm[4] = b'a' + (pid % 26) as u8;
    let kind = match r.below(10) {
        0 => EventKind::Exec,
        1 => EventKind::Fork,
        2 => EventKind::Exit,
        _ => EventKind::Syscall,
    };
    SysEvent {
        ts_ns: 10_000_000_000 + i * 50_000,
        cgroup_id: 7000 + u64::from(pid % 3),
        duration_ns: r.below(9000),
        ret: r.below(5) as i64 - 2,
        args: [r.below(100), 0x7ffd_0000_1000, 0, 0, 0, 0],
        kind,
        nr: if kind == EventKind::Syscall {
            257
        } else {
            u32::MAX
        },
        pid,
        tid: pid,
        ppid: 1,
        uid: 0,
        comm,
        bufs: [
            Captured {
                bytes: format!("/var/lib/app/{}.db\0", r.below(50)).into_bytes(),
                truncated: false,
            },
            Captured::default(),
        ],
    }
}

/// The records of a small recording: `batches` kernel batches of 200 events with notes and events between them.
pub fn records(batches: u64) -> Vec<Record> {
    let mut r = Rng(42);
    let mut out = Vec::new();
    for b in 0..batches {
        let cgroups = if b == 0 {
            vec![CgroupInfo {
                id: 7001,
                path: Some("/kubepods/besteffort/pod1/abc".into()),
                container_id: Some("abc".into()),
            }]
        } else {
            Vec::new()
        };
        out.push(Record::Kernel(KernelBatch {
            cgroups,
            events: (0..200).map(|i| event(&mut r, b * 200 + i)).collect(),
        }));
        let ts = 10_000_000_000 + (b * 200 + 199) * 50_000;
        match b % 3 {
            0 => out.push(Record::Note {
                ts_ns: ts,
                text: format!("note {b}"),
            }),
            1 => out.push(Record::Other {
                ts_ns: ts,
                bytes: format!(r#"{{"Tick":{ts}}}"#).into_bytes(),
            }),
            _ => out.push(Record::Redacted {
                ts_ns: ts,
                names: vec!["DB_PASSWORD".into()],
            }),
        }
    }
    out
}

/// Small chunks, so a small file has many.
pub fn small_chunks() -> WriterOpts {
    WriterOpts {
        chunk_bytes: 4096,
        chunk_interval: Duration::from_secs(3600),
        ..WriterOpts::default()
    }
}

pub fn header() -> Header {
    Header::gather(&["ktriage".into(), "record".into()], &[], Vec::new(), false).expect("header")
}

/// Writes a finished session file of `batches` batches at `path`.
pub fn write(path: &Path, batches: u64) -> WriterSummary {
    write_with(path, batches, 4096)
}

/// Writes a finished session file of `batches` batches, in chunks of about `chunk_bytes` raw bytes.
pub fn write_with(path: &Path, batches: u64, chunk_bytes: usize) -> WriterSummary {
    let opts = WriterOpts {
        chunk_bytes,
        ..small_chunks()
    };
    let mut w = SessionWriter::create(path, header(), opts).expect("create");
    for rec in records(batches) {
        w.write(&rec).expect("write");
    }
    w.finish().expect("finish")
}

/// Byte offsets of the chunk frames of a session file.
pub fn chunk_offsets(path: &Path) -> Vec<u64> {
    let mut r = ktriage::session::SessionReader::open(path).expect("open");
    let mut v: Vec<u64> = Vec::new();
    while let Some(x) = r.next() {
        x.expect("valid");
        if let Some(c) = r.current_chunk()
            && v.last() != Some(&c.offset)
        {
            v.push(c.offset);
        }
    }
    v
}
