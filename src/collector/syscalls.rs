//! x86_64 syscall number <-> name lookups over the generated `syscall_table`.

use super::syscall_table::{BY_NAME, NAMES};

/// Name of syscall `nr` (`None` for numbers the table does not know).
///
/// An array index: cheap enough to call for every displayed row.
pub fn name(nr: u32) -> Option<&'static str> {
    NAMES.get(usize::try_from(nr).ok()?).copied().flatten()
}

/// Number of the syscall called `name` (exact, case-sensitive: `"openat"`).
///
/// A binary search over the names.
pub fn number(name: &str) -> Option<u32> {
    BY_NAME
        .binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .map(|i| BY_NAME[i].1)
}

/// Highest syscall number in the table.
pub fn max_nr() -> u32 {
    (NAMES.len() - 1) as u32
}

/// Every known `(number, name)`, in number order.
pub fn all() -> impl Iterator<Item = (u32, &'static str)> {
    NAMES
        .iter()
        .enumerate()
        .filter_map(|(nr, n)| n.map(|n| (nr as u32, n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_numbers() {
        let cases: &[(u32, &str)] = &[
            (0, "read"),
            (1, "write"),
            (2, "open"),
            (42, "connect"),
            (59, "execve"),
            (60, "exit"),
            (101, "ptrace"),
            (165, "mount"),
            (231, "exit_group"),
            (257, "openat"),
            (316, "renameat2"),
            (321, "bpf"),
            (322, "execveat"),
            (429, "move_mount"),
            (437, "openat2"),
        ];
        for &(nr, n) in cases {
            assert_eq!(name(nr), Some(n), "name({nr})");
            assert_eq!(number(n), Some(nr), "number({n})");
        }
    }

    #[test]
    fn unknown() {
        assert_eq!(name(335), None); // gap between rseq and pidfd_send_signal
        assert_eq!(name(max_nr() + 1), None);
        assert_eq!(name(u32::MAX), None);
        assert_eq!(number(""), None);
        assert_eq!(number("OPENAT"), None);
        assert_eq!(number("not_a_syscall"), None);
    }

    #[test]
    fn round_trip_all() {
        let mut count = 0;
        for (nr, n) in all() {
            assert_eq!(number(n), Some(nr), "{n}");
            assert_eq!(name(nr), Some(n));
            count += 1;
        }
        assert_eq!(count, BY_NAME.len());
        assert!(count > 300, "table looks empty: {count}");
        assert!(max_nr() >= 437, "openat2 missing");
        assert!(
            max_nr() < ktriage_common::NR_SLOTS,
            "probe maps are too small"
        );
    }

    #[test]
    fn by_name_is_sorted_and_unique() {
        assert!(BY_NAME.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
