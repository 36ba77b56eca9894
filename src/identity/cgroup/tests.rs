//! Tests for cgroup path parsing and id resolution.

use std::os::unix::fs::MetadataExt;

use super::*;

const ID: &str = "3f4e5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081";
const NODE: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
const UID: &str = "8a3c2f1e-5b6d-4c7e-9f80-1a2b3c4d5e6f";
const UID_: &str = "8a3c2f1e_5b6d_4c7e_9f80_1a2b3c4d5e6f";
/// Cgroup file text, then the expected container id, runtime, pod uid and QoS.
type Case = (
    String,
    Option<&'static str>,
    Option<Runtime>,
    Option<&'static str>,
    Option<Qos>,
);

const STATIC_UID: &str = "5f1c2e3d4b5a69788796a5b4c3d2e1f0";

#[test]
fn parses_common_layouts() {
    let cases = [
        (format!("/kubepods/besteffort/pod1234/{ID}"), true),
        (
            format!(
                "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod12_34.slice/cri-containerd-{ID}.scope"
            ),
            true,
        ),
        (format!("/system.slice/docker-{ID}.scope"), true),
        (format!("/docker/{ID}"), true),
        (format!("/machine.slice/libpod-{ID}.scope"), true),
        (format!("/kubepods.slice/crio-{ID}.scope"), true),
        (
            "/user.slice/user-0.slice/session-1.scope".to_string(),
            false,
        ),
        ("/".to_string(), false),
    ];
    for (path, is_ctr) in cases {
        assert_eq!(container_id(&path).as_deref() == Some(ID), is_ctr, "{path}");
    }
}

#[test]
fn parses_proc_cgroup_files() {
    use Qos::*;
    use Runtime::*;
    let ks = "/kubepods.slice";
    let be = format!("{ks}/kubepods-besteffort.slice/kubepods-besteffort-pod{UID_}.slice");
    let bu = format!("{ks}/kubepods-burstable.slice/kubepods-burstable-pod{UID_}.slice");
    let kind = format!(
        "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod{UID_}.slice"
    );
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        // containerd, systemd driver, cgroup v2
        (format!("0::{bu}/cri-containerd-{ID}.scope\n"), Some(ID), Some(Containerd), Some(UID), Some(Burstable)),
        // guaranteed pod, systemd driver
        (format!("0::{ks}/kubepods-pod{UID_}.slice/cri-containerd-{ID}.scope"), Some(ID), Some(Containerd), Some(UID), Some(Guaranteed)),
        // cgroupfs driver, cgroup v1 (hybrid: the v2 line is the root)
        (format!("12:pids:/kubepods/besteffort/pod{UID}/{ID}\n11:memory:/kubepods/besteffort/pod{UID}/{ID}\n3:cpu,cpuacct:/kubepods/besteffort/pod{UID}/{ID}\n1:name=systemd:/kubepods/besteffort/pod{UID}/{ID}\n0::/\n"), Some(ID), Some(Unknown), Some(UID), Some(BestEffort)),
        // cgroupfs driver, guaranteed, v2
        (format!("0::/kubepods/pod{UID}/{ID}"), Some(ID), Some(Unknown), Some(UID), Some(Guaranteed)),
        // k3s cgroupfs, static pod (config hash as uid)
        (format!("0::/kubepods/burstable/pod{STATIC_UID}/{ID}"), Some(ID), Some(Unknown), Some(STATIC_UID), Some(Burstable)),
        // CRI-O, systemd driver
        (format!("0::{be}/crio-{ID}.scope"), Some(ID), Some(CriO), Some(UID), Some(BestEffort)),
        // CRI-O conmon: the monitor, not the container
        (format!("0::{be}/crio-conmon-{ID}.scope"), None, Some(CriO), Some(UID), Some(BestEffort)),
        // CRI-O, cgroupfs driver
        (format!("0::/kubepods/besteffort/pod{UID}/crio-{ID}"), Some(ID), Some(CriO), Some(UID), Some(BestEffort)),
        // cri-dockerd, systemd driver
        (format!("0::{bu}/docker-{ID}.scope"), Some(ID), Some(Docker), Some(UID), Some(Burstable)),
        // plain docker, systemd driver
        (format!("0::/system.slice/docker-{ID}.scope"), Some(ID), Some(Docker), None, None),
        // plain docker, cgroupfs driver, pure v1
        (format!("12:memory:/docker/{ID}\n4:cpu,cpuacct:/docker/{ID}\n1:name=systemd:/docker/{ID}"), Some(ID), Some(Docker), None, None),
        // podman (rootful, rootless with a nested `container` cgroup), conmon
        (format!("0::/machine.slice/libpod-{ID}.scope"), Some(ID), Some(Podman), None, None),
        (format!("0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-{ID}.scope/container"), Some(ID), Some(Podman), None, None),
        (format!("0::/machine.slice/libpod-conmon-{ID}.scope"), None, Some(Podman), None, None),
        // containerd without kubelet
        (format!("0::/k8s.io/{ID}"), Some(ID), Some(Containerd), None, None),
        // kind node seen from the host: the pod's container wins over the node's
        (format!("0::/system.slice/docker-{NODE}.scope{kind}/cri-containerd-{ID}.scope"), Some(ID), Some(Containerd), Some(UID), Some(BestEffort)),
        // kind node seen from inside its cgroup namespace
        (format!("0::{kind}/cri-containerd-{ID}.scope"), Some(ID), Some(Containerd), Some(UID), Some(BestEffort)),
        // kind, cgroup v1, cgroupfs driver
        (format!("11:memory:/docker/{NODE}/kubepods/burstable/pod{UID}/{ID}\n1:name=systemd:/docker/{NODE}/kubepods/burstable/pod{UID}/{ID}"), Some(ID), Some(Unknown), Some(UID), Some(Burstable)),
        // the kind node's own kubelet
        (format!("0::/system.slice/docker-{NODE}.scope/kubelet.slice/kubelet.service"), Some(NODE), Some(Docker), None, None),
        // host processes
        ("0::/init.scope".into(), None, None, None, None),
        ("0::/user.slice/user-1000.slice/session-3.scope".into(), None, None, None, None),
        ("0::/system.slice/containerd.service".into(), None, None, None, None),
        ("0::/".into(), None, None, None, None),
        ("12:cpu,cpuacct:/user.slice\n1:name=systemd:/user.slice/user-1000.slice/session-2.scope\n0::/user.slice/user-1000.slice/session-2.scope".into(), None, None, None, None),
        ("".into(), None, None, None, None),
    ];
    for (text, id, rt, uid, qos) in &cases {
        let got = parse_proc_cgroup(text);
        assert_eq!(got.container_id.as_deref(), *id, "id: {text}");
        assert_eq!(got.runtime, *rt, "runtime: {text}");
        assert_eq!(got.pod_uid.as_deref(), *uid, "pod uid: {text}");
        assert_eq!(got.qos, *qos, "qos: {text}");
    }
}

#[test]
fn picks_the_line_and_flags_conmon() {
    let host = parse_proc_cgroup("1:name=systemd:/init.scope\n0::/user.slice/x.scope\n");
    assert_eq!(host.path, "/user.slice/x.scope", "host: the v2 line");
    assert!(!host.is_containerized());
    let v1 = parse_proc_cgroup(&format!("2:memory:/docker/{ID}\n0::/\n"));
    assert_eq!(
        v1.path,
        format!("/docker/{ID}"),
        "v1 line naming a container"
    );
    let conmon = parse_cgroup_path(&format!("/machine.slice/libpod-conmon-{ID}.scope"));
    assert_eq!(conmon.conmon_for.as_deref(), Some(ID));
    assert!(conmon.is_containerized());
    assert_eq!(Runtime::CriO.as_str(), "cri-o");
    assert_eq!(Qos::BestEffort.as_str(), "besteffort");
}

#[test]
fn resolves_ids_by_inode() {
    let dir = tempfile::tempdir().expect("tmp");
    let sub = dir.path().join("kubepods").join(ID);
    std::fs::create_dir_all(&sub).expect("mkdir");
    let ino = std::fs::metadata(&sub).expect("md").ino();
    let mut r = CgroupResolver::with_root(Some(dir.path().to_path_buf()));
    assert_eq!(r.resolve(ino, 0), Some(format!("/kubepods/{ID}")));
    assert_eq!(r.resolve(1, 1), None, "unknown id, rescan rate-limited");
}
