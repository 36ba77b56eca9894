//! The bundle reader on fixture `config.json`s (containerd's as it wrote one here, CRI-O's shape), hostile files, and the search order.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bundle")
        .join(name)
}

#[test]
fn containerd_config_gives_the_applied_view_and_the_names() {
    let f = Found {
        path: fixture("containerd-config.json"),
        runtime: "containerd",
    };
    let a = read_applied(&f).expect("fixture reads");
    assert_eq!(a.cap_bounding, ["CAP_NET_BIND_SERVICE"]);
    assert_eq!(a.cap_effective, ["CAP_NET_BIND_SERVICE"]);
    assert_eq!(a.cap_permitted, ["CAP_NET_BIND_SERVICE"]);
    let sc = a.seccomp.as_ref().expect("seccomp");
    assert_eq!(sc.default_action, "SCMP_ACT_ERRNO");
    assert_eq!(
        sc.allowed, 3,
        "read, write, exit_group; ptrace is an ERRNO rule"
    );
    assert!(a.no_new_privs && !a.readonly_root);
    assert_eq!((a.uid, a.gid, a.additional_gids.clone()), (0, 0, vec![0]));
    let hosts = a.mounts.iter().find(|m| m.destination == "/etc/hosts");
    assert!(hosts.is_some_and(|m| m.read_only));
    let (c, pod) =
        identity_from("b".repeat(64).as_str(), "containerd", &a.annotations).expect("names");
    assert_eq!(c.name.as_deref(), Some("web"));
    assert_eq!(c.image.as_deref(), Some("docker.io/ktriage/web-app:1.0"));
    let pod = pod.expect("pod");
    assert_eq!(pod.name.as_deref(), Some("web-0"));
    assert_eq!(pod.namespace.as_deref(), Some("team-a"));
    assert_eq!(
        pod.uid.as_deref(),
        Some("0b5c1a1e-2f4d-4c7e-9d11-3a6f0e8b9c21")
    );
    // the environment is never part of the view
    assert!(!serde_json::to_string(&a).unwrap().contains("not-shown"));
}

#[test]
fn crio_config_gives_user_lsm_paths_and_names() {
    let f = Found {
        path: fixture("crio-config.json"),
        runtime: "cri-o",
    };
    let a = read_applied(&f).expect("fixture reads");
    assert_eq!((a.uid, a.gid), (1000, 1000));
    assert_eq!(a.additional_gids, [1000, 2000]);
    assert!(a.readonly_root && !a.no_new_privs && a.seccomp.is_none());
    assert_eq!(a.apparmor_profile.as_deref(), Some("crio-default"));
    assert!(
        a.selinux_label
            .as_deref()
            .is_some_and(|l| l.contains("container_t"))
    );
    assert_eq!(a.masked_paths, ["/proc/kcore", "/proc/keys"]);
    assert_eq!(a.readonly_paths, ["/proc/sys", "/proc/sysrq-trigger"]);
    let (c, pod) = identity_from("c1", "cri-o", &a.annotations).expect("names");
    assert_eq!(c.name.as_deref(), Some("api"));
    assert_eq!(c.image.as_deref(), Some("registry.example/shop/api:2.1"));
    assert_eq!(c.runtime.as_deref(), Some("cri-o"));
    let pod = pod.expect("pod");
    assert_eq!(
        (pod.name.as_deref(), pod.namespace.as_deref()),
        (Some("api-7d9f"), Some("shop"))
    );
}

#[test]
fn no_kubernetes_annotations_no_names() {
    assert!(identity_from("ab", "containerd", &Default::default()).is_none());
}

#[test]
fn hostile_files_are_refused_with_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    // a symlink to a real config
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(fixture("containerd-config.json"), &link).unwrap();
    let e = read_config(&link).unwrap_err();
    assert!(matches!(e, BundleError::Symlink(_)), "{e}");
    assert!(e.to_string().contains("link.json"), "{e}");
    // a FIFO: refused at once, never opened for reading (that would block)
    let fifo = dir.path().join("fifo.json");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let t = Instant::now();
    let e = read_config(&fifo).unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(2));
    assert!(e.to_string().contains("fifo"), "{e}");
    // 100 MB (sparse): refused by size before reading
    let big = dir.path().join("big.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(100 << 20)
        .unwrap();
    let e = read_config(&big).unwrap_err();
    assert!(e.to_string().contains("cap"), "{e}");
    // broken JSON: the byte offset of the fault
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"process\": {\"user\":\n {\"uid\": \"zero\"}}}").unwrap();
    match read_config(&bad).unwrap_err() {
        BundleError::Json {
            path, offset, line, ..
        } => {
            assert_eq!(path, bad);
            assert_eq!(line, 2);
            assert!((21..=38).contains(&offset), "offset {offset}");
        }
        e => panic!("{e}"),
    }
    // truncated
    let cut = dir.path().join("cut.json");
    let full = std::fs::read(fixture("containerd-config.json")).unwrap();
    std::fs::write(&cut, &full[..full.len() / 2]).unwrap();
    assert!(matches!(read_config(&cut), Err(BundleError::Json { .. })));
    // a directory
    assert!(read_config(dir.path()).is_err());
}

/// A fake proc tree: `pid` (comm `sleep`) child of `shim` (comm `containerd-shim`, cwd `cwd`).
fn proc_tree(root: &Path, pid: u32, shim: u32, cwd: &Path) {
    for (p, comm, ppid) in [(pid, "sleep", shim), (shim, "containerd-shim", 1)] {
        let d = root.join(p.to_string());
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("comm"), format!("{comm}\n")).unwrap();
        std::fs::write(d.join("status"), format!("Name:\t{comm}\nPPid:\t{ppid}\n")).unwrap();
    }
    std::os::unix::fs::symlink(cwd, root.join(shim.to_string()).join("cwd")).unwrap();
}

#[test]
fn search_order_shim_then_states_then_crio() {
    let dir = tempfile::tempdir().unwrap();
    let (sandbox, id) = ("a".repeat(64), "b".repeat(64));
    let tasks = dir
        .path()
        .join("state")
        .join(locate::TASK_DIR)
        .join("k8s.io");
    std::fs::create_dir_all(tasks.join(&sandbox)).unwrap();
    std::fs::create_dir_all(tasks.join(&id)).unwrap();
    std::fs::copy(
        fixture("containerd-config.json"),
        tasks.join(&id).join("config.json"),
    )
    .unwrap();
    let proc_root = dir.path().join("proc");
    proc_tree(&proc_root, 200, 100, &tasks.join(&sandbox));
    let mut search = BundleSearch::new(&proc_root);
    search.containerd_states = vec![];
    search.crio_dirs = vec![dir.path().join("crio")];
    // from the shim's working directory (a state dir no default names)
    let want = Found {
        path: tasks.join(&id).join("config.json"),
        runtime: "containerd",
    };
    assert_eq!(search.find(&id, Some(200)), Some(want.clone()));
    // without a pid: only the state directories, and this one is not listed
    assert_eq!(search.find(&id, None), None);
    search.containerd_states = vec![dir.path().join("state")];
    assert_eq!(search.find(&id, None), Some(want));
    // CRI-O's userdata
    let cid = "c".repeat(64);
    let ud = dir.path().join("crio").join(&cid).join("userdata");
    std::fs::create_dir_all(&ud).unwrap();
    std::fs::copy(fixture("crio-config.json"), ud.join("config.json")).unwrap();
    let f = search.find(&cid, Some(200)).expect("crio bundle");
    assert_eq!((f.path, f.runtime), (ud.join("config.json"), "cri-o"));
    // Falco's 12-character ids: one bundle directory starts with it
    assert_eq!(search.full_id(&id[..12]), Some(id.clone()));
    assert_eq!(search.full_id(&cid[..12].to_uppercase()), Some(cid.clone()));
    assert_eq!(search.full_id(&id[..11]), None, "too short");
    let twin = format!("{}{}", &id[..12], "d".repeat(52));
    std::fs::create_dir_all(tasks.join(&twin)).unwrap();
    assert_eq!(search.full_id(&id[..12]), None, "two match: none chosen");
    assert_eq!(search.full_id("../../etc/xx"), None);
    // ids that are not hex never become paths
    assert_eq!(search.find("../../etc", None), None);
    assert_eq!(search.find("", None), None);
}
