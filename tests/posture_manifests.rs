//! `ktriage posture --pod-manifest`: the seeds' manifests give the seeds' immutability verdicts; bad input gives file:line:column.

mod support;

use serde_json::Value;
use support::ktriage_ok;

fn manifest(name: &str) -> String {
    format!(
        "{}/tests/fixtures/manifests/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// `posture --json` of a fixture: one object per pod.
fn posture(name: &str, extra: &[&str]) -> Vec<Value> {
    let path = manifest(name);
    let mut args = vec!["posture", "--json", "--pod-manifest", &path];
    args.extend_from_slice(extra);
    ktriage_ok(&args)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

fn ids(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn seed_manifests_give_the_seed_verdicts() {
    for (file, immutable) in [
        ("rofspod.yaml", true),
        ("rohofspod.yaml", false),
        ("rohofspod-readonly.yaml", true),
        ("nginx-emptydir.yaml", true),
        ("nginx-privileged.yaml", false),
        ("nginx-typo.yaml", false),
    ] {
        let pods = posture(file, &[]);
        assert_eq!(pods.len(), 1, "{file}");
        assert_eq!(pods[0]["immutable"], immutable, "{file}: {}", pods[0]);
    }
    let rohofs = &posture("rohofspod.yaml", &[])[0];
    assert_eq!(rohofs["name"], "rohofspod");
    assert_eq!(rohofs["namespace"], "default");
    assert_eq!(rohofs["uid"], Value::Null);
    assert_eq!(
        rohofs["immutable_reasons"][0],
        "container rohofspod can write to hostPath /tmp/pod (mounted at /tmp/hostpath without readOnly)"
    );
    let c = &rohofs["containers"][0];
    assert_eq!(c["name"], "rohofspod");
    assert_eq!(c["declared"]["readOnlyRootFilesystem"], true);
    assert_eq!(
        c["declared"]["volumeMounts"][0]["volume"]["type"],
        "hostPath"
    );
    assert_eq!(c["declared"]["volumeMounts"][0]["readOnly"], false);
    assert!(ids(&posture("nginx-privileged.yaml", &[])[0]).contains(&"KT-POS-101".to_string()));
}

#[test]
fn secure_webserver_list_and_filters() {
    let pods = posture("secure-webserver.yaml", &[]);
    assert_eq!(pods.len(), 3);
    for p in &pods {
        assert_eq!(p["immutable"], true, "{p}");
        let names: Vec<&str> = p["containers"]
            .as_array()
            .expect("containers")
            .iter()
            .map(|c| c["name"].as_str().expect("name"))
            .collect();
        assert_eq!(names, vec!["init", "webserver"]);
        assert_eq!(p["containers"][0]["kind"], "init");
        for f in p["findings"].as_array().expect("findings") {
            assert!(
                f["severity"].is_string()
                    && f["message"].is_string()
                    && f["remediation"].is_string()
            );
            assert_eq!(f["kind"], "static", "nothing of it runs here: {f}");
        }
    }
    let one = posture(
        "secure-webserver.yaml",
        &["--pod", "secure-webserver-6d8f7c9b5-9bdrt"],
    );
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["uid"], "7b2c4d5e-1f3a-4b6c-9d8e-0f1a2b3c4d22");
    assert_eq!(
        posture("secure-webserver.yaml", &["--namespace", "kube-system"]).len(),
        0
    );
    let text = ktriage_ok(&["posture", "--pod-manifest", &manifest("rohofspod.yaml")]);
    assert!(text.contains("NOT immutable"), "{text}");
    assert!(
        text.contains("why: container rohofspod can write to hostPath /tmp/pod"),
        "{text}"
    );
}

#[test]
fn errors_are_clear() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ktriage"))
            .args(args)
            .output()
            .expect("runs")
    };
    let out = run(&["posture", "--json"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--pod-manifest"), "{err}");

    let dir = tempfile::tempdir().expect("tmp");
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "kind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: c\n    securityContext: {privileged: maybe}\n").expect("write");
    let out = run(&["posture", "--pod-manifest", &bad.display().to_string()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!("ktriage: {}:6:", bad.display())),
        "{err}"
    );
}
