//! Unit tests of the `Inspector` and the JSON shape on the fixture tree `tests/fixtures/proc`.
use super::*;
use crate::identity::{ContainerInfo, PodInfo};

const CID: &str = "3b1d6a8f0c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d";
const POD: &str = "5f8e7a2b-1c3d-4e5f-8a9b-0c1d2e3f4a5b";

fn nginx_identity() -> Identity {
    Identity {
        container: Some(ContainerInfo {
            id: CID.into(),
            runtime: Some("containerd".into()),
            name: Some("nginx".into()),
            image: Some("docker.io/library/nginx:1.25".into()),
            ..ContainerInfo::default()
        }),
        pod: Some(PodInfo {
            name: Some("web-7c5b9f6d4-x2x9k".into()),
            namespace: Some("shop".into()),
            uid: Some(POD.into()),
            qos: Some("burstable".into()),
            labels: [("app".to_string(), "web".to_string())].into(),
        }),
        entered_from_host: false,
    }
}

fn inspect(pid: u32) -> Result<Inspection, InspectError> {
    Inspector::new(fixture_root()).inspect(pid, &nginx_identity())
}

#[test]
fn assembles_every_section() {
    let i = inspect(4242).unwrap();
    assert!(i.errors.is_empty(), "{:?}", i.errors);
    assert!(!i.exited);
    assert_eq!(i.overview.uid.name.as_deref(), Some("nginx"));
    assert_eq!(i.overview.state, "S (sleeping)");
    assert_eq!(i.overview.parents.len(), 3);
    assert!(i.overview.parents[0].pidns_init);
    assert_eq!(i.root_readonly, Some(false));
    assert_eq!(i.caps_beyond_runtime_default(), ["CAP_SYS_PTRACE"]);
    let fds = i.fds.as_ref().unwrap();
    let s = fds
        .iter()
        .find(|f| f.fd == 3)
        .unwrap()
        .socket
        .as_ref()
        .unwrap();
    assert_eq!(
        (s.state.as_str(), s.local.as_deref()),
        ("LISTEN", Some("0.0.0.0:80"))
    );
    assert!(fds.iter().find(|f| f.fd == 11).unwrap().socket.is_none());
    let hosts = i
        .mounts
        .as_ref()
        .unwrap()
        .iter()
        .find(|m| m.mount_point == "/etc/hosts");
    assert!(
        hosts.unwrap().sensitive.is_empty(),
        "own pod uid from the identity"
    );
    assert_eq!(
        i.namespaces.as_ref().unwrap().callouts(),
        ["shares host user"]
    );
    assert_eq!(i.lsm.as_ref().unwrap().kind(), "apparmor");
}

#[test]
fn json_shape_and_masking() {
    let i = inspect(4242).unwrap();
    let v = i.to_json(false);
    assert_eq!(v["pid"], 4242);
    assert_eq!(v["comm"], "nginx");
    assert_eq!(v["exe"], "/usr/sbin/nginx");
    assert_eq!(v["container"]["id"], CID);
    assert_eq!(v["container"]["runtime"], "containerd");
    assert_eq!(v["container"]["image"], "docker.io/library/nginx:1.25");
    assert_eq!(v["pod"]["namespace"], "shop");
    assert_eq!(v["pod"]["uid"], POD);
    let sec = &v["security"];
    assert_eq!(sec["seccomp_mode"], 2);
    assert_eq!(sec["seccomp_filters"], 1);
    assert_eq!(sec["no_new_privs"], false);
    assert_eq!(
        sec["caps"]["effective"],
        serde_json::json!(["CAP_NET_BIND_SERVICE"])
    );
    assert_eq!(
        sec["caps"]["ambient"],
        serde_json::json!(["CAP_NET_BIND_SERVICE"])
    );
    assert_eq!(
        sec["caps"]["beyond_runtime_default"],
        serde_json::json!(["CAP_SYS_PTRACE"])
    );
    assert_eq!(sec["caps"]["bounding"].as_array().unwrap().len(), 15);
    assert_eq!(sec["lsm"]["profile"], "cri-containerd.apparmor.d");
    assert_eq!(sec["lsm"]["mode"], "enforce");
    assert_eq!(
        v["overview"]["uid"],
        serde_json::json!({"id": 101, "name": "nginx"})
    );
    assert_eq!(v["overview"]["parents"][0]["pidns_init"], true);
    assert_eq!(v["revealed_secrets"], false);
    let pw = v["environ"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "DB_PASSWORD")
        .unwrap();
    assert_eq!(pw["masked"], true);
    assert!(pw["value"].is_null());
    let text = v.to_string();
    for secret in [
        "hunter2",
        "s3cr3tpw",
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_16C7",
        "xoxb-",
        "PRIVATE KEY",
        "q8Zr2L",
    ] {
        assert!(!text.contains(secret), "{secret} leaked");
    }
    let shown = i.to_json(true);
    assert_eq!(shown["revealed_secrets"], true);
    assert!(shown.to_string().contains("hunter2"));
    let sock = &v["fds"].as_array().unwrap()[3];
    assert_eq!(sock["type"], "socket");
    assert_eq!(sock["socket"]["state"], "LISTEN");
    assert_eq!(sock["flags"], "02004002");
    let dsock = v["mounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["mount_point"] == "/var/run/docker.sock");
    assert_eq!(dsock.unwrap()["sensitive"][0], "container runtime socket");
    assert_eq!(
        v["namespaces"]["shared_with_host"],
        serde_json::json!(["time", "user"])
    );
}

#[test]
fn host_process_without_identity_is_null() {
    let i = Inspector::new(fixture_root())
        .inspect(4100, &Identity::default())
        .unwrap();
    let v = i.to_json(false);
    assert!(v["container"].is_null() && v["pod"].is_null());
    assert!(i.errors.is_empty(), "{:?}", i.errors);
    // Shares the host mount namespace: no bind/sensitive annotations (its
    // /proc is the host's own, not a "host procfs bind").
    let mounts = i.mounts.as_ref().unwrap();
    assert!(
        mounts
            .iter()
            .all(|m| !m.bind_from_host && m.sensitive.is_empty())
    );
    assert_eq!(v["overview"]["cmdline"][2], "k8s.io");
    assert_eq!(
        v["security"]["caps"]["effective"].as_array().unwrap().len(),
        41
    );
}

#[test]
fn partial_failures_are_section_errors() {
    let i = inspect(8888).unwrap();
    for s in ["cmdline", "environ", "fds", "mounts", "namespaces"] {
        assert!(i.error(s).is_some(), "{s}: {:?}", i.errors);
    }
    assert!(
        i.error("exe").is_none(),
        "missing exe on a live process is not an error"
    );
    assert!(i.overview.exe.is_none());
    assert!(i.environ.is_none() && i.fds.is_none());
    assert_eq!(i.lsm.as_ref().unwrap().kind(), "selinux");
    let v = i.to_json(false);
    assert!(v["environ"].is_null());
    assert!(v["errors"]["environ"].is_string());
    assert_eq!(v["overview"]["uid"]["name"], "unknown");
}

#[test]
fn zombies_and_missing_pids() {
    let z = inspect(7777).unwrap();
    assert!(z.exited && z.errors.is_empty() && z.environ.is_none());
    assert_eq!(
        z.overview.parents.iter().map(|p| p.pid).collect::<Vec<_>>(),
        [7777, 4242, 4100, 1]
    );
    assert!(matches!(inspect(424242), Err(InspectError::Exited(424242))));
}

#[test]
fn hostile_names_survive_into_json_escaped() {
    let i = inspect(6666).unwrap();
    assert_eq!(i.status.name, "ev\x1b[31mil\nname");
    let text = i.to_json(false).to_string();
    assert!(!text.contains('\x1b') && !text.contains('\n'));
    assert!(text.contains("\\u001b[31mil\\nname"));
    assert!(!text.contains("ghp_aaaa"));
    let v = i.to_json(false);
    assert_eq!(v["security"]["seccomp"], "disabled");
    assert_eq!(v["security"]["lsm"]["kind"], "unconfined");
    assert_eq!(v["overview"]["exe"]["deleted"], true);
    let callouts = v["security"]["shares_host"].as_array().unwrap();
    assert!(callouts.contains(&serde_json::json!("shares host pid")));
}

#[test]
fn start_time_field() {
    assert_eq!(start_time(&fixture_root(), 4242).unwrap(), 123456);
    assert_eq!(start_time(&fixture_root(), 6666).unwrap(), 777777);
}
