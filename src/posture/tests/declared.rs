//! Tests of the pod/container securityContext merge.

use super::*;
use crate::posture::manifest::parse_manifest;

fn pod(yaml: &str) -> Pod {
    parse_manifest("t.yaml", yaml)
        .expect("parses")
        .pop()
        .expect("one pod")
}

fn by_name<'a>(d: &'a [Declared], name: &str) -> &'a Declared {
    d.iter()
        .find(|c| c.container == name)
        .expect("container declared")
}

const MERGE: &str = r#"
apiVersion: v1
kind: Pod
metadata:
  name: m
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: runtime/default
    container.seccomp.security.alpha.kubernetes.io/legacy: unconfined
    container.apparmor.security.beta.kubernetes.io/legacy: localhost/k8s-deny-write
spec:
  hostPID: true
  automountServiceAccountToken: false
  securityContext:
    runAsUser: 1000
    runAsGroup: 3000
    runAsNonRoot: true
    seccompProfile: {type: Localhost, localhostProfile: profiles/audit.json}
    appArmorProfile: {type: RuntimeDefault}
    seLinuxOptions: {level: "s0:c1,c2"}
  initContainers:
  - name: init
    image: busybox
  containers:
  - name: app
    image: nginx
    securityContext:
      runAsUser: 0
      runAsNonRoot: false
      privileged: true
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      procMount: Unmasked
      capabilities: {add: [NET_ADMIN], drop: [ALL]}
      seccompProfile: {type: Unconfined}
      appArmorProfile: {type: Localhost, localhostProfile: mine}
      seLinuxOptions: {type: spc_t}
    env:
    - name: DB_PASSWORD
      valueFrom: {secretKeyRef: {name: db, key: password}}
    - name: PLAIN
      value: x
    envFrom:
    - secretRef: {name: all-creds}
    - configMapRef: {name: cfg}
    volumeMounts:
    - {name: sock, mountPath: /var/run/docker.sock}
    - {name: etc, mountPath: /host/etc, readOnly: true}
  - name: legacy
    image: busybox
  ephemeralContainers:
  - name: debugger
    image: busybox
    securityContext: {runAsUser: 2000}
  volumes:
  - {name: sock, hostPath: {path: /var/run/docker.sock, type: Socket}}
  - {name: etc, hostPath: {path: /etc}}
"#;

#[test]
fn container_overrides_pod_for_the_inherited_fields() {
    let d = declare_pod(&pod(MERGE));
    assert_eq!(
        d.iter()
            .map(|c| (c.container.as_str(), c.kind))
            .collect::<Vec<_>>(),
        vec![
            ("init", ContainerKind::Init),
            ("app", ContainerKind::Regular),
            ("legacy", ContainerKind::Regular),
            ("debugger", ContainerKind::Ephemeral),
        ]
    );
    let app = by_name(&d, "app");
    assert_eq!(app.run_as_user, Some(0));
    assert_eq!(app.run_as_group, Some(3000), "inherited from the pod");
    assert_eq!(app.run_as_non_root, Some(false));
    assert_eq!(
        app.seccomp_profile
            .as_ref()
            .map(|p| (p.kind.as_str(), p.source)),
        Some(("Unconfined", "container"))
    );
    let aa = app.app_armor_profile.as_ref().expect("apparmor");
    assert_eq!(
        (aa.kind.as_str(), aa.localhost_profile.as_deref(), aa.source),
        ("Localhost", Some("mine"), "container")
    );
    let se = app.se_linux_options.as_ref().expect("selinux");
    assert_eq!(se.kind.as_deref(), Some("spc_t"));
    assert_eq!(
        se.level, None,
        "seLinuxOptions replace the pod's as a whole"
    );

    let init = by_name(&d, "init");
    assert_eq!(init.run_as_user, Some(1000));
    assert_eq!(init.run_as_non_root, Some(true));
    let sp = init.seccomp_profile.as_ref().expect("seccomp");
    assert_eq!(
        (sp.kind.as_str(), sp.localhost_profile.as_deref(), sp.source),
        ("Localhost", Some("profiles/audit.json"), "pod")
    );
    assert_eq!(
        init.app_armor_profile.as_ref().map(|p| p.source),
        Some("pod")
    );
    assert_eq!(
        init.se_linux_options
            .as_ref()
            .and_then(|s| s.level.as_deref()),
        Some("s0:c1,c2")
    );
    assert_eq!(by_name(&d, "debugger").run_as_user, Some(2000));
}

#[test]
fn container_only_fields_are_not_inherited() {
    let d = declare_pod(&pod(MERGE));
    let app = by_name(&d, "app");
    assert_eq!(app.privileged, Some(true));
    assert_eq!(app.allow_privilege_escalation, Some(false));
    assert_eq!(app.read_only_root_filesystem, Some(true));
    assert_eq!(app.proc_mount.as_deref(), Some("Unmasked"));
    assert_eq!(app.capabilities_add, vec!["NET_ADMIN"]);
    assert!(app.drops_all());
    let init = by_name(&d, "init");
    assert_eq!(
        (
            init.privileged,
            init.allow_privilege_escalation,
            init.read_only_root_filesystem,
            init.proc_mount.clone()
        ),
        (None, None, None, None)
    );
    assert!(init.capabilities_add.is_empty() && init.capabilities_drop.is_empty());
    assert!(
        d.iter()
            .all(|c| c.host_pid && !c.host_network && !c.host_ipc)
    );
}

#[test]
fn legacy_annotations_fill_in_below_the_fields() {
    let d = declare_pod(&pod(MERGE));
    let legacy = by_name(&d, "legacy");
    let sp = legacy.seccomp_profile.as_ref().expect("seccomp");
    assert_eq!(
        (sp.kind.as_str(), sp.source),
        ("Unconfined", "container-annotation")
    );
    let aa = legacy.app_armor_profile.as_ref().expect("apparmor");
    assert_eq!(
        (aa.kind.as_str(), aa.localhost_profile.as_deref(), aa.source),
        ("Localhost", Some("k8s-deny-write"), "container-annotation")
    );
    // Without any pod field, the pod annotation applies.
    let p = pod(r#"
metadata:
  name: a
  annotations: {seccomp.security.alpha.kubernetes.io/pod: docker/default}
spec:
  containers: [{name: c, image: i}]
"#);
    let sp = declare_pod(&p)[0].seccomp_profile.clone().expect("seccomp");
    assert_eq!(
        (sp.kind.as_str(), sp.source),
        ("RuntimeDefault", "pod-annotation")
    );
}

#[test]
fn mounts_secrets_and_the_token() {
    let d = declare_pod(&pod(MERGE));
    let app = by_name(&d, "app");
    assert_eq!(
        app.volume_mounts
            .iter()
            .map(|m| (m.mount_path.as_str(), m.read_only, m.volume.clone()))
            .collect::<Vec<_>>(),
        vec![
            (
                "/var/run/docker.sock",
                false,
                VolumeKind::HostPath {
                    path: "/var/run/docker.sock".into()
                }
            ),
            (
                "/host/etc",
                true,
                VolumeKind::HostPath {
                    path: "/etc".into()
                }
            ),
        ]
    );
    assert_eq!(
        app.secret_env,
        vec![
            SecretEnv {
                variable: Some("DB_PASSWORD".into()),
                secret: "db".into(),
                key: Some("password".into())
            },
            SecretEnv {
                variable: None,
                secret: "all-creds".into(),
                key: None
            },
        ]
    );
    assert!(
        !app.service_account_token,
        "automountServiceAccountToken: false"
    );
    let default = pod("metadata: {name: a}\nspec:\n  containers: [{name: c, image: i}]\n");
    assert!(
        declare_pod(&default)[0].service_account_token,
        "mounted by default"
    );
}
