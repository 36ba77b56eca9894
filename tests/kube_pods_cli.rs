//! `ktriage pods` end to end against the fake API server: output, node filter, and bounded failure.

mod support;

use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::fake_apiserver::{FakeApiServer, Mode, pod};

async fn ktriage(args: &[&str]) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_ktriage"));
    cmd.args(args).env_remove("KUBECONFIG").kill_on_drop(true);
    tokio::time::timeout(Duration::from_secs(30), cmd.output())
        .await
        .expect("ktriage finished within 30 s")
        .expect("ktriage runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pods_lists_this_nodes_pods() {
    let fake = FakeApiServer::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    let kc = kc.to_str().expect("utf-8 path");
    let web = fake.put_pod(pod("default", "web", "node-a"));
    fake.put_pod(pod("default", "db", "node-b"));
    fake.put_pod(pod("kube-system", "evil\u{1b}[2J", "node-a"));

    let out = ktriage(&["pods", "--json", "--kubeconfig", kc, "--node", "node-a"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["name"], "web");
    assert_eq!(lines[0]["uid"], web["metadata"]["uid"]);
    assert_eq!(lines[0]["containers"], serde_json::json!(["main"]));
    assert_eq!(lines[1]["namespace"], "kube-system");

    let out = ktriage(&["pods", "--kubeconfig", kc, "--node", "node-a"]).await;
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(table.starts_with("NAMESPACE"), "{table}");
    assert!(
        table.contains("evil\\x1b[2J") && !table.contains('\u{1b}'),
        "{table}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pods_fails_within_the_timeout() {
    let fake = FakeApiServer::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    let kc = kc.to_str().expect("utf-8 path");
    fake.set_mode(Mode::Hang);
    let t0 = Instant::now();
    let out = ktriage(&[
        "pods",
        "--kubeconfig",
        kc,
        "--node",
        "n",
        "--kube-timeout",
        "1.5",
    ])
    .await;
    let took = t0.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(took < Duration::from_secs(4), "{took:?}");
    assert!(err.contains("did not answer within 1.5s"), "{err}");
    assert!(err.contains(&fake.url()), "{err}");

    let out = ktriage(&[
        "pods",
        "--kubeconfig",
        "/nonexistent/kubeconfig",
        "--node",
        "n",
    ])
    .await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("/nonexistent/kubeconfig"), "{err}");

    let out = ktriage(&["pods", "--kube-timeout", "0"]).await;
    assert_eq!(out.status.code(), Some(2), "bad flag is a usage error");
}
