//! The declared security context of one container: pod and container levels merged as Kubernetes merges them, legacy annotations included.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Container, EnvFromSource, EnvVar, EphemeralContainer, Pod, PodSecurityContext, PodSpec,
    SecurityContext, Volume, VolumeMount,
};
use serde::Serialize;

/// Legacy pod-wide seccomp annotation.
pub const SECCOMP_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
/// Legacy per-container seccomp annotation prefix (`<prefix><container>`).
pub const SECCOMP_CONTAINER_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";
/// Legacy per-container AppArmor annotation prefix (`<prefix><container>`).
pub const APPARMOR_CONTAINER_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";
/// Where the kubelet mounts the service account token.
pub const SA_TOKEN_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// Which list of the pod spec a container is in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContainerKind {
    Init,
    #[default]
    Regular,
    Ephemeral,
}

impl ContainerKind {
    /// `init`, `regular`, `ephemeral`.
    pub fn name(self) -> &'static str {
        match self {
            ContainerKind::Init => "init",
            ContainerKind::Regular => "regular",
            ContainerKind::Ephemeral => "ephemeral",
        }
    }
}

/// A seccomp or AppArmor profile and where it was declared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// `RuntimeDefault`, `Localhost`, `Unconfined` (annotation values are mapped to these).
    #[serde(rename = "type")]
    pub kind: String,
    /// The profile of a `Localhost` type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub localhost_profile: Option<String>,
    /// `container`, `pod`, `container-annotation` or `pod-annotation`.
    pub source: &'static str,
}

impl Profile {
    /// True for `Unconfined`.
    pub fn unconfined(&self) -> bool {
        self.kind == "Unconfined"
    }
}

/// SELinux options (merged as a whole: the container's replace the pod's).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SeLinux {
    pub user: Option<String>,
    pub role: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub level: Option<String>,
}

/// What a mounted volume is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum VolumeKind {
    /// A host directory or file.
    HostPath {
        path: String,
    },
    EmptyDir,
    Secret,
    ConfigMap,
    /// A projected volume; `serviceAccountToken` when it projects one.
    Projected {
        service_account_token: bool,
    },
    /// Any other volume type (`persistentVolumeClaim`, `nfs`, ...), or a mount of an undeclared volume.
    Other {
        name: String,
    },
}

/// One volume mount of the container.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeclaredMount {
    pub name: String,
    pub mount_path: String,
    pub read_only: bool,
    pub volume: VolumeKind,
}

/// A secret handed over as environment variables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SecretEnv {
    /// The variable (`None` for `envFrom`, which exposes every key).
    pub variable: Option<String>,
    pub secret: String,
    /// The key (`None` for `envFrom`).
    pub key: Option<String>,
}

/// The effective declared context of one container. `None` means not declared
/// at either level (the runtime default applies). `Default`: nothing declared.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Declared {
    pub container: String,
    pub kind: ContainerKind,
    pub image: Option<String>,
    pub run_as_user: Option<i64>,
    pub run_as_group: Option<i64>,
    pub run_as_non_root: Option<bool>,
    pub privileged: Option<bool>,
    pub allow_privilege_escalation: Option<bool>,
    pub read_only_root_filesystem: Option<bool>,
    pub capabilities_add: Vec<String>,
    pub capabilities_drop: Vec<String>,
    pub seccomp_profile: Option<Profile>,
    pub app_armor_profile: Option<Profile>,
    pub se_linux_options: Option<SeLinux>,
    pub proc_mount: Option<String>,
    #[serde(rename = "hostPID")]
    pub host_pid: bool,
    pub host_network: bool,
    #[serde(rename = "hostIPC")]
    pub host_ipc: bool,
    pub host_users: Option<bool>,
    pub volume_mounts: Vec<DeclaredMount>,
    /// The service account token is mounted (automountServiceAccountToken not false, or mounted explicitly).
    pub service_account_token: bool,
    pub secret_env: Vec<SecretEnv>,
}

impl Declared {
    /// Privileged declared `true`.
    pub fn is_privileged(&self) -> bool {
        self.privileged == Some(true)
    }

    /// `drop` contains `ALL`.
    pub fn drops_all(&self) -> bool {
        self.capabilities_drop
            .iter()
            .any(|c| c.eq_ignore_ascii_case("ALL"))
    }
}

/// The fields every container kind shares, borrowed.
struct Parts<'a> {
    name: &'a str,
    image: Option<&'a String>,
    sc: Option<&'a SecurityContext>,
    env: Option<&'a Vec<EnvVar>>,
    env_from: Option<&'a Vec<EnvFromSource>>,
    mounts: Option<&'a Vec<VolumeMount>>,
}

impl<'a> From<&'a Container> for Parts<'a> {
    fn from(c: &'a Container) -> Self {
        Parts {
            name: &c.name,
            image: c.image.as_ref(),
            sc: c.security_context.as_ref(),
            env: c.env.as_ref(),
            env_from: c.env_from.as_ref(),
            mounts: c.volume_mounts.as_ref(),
        }
    }
}

impl<'a> From<&'a EphemeralContainer> for Parts<'a> {
    fn from(c: &'a EphemeralContainer) -> Self {
        Parts {
            name: &c.name,
            image: c.image.as_ref(),
            sc: c.security_context.as_ref(),
            env: c.env.as_ref(),
            env_from: c.env_from.as_ref(),
            mounts: c.volume_mounts.as_ref(),
        }
    }
}

/// Every container of the pod (init, regular, ephemeral), declared.
pub fn declare_pod(pod: &Pod) -> Vec<Declared> {
    let Some(spec) = pod.spec.as_ref() else {
        return Vec::new();
    };
    let ann = pod.metadata.annotations.as_ref();
    let empty = BTreeMap::new();
    let ann = ann.unwrap_or(&empty);
    let mut out = Vec::new();
    for c in spec.init_containers.iter().flatten() {
        out.push(declare(spec, ann, Parts::from(c), ContainerKind::Init));
    }
    for c in &spec.containers {
        out.push(declare(spec, ann, Parts::from(c), ContainerKind::Regular));
    }
    for c in spec.ephemeral_containers.iter().flatten() {
        out.push(declare(spec, ann, Parts::from(c), ContainerKind::Ephemeral));
    }
    out
}

fn declare(
    spec: &PodSpec,
    ann: &BTreeMap<String, String>,
    c: Parts,
    kind: ContainerKind,
) -> Declared {
    let psc: Option<&PodSecurityContext> = spec.security_context.as_ref();
    let sc = c.sc;
    let caps = sc.and_then(|s| s.capabilities.as_ref());
    let volumes: &[Volume] = spec.volumes.as_deref().unwrap_or(&[]);
    let mounts: Vec<DeclaredMount> = c
        .mounts
        .into_iter()
        .flatten()
        .map(|m| DeclaredMount {
            name: m.name.clone(),
            mount_path: m.mount_path.clone(),
            read_only: m.read_only == Some(true),
            volume: volume_kind(volumes, &m.name),
        })
        .collect();
    let explicit_token = mounts.iter().any(|m| {
        m.mount_path.trim_end_matches('/') == SA_TOKEN_PATH
            || matches!(
                m.volume,
                VolumeKind::Projected {
                    service_account_token: true
                }
            )
    });
    Declared {
        container: c.name.to_string(),
        kind,
        image: c.image.cloned(),
        run_as_user: sc
            .and_then(|s| s.run_as_user)
            .or(psc.and_then(|p| p.run_as_user)),
        run_as_group: sc
            .and_then(|s| s.run_as_group)
            .or(psc.and_then(|p| p.run_as_group)),
        run_as_non_root: sc
            .and_then(|s| s.run_as_non_root)
            .or(psc.and_then(|p| p.run_as_non_root)),
        privileged: sc.and_then(|s| s.privileged),
        allow_privilege_escalation: sc.and_then(|s| s.allow_privilege_escalation),
        read_only_root_filesystem: sc.and_then(|s| s.read_only_root_filesystem),
        capabilities_add: caps.and_then(|c| c.add.clone()).unwrap_or_default(),
        capabilities_drop: caps.and_then(|c| c.drop.clone()).unwrap_or_default(),
        seccomp_profile: seccomp(sc, psc, ann, c.name),
        app_armor_profile: apparmor(sc, psc, ann, c.name),
        se_linux_options: sc
            .and_then(|s| s.se_linux_options.as_ref())
            .or(psc.and_then(|p| p.se_linux_options.as_ref()))
            .map(|o| SeLinux {
                user: o.user.clone(),
                role: o.role.clone(),
                kind: o.type_.clone(),
                level: o.level.clone(),
            }),
        proc_mount: sc.and_then(|s| s.proc_mount.clone()),
        host_pid: spec.host_pid == Some(true),
        host_network: spec.host_network == Some(true),
        host_ipc: spec.host_ipc == Some(true),
        host_users: spec.host_users,
        volume_mounts: mounts,
        service_account_token: spec.automount_service_account_token != Some(false)
            || explicit_token,
        secret_env: secret_env(c.env, c.env_from),
    }
}

fn volume_kind(volumes: &[Volume], name: &str) -> VolumeKind {
    let Some(v) = volumes.iter().find(|v| v.name == name) else {
        return VolumeKind::Other {
            name: "undeclared".into(),
        };
    };
    if let Some(h) = &v.host_path {
        VolumeKind::HostPath {
            path: h.path.clone(),
        }
    } else if v.empty_dir.is_some() {
        VolumeKind::EmptyDir
    } else if v.secret.is_some() {
        VolumeKind::Secret
    } else if v.config_map.is_some() {
        VolumeKind::ConfigMap
    } else if let Some(p) = &v.projected {
        VolumeKind::Projected {
            service_account_token: p
                .sources
                .iter()
                .flatten()
                .any(|s| s.service_account_token.is_some()),
        }
    } else {
        VolumeKind::Other {
            name: other_volume_name(v),
        }
    }
}

/// The JSON key of a volume's source (`persistentVolumeClaim`, `nfs`, ...).
fn other_volume_name(v: &Volume) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_object()?.keys().find(|k| *k != "name").cloned())
        .unwrap_or_else(|| "unknown".into())
}

/// Container field > container annotation > pod field > pod annotation.
fn seccomp(
    sc: Option<&SecurityContext>,
    psc: Option<&PodSecurityContext>,
    ann: &BTreeMap<String, String>,
    name: &str,
) -> Option<Profile> {
    let field = |p: &k8s_openapi::api::core::v1::SeccompProfile, source| Profile {
        kind: p.type_.clone(),
        localhost_profile: p.localhost_profile.clone(),
        source,
    };
    if let Some(p) = sc.and_then(|s| s.seccomp_profile.as_ref()) {
        return Some(field(p, "container"));
    }
    if let Some(v) = ann.get(&format!("{SECCOMP_CONTAINER_PREFIX}{name}")) {
        return Some(annotation_profile(v, "container-annotation"));
    }
    if let Some(p) = psc.and_then(|s| s.seccomp_profile.as_ref()) {
        return Some(field(p, "pod"));
    }
    ann.get(SECCOMP_POD_ANNOTATION)
        .map(|v| annotation_profile(v, "pod-annotation"))
}

/// Container field > container annotation > pod field.
fn apparmor(
    sc: Option<&SecurityContext>,
    psc: Option<&PodSecurityContext>,
    ann: &BTreeMap<String, String>,
    name: &str,
) -> Option<Profile> {
    let field = |p: &k8s_openapi::api::core::v1::AppArmorProfile, source| Profile {
        kind: p.type_.clone(),
        localhost_profile: p.localhost_profile.clone(),
        source,
    };
    if let Some(p) = sc.and_then(|s| s.app_armor_profile.as_ref()) {
        return Some(field(p, "container"));
    }
    if let Some(v) = ann.get(&format!("{APPARMOR_CONTAINER_PREFIX}{name}")) {
        return Some(annotation_profile(v, "container-annotation"));
    }
    psc.and_then(|s| s.app_armor_profile.as_ref())
        .map(|p| field(p, "pod"))
}

/// `runtime/default`, `docker/default`, `unconfined`, `localhost/<profile>`.
fn annotation_profile(value: &str, source: &'static str) -> Profile {
    let (kind, localhost) = match value {
        "runtime/default" | "docker/default" => ("RuntimeDefault", None),
        "unconfined" => ("Unconfined", None),
        v => match v.strip_prefix("localhost/") {
            Some(p) => ("Localhost", Some(p.to_string())),
            None => (v, None),
        },
    };
    Profile {
        kind: kind.to_string(),
        localhost_profile: localhost,
        source,
    }
}

fn secret_env(env: Option<&Vec<EnvVar>>, env_from: Option<&Vec<EnvFromSource>>) -> Vec<SecretEnv> {
    let mut out: Vec<SecretEnv> = env
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let r = e.value_from.as_ref()?.secret_key_ref.as_ref()?;
            Some(SecretEnv {
                variable: Some(e.name.clone()),
                secret: r.name.clone(),
                key: Some(r.key.clone()),
            })
        })
        .collect();
    out.extend(env_from.into_iter().flatten().filter_map(|e| {
        Some(SecretEnv {
            variable: None,
            secret: e.secret_ref.as_ref()?.name.clone(),
            key: None,
        })
    }));
    out
}

#[cfg(test)]
#[path = "tests/declared.rs"]
mod tests;
