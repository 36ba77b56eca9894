//! Unit tests of the CRI → ContainerInfo/PodInfo mapping.

use super::*;

const ID: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const IMG_ID: &str = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

fn labels(kv: &[(&str, &str)]) -> HashMap<String, String> {
    kv.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn spec(image: &str) -> Option<g::ImageSpec> {
    Some(g::ImageSpec {
        image: image.into(),
        ..Default::default()
    })
}

#[test]
fn image_ids_are_recognised() {
    assert!(is_image_id(IMG_ID));
    assert!(is_image_id(&IMG_ID[7..]));
    assert!(!is_image_id("docker.io/library/nginx:1.25"));
    assert!(!is_image_id("nginx@sha256:fedcba98"));
    assert!(!is_image_id("sha256:short"));
}

#[test]
fn best_image_prefers_tags_then_digests_then_ids() {
    let digest = "docker.io/library/nginx@sha256:abc";
    assert_eq!(
        best_image([IMG_ID, digest, "nginx:1"]).as_deref(),
        Some("nginx:1")
    );
    assert_eq!(best_image([IMG_ID, digest]).as_deref(), Some(digest));
    assert_eq!(best_image(["", IMG_ID]).as_deref(), Some(IMG_ID));
    assert_eq!(best_image(["a:1", "b:2"]).as_deref(), Some("a:1"));
    assert_eq!(best_image(["", ""]), None);
}

#[test]
fn listed_container_with_id_image_is_named_through_list_images() {
    let c = g::Container {
        id: ID.to_ascii_uppercase(),
        pod_sandbox_id: "sb".into(),
        metadata: Some(g::ContainerMetadata {
            name: "web".into(),
            attempt: 0,
        }),
        image: spec(IMG_ID),
        image_ref: IMG_ID.into(),
        labels: labels(&[(LABEL_POD_NAME, "web-0")]),
        ..Default::default()
    };
    assert!(needs_image_names(std::slice::from_ref(&c)));
    let images = image_names(&[g::Image {
        id: IMG_ID.into(),
        repo_tags: vec!["docker.io/library/nginx:1.25".into()],
        repo_digests: vec!["docker.io/library/nginx@sha256:abc".into()],
        ..Default::default()
    }]);
    let info = from_list(&c, Some("containerd"), &images);
    assert_eq!(info.id, ID);
    assert_eq!(info.name.as_deref(), Some("web"));
    assert_eq!(info.image.as_deref(), Some("docker.io/library/nginx:1.25"));
    assert_eq!(info.runtime.as_deref(), Some("containerd"));
    assert_eq!(
        info.labels.get(LABEL_POD_NAME).map(String::as_str),
        Some("web-0")
    );
    // Without ListImages the id is still better than nothing.
    let info = from_list(&c, None, &HashMap::new());
    assert_eq!(info.image.as_deref(), Some(IMG_ID));
    assert_eq!(info.runtime, None);
}

#[test]
fn user_specified_image_wins_and_name_falls_back_to_label() {
    let c = g::Container {
        id: ID.into(),
        image: Some(g::ImageSpec {
            image: IMG_ID.into(),
            user_specified_image: "nginx:1.25".into(),
            ..Default::default()
        }),
        labels: labels(&[(LABEL_CONTAINER_NAME, "nginx")]),
        ..Default::default()
    };
    assert!(!needs_image_names(std::slice::from_ref(&c)));
    let info = from_list(&c, Some(""), &HashMap::new());
    assert_eq!(info.image.as_deref(), Some("nginx:1.25"));
    assert_eq!(info.name.as_deref(), Some("nginx"));
    assert_eq!(info.runtime, None);
}

#[test]
fn status_prefers_the_tag() {
    let s = g::ContainerStatus {
        id: ID.into(),
        metadata: Some(g::ContainerMetadata {
            name: "app".into(),
            attempt: 1,
        }),
        image: spec("registry.local/app:1"),
        image_ref: "registry.local/app@sha256:abc".into(),
        image_id: IMG_ID.into(),
        ..Default::default()
    };
    let info = from_status(&s, Some("cri-o"));
    assert_eq!(info.image.as_deref(), Some("registry.local/app:1"));
    assert_eq!(info.name.as_deref(), Some("app"));
}

#[test]
fn pod_from_sandbox_metadata_then_labels() {
    let sb = g::PodSandbox {
        id: "sb".into(),
        metadata: Some(g::PodSandboxMetadata {
            name: "web-0".into(),
            uid: String::new(),
            namespace: "team-a".into(),
            attempt: 0,
        }),
        labels: labels(&[(LABEL_POD_UID, "u-1"), (LABEL_POD_NAME, "ignored")]),
        ..Default::default()
    };
    let pod = pod_from_sandbox(&sb);
    assert_eq!(pod.name.as_deref(), Some("web-0"));
    assert_eq!(pod.namespace.as_deref(), Some("team-a"));
    assert_eq!(pod.uid.as_deref(), Some("u-1"));
}

#[test]
fn pod_from_labels_needs_a_kubelet_label() {
    assert_eq!(pod_from_labels(&labels(&[("app", "x")])), None);
    let l = labels(&[(LABEL_POD_NAMESPACE, "ns"), (LABEL_POD_NAME, "")]);
    let pod = pod_from_labels(&l).unwrap_or_default();
    assert_eq!(pod.namespace.as_deref(), Some("ns"));
    assert_eq!(pod.name, None);
}

#[test]
fn merge_fills_gaps_only() {
    let p = PodInfo {
        name: Some("a".into()),
        ..Default::default()
    };
    let f = PodInfo {
        name: Some("b".into()),
        uid: Some("u".into()),
        ..Default::default()
    };
    let m = merge_pod(Some(p), Some(f.clone())).unwrap_or_default();
    assert_eq!(m.name.as_deref(), Some("a"));
    assert_eq!(m.uid.as_deref(), Some("u"));
    assert_eq!(merge_pod(None, Some(f.clone())), Some(f));
    assert_eq!(merge_pod(None, None), None);
}
