//! Unit tests of the namespace index on a fixture proc tree (ns links are plain symlinks there).

use std::os::unix::fs::symlink;
use std::path::Path;

use super::*;

const CTR: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn proc_entry(root: &Path, pid: u32, cgroup: &str, pidns: u64, mntns: u64) {
    let d = root.join(pid.to_string());
    std::fs::create_dir_all(d.join("ns")).unwrap();
    std::fs::write(d.join("cgroup"), format!("0::{cgroup}\n")).unwrap();
    symlink(format!("pid:[{pidns}]"), d.join("ns/pid")).unwrap();
    symlink(format!("mnt:[{mntns}]"), d.join("ns/mnt")).unwrap();
}

fn tree() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let r = t.path();
    proc_entry(r, 1, "/init.scope", 100, 200);
    // the container's init
    proc_entry(
        r,
        50,
        &format!("/kubepods/besteffort/podu1/{CTR}"),
        101,
        201,
    );
    // nsenter -t 50 -a: host cgroup, the container's namespaces
    proc_entry(r, 60, "/user.slice", 101, 201);
    // unshare -p -m: its own namespaces, no container
    proc_entry(r, 70, "/user.slice", 102, 202);
    // only the mount namespace entered (nsenter -m): not the container
    proc_entry(r, 80, "/user.slice", 100, 201);
    // a host process
    proc_entry(r, 90, "/user.slice", 100, 200);
    t
}

#[test]
fn entered_process_is_attributed_to_the_container() {
    let t = tree();
    let mut ix = NsIndex::new(t.path());
    let o = ix.entered(60).expect("attributed");
    assert_eq!(o.container_id, CTR);
    assert_eq!(o.cgroup_path, format!("/kubepods/besteffort/podu1/{CTR}"));
    assert_eq!(ix.scans, 1, "a miss scans once");
    assert_eq!(ix.entered(60), Some(o), "then answers from the index");
    assert_eq!(ix.scans, 1);
}

#[test]
fn host_own_namespaces_and_partial_entries_are_not() {
    let t = tree();
    let mut ix = NsIndex::new(t.path());
    assert_eq!(ix.entered(90), None, "host namespaces");
    assert_eq!(ix.entered(80), None, "host pid namespace");
    assert_eq!(ix.entered(70), None, "namespaces no container owns");
    assert_eq!(ix.entered(4242), None, "gone");
    // misses within the rescan interval do not rescan
    assert_eq!(ix.scans, 1);
}

#[test]
fn ns_links_parse_strictly() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("5/ns");
    std::fs::create_dir_all(&d).unwrap();
    symlink("pid:[12]", d.join("pid")).unwrap();
    symlink("net:[13]", d.join("mnt")).unwrap();
    assert_eq!(
        ns_pair(t.path(), 5),
        None,
        "a link of another kind is refused"
    );
    std::fs::remove_file(d.join("mnt")).unwrap();
    symlink("mnt:[13]", d.join("mnt")).unwrap();
    assert_eq!(ns_pair(t.path(), 5), Some(NsPair { pid: 12, mnt: 13 }));
}

#[test]
fn unowned_pairs_are_not_rescanned_for_a_while() {
    let t = tree();
    let mut ix = NsIndex::new(t.path());
    ix.rescan(true);
    let scans = ix.scans;
    // pid 70's namespaces belong to no container: remembered, even past the rescan interval
    ix.last_scan = None;
    assert_eq!(ix.entered(70), None);
    assert_eq!(ix.scans, scans + 1);
    ix.last_scan = None;
    assert_eq!(ix.entered(70), None);
    assert_eq!(
        ix.scans,
        scans + 1,
        "the unowned pair is not looked for again"
    );
    // a container's pair found later is still answered
    assert!(ix.entered(60).is_some());
}
