//! Real containerd pod: `ktriage inspect` and `ps` report its identity, security, masked secret and root filesystem.

mod support;

#[path = "support/containerd.rs"]
mod containerd;

use containerd::{
    APP_IMAGE, CONTAINER_SHADOW, ContainerdPod, POD_NAME, POD_NAMESPACE, SECRET_ENV,
    containerd_available,
};
use support::ktriage_ok;

#[test]
fn inspect_and_ps_on_a_real_pod() {
    if !containerd_available("inspect_and_ps_on_a_real_pod") {
        return;
    }
    let pod = ContainerdPod::start();
    let sock = pod.socket.display().to_string();
    let pid = pod.pid.to_string();

    let text = ktriage_ok(&["inspect", &pid, "--json", "--cri-socket", &sock]);
    assert!(
        !text.contains(SECRET_ENV.1),
        "the secret value never printed without --reveal-secrets"
    );
    let v: serde_json::Value = serde_json::from_str(&text).expect("inspect JSON");
    assert_eq!(v["container"]["id"], pod.container_id.as_str());
    assert_eq!(v["container"]["image"], APP_IMAGE);
    assert_eq!(v["pod"]["name"], POD_NAME);
    assert_eq!(v["pod"]["namespace"], POD_NAMESPACE);
    assert_eq!(v["pod"]["uid"], pod.pod_uid.as_str());
    assert_eq!(
        v["pod"]["labels"]["app"], "web",
        "pod labels from the CRI sandbox"
    );
    assert_eq!(v["security"]["seccomp_mode"], 2);
    assert_eq!(v["security"]["no_new_privs"], true);
    assert_eq!(
        v["security"]["caps"]["effective"],
        serde_json::json!(["CAP_NET_BIND_SERVICE"])
    );
    let secret = v["environ"]
        .as_array()
        .expect("environ")
        .iter()
        .find(|e| e["name"] == SECRET_ENV.0)
        .expect("secret listed");
    assert_eq!(secret["masked"], true);

    let revealed = ktriage_ok(&[
        "inspect",
        &pid,
        "--json",
        "--reveal-secrets",
        "--cri-socket",
        &sock,
    ]);
    assert!(revealed.contains(SECRET_ENV.1), "--reveal-secrets shows it");

    let ls = ktriage_ok(&["inspect", &pid, "--ls", "/app"]);
    assert!(ls.contains("config.txt"), "{ls}");
    assert!(
        ls.contains("shadow-link -> /etc/shadow (in root: /etc/shadow)"),
        "{ls}"
    );
    let cat = ktriage_ok(&["inspect", &pid, "--cat", "/app/shadow-link"]);
    assert_eq!(
        cat, CONTAINER_SHADOW,
        "the link resolves inside the container, never to the host's shadow"
    );

    let ps = ktriage_ok(&["ps", "--json", "--containers-only", "--cri-socket", &sock]);
    let row: serde_json::Value = ps
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON line"))
        .find(|r| r["pid"] == pod.pid)
        .expect("the pod's process is listed");
    assert_eq!(row["pod_name"], POD_NAME);
    assert_eq!(row["pod_namespace"], POD_NAMESPACE);
    assert_eq!(row["container_id"], pod.container_id.as_str());
}
