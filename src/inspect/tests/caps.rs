//! Unit tests of `inspect::caps` on the fixture tree `tests/fixtures/proc`.
use super::*;
use crate::inspect::fixture_root;
use crate::inspect::status::read_status;

#[test]
fn names_cover_bits_0_to_40() {
    assert_eq!(cap_name(0), "CAP_CHOWN");
    assert_eq!(cap_name(10), "CAP_NET_BIND_SERVICE");
    assert_eq!(cap_name(21), "CAP_SYS_ADMIN");
    assert_eq!(cap_name(40), "CAP_CHECKPOINT_RESTORE");
    assert_eq!(cap_name(41), "CAP_41");
    assert_eq!(cap_bit("net_bind_service"), Some(10));
    assert_eq!(cap_bit("CAP_BPF"), Some(39));
    assert_eq!(cap_bit("CAP_63"), Some(63));
    assert_eq!(cap_bit("CAP_NOPE"), None);
}

#[test]
fn runtime_default_mask_matches_its_names() {
    let from_names = RUNTIME_DEFAULT_NAMES
        .iter()
        .fold(0u64, |m, n| m | 1 << cap_bit(n).unwrap());
    assert_eq!(from_names, RUNTIME_DEFAULT);
    let mut sorted: Vec<String> = RUNTIME_DEFAULT_NAMES
        .iter()
        .map(|s| s.to_string())
        .collect();
    sorted.sort();
    assert_eq!(decode(RUNTIME_DEFAULT), sorted);
}

#[test]
fn decodes_fixture_masks() {
    let s = read_status(&fixture_root(), 4242).unwrap();
    assert_eq!(decode(s.cap_eff), ["CAP_NET_BIND_SERVICE"]);
    assert_eq!(decode(s.cap_inh), Vec::<String>::new());
    assert_eq!(
        decode(beyond_runtime_default(s.cap_eff, s.cap_bnd)),
        ["CAP_SYS_PTRACE"]
    );
    let worker = read_status(&fixture_root(), 4243).unwrap();
    assert!(decode(beyond_runtime_default(worker.cap_eff, worker.cap_bnd)).is_empty());
}

#[test]
fn full_and_unknown_bits() {
    let s = read_status(&fixture_root(), 6666).unwrap();
    let bnd = decode(s.cap_bnd);
    assert_eq!(bnd.len(), 42);
    assert!(bnd.contains(&"CAP_41".to_string()));
    assert!(bnd.windows(2).all(|w| w[0] <= w[1]), "sorted: {bnd:?}");
    let beyond = decode(beyond_runtime_default(s.cap_eff, s.cap_bnd));
    assert_eq!(beyond.len(), 42 - 14);
    assert!(beyond.contains(&"CAP_SYS_ADMIN".to_string()));
    assert!(!beyond.contains(&"CAP_CHOWN".to_string()));
}
