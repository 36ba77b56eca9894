//! Unit tests of `model::proc`: stat and status lines as the kernel prints them, hostile comms, truncation.
use super::*;

fn fixture(pid: u32, file: &str) -> String {
    let p = format!(
        "{}/tests/fixtures/proc/{pid}/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    String::from_utf8_lossy(&std::fs::read(&p).expect(&p)).into_owned()
}

#[test]
fn stat_of_the_fixture_nginx() {
    let st = parse_stat(&fixture(4242, "stat")).expect("parses");
    assert_eq!(st.comm, "nginx");
    assert_eq!(st.state, 'S');
    assert_eq!((st.ppid, st.pgrp, st.session), (4100, 4242, 4242));
    // tty_nr 0; tpgid -1 is skipped; flags and start time
    assert_eq!(st.tty, 0);
    assert_eq!(st.flags, 4194560);
    assert_eq!(st.start_ticks, 123456);
}

#[test]
fn stat_comm_may_hold_parentheses_spaces_and_newlines() {
    let line = "42 (a) S 1 (b\n c) R 7 42 40 34816 42 4194560 1 0 0 0 0 0 0 0 20 0 1 0 12345 0 0";
    let st = parse_stat(line).expect("parses");
    assert_eq!(st.comm, "a) S 1 (b\n c");
    assert_eq!((st.state, st.ppid, st.session, st.tty), ('R', 7, 40, 34816));
    assert_eq!(st.start_ticks, 12345);
    // a negative tty_nr keeps its bits, as the kernel's int does
    let neg = line.replace(" 34816 ", " -1 ");
    assert_eq!(parse_stat(&neg).map(|s| s.tty), Some(u32::MAX));
}

#[test]
fn stat_not_utf8_still_parses_when_decoded_lossily() {
    let raw = b"9 (\xff\xfeevil) S 1 9 9 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 77 0 0";
    let st = parse_stat(&String::from_utf8_lossy(raw)).expect("parses");
    assert_eq!(st.comm, "\u{fffd}\u{fffd}evil");
    assert_eq!(st.start_ticks, 77);
}

#[test]
fn stat_truncated_or_garbage_is_none() {
    assert_eq!(parse_stat(""), None);
    assert_eq!(parse_stat("garbage"), None);
    assert_eq!(parse_stat("1 (x) S"), None);
    assert_eq!(parse_stat("1 (x) S 1 1 1 0 -1 4194560 0 0 0 0 0"), None);
    assert_eq!(
        parse_stat("1 (x) S notanumber 1 1 0 -1 4 0 0 0 0 0 0 0 0 20 0 1 0 5"),
        None
    );
    // a pid that does not fit 32 bits is rejected, not wrapped
    assert_eq!(
        parse_stat("1 (x) S 4294967296 1 1 0 -1 4 0 0 0 0 0 0 0 0 20 0 1 0 5"),
        None
    );
}

#[test]
fn stat_and_status_of_this_process_agree() {
    let me = std::process::id();
    let stat = parse_stat(&String::from_utf8_lossy(
        &std::fs::read("/proc/self/stat").expect("stat"),
    ))
    .expect("own stat");
    let status = parse_status(&String::from_utf8_lossy(
        &std::fs::read("/proc/self/status").expect("status"),
    ))
    .expect("own status");
    assert_eq!(status.tgid, me);
    assert_eq!(stat.ppid, status.ppid);
    assert_eq!(stat.comm, status.name);
    assert_eq!(
        status.vpid,
        Some(me),
        "the test runs in the host pid namespace"
    );
    assert_eq!(status.vpgid, Some(stat.pgrp));
    assert!(stat.start_ticks > 0);
}

#[test]
fn status_namespaced_ids_take_the_innermost() {
    let text = "Name:\tsh\nState:\tS (sleeping)\nNSpid:\t4300\t1\nNSpgid:\t4300\t1\n";
    let s = parse_status(text).expect("parses");
    assert_eq!((s.vpid, s.vpgid), (Some(1), Some(1)));
    let s = parse_status(&fixture(4242, "status")).expect("fixture");
    assert_eq!(s.name, "nginx");
}
