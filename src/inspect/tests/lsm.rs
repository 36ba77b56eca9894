//! Unit tests of `inspect::lsm` on the fixture tree `tests/fixtures/proc`.
use super::*;
use crate::inspect::fixture_root;

#[test]
fn apparmor_profile_and_mode() {
    let l = read_lsm(&fixture_root(), 4242).unwrap();
    assert_eq!(
        l,
        Lsm::AppArmor {
            profile: "cri-containerd.apparmor.d".into(),
            mode: Some("enforce".into())
        }
    );
    assert_eq!(l.kind(), "apparmor");
    assert_eq!(l.label(), "cri-containerd.apparmor.d (enforce)");
}

#[test]
fn unconfined_selinux_and_none() {
    assert_eq!(read_lsm(&fixture_root(), 6666).unwrap(), Lsm::Unconfined);
    let se = read_lsm(&fixture_root(), 8888).unwrap();
    assert_eq!(
        se,
        Lsm::SeLinux {
            context: "system_u:system_r:container_t:s0:c1,c2".into(),
            user: "system_u".into(),
            role: "system_r".into(),
            domain: "container_t".into(),
            level: Some("s0:c1,c2".into()),
        }
    );
    assert_eq!(se.label(), "system_u:system_r:container_t:s0:c1,c2");
    // No attr files at all: no LSM.
    assert_eq!(read_lsm(&fixture_root(), 4100).unwrap(), Lsm::None);
}

#[test]
fn attr_text_variants() {
    assert_eq!(parse_attr(""), Lsm::None);
    assert_eq!(parse_attr("\0"), Lsm::None);
    assert_eq!(parse_attr("unconfined\n"), Lsm::Unconfined);
    assert_eq!(
        parse_attr("docker-default (complain)\n"),
        Lsm::AppArmor {
            profile: "docker-default".into(),
            mode: Some("complain".into())
        }
    );
    assert_eq!(parse_attr("kernel").label(), "kernel");
    let se = parse_attr("unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023");
    assert_eq!(se.kind(), "selinux");
    assert_eq!(Lsm::None.label(), "none");
}
