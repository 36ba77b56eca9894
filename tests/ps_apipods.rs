//! `ps` names a pod the runtime does not know by its UID from the API server (as `inspect` does): the fake API server, a proc tree whose cgroup carries the pod UID, no runtime answering and no bundle; without the API options the pod stays unnamed.

mod support;

use std::path::Path;
use std::time::Duration;

use ktriage::headless::ps::{PsOpts, rows};
use ktriage::kube::KubeOpts;
use support::fake_apiserver::{FakeApiServer, shop_api_pod};

const CID: &str = "7a1e0c3b2a19080706050403020100ffeeddccbbaa99887766554433221100aa";

/// pid 4242 in `pod<uid>/<CID>` (no shim, no bundle anywhere).
fn proc_tree(root: &Path, uid: &str) {
    let d = root.join("4242");
    std::fs::create_dir_all(&d).expect("proc dir");
    std::fs::write(
        d.join("cgroup"),
        format!("0::/kubepods/besteffort/pod{uid}/{CID}\n"),
    )
    .expect("cgroup");
    std::fs::write(
        d.join("stat"),
        "4242 (app) S 1 4242 4242 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n",
    )
    .expect("stat");
    std::fs::write(d.join("status"), "Name:\tapp\nPPid:\t1\nUid:\t0\t0\t0\t0\n").expect("status");
    std::fs::write(d.join("comm"), "app\n").expect("comm");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ps_names_a_pod_by_uid_from_the_api_server() {
    let fake = FakeApiServer::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    let stored = fake.put_pod(shop_api_pod(CID));
    let uid = stored["metadata"]["uid"].as_str().expect("uid").to_string();
    let proc_root = dir.path().join("proc");
    proc_tree(&proc_root, &uid);
    let base = PsOpts {
        containers_only: true,
        cri_socket: Some("/nonexistent/ktriage-test/cri.sock".into()),
        proc_root: Some(proc_root),
        ..PsOpts::default()
    };
    let with_api = PsOpts {
        kube: Some(KubeOpts {
            kubeconfig: Some(kc),
            node: Some("node-a".into()),
            timeout: Duration::from_secs(5),
            ..KubeOpts::default()
        }),
        ..base.clone()
    };
    let (plain, named) = tokio::task::spawn_blocking(move || (rows(&base), rows(&with_api)))
        .await
        .expect("ps thread");
    let p = plain
        .iter()
        .find(|p| p.pid == 4242)
        .expect("row without api");
    assert_eq!(p.pod_name, None, "no API server asked: no name");
    let n = named.iter().find(|p| p.pid == 4242).expect("row with api");
    assert_eq!(n.pod_name.as_deref(), Some("api-7d9f"));
    assert_eq!(n.pod_namespace.as_deref(), Some("shop"));
    assert_eq!(n.container_name.as_deref(), Some("api"));
    assert_eq!(n.image.as_deref(), Some("shop/api:2.1"));
}
