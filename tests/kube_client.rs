//! `list_node_pods` against the fake API server: node filtering, paging, config and context selection, timeouts.

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ktriage::kube::config::{ConfigOrigin, Sources};
use ktriage::kube::{KubeError, KubeOpts, client::connect_with, list_node_pods, pods::list_pods};
use support::fake_apiserver::{FakeApiServer, Mode, kubeconfig_yaml, pod};

fn opts(kubeconfig: PathBuf, timeout: Duration) -> KubeOpts {
    KubeOpts {
        kubeconfig: Some(kubeconfig),
        node: Some("node-a".into()),
        timeout,
        ..KubeOpts::default()
    }
}

fn names(pods: &[k8s_openapi::api::core::v1::Pod]) -> Vec<String> {
    let mut v: Vec<String> = pods
        .iter()
        .map(|p| {
            format!(
                "{}/{}",
                p.metadata.namespace.as_deref().unwrap_or(""),
                p.metadata.name.as_deref().unwrap_or("")
            )
        })
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn lists_only_this_nodes_pods_across_pages() {
    let fake = FakeApiServer::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    for i in 0..1203 {
        let node = if i % 2 == 0 { "node-a" } else { "node-b" };
        fake.put_pod(pod(&format!("ns{}", i % 7), &format!("p{i:04}"), node));
    }
    let pods = list_node_pods(&opts(kc.clone(), Duration::from_secs(5)))
        .await
        .expect("list");
    assert_eq!(pods.len(), 602);
    assert!(
        pods.iter()
            .all(|p| { p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some("node-a") })
    );
    assert!(pods.iter().all(|p| p.metadata.uid.is_some()));
    let pages = fake
        .requests()
        .iter()
        .filter(|r| r.contains("fieldSelector=spec.nodeName=node-a") && r.contains("limit=500"))
        .count();
    assert_eq!(pages, 2, "602 pods at 500 a page");

    // The continue token expires between pages (410): the list starts over.
    fake.put_pod(pod("late", "p-late", "node-a"));
    fake.compact_after_lists(1);
    let before = fake.requests().len();
    let pods = list_node_pods(&opts(kc, Duration::from_secs(5)))
        .await
        .expect("list after a 410");
    assert_eq!(pods.len(), 603);
    let reqs = &fake.requests()[before..];
    assert_eq!(
        reqs.len(),
        4,
        "page 1, expired page 2, fresh pages 1 and 2: {reqs:#?}"
    );
    assert!(reqs[1].contains("continue=") && !reqs[2].contains("continue="));
}

#[tokio::test]
async fn closed_port_fails_fast_and_clearly() {
    let dir = tempfile::tempdir().expect("tmp");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let kc = dir.path().join("kubeconfig");
    let url = format!("http://127.0.0.1:{port}");
    std::fs::write(&kc, kubeconfig_yaml(&[("down", &url)], "down")).expect("write");
    let timeout = Duration::from_secs(2);
    let t0 = Instant::now();
    let err = list_node_pods(&opts(kc, timeout))
        .await
        .expect_err("nothing listens");
    assert!(
        t0.elapsed() < timeout + Duration::from_millis(1500),
        "{:?}",
        t0.elapsed()
    );
    assert!(matches!(err, KubeError::Unreachable { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains(&url) && msg.to_lowercase().contains("refused"),
        "{msg}"
    );
}

#[tokio::test]
async fn hanging_server_times_out() {
    let fake = FakeApiServer::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    fake.set_mode(Mode::Hang);
    let timeout = Duration::from_secs(2);
    let t0 = Instant::now();
    let err = list_node_pods(&opts(kc, timeout)).await.expect_err("hangs");
    let took = t0.elapsed();
    assert!(
        took >= timeout && took < timeout + Duration::from_millis(1500),
        "{took:?}"
    );
    assert!(matches!(err, KubeError::Timeout { .. }), "{err:?}");
    assert!(err.to_string().contains("within 2s"), "{err}");
    assert_eq!(fake.requests().len(), 1, "the request did reach the server");
}

#[tokio::test]
async fn stalled_body_times_out() {
    let fake = FakeApiServer::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    fake.set_mode(Mode::StallBody);
    let timeout = Duration::from_secs(2);
    let t0 = Instant::now();
    let err = list_node_pods(&opts(kc, timeout))
        .await
        .expect_err("stalls");
    let took = t0.elapsed();
    assert!(
        took >= timeout && took < timeout + Duration::from_millis(1500),
        "{took:?}"
    );
    assert!(matches!(err, KubeError::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn server_errors_are_typed() {
    let fake = FakeApiServer::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    fake.set_mode(Mode::Fail(500));
    let err = list_node_pods(&opts(kc.clone(), Duration::from_secs(2)))
        .await
        .expect_err("500");
    assert!(matches!(err, KubeError::Api { code: 500, .. }), "{err:?}");
    assert!(err.is_transient());
    fake.set_mode(Mode::Fail(403));
    let err = list_node_pods(&opts(kc, Duration::from_secs(2)))
        .await
        .expect_err("403");
    assert!(
        matches!(err, KubeError::Forbidden { code: 403, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("get/list/watch on pods"), "{err}");
}

#[tokio::test]
async fn context_selects_the_cluster() {
    let (a, b) = (FakeApiServer::start().await, FakeApiServer::start().await);
    a.put_pod(pod("default", "on-a", "node-a"));
    b.put_pod(pod("default", "on-b", "node-a"));
    let dir = tempfile::tempdir().expect("tmp");
    let kc = dir.path().join("kubeconfig");
    let yaml = kubeconfig_yaml(&[("a", &a.url()), ("b", &b.url())], "a");
    std::fs::write(&kc, yaml).expect("write");
    let mut o = opts(kc, Duration::from_secs(5));
    assert_eq!(
        names(&list_node_pods(&o).await.expect("a")),
        ["default/on-a"]
    );
    o.context = Some("b".into());
    assert_eq!(
        names(&list_node_pods(&o).await.expect("b")),
        ["default/on-b"]
    );
    o.context = Some("nope".into());
    let err = list_node_pods(&o).await.expect_err("unknown context");
    assert!(matches!(err, KubeError::UnknownContext { .. }), "{err:?}");
    assert!(
        err.to_string().contains("\"nope\"") && err.to_string().contains("a, b"),
        "{err}"
    );
}

#[tokio::test]
async fn config_sources_in_order() {
    let (a, b, c) = (
        FakeApiServer::start().await,
        FakeApiServer::start().await,
        FakeApiServer::start().await,
    );
    a.put_pod(pod("default", "from-env", "node-a"));
    b.put_pod(pod("default", "from-home", "node-a"));
    c.put_pod(pod("default", "from-node-file", "node-a"));
    let dir = tempfile::tempdir().expect("tmp");
    let write = |name: &str, fake: &FakeApiServer| {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, kubeconfig_yaml(&[("x", &fake.url())], "x")).expect("write");
        p
    };
    let env_kc = write("env.yaml", &a);
    write("home/.kube/config", &b);
    let node_kc = write("kubelet.conf", &c);
    let opts = KubeOpts {
        node: Some("node-a".into()),
        ..KubeOpts::default()
    };
    let missing = dir.path().join("missing.yaml");
    let mut src = Sources {
        kubeconfig_env: Some(std::env::join_paths([&missing, &env_kc]).expect("join")),
        home: Some(dir.path().join("home")),
        node_kubeconfigs: vec![node_kc.clone()],
        ..Sources::default()
    };
    let list = async |src: &Sources| {
        let conn = connect_with(&opts, src).await.expect("connect");
        (names(&list_pods(&conn).await.expect("list")), conn.origin)
    };
    let (got, origin) = list(&src).await;
    assert_eq!(got, ["default/from-env"]);
    assert_eq!(
        origin,
        ConfigOrigin::Kubeconfig {
            files: vec![env_kc],
            context: Some("x".into())
        }
    );
    src.kubeconfig_env = Some(missing.clone().into_os_string());
    assert_eq!(list(&src).await.0, ["default/from-home"]);
    src.home = Some(dir.path().join("nohome"));
    assert_eq!(list(&src).await.0, ["default/from-node-file"]);
    src.node_kubeconfigs = vec![missing];
    let err = connect_with(&opts, &src).await.err().expect("nothing left");
    assert!(matches!(err, KubeError::NoConfig { .. }), "{err:?}");
}

#[tokio::test]
async fn hanging_credential_plugin_times_out() {
    let dir = tempfile::tempdir().expect("tmp");
    let kc = dir.path().join("kubeconfig");
    let yaml = "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:1\n\
        contexts:\n- name: c\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user:\n    exec:\n\
        \x20     apiVersion: client.authentication.k8s.io/v1beta1\n      command: /bin/sleep\n      args: [\"10\"]\n\
        current-context: c\n";
    std::fs::write(&kc, yaml).expect("write");
    let timeout = Duration::from_secs(1);
    let t0 = Instant::now();
    let err = list_node_pods(&opts(kc, timeout))
        .await
        .expect_err("plugin hangs");
    assert!(
        t0.elapsed() < timeout + Duration::from_millis(1500),
        "{:?}",
        t0.elapsed()
    );
    assert!(
        err.to_string()
            .contains("credential plugin did not finish within 1s"),
        "{err}"
    );
}
