//! Real cgroups, no runtime: a process moved into a systemd-driver kubelet slice is identified from its cgroup alone; names stay unknown.

mod support;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use ktriage::identity::cgroup::v2_root;
use support::ktriage_ok;

struct Slice {
    dirs: Vec<PathBuf>,
    scope: PathBuf,
}

impl Slice {
    /// `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_>.slice/cri-containerd-<id>.scope`
    fn new(uid: &str, id: &str) -> Self {
        let root = v2_root().expect("a cgroup v2 mount");
        let u = uid.replace('-', "_");
        let a = root.join("kubepods.slice");
        let b = a.join("kubepods-burstable.slice");
        let c = b.join(format!("kubepods-burstable-pod{u}.slice"));
        let scope = c.join(format!("cri-containerd-{id}.scope"));
        std::fs::create_dir_all(&scope).expect("create the slice cgroups");
        Self {
            dirs: vec![scope.clone(), c, b, a],
            scope,
        }
    }
}

impl Drop for Slice {
    fn drop(&mut self) {
        for d in &self.dirs {
            let _ = std::fs::remove_dir(d);
        }
    }
}

fn root_or_skip(test: &str) -> bool {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        return true;
    }
    let msg = format!("SKIPPED {test}: creating cgroups needs root");
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{msg} (a skip is a failure under CI=true)"
    );
    eprintln!("\n!!!!!!!! {msg} !!!!!!!!\n");
    false
}

#[test]
fn systemd_slice_process_is_identified_without_a_runtime() {
    if !root_or_skip("systemd_slice_process_is_identified_without_a_runtime") {
        return;
    }
    let uid = format!("1a2b3c4d-0000-4000-8000-{:012x}", std::process::id());
    let id = format!("{:0>64}", format!("beef{:x}", std::process::id()));
    let slice = Slice::new(&uid, &id);
    let mut child: Child = Command::new("sleep")
        .arg("30")
        .stdin(Stdio::null())
        .spawn()
        .expect("sleep");
    let pid = child.id();
    std::fs::write(slice.scope.join("cgroup.procs"), pid.to_string()).expect("move into the scope");

    let ps = ktriage_ok(&["ps", "--json", "--cri-socket", "/nonexistent/cri.sock"]);
    let row: serde_json::Value = ps
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON line"))
        .find(|v| v["pid"] == pid)
        .expect("the process is listed");
    assert_eq!(row["container_id"], id.as_str());
    assert_eq!(
        row["pod_uid"],
        uid.as_str(),
        "underscores of the slice become dashes"
    );
    assert!(
        row["pod_name"].is_null() && row["container_name"].is_null(),
        "unknown, never guessed: {row}"
    );

    let only = ktriage_ok(&[
        "ps",
        "--json",
        "--containers-only",
        "--cri-socket",
        "/nonexistent/cri.sock",
    ]);
    assert!(
        only.lines().all(|l| !l.contains("\"container_id\":null")),
        "containers only"
    );
    assert!(only.contains(&id));

    let insp: serde_json::Value = serde_json::from_str(&ktriage_ok(&[
        "inspect",
        &pid.to_string(),
        "--json",
        "--cri-socket",
        "/nonexistent/cri.sock",
    ]))
    .expect("inspect JSON");
    assert_eq!(insp["pid"], pid);
    assert_eq!(insp["container"]["id"], id.as_str());
    assert_eq!(insp["container"]["runtime"], "containerd");
    assert!(insp["container"]["name"].is_null() && insp["container"]["image"].is_null());
    assert_eq!(insp["pod"]["uid"], uid.as_str());
    assert!(insp["pod"]["name"].is_null());

    let _ = child.kill();
    let _ = child.wait();
    drop(slice);
}
