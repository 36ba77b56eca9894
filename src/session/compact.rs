//! Compact records for the bulky periodic events: the in-kernel summary as the rows that changed since the previous one (new rows whole, changed ones as differences) (a full one every so often and at the start of each file), retired rows as varints; the reader rebuilds the full events.

use std::collections::HashMap;

use super::varint::{Cursor, put_i64, put_u64};
use super::{DecodeError, Record};
use crate::app::Event;
use crate::model::AggRow;

/// First byte of a compact entry (a JSON entry never starts with NUL).
pub const MARK: u8 = 0;
const TAG_SUMMARY: u8 = 1;
const TAG_RETIRED: u8 = 2;
/// A full summary every this many (so a reader that starts late, or a cut file, is never far from one).
const FULL_EVERY: u32 = 60;

type Key = (u32, u32);
/// Summary rows a reader keeps at most (the kernel map holds far fewer).
const MAX_ROWS: usize = 1 << 20;

/// The writer's side: the previous summary.
#[derive(Default)]
pub struct Compactor {
    summary: HashMap<Key, AggRow>,
    since_full: u32,
    part: usize,
}

/// The reader's side: the summary so far.
#[derive(Default)]
pub struct Expander {
    summary: HashMap<Key, AggRow>,
}

fn put_row(out: &mut Vec<u8>, r: &AggRow) {
    for v in [
        u64::from(r.tgid),
        u64::from(r.nr),
        r.calls,
        r.errors,
        r.time_ns,
    ] {
        put_u64(out, v);
    }
}

fn row(c: &mut Cursor<'_>) -> Result<AggRow, DecodeError> {
    Ok(AggRow {
        tgid: c.u32()?,
        nr: c.u32()?,
        calls: c.u64()?,
        errors: c.u64()?,
        time_ns: c.u64()?,
    })
}

impl Compactor {
    /// The compact record of `event` at `ts_ns`, when it has one; `part` is the writer's file count (a new file gets a full summary).
    pub fn record(&mut self, ts_ns: u64, event: &Event, part: usize) -> Option<Record> {
        let mut out = vec![MARK];
        match event {
            Event::Summary(rows) => {
                let full =
                    self.since_full == 0 || self.since_full >= FULL_EVERY || part != self.part;
                self.part = part;
                self.since_full = if full { 1 } else { self.since_full + 1 };
                out.push(TAG_SUMMARY);
                out.push(u8::from(full));
                let now: HashMap<Key, AggRow> = rows.iter().map(|r| ((r.tgid, r.nr), *r)).collect();
                // new rows whole; rows that changed as differences to what they were (counters grow a little)
                let (mut added, mut moved): (Vec<&AggRow>, Vec<(&AggRow, AggRow)>) =
                    (Vec::new(), Vec::new());
                for r in rows {
                    match self.summary.get(&(r.tgid, r.nr)) {
                        Some(p) if !full && p != r => moved.push((r, *p)),
                        Some(_) if !full => {}
                        _ => added.push(r),
                    }
                }
                put_u64(&mut out, added.len() as u64);
                added.iter().for_each(|r| put_row(&mut out, r));
                put_u64(&mut out, moved.len() as u64);
                for (r, p) in &moved {
                    put_u64(&mut out, u64::from(r.tgid));
                    put_u64(&mut out, u64::from(r.nr));
                    put_i64(&mut out, r.calls.wrapping_sub(p.calls) as i64);
                    put_i64(&mut out, r.errors.wrapping_sub(p.errors) as i64);
                    put_i64(&mut out, r.time_ns.wrapping_sub(p.time_ns) as i64);
                }
                let removed: Vec<&Key> = if full {
                    Vec::new()
                } else {
                    self.summary
                        .keys()
                        .filter(|k| !now.contains_key(k))
                        .collect()
                };
                put_u64(&mut out, removed.len() as u64);
                for (t, n) in removed {
                    put_u64(&mut out, u64::from(*t));
                    put_u64(&mut out, u64::from(*n));
                }
                self.summary = now;
            }
            Event::Retired(rows) => {
                out.push(TAG_RETIRED);
                put_u64(&mut out, rows.len() as u64);
                rows.iter().for_each(|r| put_row(&mut out, r));
            }
            _ => return None,
        }
        Some(Record::Other { ts_ns, bytes: out })
    }
}

impl Expander {
    /// The event a compact entry stands for.
    pub fn event(&mut self, bytes: &[u8]) -> Result<Event, DecodeError> {
        let mut c = Cursor::new(bytes);
        if c.u8()? != MARK {
            return Err(c.err("not a compact entry"));
        }
        match c.u8()? {
            TAG_SUMMARY => {
                let full = c.u8()? != 0;
                if full {
                    self.summary.clear();
                }
                let n = c.count(5)?;
                for _ in 0..n {
                    let r = row(&mut c)?;
                    self.summary.insert((r.tgid, r.nr), r);
                }
                let n = c.count(5)?;
                for _ in 0..n {
                    let k = (c.u32()?, c.u32()?);
                    let (dc, de, dt) = (c.i64()?, c.i64()?, c.i64()?);
                    let Some(p) = self.summary.get_mut(&k) else {
                        return Err(c.err("a summary row changed that was never there"));
                    };
                    p.calls = p.calls.wrapping_add(dc as u64);
                    p.errors = p.errors.wrapping_add(de as u64);
                    p.time_ns = p.time_ns.wrapping_add(dt as u64);
                }
                if self.summary.len() > MAX_ROWS {
                    return Err(c.err("summary grows past its cap (a hostile or corrupt file)"));
                }
                let gone = c.count(2)?;
                for _ in 0..gone {
                    let k = (c.u32()?, c.u32()?);
                    self.summary.remove(&k);
                }
                let mut rows: Vec<AggRow> = self.summary.values().copied().collect();
                rows.sort_unstable_by_key(|r| (r.tgid, r.nr));
                Ok(Event::Summary(rows))
            }
            TAG_RETIRED => {
                let n = c.count(5)?;
                let rows = (0..n).map(|_| row(&mut c)).collect::<Result<_, _>>()?;
                Ok(Event::Retired(rows))
            }
            _ => Err(c.err("unknown compact entry")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(tgid: u32, nr: u32, calls: u64) -> AggRow {
        AggRow {
            tgid,
            nr,
            calls,
            errors: calls / 3,
            time_ns: calls * 1000,
        }
    }

    fn sorted(mut v: Vec<AggRow>) -> Vec<AggRow> {
        v.sort_unstable_by_key(|r| (r.tgid, r.nr));
        v
    }

    #[test]
    fn summaries_round_trip_as_deltas_and_retired_rows_as_they_are() {
        let mut c = Compactor::default();
        let mut x = Expander::default();
        let snaps = [
            vec![r(1, 0, 5), r(1, 1, 7), r(2, 0, 1)],
            vec![r(1, 0, 6), r(1, 1, 7), r(2, 0, 1)],
            vec![r(1, 0, 6), r(3, 9, 2)],
            vec![],
            vec![r(4, 4, 4)],
        ];
        let mut sizes = Vec::new();
        for (i, s) in snaps.iter().enumerate() {
            let rec = c
                .record(i as u64, &Event::Summary(s.clone()), 1)
                .expect("compact");
            let Record::Other { bytes, .. } = rec else {
                panic!()
            };
            sizes.push(bytes.len());
            let Event::Summary(back) = x.event(&bytes).expect("decodes") else {
                panic!()
            };
            assert_eq!(back, sorted(s.clone()), "snapshot {i}");
        }
        assert!(
            sizes[1] < sizes[0],
            "one changed row is smaller than three: {sizes:?}"
        );
        // a new file starts with a full summary
        let rec = c.record(9, &Event::Summary(vec![r(4, 4, 4)]), 2).unwrap();
        let Record::Other { bytes, .. } = rec else {
            panic!()
        };
        let mut fresh = Expander::default();
        let Event::Summary(back) = fresh.event(&bytes).unwrap() else {
            panic!()
        };
        assert_eq!(back, vec![r(4, 4, 4)]);
        let rows = vec![r(7, 1, 3), r(7, 2, 0)];
        let Record::Other { bytes, .. } = c.record(10, &Event::Retired(rows.clone()), 2).unwrap()
        else {
            panic!()
        };
        let Event::Retired(back) = x.event(&bytes).unwrap() else {
            panic!()
        };
        assert_eq!(back, rows);
        // hostile bytes: errors, never a panic
        for cut in 0..bytes.len() {
            let _ = x.event(&bytes[..cut]);
        }
        assert!(
            x.event(&[MARK, TAG_SUMMARY, 0, 0xff, 0xff, 0xff, 0xff, 0x0f])
                .is_err()
        );
    }
}
