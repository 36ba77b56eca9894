//! End to end on a real containerd pod: a spec with the pod's UID declares runAsNonRoot and a read-only root while the container runs as uid 0 with a writable `/`; posture and inspect report exactly those mismatches and "not immutable".

mod support;

#[path = "support/containerd.rs"]
mod containerd;

use containerd::{
    APP_IMAGE, CONTAINER_NAME, ContainerdPod, POD_NAME, POD_NAMESPACE, containerd_available,
};
use serde_json::{Value, json};
use support::fake_apiserver::{FakeApiServer, Mode};
use support::ktriage_ok;

/// What runs (host network, seccomp RuntimeDefault, NoNewPrivs, drop ALL + NET_BIND_SERVICE),
/// plus two declarations the runtime was never given: runAsNonRoot and readOnlyRootFilesystem.
fn manifest(pod: &ContainerdPod) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "List",
        "metadata": {"resourceVersion": ""},
        "items": [{
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": POD_NAME, "namespace": POD_NAMESPACE, "uid": pod.pod_uid, "labels": {"app": "web"}},
            "spec": {
                "hostNetwork": true,
                "automountServiceAccountToken": false,
                "containers": [{
                    "name": CONTAINER_NAME,
                    "image": APP_IMAGE,
                    "command": ["sleep", "3600"],
                    "securityContext": {
                        "runAsNonRoot": true,
                        "readOnlyRootFilesystem": true,
                        "allowPrivilegeEscalation": false,
                        "seccompProfile": {"type": "RuntimeDefault"},
                        "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}
                    }
                }]
            },
            "status": {
                "phase": "Running",
                "containerStatuses": [{
                    "name": CONTAINER_NAME,
                    "containerID": format!("containerd://{}", pod.container_id),
                    "image": APP_IMAGE,
                    "imageID": pod.image_id,
                    "ready": true,
                    "restartCount": 0
                }]
            }
        }]
    })
}

fn mismatches(findings: &Value) -> Vec<(String, String)> {
    findings
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["kind"] == "mismatch")
        .map(|f| {
            (
                f["id"].as_str().unwrap_or("").to_string(),
                f["container"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Declared vs observed (KT-POS-001, -004), and, the container's bundle read, declared vs
/// applied: the fixture never gave the runtime runAsNonRoot or a read-only root (KT-POS-008),
/// most severe first.
fn expected() -> Vec<(String, String)> {
    ["KT-POS-001", "KT-POS-008", "KT-POS-004", "KT-POS-008"]
        .map(|id| (id.to_string(), CONTAINER_NAME.to_string()))
        .to_vec()
}

#[test]
fn posture_names_the_declared_vs_observed_mismatches_of_a_real_pod() {
    if !containerd_available("posture_names_the_declared_vs_observed_mismatches_of_a_real_pod") {
        return;
    }
    let pod = ContainerdPod::start();
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("pods.yaml");
    // YAML as kubectl writes it (JSON is valid YAML; the JSON path is tested below).
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&manifest(&pod)).expect("json"),
    )
    .expect("write");
    let file = path.display().to_string();
    let sock = pod.socket.display().to_string();

    let out = ktriage_ok(&[
        "posture",
        "--json",
        "--pod-manifest",
        &file,
        "--cri-socket",
        &sock,
    ]);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 1, "{out}");
    let p = &lines[0];
    assert_eq!(p["uid"], pod.pod_uid.as_str());
    assert_eq!(
        (p["namespace"].as_str(), p["name"].as_str()),
        (Some(POD_NAMESPACE), Some(POD_NAME))
    );
    assert_eq!(mismatches(&p["findings"]), expected(), "{p:#}");
    assert_eq!(p["immutable"], false);
    let msgs: Vec<&str> = p["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["kind"] == "mismatch")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(
        msgs,
        vec![
            format!(
                "runAsNonRoot: true is declared but pid {} runs as uid 0",
                pod.pid
            ),
            "the runtime did not apply the spec: runAsNonRoot is declared but the bundle runs uid 0"
                .to_string(),
            format!(
                "readOnlyRootFilesystem: true is declared but / of pid {} is mounted read-write",
                pod.pid
            ),
            "the runtime did not apply the spec: readOnlyRootFilesystem: true is declared but the bundle's root is read-write"
                .to_string(),
        ]
    );
    assert_eq!(
        p["immutable_reasons"],
        json!([format!(
            "container web can write to its root filesystem (/ of pid {} is mounted read-write)",
            pod.pid
        )])
    );
    let c = &p["containers"][0];
    assert_eq!(c["pids"], json!([pod.pid]));
    assert_eq!(c["declared"]["runAsNonRoot"], true);
    assert_eq!(c["declared"]["readOnlyRootFilesystem"], true);
    assert_eq!(mismatches(&c["findings"]), expected());

    // Without the runtime (no container names), the container id in the pod's status still finds it.
    let out = ktriage_ok(&[
        "posture",
        "--json",
        "--pod-manifest",
        &file,
        "--cri-socket",
        "/nonexistent/ktriage.sock",
    ]);
    let p: Value = serde_json::from_str(out.trim()).expect("one line");
    assert_eq!(mismatches(&p["findings"]), expected(), "{p:#}");
    assert_eq!(p["containers"][0]["pids"], json!([pod.pid]));

    // The same through `inspect PID --json --pod-manifest`.
    let pid = pod.pid.to_string();
    let v: Value = serde_json::from_str(&ktriage_ok(&[
        "inspect",
        &pid,
        "--json",
        "--cri-socket",
        &sock,
        "--pod-manifest",
        &file,
    ]))
    .expect("inspect JSON");
    assert_eq!(
        mismatches(&v["findings"]),
        expected(),
        "{:#}",
        v["findings"]
    );
    assert_eq!(v["declared"]["runAsNonRoot"], true);
    assert_eq!(v["declared"]["capabilitiesDrop"], json!(["ALL"]));
    assert_eq!(v["immutable"], false);
    assert_eq!(v["posture"]["pod"]["uid"], pod.pod_uid.as_str());

    through_the_api_server(&pod, &sock);

    // A spec that matches what runs (no runAsNonRoot, no read-only root claim) has no mismatch.
    let mut honest = manifest(&pod);
    let sc = &mut honest["items"][0]["spec"]["containers"][0]["securityContext"];
    sc["runAsNonRoot"] = Value::Null;
    sc["readOnlyRootFilesystem"] = Value::Null;
    std::fs::write(&path, honest.to_string()).expect("write");
    let out = ktriage_ok(&[
        "posture",
        "--json",
        "--pod-manifest",
        &file,
        "--cri-socket",
        &sock,
    ]);
    let p: Value = serde_json::from_str(out.trim()).expect("one line");
    assert_eq!(mismatches(&p["findings"]), vec![], "{p:#}");
    assert_eq!(
        p["containers"][0]["pids"],
        json!([pod.pid]),
        "observed all the same"
    );
}

/// The same spec served by the fake API server for this node: the same two mismatches;
/// a pod of another node is not listed; a hanging server ends within the timeout.
fn through_the_api_server(pod: &ContainerdPod, sock: &str) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let fake = rt.block_on(FakeApiServer::start());
    let mut spec = manifest(pod)["items"][0].clone();
    spec["spec"]["nodeName"] = json!("node-e2e");
    let stored = fake.put_pod(spec.clone());
    assert_eq!(stored["metadata"]["uid"], pod.pod_uid.as_str(), "same UID");
    let mut other = spec;
    other["metadata"]["name"] = json!("elsewhere");
    other["metadata"]["uid"] = json!("11111111-2222-4333-8444-555555555555");
    other["spec"]["nodeName"] = json!("node-other");
    fake.put_pod(other);
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    let kc = kc.to_str().expect("utf-8 path");
    let args = [
        "posture",
        "--json",
        "--kubeconfig",
        kc,
        "--node",
        "node-e2e",
        "--cri-socket",
        sock,
    ];
    let out = ktriage_ok(&args);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 1, "only this node's pod: {out}");
    let p = &lines[0];
    assert_eq!(p["uid"], pod.pod_uid.as_str());
    assert_eq!(mismatches(&p["findings"]), expected(), "{p:#}");
    assert_eq!(p["immutable"], false);
    assert_eq!(p["containers"][0]["pids"], json!([pod.pid]));
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.contains("fieldSelector=spec.nodeName=node-e2e")),
        "listed with the node's field selector: {:?}",
        fake.requests()
    );

    // inspect asks the API server for the spec of a process in a pod.
    let pid = pod.pid.to_string();
    let inspect = [
        "inspect",
        &pid,
        "--json",
        "--cri-socket",
        sock,
        "--kubeconfig",
        kc,
        "--node",
        "node-e2e",
    ];
    let v: Value = serde_json::from_str(&ktriage_ok(&inspect)).expect("inspect JSON");
    assert_eq!(mismatches(&v["findings"]), expected(), "{v:#}");
    assert_eq!(v["immutable"], false);

    fake.set_mode(Mode::Hang);
    // A hanging API server costs inspect its timeout, and is reported, not fatal.
    let v: Value = serde_json::from_str(&ktriage_ok(
        &[&inspect[..], &["--kube-timeout", "1"]].concat(),
    ))
    .expect("inspect JSON");
    assert!(
        v["posture_error"]
            .as_str()
            .is_some_and(|e| e.contains("did not answer within 1s")),
        "{:#}",
        v["posture_error"]
    );
    // no spec: only the bundle against the process, and nothing changed since it started
    assert!(v["declared"].is_null(), "{v:#}");
    assert_eq!(v["findings"], json!([]), "{v:#}");
    let t0 = std::time::Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .args(args)
        .args(["--kube-timeout", "1"])
        .output()
        .expect("ktriage runs");
    let took = t0.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
    assert!(
        err.contains("did not answer within 1s") && err.contains("--pod-manifest"),
        "{err}"
    );
}
