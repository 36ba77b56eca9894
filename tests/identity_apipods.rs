//! The last names fallback against the fake API server: a process whose cgroup carries a pod UID, no runtime answering and no bundle, is named from this node's pods by UID (and its container by the id in the pod's status), listing at most once per interval.

mod support;

use std::path::Path;
use std::time::Duration;

use ktriage::identity::apipods::ApiPods;
use ktriage::identity::resolve::Resolver;
use ktriage::kube::KubeOpts;
use support::fake_apiserver::{FakeApiServer, pod, shop_api_pod};

const CID: &str = "4f1e0c3b2a19080706050403020100ffeeddccbbaa99887766554433221100aa";

/// A proc tree with pid 4242 in `pod<uid>/<CID>` (no shim, no bundle anywhere).
fn proc_tree(root: &Path, uid: &str, pid: u32, cid: &str) {
    let d = root.join(pid.to_string());
    std::fs::create_dir_all(&d).expect("proc dir");
    std::fs::write(
        d.join("cgroup"),
        format!("0::/kubepods/besteffort/pod{uid}/{cid}\n"),
    )
    .expect("cgroup");
    std::fs::write(d.join("status"), "Name:\tapp\nPPid:\t1\n").expect("status");
    std::fs::write(d.join("comm"), "app\n").expect("comm");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pod_named_by_uid_from_the_api_server() {
    let fake = FakeApiServer::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    let stored = fake.put_pod(shop_api_pod(CID));
    fake.put_pod(pod("shop", "elsewhere", "node-b"));
    let uid = stored["metadata"]["uid"].as_str().expect("uid").to_string();
    let proc_root = dir.path().join("proc");
    proc_tree(&proc_root, &uid, 4242, CID);
    proc_tree(
        &proc_root,
        "0b5c1a1e-2f4d-4c7e-9d11-3a6f0e8b9c21",
        4343,
        &CID.replace('4', "5"),
    );
    let opts = KubeOpts {
        kubeconfig: Some(kc),
        node: Some("node-a".into()),
        timeout: Duration::from_secs(5),
        ..KubeOpts::default()
    };
    let (ident, unknown, lists) = tokio::task::spawn_blocking(move || {
        let mut r = Resolver::with_proc_root(
            &proc_root,
            Some(Path::new("/nonexistent/ktriage-test/cri.sock")),
            true,
        );
        let cri = r.cri().expect("cri cache").clone();
        cri.lock().set_api(ApiPods::new(opts));
        let ident = r.identify(4242);
        let unknown = r.identify(4343);
        let again = r.identify(4343);
        assert_eq!(unknown, again);
        (ident, unknown, fake_lists(&cri))
    })
    .await
    .expect("resolver thread");
    let pod = ident.pod.expect("pod");
    assert_eq!(pod.name.as_deref(), Some("api-7d9f"));
    assert_eq!(pod.namespace.as_deref(), Some("shop"));
    assert_eq!(pod.uid.as_deref(), Some(uid.as_str()));
    let c = ident.container.expect("container");
    assert_eq!(c.id, CID);
    assert_eq!(c.name.as_deref(), Some("api"));
    assert_eq!(c.image.as_deref(), Some("shop/api:2.1"));
    // an unknown uid stays unnamed, and its misses did not list again
    assert_eq!(unknown.pod.and_then(|p| p.name), None);
    assert_eq!(lists, 1);
    let asked = fake.requests();
    assert_eq!(
        asked.iter().filter(|r| r.contains("/pods")).count(),
        1,
        "{asked:?}"
    );
}

fn fake_lists(cri: &ktriage::identity::cri::SharedCri) -> u64 {
    cri.lock().api_lists()
}
