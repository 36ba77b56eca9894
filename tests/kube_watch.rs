//! The pod watcher against the fake API server: events in order, relist after compaction, outages and recovery.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Pod;
use ktriage::kube::{KubeOpts, PodUpdate, PodWatch, spawn_pod_watcher};
use serde_json::json;
use support::fake_apiserver::{FakeApiServer, Mode, kubeconfig_yaml, pod};

fn opts(kubeconfig: &Path) -> KubeOpts {
    KubeOpts {
        kubeconfig: Some(kubeconfig.to_path_buf()),
        node: Some("node-a".into()),
        timeout: Duration::from_secs(1),
        retry_min: Duration::from_millis(100),
        retry_max: Duration::from_millis(800),
        ..KubeOpts::default()
    }
}

fn name(p: &Pod) -> String {
    p.metadata.name.clone().unwrap_or_default()
}

/// A short, comparable form of an update.
fn short(u: &PodUpdate) -> String {
    match u {
        PodUpdate::Relisted(all) => {
            let mut n: Vec<_> = all.iter().map(name).collect();
            n.sort();
            format!("relisted {}", n.join(","))
        }
        PodUpdate::Applied(p) => format!("applied {}", name(p)),
        PodUpdate::Deleted(p) => format!("deleted {}", name(p)),
        PodUpdate::Unreachable(_) => "unreachable".into(),
        PodUpdate::Ready => "ready".into(),
    }
}

async fn next(w: &mut PodWatch) -> PodUpdate {
    tokio::time::timeout(Duration::from_secs(10), w.updates.recv())
        .await
        .expect("an update within 10 s")
        .expect("watcher alive")
}

async fn expect(w: &mut PodWatch, want: &[&str]) {
    for wanted in want {
        let got = next(w).await;
        assert_eq!(short(&got), *wanted, "{got:?}");
    }
}

/// Nothing more arrives for a while.
async fn quiet(w: &mut PodWatch) {
    if let Ok(Some(u)) = tokio::time::timeout(Duration::from_millis(400), w.updates.recv()).await {
        panic!("unexpected update {u:?}");
    }
}

fn on_node(ns: &str, name: &str, node: &str, label: &str) -> serde_json::Value {
    let mut p = pod(ns, name, node);
    p["metadata"]["labels"]["rev"] = json!(label);
    p
}

#[tokio::test]
async fn watch_delivers_changes_in_order() {
    let fake = FakeApiServer::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    fake.put_pod(pod("default", "a", "node-a"));
    fake.put_pod(pod("default", "b", "node-b"));
    let mut w = spawn_pod_watcher(&opts(&kc)).await.expect("spawn");
    assert_eq!(w.node, "node-a");
    expect(&mut w, &["relisted a", "ready"]).await;

    fake.put_pod(pod("web", "c", "node-a"));
    fake.put_pod(on_node("default", "a", "node-a", "2"));
    fake.delete_pod("web", "c");
    fake.put_pod(pod("default", "d", "node-b")); // another node: unseen
    fake.put_pod(pod("default", "b", "node-a")); // moves onto this node: ADDED
    fake.put_pod(on_node("default", "a", "node-b", "3")); // moves away: DELETED
    expect(
        &mut w,
        &[
            "applied c",
            "applied a",
            "deleted c",
            "applied b",
            "deleted a",
        ],
    )
    .await;
    quiet(&mut w).await;

    let watches: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.contains("watch=true"))
        .collect();
    assert!(!watches.is_empty());
    for r in &watches {
        assert!(r.starts_with("GET /api/v1/pods?"), "{r}");
        assert!(r.contains("fieldSelector=spec.nodeName=node-a"), "{r}");
        assert!(r.contains("allowWatchBookmarks=true"), "{r}");
        assert!(r.contains("timeoutSeconds=60"), "{r}");
        assert!(
            r.contains("resourceVersion=10"),
            "resumes from the list's RV: {r}"
        );
    }
}

#[tokio::test]
async fn relists_after_compaction_and_converges() {
    let fake = FakeApiServer::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    fake.put_pod(pod("default", "a", "node-a"));
    fake.put_pod(pod("default", "b", "node-a"));
    let mut w = spawn_pod_watcher(&opts(&kc)).await.expect("spawn");
    expect(&mut w, &["relisted a,b", "ready"]).await;
    wait_watches(&fake, 1).await;
    let lists_before = list_count(&fake);

    // The watch stalls; meanwhile pods change and the history is compacted.
    fake.freeze_watches();
    fake.put_pod(pod("default", "c", "node-a"));
    fake.delete_pod("default", "a");
    fake.compact();
    fake.close_watches();
    // Resuming from the stale RV gets 410 Expired: the watcher lists again.
    expect(&mut w, &["relisted b,c"]).await;
    assert_eq!(
        list_count(&fake),
        lists_before + 1,
        "{:#?}",
        fake.requests()
    );
    // And keeps watching from the new list.
    fake.put_pod(pod("default", "d", "node-a"));
    expect(&mut w, &["applied d"]).await;
    quiet(&mut w).await;
}

#[tokio::test]
async fn resumes_from_bookmarks_without_relisting() {
    let fake = FakeApiServer::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    fake.put_pod(pod("default", "a", "node-a"));
    let mut w = spawn_pod_watcher(&opts(&kc)).await.expect("spawn");
    expect(&mut w, &["relisted a", "ready"]).await;
    wait_watches(&fake, 1).await;
    for i in 0..5 {
        fake.put_pod(pod("default", &format!("other{i}"), "node-b"));
    }
    fake.bookmark();
    let rv = fake.resource_version();
    tokio::time::sleep(Duration::from_millis(200)).await;
    fake.compact(); // the bookmark's RV is still valid after this
    fake.close_watches();
    fake.put_pod(pod("default", "e", "node-a"));
    expect(&mut w, &["applied e"]).await;
    let rewatch = format!("resourceVersion={rv}");
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.contains("watch=true") && r.contains(&rewatch)),
        "{:#?}",
        fake.requests()
    );
    assert_eq!(list_count(&fake), 1, "no relist needed");
}

/// Waits until the fake holds `n` open watches.
async fn wait_watches(fake: &FakeApiServer, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while fake.open_watches() != n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(fake.open_watches(), n);
}

fn list_count(fake: &FakeApiServer) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.starts_with("GET /api/v1/pods?") && !r.contains("watch=true"))
        .count()
}

#[tokio::test]
async fn hanging_server_gives_unreachable_then_recovers() {
    let fake = FakeApiServer::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    fake.put_pod(pod("default", "a", "node-a"));
    let mut w = spawn_pod_watcher(&opts(&kc)).await.expect("spawn");
    expect(&mut w, &["relisted a", "ready"]).await;

    fake.set_mode(Mode::Hang);
    fake.close_watches();
    let t0 = Instant::now();
    match next(&mut w).await {
        PodUpdate::Unreachable(msg) => {
            assert!(msg.contains("did not answer within 1s"), "{msg}");
            assert!(msg.contains(&fake.url()), "{msg}");
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }
    assert!(
        t0.elapsed() < Duration::from_millis(2500),
        "{:?}",
        t0.elapsed()
    );
    // Still hanging: retries do not repeat the same banner.
    quiet(&mut w).await;

    fake.set_mode(Mode::Fail(500));
    match next(&mut w).await {
        PodUpdate::Unreachable(msg) => assert!(msg.contains("500"), "{msg}"),
        other => panic!("expected Unreachable, got {other:?}"),
    }
    fake.set_mode(Mode::Normal);
    fake.put_pod(pod("default", "b", "node-a"));
    expect(&mut w, &["relisted a,b", "ready"]).await;
}

#[tokio::test]
async fn server_down_from_the_start() {
    let dir = tempfile::tempdir().expect("tmp");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let kc = dir.path().join("kubeconfig");
    let url = format!("http://127.0.0.1:{port}");
    std::fs::write(&kc, kubeconfig_yaml(&[("down", &url)], "down")).expect("write");
    let t0 = Instant::now();
    let mut w = spawn_pod_watcher(&opts(&kc)).await.expect("config is fine");
    match next(&mut w).await {
        PodUpdate::Unreachable(msg) => {
            assert!(
                msg.contains(&url) && msg.to_lowercase().contains("refused"),
                "{msg}"
            )
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
}

#[tokio::test]
async fn dropping_the_watch_stops_it() {
    let fake = FakeApiServer::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    let mut w = spawn_pod_watcher(&opts(&kc)).await.expect("spawn");
    expect(&mut w, &["relisted ", "ready"]).await;
    wait_watches(&fake, 1).await;
    drop(w);
    let deadline = Instant::now() + Duration::from_secs(5);
    while fake.open_watches() > 0 && Instant::now() < deadline {
        fake.bookmark(); // a write notices the closed stream
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(fake.open_watches(), 0, "the watch connection was closed");
}
