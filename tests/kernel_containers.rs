//! Real kernel: container attribution from a kubelet-style cgroup, and the containers-only and cgroup filters in the kernel.

mod support;

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::time::Duration;

use ktriage::app::describe;
use ktriage::collector::CollectorConfig;
use ktriage::identity::cgroup::v2_root;
use support::{Held, Live, bpf_available};

/// A kubelet-style cgroup `kubepods/besteffort/pod<uid>/<64hex>`, removed on drop.
struct PodCgroup {
    pod: PathBuf,
    ctr: PathBuf,
    id: String,
}

impl PodCgroup {
    fn new(tag: &str) -> Self {
        let root = v2_root().expect("a cgroup v2 mount");
        let uid = format!(
            "0000{:04x}-1111-2222-3333-{:012x}",
            std::process::id() & 0xffff,
            std::process::id()
        );
        let id = format!("{:0>64}", format!("{tag}{:x}", std::process::id()));
        let pod = root.join("kubepods/besteffort").join(format!("pod{uid}"));
        let ctr = pod.join(&id);
        std::fs::create_dir_all(&ctr).expect("create the container cgroup");
        Self { pod, ctr, id }
    }

    fn enter(&self, pid: u32) {
        std::fs::write(self.ctr.join("cgroup.procs"), pid.to_string())
            .expect("move the child into the cgroup");
    }

    fn pod_id(&self) -> u64 {
        std::fs::metadata(&self.pod).expect("pod cgroup").ino()
    }
}

impl Drop for PodCgroup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.ctr);
        let _ = std::fs::remove_dir(&self.pod);
    }
}

fn opener(path: &str) -> Held {
    Held::spawn(&format!(
        "os.close(os.open('{path}', os.O_CREAT | os.O_WRONLY, 0o600))"
    ))
}

fn opened_paths(live: &Live) -> Vec<(String, Option<String>)> {
    live.core
        .state()
        .buffer
        .range(0, u64::MAX)
        .filter(|e| describe::syscall_name(e) == "openat")
        .filter_map(|e| {
            let p = describe::args_json(&e)["path"].as_str()?.to_string();
            Some((
                p,
                live.core
                    .state()
                    .container_of(e.cgroup_id())
                    .map(str::to_string),
            ))
        })
        .collect()
}

fn run(cfg: CollectorConfig, pod: &PodCgroup, tag: &str) -> Vec<(String, Option<String>)> {
    let inside = format!("/tmp/ktriage-{tag}-in-{}", std::process::id());
    let outside = format!("/tmp/ktriage-{tag}-out-{}", std::process::id());
    let mut a = opener(&inside);
    let mut b = opener(&outside);
    pod.enter(a.pid());
    let mut live = Live::start(&cfg);
    a.go();
    b.go();
    assert!(a.wait().success() && b.wait().success());
    live.pump_until(Duration::from_secs(2), |s| !s.buffer.is_empty());
    let s = live.finish();
    assert_eq!(s.kernel_dropped, 0);
    let got = opened_paths(&live);
    let _ = std::fs::remove_file(&inside);
    let _ = std::fs::remove_file(&outside);
    assert!(
        got.iter()
            .any(|(p, c)| p == &inside && c.as_deref() == Some(pod.id.as_str())),
        "the container's open, attributed: {got:?}"
    );
    assert!(
        !got.iter().any(|(p, _)| p == &outside),
        "the host process is filtered out in the kernel: {got:?}"
    );
    got
}

#[test]
fn containers_only_and_cgroup_filters() {
    if !bpf_available("containers_only_and_cgroup_filters") {
        return;
    }
    let pod = PodCgroup::new("c0");
    let got = run(
        CollectorConfig {
            containers_only: true,
            ..CollectorConfig::default()
        },
        &pod,
        "ctr",
    );
    assert!(
        got.iter().all(|(_, c)| c.is_some()),
        "containers-only: only container events: {got:?}"
    );
    run(
        CollectorConfig {
            cgroups: vec![pod.pod_id()],
            ..CollectorConfig::default()
        },
        &pod,
        "cg",
    );
}
