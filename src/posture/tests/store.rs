//! Tests of the incremental posture store.
use super::*;
use crate::identity::{ContainerInfo, PodInfo};
use crate::posture::manifest::{load_manifest, parse_manifest};

fn webservers() -> Vec<Pod> {
    load_manifest(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/manifests/secure-webserver.yaml"),
    )
    .expect("fixture")
}

#[test]
fn apply_delete_and_replace_recompute_only_what_changed() {
    let pods = webservers();
    let mut s = PostureStore::from_pods(pods.clone());
    assert_eq!((s.len(), s.evaluations()), (3, 3));
    let key = pod_key(&pods[1]);
    let mut modified = pods[1].clone();
    let spec = modified.spec.as_mut().expect("spec");
    spec.containers[0].security_context = None;
    assert_eq!(s.apply(modified.clone()), key);
    assert_eq!(s.evaluations(), 4, "one pod re-evaluated");
    assert!(!s.get(&key).expect("known").immutable);
    // A relist with the same specs re-evaluates nothing; a changed one only itself.
    s.replace_all(vec![pods[0].clone(), modified, pods[2].clone()]);
    assert_eq!(s.evaluations(), 4);
    s.replace_all(pods.clone());
    assert_eq!(s.evaluations(), 5);
    assert!(s.delete(&key));
    assert!(!s.delete(&key));
    assert_eq!(s.len(), 2);
    s.replace_all(vec![pods[0].clone()]);
    assert_eq!(s.len(), 1, "a relist drops pods no longer listed");
    let names: Vec<&str> = s.sorted().iter().map(|(_, p)| p.name.as_str()).collect();
    assert_eq!(names, vec!["secure-webserver-6d8f7c9b5-4xkq2"]);
}

#[test]
fn observations_survive_a_spec_update() {
    let pods = webservers();
    let mut s = PostureStore::from_pods(pods.clone());
    let key = pod_key(&pods[0]);
    let o = Observed {
        pid: 77,
        root_readonly: Some(false),
        ..Observed::default()
    };
    assert!(s.observe(&key, "webserver", vec![o]));
    assert!(!s.observe("nope", "webserver", vec![]));
    let pp = s.get(&key).expect("known");
    assert!(!pp.immutable);
    assert_eq!(
        pp.container("webserver").map(|c| c.pids.clone()),
        Some(vec![77])
    );
    s.apply(pods[0].clone());
    assert_eq!(
        s.get(&key)
            .expect("known")
            .container("webserver")
            .map(|c| c.pids.clone()),
        Some(vec![77])
    );
}

#[test]
fn locate_by_uid_and_name_then_by_container_id_then_by_name() {
    let pods = webservers();
    let s = PostureStore::from_pods(pods.clone());
    let uid = pods[2].metadata.uid.clone().expect("uid");
    let ident = |pod_uid: Option<&str>, name: Option<&str>, id: &str| Identity {
        container: Some(ContainerInfo {
            id: id.into(),
            name: name.map(str::to_string),
            ..ContainerInfo::default()
        }),
        pod: Some(PodInfo {
            uid: pod_uid.map(str::to_string),
            ..PodInfo::default()
        }),
        entered_from_host: false,
    };
    assert_eq!(
        s.locate(&ident(Some(&uid), Some("webserver"), "x")),
        Some((uid.clone(), "webserver".into()))
    );
    let status_id = pods[2]
        .status
        .as_ref()
        .and_then(|st| st.container_statuses.as_ref()?[0].container_id.clone())
        .expect("id");
    let id = status_id.trim_start_matches("containerd://");
    assert_eq!(
        s.locate(&ident(None, None, id)),
        Some((uid.clone(), "webserver".into()))
    );
    assert_eq!(
        s.locate(&ident(Some("other"), Some("webserver"), "y")),
        None
    );
    assert_eq!(s.locate(&Identity::default()), None, "a host process");

    let hand = parse_manifest(
        "h.yaml",
        "metadata: {name: web-0, namespace: team-a}\nspec: {containers: [{name: web}]}\n",
    )
    .expect("parses");
    let s = PostureStore::from_pods(hand);
    let mut i = ident(Some("any"), Some("web"), "z");
    if let Some(p) = i.pod.as_mut() {
        p.name = Some("web-0".into());
        p.namespace = Some("team-a".into());
    }
    assert_eq!(s.locate(&i), Some(("team-a/web-0".into(), "web".into())));
}
