//! Per-syscall summaries in the shape of `strace -c` (calls, errors, time), built from aggregation rows.

use std::collections::BTreeMap;

use super::event::AggRow;

/// One syscall's totals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SummaryRow {
    /// Syscall number.
    pub nr: u32,
    /// Calls.
    pub calls: u64,
    /// Failed calls.
    pub errors: u64,
    /// Total time in ns.
    pub time_ns: u64,
}

impl SummaryRow {
    /// Microseconds per call, truncated as strace does.
    pub fn usecs_per_call(&self) -> u64 {
        (self.time_ns / 1000).checked_div(self.calls).unwrap_or(0)
    }
}

/// Sums `rows` of the tgids accepted by `keep` per syscall, sorted as `strace -c`
/// sorts (time descending, then syscall number).
pub fn summarize<'a>(
    rows: impl IntoIterator<Item = &'a AggRow>,
    mut keep: impl FnMut(u32) -> bool,
) -> Vec<SummaryRow> {
    let mut by_nr: BTreeMap<u32, SummaryRow> = BTreeMap::new();
    for r in rows {
        if !keep(r.tgid) {
            continue;
        }
        let e = by_nr.entry(r.nr).or_insert(SummaryRow {
            nr: r.nr,
            ..SummaryRow::default()
        });
        e.calls += r.calls;
        e.errors += r.errors;
        e.time_ns += r.time_ns;
    }
    let mut out: Vec<SummaryRow> = by_nr.into_values().collect();
    out.sort_by(|a, b| b.time_ns.cmp(&a.time_ns).then(a.nr.cmp(&b.nr)));
    out
}

/// Totals over `rows`.
pub fn total(rows: &[SummaryRow]) -> SummaryRow {
    rows.iter().fold(SummaryRow::default(), |mut t, r| {
        t.calls += r.calls;
        t.errors += r.errors;
        t.time_ns += r.time_ns;
        t
    })
}

/// Share of `row` in `total` in percent.
pub fn percent(row: &SummaryRow, total: &SummaryRow) -> f64 {
    if total.time_ns == 0 {
        0.0
    } else {
        row.time_ns as f64 * 100.0 / total.time_ns as f64
    }
}

/// The `strace -c` table text (same header, columns, sort and total line).
pub fn strace_table(rows: &[SummaryRow], name: impl Fn(u32) -> String) -> String {
    const RULE: &str = "------ ----------- ----------- --------- --------- ----------------\n";
    let tot = total(rows);
    let mut s = String::from("% time     seconds  usecs/call     calls    errors syscall\n");
    s.push_str(RULE);
    let line = |s: &mut String, pct: f64, r: &SummaryRow, n: &str| {
        let errors = if r.errors == 0 {
            String::new()
        } else {
            r.errors.to_string()
        };
        s.push_str(&format!(
            "{:6.2} {:11.6} {:11} {:9} {:>9} {}\n",
            pct,
            r.time_ns as f64 / 1e9,
            r.usecs_per_call(),
            r.calls,
            errors,
            n
        ));
    };
    for r in rows {
        line(&mut s, percent(r, &tot), r, &name(r.nr));
    }
    s.push_str(RULE);
    line(&mut s, 100.0, &tot, "total");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_sorts_and_formats_like_strace() {
        let agg = [
            AggRow {
                tgid: 1,
                nr: 0,
                calls: 10,
                errors: 0,
                time_ns: 30_000,
            },
            AggRow {
                tgid: 2,
                nr: 0,
                calls: 10,
                errors: 0,
                time_ns: 10_000,
            },
            AggRow {
                tgid: 1,
                nr: 1,
                calls: 5,
                errors: 2,
                time_ns: 0,
            },
            AggRow {
                tgid: 1,
                nr: 3,
                calls: 1,
                errors: 0,
                time_ns: 0,
            },
            AggRow {
                tgid: 9,
                nr: 3,
                calls: 99,
                errors: 0,
                time_ns: 0,
            },
        ];
        let rows = summarize(&agg, |t| t != 9);
        assert_eq!(rows.iter().map(|r| r.nr).collect::<Vec<_>>(), vec![0, 1, 3]);
        assert_eq!(rows[0].calls, 20);
        let names = |nr: u32| ["read", "write", "open", "close"][nr as usize].to_string();
        insta::assert_snapshot!(strace_table(&rows, names), @r"
        % time     seconds  usecs/call     calls    errors syscall
        ------ ----------- ----------- --------- --------- ----------------
        100.00    0.000040           2        20           read
          0.00    0.000000           0         5         2 write
          0.00    0.000000           0         1           close
        ------ ----------- ----------- --------- --------- ----------------
        100.00    0.000040           1        26         2 total
        ");
    }
}
