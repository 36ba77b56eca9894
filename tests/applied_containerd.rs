//! Real containerd pod: its OCI bundle found from the shim (a private state directory), the applied view equal to what the test asked the runtime for, the applied ≠ declared finding, and `inspect`/`ps` naming the pod with the runtime socket unreachable.

mod support;

#[path = "support/containerd.rs"]
mod containerd;

use containerd::{
    APP_IMAGE, CONTAINER_NAME, ContainerdPod, POD_NAME, POD_NAMESPACE, containerd_available,
};
use ktriage::identity::bundle::{BundleSearch, identity_from, read_applied};
use ktriage::identity::resolve::Resolver;
use support::ktriage_ok;

/// A socket path nothing listens on.
const NO_SOCKET: &str = "/nonexistent/ktriage-test/containerd.sock";

/// What the fixture asked for (tests/support/containerd.rs `run_pod`), as a pod spec.
fn manifest(extra: &str) -> String {
    format!(
        "apiVersion: v1
kind: Pod
metadata: {{name: {POD_NAME}, namespace: {POD_NAMESPACE}}}
spec:
  containers:
  - name: {CONTAINER_NAME}
    image: {APP_IMAGE}
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {{drop: [ALL], add: [NET_BIND_SERVICE]}}
      seccompProfile: {{type: RuntimeDefault}}
{extra}"
    )
}

/// `inspect PID --json` with the runtime socket unreachable and the pod spec of `manifest`.
fn inspect_json(pid: u32, manifest: &std::path::Path) -> serde_json::Value {
    let out = ktriage_ok(&[
        "inspect",
        &pid.to_string(),
        "--json",
        "--cri-socket",
        NO_SOCKET,
        "--pod-manifest",
        manifest.to_str().expect("utf-8 path"),
    ]);
    serde_json::from_str(&out).expect("inspect JSON")
}

fn ids(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn the_applied_view_of_a_real_pod_is_what_the_runtime_was_asked_for() {
    if !containerd_available("the_applied_view_of_a_real_pod_is_what_the_runtime_was_asked_for") {
        return;
    }
    let pod = ContainerdPod::start();
    // Found from the shim: the private state directory is in no default list.
    let found = BundleSearch::default()
        .find(&pod.container_id, Some(pod.pid))
        .expect("the bundle is found from the shim");
    assert_eq!(found.path, pod.bundle_dir().join("config.json"));
    assert_eq!(found.runtime, "containerd");
    let a = read_applied(&found).expect("config.json reads");
    let want = vec!["CAP_NET_BIND_SERVICE".to_string()];
    assert_eq!(
        (&a.cap_bounding, &a.cap_effective, &a.cap_permitted),
        (&want, &want, &want),
        "drop ALL + add NET_BIND_SERVICE"
    );
    let sc = a
        .seccomp
        .as_ref()
        .expect("RuntimeDefault gives a seccomp filter");
    assert_eq!(sc.default_action, "SCMP_ACT_ERRNO");
    assert!(
        sc.allowed > 200,
        "the default profile allows {} syscalls",
        sc.allowed
    );
    assert!(a.no_new_privs, "no_new_privs was asked for");
    assert!(!a.readonly_root, "a read-only root was not asked for");
    assert_eq!(a.uid, 0);
    // the names, from the annotations the CRI plugin wrote
    let (c, p) = identity_from(&pod.container_id, "containerd", &a.annotations).expect("names");
    let p = p.expect("pod");
    assert_eq!(c.name.as_deref(), Some(CONTAINER_NAME));
    assert_eq!(c.image.as_deref(), Some(APP_IMAGE));
    assert_eq!(p.name.as_deref(), Some(POD_NAME));
    assert_eq!(p.namespace.as_deref(), Some(POD_NAMESPACE));
    assert_eq!(p.uid.as_deref(), Some(pod.pod_uid.as_str()));
    // the resolver, the runtime unreachable, falls back to them
    let mut r = Resolver::new(Some(std::path::Path::new(NO_SOCKET)), true);
    let id = r.identify(pod.pid);
    assert_eq!(
        id.container.as_ref().and_then(|c| c.name.as_deref()),
        Some(CONTAINER_NAME)
    );
    assert_eq!(
        id.pod.as_ref().and_then(|p| p.name.as_deref()),
        Some(POD_NAME)
    );

    // inspect --json: the spec as asked for, nothing differs; the socket unreachable
    let dir = tempfile::tempdir().expect("tmp");
    let same = dir.path().join("same.yaml");
    std::fs::write(&same, manifest("")).expect("manifest");
    let args = |m: &std::path::Path| inspect_json(pod.pid, m);
    let v = args(&same);
    assert_eq!(
        v["pod"]["name"], POD_NAME,
        "named without the runtime socket"
    );
    assert_eq!(v["container"]["name"], CONTAINER_NAME);
    assert_eq!(v["applied"]["no_new_privs"], true);
    let found = ids(&v);
    assert!(
        !found.iter().any(|i| i == "KT-POS-008" || i == "KT-POS-009"),
        "{found:?}"
    );
    let rows = v["posture"]["rows"].as_array().expect("rows");
    let caps = rows
        .iter()
        .find(|r| r["field"] == "capabilities")
        .expect("caps row");
    assert_eq!(caps["applied"], "CAP_NET_BIND_SERVICE");

    // a declaration the runtime was not given: applied ≠ declared
    let differs = dir.path().join("differs.yaml");
    std::fs::write(
        &differs,
        manifest("      readOnlyRootFilesystem: true\n      runAsUser: 1000\n"),
    )
    .expect("manifest");
    let v = args(&differs);
    let not_applied: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["id"] == "KT-POS-008")
        .collect();
    let text: Vec<&str> = not_applied
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(not_applied.len(), 2, "{text:?}");
    assert!(
        text.iter().any(|m| m.contains("readOnlyRootFilesystem")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|m| m.contains("runAsUser 1000")),
        "{text:?}"
    );
}

#[test]
fn inspect_and_ps_name_the_pod_with_the_runtime_socket_unreachable() {
    if !containerd_available("inspect_and_ps_name_the_pod_with_the_runtime_socket_unreachable") {
        return;
    }
    let pod = ContainerdPod::start();
    let pid = pod.pid.to_string();
    // a missing socket named, then auto-detection (the private socket is in no default path)
    for socket in [Some(NO_SOCKET), None] {
        let mut args = vec!["inspect", &pid, "--json"];
        args.extend(socket.map(|s| ["--cri-socket", s]).into_iter().flatten());
        let v: serde_json::Value = serde_json::from_str(&ktriage_ok(&args)).expect("JSON");
        assert_eq!(v["pod"]["name"], POD_NAME, "{socket:?}");
        assert_eq!(v["pod"]["namespace"], POD_NAMESPACE);
        assert_eq!(v["pod"]["uid"], pod.pod_uid.as_str());
        assert_eq!(v["container"]["name"], CONTAINER_NAME);
        assert_eq!(v["container"]["image"], APP_IMAGE);
        // no pod spec: the applied view against the process, nothing changed since it started
        assert_eq!(
            v["applied"]["cap_bounding"],
            serde_json::json!(["CAP_NET_BIND_SERVICE"])
        );
        assert_eq!(ids(&v), Vec::<String>::new());

        let mut args = vec!["ps", "--json", "--containers-only"];
        args.extend(socket.map(|s| ["--cri-socket", s]).into_iter().flatten());
        let ps = ktriage_ok(&args);
        let row: serde_json::Value = ps
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON line"))
            .find(|r| r["pid"] == pod.pid)
            .expect("the pod's process is listed");
        assert_eq!(row["pod_name"], POD_NAME, "{socket:?}");
        assert_eq!(row["pod_namespace"], POD_NAMESPACE);
        assert_eq!(row["container_name"], CONTAINER_NAME);
    }
}

#[test]
fn apparmor_and_selinux_rows_of_a_real_pod_follow_the_nodes_lsms() {
    if !containerd_available("apparmor_and_selinux_rows_of_a_real_pod_follow_the_nodes_lsms") {
        return;
    }
    let node = ktriage::inspect::lsm::read_node_lsm(std::path::Path::new("/proc"))
        .expect("this node's LSMs are readable");
    let pod = ContainerdPod::start();
    let a = read_applied(
        &BundleSearch::default()
            .find(&pod.container_id, Some(pod.pid))
            .expect("bundle"),
    )
    .expect("config.json");
    let dir = tempfile::tempdir().expect("tmp");
    let inspect = |extra: &str| -> serde_json::Value {
        let m = dir.path().join("pod.yaml");
        std::fs::write(&m, manifest(extra)).expect("manifest");
        inspect_json(pod.pid, &m)
    };
    let row = |v: &serde_json::Value, field: &str| -> serde_json::Value {
        v["posture"]["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["field"] == field)
            .cloned()
            .unwrap_or_else(|| panic!("no {field} row in {v}"))
    };
    let lsm_findings = |v: &serde_json::Value| -> Vec<String> {
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| {
                let m = f["message"].as_str().unwrap_or_default();
                m.contains("AppArmor") || m.contains("SELinux") || m.contains("seLinux")
            })
            .map(|f| format!("{} {}", f["id"], f["message"]))
            .collect()
    };
    // nothing declared: what the runtime did and the process has, no finding
    let v = inspect("");
    assert_eq!(v["security"]["node_lsm"]["apparmor"], node.apparmor);
    assert_eq!(v["security"]["node_lsm"]["selinux"], node.selinux);
    assert_eq!(lsm_findings(&v), Vec::<String>::new());
    let aa = row(&v, "appArmorProfile");
    let se = row(&v, "seLinuxOptions");
    if node.apparmor {
        // containerd confines an unprivileged container with its default profile
        assert_eq!(
            a.apparmor_profile.as_deref(),
            Some("cri-containerd.apparmor.d")
        );
        assert_eq!(aa["observed"], "cri-containerd.apparmor.d (enforce)");
    } else {
        assert_eq!(
            a.apparmor_profile, None,
            "containerd sets no profile without AppArmor"
        );
        assert_eq!(aa["applied"], "unconfined");
        assert_eq!(aa["observed"], "no AppArmor on node");
        assert_eq!(v["security"]["lsm"]["kind"], "none");
    }
    if !node.selinux {
        assert_eq!(a.selinux_label, None);
        assert_eq!(se["observed"], "no SELinux on node");
    }

    // declared RuntimeDefault AppArmor and an SELinux level: equal where the node runs
    // the LSM, a finding (nothing enforces them) where it does not
    let v = inspect(
        "      appArmorProfile: {type: RuntimeDefault}\n      seLinuxOptions: {level: 's0:c1,c2'}\n",
    );
    let found = lsm_findings(&v);
    let aa = row(&v, "appArmorProfile");
    assert_eq!(aa["declared"], "RuntimeDefault");
    if node.apparmor {
        assert_eq!(aa["verdict"], "ok", "{found:?}");
    } else {
        assert_eq!(aa["verdict"], "mismatch");
        assert!(
            found
                .iter()
                .any(|f| f.starts_with("\"KT-POS-010\"") && f.contains("no AppArmor")),
            "{found:?}"
        );
    }
    if !node.selinux {
        assert_eq!(row(&v, "seLinuxOptions")["verdict"], "mismatch");
        assert!(
            found
                .iter()
                .any(|f| f.starts_with("\"KT-POS-010\"") && f.contains("no SELinux")),
            "{found:?}"
        );
    }
}
