//! Compact records for the bulky or frequent periodic events: the in-kernel summary as the rows that changed since the previous one (a full one every so often and at the start of each file), retired rows as differences to what the summary last said of them, clock ticks as differences to the previous tick; the reader rebuilds the full events.
//!
//! Rows are keyed by (tgid, syscall) and kept sorted on both sides, so keys
//! are written as small differences to the previous key; a process whose
//! rows all leave the summary is one entry; counters are written as
//! differences to their previous values (a process that exited since the
//! last summary retires rows that mostly equal what it said: zeros).

use std::collections::BTreeMap;

use super::varint::{Cursor, put_i64, put_u64};
use super::{DecodeError, Record};
use crate::app::Event;
use crate::model::AggRow;

/// First byte of a compact entry (a JSON entry never starts with NUL).
pub const MARK: u8 = 0;
const TAG_SUMMARY: u8 = 1;
const TAG_RETIRED: u8 = 2;
const TAG_TICK: u8 = 3;
/// A full summary every this many (so a reader that starts late, or a cut file, is never far from one).
const FULL_EVERY: u32 = 60;

type Key = (u32, u32);
type Rows = BTreeMap<Key, AggRow>;
/// Summary rows a reader keeps at most (the kernel map holds far fewer).
const MAX_ROWS: usize = 1 << 20;

/// The writer's side: the previous summary.
#[derive(Default)]
pub struct Compactor {
    summary: Rows,
    since_full: u32,
    part: u32,
    tick: u64,
}

/// The reader's side: the summary so far.
#[derive(Default)]
pub struct Expander {
    summary: Rows,
    tick: u64,
}

/// Keys as differences to the previous key: the tgid's difference, then the
/// syscall number (as a difference when the tgid is the same).
#[derive(Default)]
struct KeyCoder(Key);

impl KeyCoder {
    fn put(&mut self, out: &mut Vec<u8>, k: Key) {
        put_i64(out, i64::from(k.0) - i64::from(self.0.0));
        if k.0 == self.0.0 {
            put_i64(out, i64::from(k.1) - i64::from(self.0.1));
        } else {
            put_u64(out, u64::from(k.1));
        }
        self.0 = k;
    }

    fn get(&mut self, c: &mut Cursor<'_>) -> Result<Key, DecodeError> {
        let d = c.i64()?;
        let tgid =
            u32::try_from(i64::from(self.0.0) + d).map_err(|_| c.err("tgid out of range"))?;
        let nr = if d == 0 {
            u32::try_from(i64::from(self.0.1) + c.i64()?)
                .map_err(|_| c.err("syscall number out of range"))?
        } else {
            c.u32()?
        };
        self.0 = (tgid, nr);
        Ok(self.0)
    }
}

/// A row's counters as differences to `base`'s.
fn put_diff(out: &mut Vec<u8>, r: &AggRow, base: &AggRow) {
    put_i64(out, r.calls.wrapping_sub(base.calls) as i64);
    put_i64(out, r.errors.wrapping_sub(base.errors) as i64);
    put_i64(out, r.time_ns.wrapping_sub(base.time_ns) as i64);
}

fn get_diff(c: &mut Cursor<'_>, k: Key, base: Option<&AggRow>) -> Result<AggRow, DecodeError> {
    let b = base.copied().unwrap_or_default();
    Ok(AggRow {
        tgid: k.0,
        nr: k.1,
        calls: b.calls.wrapping_add(c.i64()? as u64),
        errors: b.errors.wrapping_add(c.i64()? as u64),
        time_ns: b.time_ns.wrapping_add(c.i64()? as u64),
    })
}

fn tgid_rows(rows: &Rows, tgid: u32) -> impl Iterator<Item = (&Key, &AggRow)> {
    rows.range((tgid, 0)..=(tgid, u32::MAX))
}

impl Compactor {
    /// The compact record of `event` at `ts_ns`, when it has one; `part` is
    /// the file the record goes to (a new file starts from nothing: a full
    /// summary, retired rows whole).
    pub fn record(&mut self, ts_ns: u64, event: &Event, part: u32) -> Option<Record> {
        if !matches!(
            event,
            Event::Summary(_) | Event::Retired(_) | Event::Tick(_)
        ) {
            return None;
        }
        if part != self.part {
            self.part = part;
            self.summary.clear();
            self.since_full = 0;
            self.tick = 0;
        }
        let mut out = vec![MARK];
        match event {
            Event::Summary(rows) => {
                let full = self.since_full == 0 || self.since_full >= FULL_EVERY;
                self.since_full = if full { 1 } else { self.since_full + 1 };
                if full {
                    self.summary.clear();
                }
                out.push(TAG_SUMMARY);
                out.push(u8::from(full));
                let now: Rows = rows.iter().map(|r| ((r.tgid, r.nr), *r)).collect();
                // what left first (a "whole process" entry is about the rows it had)
                self.removed(&mut out, &now);
                // changed and new rows, as differences (a new row: to zero)
                let changed: Vec<(&Key, &AggRow)> = now
                    .iter()
                    .filter(|(k, r)| self.summary.get(k) != Some(r))
                    .collect();
                put_u64(&mut out, changed.len() as u64);
                let mut kc = KeyCoder::default();
                for (k, r) in changed {
                    kc.put(&mut out, *k);
                    put_diff(
                        &mut out,
                        r,
                        &self.summary.get(k).copied().unwrap_or_default(),
                    );
                }
                self.summary = now;
            }
            Event::Retired(rows) => {
                out.push(TAG_RETIRED);
                put_u64(&mut out, rows.len() as u64);
                let mut kc = KeyCoder::default();
                for r in rows {
                    let k = (r.tgid, r.nr);
                    kc.put(&mut out, k);
                    put_diff(
                        &mut out,
                        r,
                        &self.summary.get(&k).copied().unwrap_or_default(),
                    );
                }
            }
            Event::Tick(t) => {
                out.push(TAG_TICK);
                put_i64(&mut out, t.wrapping_sub(self.tick) as i64);
                self.tick = *t;
            }
            _ => return None,
        }
        Some(Record::Other { ts_ns, bytes: out })
    }

    /// The keys that left the summary: a process whose rows all left is its
    /// tgid with a count of 0, otherwise the tgid, the count and the numbers.
    fn removed(&self, out: &mut Vec<u8>, now: &Rows) {
        let gone: Vec<Key> = self
            .summary
            .keys()
            .filter(|k| !now.contains_key(k))
            .copied()
            .collect();
        let mut groups: Vec<(u32, Vec<u32>)> = Vec::new();
        for (t, n) in gone {
            match groups.last_mut() {
                Some((g, v)) if *g == t => v.push(n),
                _ => groups.push((t, vec![n])),
            }
        }
        put_u64(out, groups.len() as u64);
        let mut prev = 0u32;
        for (t, nrs) in groups {
            put_i64(out, i64::from(t) - i64::from(prev));
            prev = t;
            if tgid_rows(&self.summary, t).count() == nrs.len() {
                put_u64(out, 0);
            } else {
                put_u64(out, nrs.len() as u64);
                nrs.iter().for_each(|n| put_u64(out, u64::from(*n)));
            }
        }
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
                if c.u8()? != 0 {
                    self.summary.clear();
                }
                let groups = c.count(2)?;
                let mut prev = 0u32;
                for _ in 0..groups {
                    let t = u32::try_from(i64::from(prev) + c.i64()?)
                        .map_err(|_| c.err("tgid out of range"))?;
                    prev = t;
                    match c.count(1)? {
                        0 => {
                            let ks: Vec<Key> =
                                tgid_rows(&self.summary, t).map(|(k, _)| *k).collect();
                            ks.iter().for_each(|k| {
                                self.summary.remove(k);
                            });
                        }
                        k => {
                            for _ in 0..k {
                                let nr = c.u32()?;
                                self.summary.remove(&(t, nr));
                            }
                        }
                    }
                }
                let n = c.count(5)?;
                let mut kc = KeyCoder::default();
                for _ in 0..n {
                    let k = kc.get(&mut c)?;
                    let r = get_diff(&mut c, k, self.summary.get(&k))?;
                    self.summary.insert(k, r);
                }
                if self.summary.len() > MAX_ROWS {
                    return Err(c.err("summary grows past its cap (a hostile or corrupt file)"));
                }
                Ok(Event::Summary(self.summary.values().copied().collect()))
            }
            TAG_RETIRED => {
                let n = c.count(4)?;
                let mut kc = KeyCoder::default();
                let rows = (0..n)
                    .map(|_| {
                        let k = kc.get(&mut c)?;
                        get_diff(&mut c, k, self.summary.get(&k))
                    })
                    .collect::<Result<_, _>>()?;
                Ok(Event::Retired(rows))
            }
            TAG_TICK => {
                self.tick = self.tick.wrapping_add(c.i64()? as u64);
                Ok(Event::Tick(self.tick))
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

    /// Random churn (processes that come, go, gain and lose rows, retire): every summary and retired list comes back exactly.
    #[test]
    fn churning_summaries_and_retired_rows_round_trip() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut rnd = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let (mut c, mut e) = (Compactor::default(), Expander::default());
        let mut state: Rows = Rows::new();
        for i in 0..600u64 {
            for _ in 0..rnd(12) {
                let k = (rnd(30) as u32, rnd(8) as u32);
                if rnd(3) == 0 {
                    state.remove(&k);
                } else {
                    let r = state.entry(k).or_insert(AggRow {
                        tgid: k.0,
                        nr: k.1,
                        ..AggRow::default()
                    });
                    r.calls += rnd(5);
                    r.errors += rnd(2);
                    r.time_ns += rnd(100_000);
                }
            }
            if rnd(4) == 0 {
                let t = rnd(30) as u32;
                state.retain(|k, _| k.0 != t);
            }
            let part = (i / 250) as u32;
            if rnd(5) == 0 {
                let gone: Vec<AggRow> = state.values().filter(|_| rnd(3) == 0).copied().collect();
                let Some(Record::Other { bytes, .. }) =
                    c.record(i, &Event::Retired(gone.clone()), part)
                else {
                    panic!()
                };
                if part != (i.saturating_sub(1) / 250) as u32 {
                    e = Expander::default();
                }
                let Event::Retired(back) = e.event(&bytes).unwrap() else {
                    panic!()
                };
                assert_eq!(back, gone, "retired at {i}");
            }
            let rows: Vec<AggRow> = state.values().copied().collect();
            let Some(Record::Other { bytes, .. }) =
                c.record(i, &Event::Summary(rows.clone()), part)
            else {
                panic!()
            };
            let Event::Summary(back) = e.event(&bytes).unwrap() else {
                panic!()
            };
            assert_eq!(back, rows, "summary at {i}");
        }
    }
}
