//! Reading a chunk's records back: the stream table, then each record from the fields stream and its kernel events from the columns, every reference checked against what the chunk defined.

use super::Record;
use super::codec::{
    ArgsTable, F_BUF0, F_DURATION, F_RET, F_TRUNC0, Form, NEW, PATH_CAP, RAW, REBUILT_CAP, REF,
    TAG_KERNEL, TAG_NOTE, TAG_OTHER, TAG_REDACTED, Thread, interned,
};
use super::columns::{BUFS, C, FIELDS, NAMES, Positions, Readers, plane};
use super::error::DecodeError;
use super::frame::BATCH_CAP;
use super::intern::Strings;
use super::varint::Cursor;
use crate::model::{Captured, CgroupInfo, EventKind, KernelBatch, SysEvent};

/// Decoding state of one chunk's records (the chunk's bytes are passed to
/// each call, so a reader can own them next to this state).
#[derive(Default)]
pub struct Decoder {
    /// Where each stream stands (`None`: the table is not read yet).
    at: Option<Positions>,
    forms: Vec<Form>,
    threads: Vec<Thread>,
    prev_ts: u64,
    args: ArgsTable,
    bufs: Strings,
    dirs: Strings,
    rebuilt: u64,
}

impl Decoder {
    /// Starts over, for a new chunk.
    pub fn reset(&mut self) {
        self.at = None;
        self.forms.clear();
        self.threads.clear();
        self.prev_ts = 0;
        self.args.clear();
        self.bufs.clear();
        self.dirs.clear();
        self.rebuilt = 0;
    }

    /// The next record of the chunk `raw`, `None` at its end.
    pub fn next_record(&mut self, raw: &[u8]) -> Option<Result<Record, DecodeError>> {
        let mut p = match self.at {
            Some(p) => p,
            None if raw.is_empty() => return None,
            None => match Positions::of(raw) {
                Ok(p) => p,
                Err(e) => {
                    self.stop_at(&mut Positions::default());
                    return Some(Err(e));
                }
            },
        };
        if p.pos[FIELDS] >= p.end[FIELDS] {
            let left = p.unread();
            self.stop_at(&mut p);
            return left.map(|at| {
                Err(DecodeError {
                    at,
                    what: "event bytes no record uses",
                })
            });
        }
        let mut r = Readers::new(raw, &p);
        let rec = self.record(&mut r);
        match rec {
            Ok(_) => r.save(&mut p),
            Err(_) => self.stop_at(&mut p),
        }
        self.at = Some(p);
        Some(rec)
    }

    /// Marks every stream read: the chunk yields nothing more.
    fn stop_at(&mut self, p: &mut Positions) {
        p.pos = p.end;
        self.at = Some(*p);
    }

    fn record(&mut self, r: &mut Readers<'_>) -> Result<Record, DecodeError> {
        let c = r.at(FIELDS);
        match c.u8()? {
            TAG_KERNEL => {
                let n = c.count(3)?;
                let mut cgroups = Vec::with_capacity(n);
                for _ in 0..n {
                    let id = c.u64()?;
                    let path = opt(c)?;
                    let container_id = opt(c)?;
                    cgroups.push(CgroupInfo {
                        id,
                        path,
                        container_id,
                    });
                }
                let n = c.u64()?;
                // every event has its form reference
                if n > r.at(plane(C::Form, 0)).remaining() as u64 || n > BATCH_CAP as u64 {
                    return Err(r
                        .at(FIELDS)
                        .err("more kernel events in one record than the chunk holds or the cap"));
                }
                let mut events = Vec::with_capacity(n as usize);
                for _ in 0..n {
                    events.push(self.event(r)?);
                }
                Ok(Record::Kernel(KernelBatch { cgroups, events }))
            }
            TAG_OTHER => Ok(Record::Other {
                ts_ns: c.u64()?,
                bytes: c.bytes()?.to_vec(),
            }),
            TAG_NOTE => Ok(Record::Note {
                ts_ns: c.u64()?,
                text: c.string()?,
            }),
            TAG_REDACTED => {
                let ts_ns = c.u64()?;
                let n = c.count(1)?;
                let mut names = Vec::with_capacity(n);
                for _ in 0..n {
                    names.push(c.string()?);
                }
                Ok(Record::Redacted { ts_ns, names })
            }
            _ => {
                let at = c.pos() - 1;
                Err(DecodeError {
                    at,
                    what: "unknown record tag",
                })
            }
        }
    }

    fn thread(&mut self, c: &mut Cursor<'_>) -> Result<Thread, DecodeError> {
        let pid = c.u32()?;
        let tid = u32::try_from(i64::from(pid) + c.i64()?)
            .map_err(|_| c.err("thread id out of range"))?;
        let ppid = c.u32()?;
        let uid = c.u32()?;
        let cgroup_id = c.u64()?;
        let name = c.bytes()?;
        if name.len() > 16 {
            return Err(c.err("comm longer than 16 bytes"));
        }
        let mut comm = [0u8; 16];
        comm[..name.len()].copy_from_slice(name);
        let t = Thread {
            pid,
            tid,
            ppid,
            uid,
            cgroup_id,
            comm,
        };
        self.threads.push(t);
        Ok(t)
    }

    fn form(&mut self, c: &mut Cursor<'_>) -> Result<Form, DecodeError> {
        let flags = c.u8()?;
        let nr = c.u32()?.wrapping_sub(1);
        let mask = c.u8()?;
        if mask >= 1 << 6 {
            return Err(c.err("argument mask has more than 6 bits"));
        }
        let s = c.u8()?;
        let shapes = [s & 0xf, s >> 4];
        if shapes.iter().any(|&x| x > REF) {
            return Err(c.err("unknown buffer shape"));
        }
        let f = Form {
            flags,
            nr,
            mask,
            shapes,
        };
        self.forms.push(f);
        Ok(f)
    }

    fn event(&mut self, r: &mut Readers<'_>) -> Result<SysEvent, DecodeError> {
        let form = match r.get(C::Form)? {
            0 => self.form(r.at(FIELDS))?,
            k => *self
                .forms
                .get((k - 1) as usize)
                .ok_or_else(|| r.at(FIELDS).err("event form not defined in this chunk"))?,
        };
        let flags = form.flags;
        let kind = match flags & 3 {
            0 => EventKind::Syscall,
            1 => EventKind::Exec,
            2 => EventKind::Exit,
            _ => EventKind::Fork,
        };
        let ts_ns = self.prev_ts.wrapping_add(r.get_i(C::Ts)? as u64);
        self.prev_ts = ts_ns;
        let t = match r.get(C::Thread)? {
            0 => self.thread(r.at(FIELDS))?,
            k => *self.threads.get((k - 1) as usize).ok_or_else(|| {
                r.at(FIELDS)
                    .err("process context not defined in this chunk")
            })?,
        };
        let nr = form.nr;
        let duration_ns = if flags & F_DURATION != 0 {
            r.get(C::Duration)?
        } else {
            0
        };
        let ret = if flags & F_RET != 0 {
            r.get_i(C::Ret)?
        } else {
            0
        };
        let mut args = *self.args.slot(nr);
        for (i, a) in args.iter_mut().enumerate() {
            if form.mask & (1 << i) != 0 {
                *a = a.wrapping_add(r.get_i(C::Args)? as u64);
            }
        }
        *self.args.slot(nr) = args;
        let mut bufs = [Captured::default(), Captured::default()];
        for (i, b) in bufs.iter_mut().enumerate() {
            if flags & (F_BUF0 << i) != 0 {
                b.bytes = self.buffer(r, form.shapes[i])?;
                b.truncated = flags & (F_TRUNC0 << i) != 0;
            }
        }
        Ok(SysEvent {
            ts_ns,
            cgroup_id: t.cgroup_id,
            duration_ns,
            ret,
            args,
            kind,
            nr,
            pid: t.pid,
            tid: t.tid,
            ppid: t.ppid,
            uid: t.uid,
            comm: t.comm,
            bufs,
        })
    }

    fn buffer(&mut self, r: &mut Readers<'_>, shape: u8) -> Result<Vec<u8>, DecodeError> {
        match shape {
            RAW => {
                let n = r.get(C::BufLen)?;
                let b = r.take(BUFS, n)?;
                if interned(b) {
                    self.bufs.push(&[b]);
                }
                Ok(b.to_vec())
            }
            NEW => {
                let dir = match r.get(C::Dir)? {
                    0 => {
                        let d = r.at(FIELDS).bytes()?;
                        if !d.is_empty() && d.last() != Some(&b'/') {
                            return Err(r.at(FIELDS).err("directory does not end with /"));
                        }
                        self.dirs.push(&[d])
                    }
                    k => u32::try_from(k - 1)
                        .ok()
                        .filter(|&k| self.dirs.get(k as usize).is_some())
                        .ok_or_else(|| r.at(FIELDS).err("directory not defined in this chunk"))?,
                };
                let n = r.get(C::NameLen)?;
                let name = r.take(NAMES, n)?;
                let dir = self.dirs.get(dir as usize).unwrap_or_default();
                if dir.len() + name.len() >= PATH_CAP {
                    return Err(r.at(NAMES).err("path longer than PATH_MAX"));
                }
                let k = self.bufs.push(&[dir, name, &[0]]);
                Ok(self.bufs.get(k as usize).unwrap_or_default().to_vec())
            }
            _ => {
                let k = r.get(C::PathRef)?;
                let b = usize::try_from(k)
                    .ok()
                    .and_then(|k| self.bufs.get(k))
                    .ok_or_else(|| r.at(FIELDS).err("buffer not defined in this chunk"))?;
                self.rebuilt += b.len() as u64;
                if self.rebuilt > REBUILT_CAP {
                    return Err(r
                        .at(FIELDS)
                        .err("buffers repeated past the cap (a hostile or corrupt chunk)"));
                }
                Ok(b.to_vec())
            }
        }
    }
}

fn opt(c: &mut Cursor<'_>) -> Result<Option<String>, DecodeError> {
    match c.u8()? {
        0 => Ok(None),
        1 => Ok(Some(c.string()?)),
        _ => Err(c.err("bad option tag")),
    }
}
