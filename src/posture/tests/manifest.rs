//! Tests of manifest loading (Pod, List, multi-document, errors).
use super::*;

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/manifests")
        .join(name)
}

fn names(pods: &[Pod]) -> Vec<String> {
    pods.iter()
        .map(|p| p.metadata.name.clone().unwrap_or_default())
        .collect()
}

#[test]
fn one_pod_a_list_and_multi_document_yaml() {
    let one = load_manifest(&fixture("rofspod.yaml")).expect("pod");
    assert_eq!(names(&one), vec!["rofspod"]);
    let list = load_manifest(&fixture("secure-webserver.yaml")).expect("list");
    assert_eq!(list.len(), 3);
    assert!(
        list.iter()
            .all(|p| p.status.is_some() && p.metadata.uid.is_some())
    );
    let multi = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c}]}\n---\n---\nkind: PodList\nitems:\n- metadata: {name: b}\n  spec: {containers: [{name: c}]}\n";
    assert_eq!(
        names(&parse_manifest("m.yaml", multi).expect("multi")),
        vec!["a", "b"]
    );
}

#[test]
fn json_pod_and_api_list_without_item_kinds() {
    let json = r#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7"},
      "items":[{"metadata":{"name":"a","uid":"u1"},"spec":{"containers":[{"name":"c"}]}}]}
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"},"spec":{"containers":[{"name":"c"}]}}"#;
    let pods = parse_manifest("p.json", json).expect("json");
    assert_eq!(names(&pods), vec!["a", "b"]);
}

#[test]
fn errors_name_file_line_and_column() {
    let bad_type = "kind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: c\n    securityContext:\n      runAsUser: root\n";
    let e = parse_manifest("bad.yaml", bad_type).expect_err("runAsUser must be a number");
    let text = e.to_string();
    assert_eq!(text, "bad.yaml:7:18: invalid i64");

    let syntax = "kind: Pod\nmetadata:\n  name: [a\n";
    let text = parse_manifest("s.yaml", syntax)
        .expect_err("syntax")
        .to_string();
    assert!(text.starts_with("s.yaml:"), "{text}");
    assert!(!text.starts_with("s.yaml:0:0"), "has a position: {text}");

    let json = "{\"kind\":\"Pod\",\n\"spec\":{\"containers\":3}}";
    let text = parse_manifest("j.json", json)
        .expect_err("json")
        .to_string();
    assert!(text.starts_with("j.json:2:"), "{text}");

    let other = "kind: Pod\nmetadata: {name: a}\nspec: {containers: []}\n---\napiVersion: apps/v1\nkind: Deployment\nspec: {replicas: 3}\n";
    let text = parse_manifest("d.yaml", other)
        .expect_err("deployment")
        .to_string();
    assert_eq!(
        text,
        "d.yaml: document 2 is a Deployment; want a Pod, PodList or List of Pods"
    );

    let missing = load_manifest(&fixture("does-not-exist.yaml")).expect_err("missing");
    assert!(matches!(missing, ManifestError::Read(_)));
}
