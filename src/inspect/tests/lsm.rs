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

/// A proc and sys tree side by side in a temp dir.
fn node_tree(lsm: Option<&str>, filesystems: &str, apparmor: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let proc = dir.path().join("proc");
    std::fs::create_dir_all(&proc).expect("proc");
    std::fs::write(proc.join("filesystems"), filesystems).expect("filesystems");
    if let Some(l) = lsm {
        let sec = dir.path().join("sys/kernel/security");
        std::fs::create_dir_all(&sec).expect("securityfs");
        std::fs::write(sec.join("lsm"), l).expect("lsm");
    }
    if let Some(e) = apparmor {
        let p = dir.path().join("sys/module/apparmor/parameters");
        std::fs::create_dir_all(&p).expect("module");
        std::fs::write(p.join("enabled"), e).expect("enabled");
    }
    dir
}

#[test]
fn node_lsms_from_securityfs_else_from_module_and_filesystems() {
    let t = node_tree(Some("lockdown,capability,landlock,bpf\n"), "", None);
    let n = read_node_lsm(&t.path().join("proc")).expect("read");
    assert_eq!(
        n.active.as_deref(),
        Some(&["lockdown", "capability", "landlock", "bpf"].map(String::from)[..])
    );
    assert!(n.none(), "{n:?}");
    let t = node_tree(Some("lockdown,capability,yama,apparmor"), "", None);
    let n = read_node_lsm(&t.path().join("proc")).expect("read");
    assert!(n.apparmor && !n.selinux);
    // securityfs not mounted: AppArmor's parameter, SELinux's filesystem
    let t = node_tree(None, "nodev\tsysfs\nnodev\tselinuxfs\n", Some("N\n"));
    let n = read_node_lsm(&t.path().join("proc")).expect("read");
    assert_eq!((n.active, n.apparmor, n.selinux), (None, false, true));
    let t = node_tree(None, "nodev\tsysfs\n", Some("Y\n"));
    let n = read_node_lsm(&t.path().join("proc")).expect("read");
    assert!(n.apparmor && !n.selinux, "{n:?}");
    // nothing to read: unknown, not "none"
    assert_eq!(read_node_lsm(&fixture_root()), None);
}

#[test]
fn node_lsm_list_refuses_a_fifo_and_a_flood() {
    let t = node_tree(None, "", None);
    let sec = t.path().join("sys/kernel/security");
    std::fs::create_dir_all(&sec).expect("dir");
    let lsm = sec.join("lsm");
    let c = std::ffi::CString::new(lsm.to_str().expect("utf-8")).expect("path");
    // SAFETY: mkfifo on a NUL-terminated path we own.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    // the FIFO is refused (never blocks): the fallback answers
    let n = read_node_lsm(&t.path().join("proc")).expect("fallback");
    assert_eq!(n.active, None);
    std::fs::remove_file(&lsm).expect("rm");
    std::fs::write(&lsm, "apparmor,".repeat(1000)).expect("flood");
    let n = read_node_lsm(&t.path().join("proc")).expect("fallback");
    assert_eq!(n.active, None, "over the cap: not read");
}

#[test]
fn labels_parse_back() {
    for l in [
        Lsm::None,
        Lsm::Unconfined,
        parse_attr("cri-containerd.apparmor.d (enforce)"),
        parse_attr("system_u:system_r:container_t:s0:c1,c2"),
    ] {
        assert_eq!(Lsm::from_label(&l.label()), l);
    }
}
