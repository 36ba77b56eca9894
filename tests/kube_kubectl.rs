//! The fake API server checked against the real client: `kubectl get pods -o json` sees what the fake holds.

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::fake_apiserver::{FakeApiServer, pod};

const KUBECTL: &str = "/usr/bin/kubectl";

/// True when kubectl can run. Otherwise says so loudly; under CI=true that is a failure.
fn kubectl_available(test: &str) -> bool {
    let ok = Command::new(KUBECTL)
        .args(["version", "--client", "-o", "json"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let msg = format!("SKIPPED {test}: {KUBECTL} is missing or does not run");
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{msg} (a skip is a failure under CI=true)");
        }
        eprintln!("\n!!!!!!!! {msg} !!!!!!!!\n");
    }
    ok
}

/// Runs kubectl against `kubeconfig` off the runtime's threads; returns (stdout, stderr).
async fn kubectl(kubeconfig: &Path, args: &[&str]) -> (Value, String) {
    let mut cmd = tokio::process::Command::new(KUBECTL);
    cmd.arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        // Keep kubectl's cache and config out of $HOME, and offline.
        .env("HOME", kubeconfig.parent().expect("tmp dir"))
        .env_remove("KUBECONFIG")
        .env("NO_PROXY", "127.0.0.1")
        .kill_on_drop(true);
    let out = tokio::time::timeout(std::time::Duration::from_secs(60), cmd.output())
        .await
        .expect("kubectl finished within 60 s")
        .expect("kubectl runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "kubectl {args:?} failed: {stderr}");
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("kubectl {args:?} printed no JSON ({e}): {stderr}"));
    (v, stderr)
}

/// (namespace, name, uid, resourceVersion) of each item, sorted.
fn ids(items: &[Value]) -> Vec<(String, String, String, String)> {
    let s = |o: &Value, p: &str| {
        o.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let mut v: Vec<_> = items
        .iter()
        .map(|o| {
            (
                s(o, "/metadata/namespace"),
                s(o, "/metadata/name"),
                s(o, "/metadata/uid"),
                s(o, "/metadata/resourceVersion"),
            )
        })
        .collect();
    v.sort();
    v
}

fn items(v: &Value) -> Vec<Value> {
    v.get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_sees_the_fakes_pods() {
    if !kubectl_available("kubectl_sees_the_fakes_pods") {
        return;
    }
    let fake = FakeApiServer::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    fake.put_pod(pod("default", "web", "node-a"));
    fake.put_pod(pod("kube-system", "dns", "node-a"));
    fake.put_pod(pod("default", "db", "node-b"));
    fake.put_pod(pod("team", "batch", "node-b"));
    fake.delete_pod("team", "batch");

    let (all, stderr) = kubectl(&kc, &["get", "pods", "-A", "-o", "json", "-v=8"]).await;
    assert_eq!(ids(&items(&all)), ids(&fake.pods()), "{stderr}");
    assert_eq!(all["kind"], "List", "kubectl wraps the pods in a List");
    for it in items(&all) {
        assert_eq!(it["kind"], "Pod");
        assert_eq!(it["apiVersion"], "v1");
    }

    let (on_a, _) = kubectl(
        &kc,
        &[
            "get",
            "pods",
            "-A",
            "-o",
            "json",
            "--field-selector",
            "spec.nodeName=node-a",
        ],
    )
    .await;
    let want: Vec<Value> = fake
        .pods()
        .into_iter()
        .filter(|p| p["spec"]["nodeName"] == "node-a")
        .collect();
    assert_eq!(want.len(), 2);
    assert_eq!(ids(&items(&on_a)), ids(&want));

    // Namespaced list (the kubeconfig's namespace), a label selector, and a get by name.
    let (default_ns, _) = kubectl(&kc, &["get", "pods", "-o", "json", "-l", "app=web"]).await;
    let names: Vec<_> = ids(&items(&default_ns)).into_iter().map(|i| i.1).collect();
    assert_eq!(names, ["web"]);
    let (one, _) = kubectl(
        &kc,
        &["get", "pod", "dns", "-n", "kube-system", "-o", "json"],
    )
    .await;
    assert_eq!(one["metadata"]["name"], "dns");
    assert_eq!(one["spec"]["nodeName"], "node-a");

    let reqs = fake.requests();
    assert!(
        reqs.iter().any(|r| r.starts_with("GET /api/v1/pods?")
            && r.contains("fieldSelector=spec.nodeName=node-a")),
        "{reqs:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_pages_with_continue_tokens() {
    if !kubectl_available("kubectl_pages_with_continue_tokens") {
        return;
    }
    let fake = FakeApiServer::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    for i in 0..7 {
        fake.put_pod(pod("default", &format!("p{i}"), "node-a"));
    }
    let (all, _) = kubectl(&kc, &["get", "pods", "-A", "-o", "json", "--chunk-size=3"]).await;
    assert_eq!(ids(&items(&all)), ids(&fake.pods()));
    let pages = fake
        .requests()
        .iter()
        .filter(|r| r.starts_with("GET /api/v1/pods?") && r.contains("limit=3"))
        .count();
    assert_eq!(pages, 3, "{:#?}", fake.requests());
}

/// Reads whole JSON values from kubectl's (pretty-printed) output until `n` arrived.
async fn read_values(
    out: &mut tokio::process::ChildStdout,
    buf: &mut Vec<u8>,
    n: usize,
) -> Vec<Value> {
    use tokio::io::AsyncReadExt;
    let mut got = Vec::new();
    while got.len() < n {
        let mut stream = serde_json::Deserializer::from_slice(buf).into_iter::<Value>();
        let mut used = 0;
        while let Some(v) = stream.next() {
            match v {
                Ok(v) => {
                    got.push(v);
                    used = stream.byte_offset();
                }
                Err(e) if e.is_eof() => break,
                Err(e) => panic!("kubectl printed bad JSON: {e}"),
            }
        }
        buf.drain(..used);
        if got.len() >= n {
            break;
        }
        let mut chunk = [0u8; 8192];
        let r = tokio::time::timeout(std::time::Duration::from_secs(10), out.read(&mut chunk))
            .await
            .expect("kubectl printed within 10 s")
            .expect("read kubectl");
        assert!(r > 0, "kubectl exited early");
        buf.extend_from_slice(&chunk[..r]);
    }
    got
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_watches_the_fake() {
    if !kubectl_available("kubectl_watches_the_fake") {
        return;
    }
    let fake = FakeApiServer::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    fake.put_pod(pod("default", "a", "node-a"));
    fake.put_pod(pod("default", "other", "node-b"));
    let mut child = tokio::process::Command::new(KUBECTL)
        .arg("--kubeconfig")
        .arg(&kc)
        .args([
            "get",
            "pods",
            "-A",
            "-w",
            "-o",
            "json",
            "--output-watch-events",
        ])
        .args(["--field-selector", "spec.nodeName=node-a"])
        .env("HOME", dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("kubectl runs");
    let mut out = child.stdout.take().expect("stdout");
    let mut buf = Vec::new();
    let first = read_values(&mut out, &mut buf, 1).await;
    assert_eq!(first[0]["type"], "ADDED");
    assert_eq!(first[0]["object"]["metadata"]["name"], "a");

    // Wait for kubectl's watch to be open, then change things.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while fake.open_watches() == 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let mut a = pod("default", "a", "node-a");
    a["metadata"]["labels"]["rev"] = serde_json::json!("2");
    let a = fake.put_pod(a);
    fake.put_pod(pod("default", "b", "node-b"));
    fake.delete_pod("default", "a");
    let events = read_values(&mut out, &mut buf, 2).await;
    let seen: Vec<_> = events
        .iter()
        .map(|e| (e["type"].clone(), e["object"]["metadata"]["name"].clone()))
        .collect();
    assert_eq!(
        seen,
        [
            (Value::from("MODIFIED"), Value::from("a")),
            (Value::from("DELETED"), Value::from("a"))
        ]
    );
    assert_eq!(
        events[0]["object"]["metadata"]["resourceVersion"],
        a["metadata"]["resourceVersion"]
    );
    let _ = child.kill().await;
}

/// Runs `kubectl get --raw PATH`; returns (success, stdout, stderr).
async fn kubectl_raw(kubeconfig: &Path, path: &str) -> (bool, String, String) {
    let out = tokio::process::Command::new(KUBECTL)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(["get", "--raw", path])
        .env("HOME", kubeconfig.parent().expect("tmp dir"))
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(std::time::Duration::from_secs(30), out)
        .await
        .expect("kubectl finished within 30 s")
        .expect("kubectl runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_reads_410_after_compaction() {
    if !kubectl_available("kubectl_reads_410_after_compaction") {
        return;
    }
    let fake = FakeApiServer::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    for i in 0..3 {
        fake.put_pod(pod("default", &format!("p{i}"), "node-a"));
    }
    let (ok, first, err) = kubectl_raw(&kc, "/api/v1/pods?limit=2").await;
    assert!(ok, "{err}");
    let first: Value = serde_json::from_str(&first).expect("a PodList");
    let token = first["metadata"]["continue"]
        .as_str()
        .expect("a continue token")
        .to_string();
    fake.put_pod(pod("default", "p0", "node-b"));
    fake.compact();

    // An expired continue: HTTP 410 with an Expired Status, as kubectl reports it.
    let (ok, _, err) = kubectl_raw(&kc, &format!("/api/v1/pods?limit=2&continue={token}")).await;
    assert!(!ok);
    assert!(err.contains("Error from server (Expired)"), "{err}");
    assert!(err.contains("continue parameter is too old"), "{err}");

    // A watch from before the compaction: one ERROR event carrying the 410 Status.
    let (ok, body, err) = kubectl_raw(&kc, "/api/v1/pods?watch=true&resourceVersion=1001").await;
    assert!(ok, "{err}");
    let ev: Value = serde_json::from_str(body.trim()).expect("one watch event");
    assert_eq!(ev["type"], "ERROR");
    assert_eq!(ev["object"]["kind"], "Status");
    assert_eq!(ev["object"]["code"], 410);
    assert_eq!(ev["object"]["reason"], "Expired");
    assert_eq!(
        ev["object"]["message"],
        "too old resource version: 1001 (1004)"
    );
}
