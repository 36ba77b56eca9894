//! Unit tests of `inspect::status` on the fixture tree `tests/fixtures/proc`.
use super::*;
use crate::inspect::fixture_root;

#[test]
fn parses_a_containerd_nginx_status() {
    let s = read_status(&fixture_root(), 4242).unwrap();
    assert_eq!(s.name, "nginx");
    assert_eq!((s.state, s.state_word.as_str()), ('S', "sleeping"));
    assert_eq!((s.tgid, s.ppid, s.threads), (4242, 4100, 1));
    assert_eq!(
        s.uid,
        Ids {
            real: 101,
            effective: 101,
            saved: 101,
            fs: 101
        }
    );
    assert_eq!(s.gid.effective, 101);
    assert_eq!(s.cap_eff, 0x400);
    assert_eq!(s.cap_prm, 0x400);
    assert_eq!(s.cap_amb, 0x400);
    assert_eq!(s.cap_inh, 0);
    assert_eq!(s.cap_bnd, 0xa80c25fb);
    assert!(!s.no_new_privs);
    assert_eq!((s.seccomp, s.seccomp_filters), (2, 1));
    assert_eq!(s.seccomp_name(), "filter");
    assert!(!s.is_exited());
}

#[test]
fn seccomp_modes_and_flags() {
    assert_eq!(seccomp_mode_name(0), "disabled");
    assert_eq!(seccomp_mode_name(1), "strict");
    assert_eq!(seccomp_mode_name(2), "filter");
    assert_eq!(seccomp_mode_name(9), "unknown");
    let s = read_status(&fixture_root(), 8888).unwrap();
    assert!(s.no_new_privs);
    assert_eq!(s.seccomp_filters, 3);
}

#[test]
fn hostile_name_is_unescaped_not_interpreted() {
    let s = read_status(&fixture_root(), 6666).unwrap();
    assert_eq!(s.name, "ev\x1b[31mil\nname");
    assert_eq!(s.state, 'R');
    assert_eq!(s.cap_bnd, 0x3ff_ffff_ffff);
}

#[test]
fn zombie_is_exited() {
    let s = read_status(&fixture_root(), 7777).unwrap();
    assert!(s.is_exited());
    assert_eq!(s.state_word, "zombie");
}

#[test]
fn tolerates_old_kernels_and_rejects_garbage() {
    let old = "Name:\tinit\nState:\tS (sleeping)\nPPid:\t0\nUid:\t0\t0\t0\t0\n";
    let s = parse_status(old).unwrap();
    assert_eq!(
        (s.name.as_str(), s.seccomp, s.no_new_privs),
        ("init", 0, false)
    );
    assert!(parse_status("State:\tS (sleeping)\n").is_none());
    assert!(parse_status("Name:\tx\nState:\tS\nCapEff:\tzz\n").is_none());
    assert!(read_status(&fixture_root(), 424242).is_err());
}

#[test]
fn name_unescaping() {
    assert_eq!(unescape_name(r"a\\b\nc\q"), "a\\b\nc\\q");
    assert_eq!(unescape_name("trailing\\"), "trailing\\");
    assert_eq!(unescape_name("  spaced"), "  spaced");
    assert_eq!(state_word('D'), "disk sleep");
}
