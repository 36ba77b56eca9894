//! Grading a syscall summary answer (`SYSCALL COUNT`): the syscall named, the count within a tolerance of the rate the workload keeps.

/// Checks `answer` against `syscall` called `per_second` times a second over `window_secs`,
/// accepting a count within `tolerance_pct`; `who` names the container in the reason.
/// The reason never says the expected count.
pub fn check(
    answer: &str,
    syscall: &str,
    per_second: u64,
    window_secs: u64,
    tolerance_pct: u64,
    who: &str,
) -> Result<(), String> {
    if answer.trim().is_empty() {
        return Err(
            "no answer given (`ktriage drill answer SYSCALL COUNT`); want the most frequent syscall and its count"
                .into(),
        );
    }
    let words: Vec<String> = answer
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | '='))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if !words.iter().any(|w| w == syscall) {
        return Err(format!(
            "the answer does not name the syscall {who} calls most often"
        ));
    }
    let counts: Vec<u64> = words.iter().filter_map(|w| w.parse().ok()).collect();
    if counts.is_empty() {
        return Err("the answer holds no count (a whole number)".into());
    }
    let want = per_second.saturating_mul(window_secs);
    let lo = want.saturating_mul(100 - tolerance_pct.min(100)) / 100;
    let hi = want.saturating_mul(100 + tolerance_pct) / 100;
    if counts.iter().any(|c| (lo..=hi).contains(c)) {
        Ok(())
    } else {
        let given: Vec<String> = counts.iter().map(u64::to_string).collect();
        Err(format!(
            "the count {} is not within {tolerance_pct}% of the calls {who} makes in {window_secs} s",
            given.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn the_syscall_and_a_count_within_the_tolerance_pass() {
        assert_eq!(check("write 600", "write", 60, 10, 20, "x"), Ok(()));
        assert_eq!(check("WRITE: 481", "write", 60, 10, 20, "x"), Ok(()));
        assert_eq!(check("write=719", "write", 60, 10, 20, "x"), Ok(()));
    }

    #[test]
    fn a_wrong_syscall_or_count_fails_without_the_expected_value() {
        let e = check("read 600", "write", 60, 10, 20, "etcd").unwrap_err();
        assert!(e.contains("does not name the syscall"), "{e}");
        let e = check("write 400", "write", 60, 10, 20, "etcd").unwrap_err();
        assert!(e.contains("count 400 is not within 20%"), "{e}");
        assert!(!e.contains("600"), "{e}");
        let e = check("write lots", "write", 60, 10, 20, "etcd").unwrap_err();
        assert!(e.contains("no count"), "{e}");
        assert!(check("", "write", 60, 10, 20, "etcd").is_err());
        assert!(check("writev 600", "write", 60, 10, 20, "etcd").is_err());
    }
}
