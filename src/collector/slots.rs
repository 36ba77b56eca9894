//! The aggregation's fast path as user space sees it: direct-mapped process
//! slots (`SLOT_OWNERS`, one per `tgid % TGID_SLOTS`) and their per-CPU counts
//! (`SLOT_AGG`, indexed `slot * NR_SLOTS + nr`). Read alongside the hash map
//! `AGG` (processes whose slot was taken) and merged with it into the same
//! [`AggRow`]s; the slot of an exited process is read, zeroed and freed here.

use std::collections::BTreeMap;

use aya::maps::{Array, MapData, PerCpuArray, PerCpuValues};
use ktriage_common::{AggKey, AggVal, NR_SLOTS, SlotOwner, TGID_SLOTS};

use crate::model::AggRow;

/// Handles on the two slot maps.
pub struct Slots {
    pub owners: Array<MapData, SlotOwner>,
    pub counts: PerCpuArray<MapData, AggVal>,
}

/// Adds per-CPU `vals` to the row of `k` in `rows`.
pub fn add_row(rows: &mut BTreeMap<AggKey, AggRow>, k: AggKey, vals: &[AggVal]) {
    let row = rows.entry(k).or_insert(AggRow {
        tgid: k.tgid,
        nr: k.nr,
        ..AggRow::default()
    });
    for v in vals {
        row.calls += v.calls;
        row.errors += v.errors;
        row.time_ns += v.time_ns;
    }
}

/// The syscall numbers whose bit is set in `seen`.
fn seen_nrs(seen: &[u64]) -> impl Iterator<Item = u32> + '_ {
    seen.iter().enumerate().flat_map(|(w, bits)| {
        (0..64u32)
            .filter(move |b| bits & (1u64 << b) != 0)
            .map(move |b| w as u32 * 64 + b)
    })
}

impl Slots {
    /// Owned slots whose tgid `keep` accepts: (slot, owner).
    fn owned(&self, mut keep: impl FnMut(u32) -> bool) -> Vec<(u32, SlotOwner)> {
        (0..TGID_SLOTS)
            .filter_map(|s| Some((s, self.owners.get(&s, 0).ok()?)))
            .filter(|(_, o)| o.tgid != 0 && keep(o.tgid as u32))
            .collect()
    }

    /// Adds the counts of every process `keep` accepts to `rows`.
    pub fn read(&self, keep: impl FnMut(u32) -> bool, rows: &mut BTreeMap<AggKey, AggRow>) {
        for (slot, owner) in self.owned(keep) {
            for nr in seen_nrs(&owner.seen) {
                if let Ok(vals) = self.counts.get(&(slot * NR_SLOTS + nr), 0) {
                    let k = AggKey {
                        tgid: owner.tgid as u32,
                        nr,
                    };
                    add_row(rows, k, &vals);
                }
            }
        }
    }

    /// Moves the counts of the processes `gone` accepts (exited) into `rows`
    /// and frees their slots: counts zeroed first, then the owner cleared, so
    /// the next owner starts from zero. Only the exited process wrote there.
    pub fn prune(&mut self, gone: impl FnMut(u32) -> bool, rows: &mut BTreeMap<AggKey, AggRow>) {
        let Ok(cpus) = aya::util::nr_cpus() else {
            return;
        };
        let zeros = || PerCpuValues::try_from(vec![AggVal::default(); cpus]).ok();
        for (slot, owner) in self.owned(gone) {
            let mut freed = true;
            for nr in seen_nrs(&owner.seen) {
                let idx = slot * NR_SLOTS + nr;
                if let Ok(vals) = self.counts.get(&idx, 0) {
                    let k = AggKey {
                        tgid: owner.tgid as u32,
                        nr,
                    };
                    add_row(rows, k, &vals);
                }
                freed &= zeros().is_some_and(|z| self.counts.set(idx, z, 0).is_ok());
            }
            // a slot whose counts could not be zeroed stays owned (read again next time)
            if freed {
                let _ = self.owners.set(slot, SlotOwner::default(), 0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_bits_name_their_syscall_numbers() {
        let mut seen = [0u64; 8];
        for nr in [0u32, 39, 63, 64, 231, 511] {
            seen[(nr / 64) as usize] |= 1 << (nr % 64);
        }
        let got: Vec<u32> = seen_nrs(&seen).collect();
        assert_eq!(got, vec![0, 39, 63, 64, 231, 511]);
    }

    #[test]
    fn rows_of_the_same_process_and_syscall_are_summed() {
        let mut rows = BTreeMap::new();
        let k = AggKey { tgid: 7, nr: 39 };
        let v = AggVal {
            calls: 2,
            errors: 1,
            time_ns: 5,
        };
        add_row(&mut rows, k, &[v, v]);
        add_row(&mut rows, k, &[v]);
        let r = rows[&k];
        assert_eq!(
            (r.tgid, r.nr, r.calls, r.errors, r.time_ns),
            (7, 39, 6, 3, 15)
        );
    }
}
