//! Unit tests of `inspect::mounts` on the fixture tree `tests/fixtures/proc`.
use super::*;
use crate::inspect::fixture_root;

const POD: &str = "5f8e7a2b-1c3d-4e5f-8a9b-0c1d2e3f4a5b";

fn annotated(pid: u32, pod: Option<&str>) -> Vec<Mount> {
    let mut m = read_mountinfo(&fixture_root(), pid).unwrap();
    let host = read_mountinfo(&fixture_root(), 1).unwrap();
    annotate(&mut m, Some(&host), pod);
    m
}

fn at<'a>(m: &'a [Mount], point: &str) -> &'a Mount {
    m.iter().find(|x| x.mount_point == point).unwrap()
}

#[test]
fn parses_a_containerd_mount_table() {
    let m = read_mountinfo(&fixture_root(), 4242).unwrap();
    assert_eq!(m.len(), 19);
    let root = at(&m, "/");
    assert_eq!((root.fstype.as_str(), root.root.as_str()), ("overlay", "/"));
    assert_eq!(root.propagation(), "slave");
    assert!(super_has(root, "upperdir="));
    assert_eq!(root_readonly(&m), Some(false));
    let hosts = at(&m, "/etc/hosts");
    assert_eq!(hosts.root, format!("/var/lib/kubelet/pods/{POD}/etc-hosts"));
    assert_eq!(
        (hosts.fstype.as_str(), hosts.source.as_str()),
        ("ext4", "/dev/nvme0n1p1")
    );
    assert_eq!(hosts.dev, "259:1");
    assert!(!hosts.read_only());
    assert!(at(&m, "/sys").read_only());
    assert!(at(&m, "/host/etc").read_only());
    assert_eq!(at(&m, "/data").root, "/srv/my data");
    assert_eq!(at(&m, "/proc").propagation(), "private");
}

fn super_has(m: &Mount, s: &str) -> bool {
    m.super_options.contains(s)
}

#[test]
fn host_paths_binds_and_sensitive_mounts() {
    let m = annotated(4242, Some(POD));
    let root = at(&m, "/");
    assert!(!root.bind_from_host && root.sensitive.is_empty());
    let hosts = at(&m, "/etc/hosts");
    assert_eq!(
        hosts.host_path.as_deref(),
        Some(format!("/var/lib/kubelet/pods/{POD}/etc-hosts").as_str())
    );
    assert!(hosts.bind_from_host);
    assert!(
        hosts.sensitive.is_empty(),
        "own pod's file: {:?}",
        hosts.sensitive
    );
    let sock = at(&m, "/var/run/docker.sock");
    assert_eq!(sock.host_path.as_deref(), Some("/run/docker.sock"));
    assert!(sock.bind_from_host);
    assert_eq!(sock.sensitive, ["container runtime socket", "host /run"]);
    assert_eq!(at(&m, "/host/proc").sensitive, ["host procfs"]);
    assert_eq!(at(&m, "/host/etc").sensitive, ["host /etc"]);
    assert_eq!(at(&m, "/data").host_path.as_deref(), Some("/srv/my data"));
    let sa = at(&m, "/run/secrets/kubernetes.io/serviceaccount");
    assert!(sa.bind_from_host && sa.sensitive.is_empty());
    let shm = at(&m, "/dev/shm");
    assert!(shm.bind_from_host && shm.sensitive.is_empty(), "{shm:?}");
    for own in [
        "/proc",
        "/proc/bus",
        "/proc/kcore",
        "/dev",
        "/sys",
        "/sys/fs/cgroup",
        "/dev/pts",
    ] {
        let x = at(&m, own);
        assert!(!x.bind_from_host && x.sensitive.is_empty(), "{own}: {x:?}");
    }
}

#[test]
fn without_the_pod_uid_kubelet_paths_are_flagged() {
    let m = annotated(4242, None);
    assert_eq!(at(&m, "/etc/hosts").sensitive, ["host /var/lib/kubelet"]);
    let m = annotated(4242, Some("00000000-0000-0000-0000-000000000000"));
    assert_eq!(at(&m, "/etc/hosts").sensitive, ["host /var/lib/kubelet"]);
}

#[test]
fn privileged_container_flags() {
    let m = annotated(6666, None);
    assert_eq!(at(&m, "/sys").sensitive, ["writable /sys"]);
    assert_eq!(at(&m, "/host").sensitive, ["host /"]);
    assert_eq!(
        at(&m, "/run/containerd/containerd.sock").sensitive,
        ["container runtime socket"]
    );
    assert_eq!(at(&m, "/root").sensitive, ["host /root"]);
    assert_eq!(
        at(&m, "/var/lib/kubelet").sensitive,
        ["host /var/lib/kubelet"]
    );
    assert_eq!(at(&m, "/run/host").sensitive, ["host /run"]);
    let odd = at(&m, "/mnt/a\nb c");
    assert_eq!(odd.root, "/x\\y");
    assert!(odd.bind_from_host);
}

#[test]
fn without_host_table_rules_use_the_root() {
    let mut m = read_mountinfo(&fixture_root(), 4242).unwrap();
    annotate(&mut m, None, Some(POD));
    let sock = at(&m, "/var/run/docker.sock");
    assert_eq!(sock.host_path, None);
    assert_eq!(sock.sensitive, ["container runtime socket"]);
    assert!(
        at(&m, "/host/etc")
            .sensitive
            .contains(&"host /etc".to_string())
    );
    assert_eq!(at(&m, "/host/proc").sensitive, ["host procfs"]);
    assert!(at(&m, "/proc").sensitive.is_empty());
}

#[test]
fn escapes_and_malformed_lines() {
    assert_eq!(unescape(r"a\040b\011c\012d\134e"), "a b\tc\nd\\e");
    assert_eq!(unescape(r"\04"), r"\04");
    assert_eq!(unescape(r"x\999"), r"x\999");
    let m = parse_mountinfo("garbage\n1 2 3:4 / / rw shared:1 master:2 - ext4 /dev/x ro\n");
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].propagation(), "shared,slave");
    assert!(m[0].read_only(), "superblock ro counts");
    assert_eq!(root_readonly(&[]), None);
}
