//! Lab pods through our CRI client, as the kubelet makes them: kubelet labels, host network, `kubepods/besteffort/pod<uid>`, the spec's security options.

use std::collections::HashMap;
use std::time::Duration;

use super::state::{ContainerState, PodState};
use super::{LabDirs, LabError, UID_PREFIX, daemon, procs};
use crate::drill::spec::{ContainerSpec, PodSpec};
use crate::identity::cri::CriClient;
use crate::identity::cri::generated as g;

/// A connection to the lab's containerd, with its own small runtime.
pub struct LabPods {
    rt: tokio::runtime::Runtime,
    client: CriClient,
    dirs: LabDirs,
}

fn labels(kv: &[(&str, &str)]) -> HashMap<String, String> {
    kv.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A fresh pod uid with the lab's prefix (`6b746c61-6c61-4xxx-...`).
fn lab_uid() -> String {
    let u = std::fs::read_to_string("/proc/sys/kernel/random/uuid").unwrap_or_default();
    let tail = u
        .trim()
        .get(14..)
        .unwrap_or("4000-8000-000000000000")
        .to_string();
    format!("{UID_PREFIX}{tail}")
}

/// The image of a container of a pod.
pub fn image_name(pod: &str, container: &str) -> String {
    format!("ktriage.local/lab/{pod}-{container}:1")
}

impl LabPods {
    /// Connects to the running lab's socket.
    pub fn connect(dirs: &LabDirs) -> Result<Self, LabError> {
        Self::connect_within(dirs, Duration::from_secs(30))
    }

    /// Connects with a short timeout (teardown of a daemon that may be gone).
    pub(super) fn connect_quick(dirs: &LabDirs) -> Result<Self, LabError> {
        Self::connect_within(dirs, Duration::from_secs(3))
    }

    fn connect_within(dirs: &LabDirs, timeout: Duration) -> Result<Self, LabError> {
        let rt = runtime()?;
        let client = rt
            .block_on(CriClient::connect_with_timeout(
                Some(&dirs.socket()),
                timeout,
            ))
            .map_err(|e| daemon::runtime_error(dirs, "connecting to the lab", &e.to_string()))?;
        Ok(Self::with(rt, client, dirs))
    }

    pub(super) fn with(rt: tokio::runtime::Runtime, client: CriClient, dirs: &LabDirs) -> Self {
        Self {
            rt,
            client,
            dirs: dirs.clone(),
        }
    }

    fn err(&self, what: &str, e: impl std::fmt::Display) -> LabError {
        daemon::runtime_error(&self.dirs, what, &e.to_string())
    }

    /// RunPodSandbox, then Create/StartContainer for each container.
    pub fn run_pod(&self, spec: &PodSpec) -> Result<PodState, LabError> {
        let mut rs = self.client.runtime_service();
        let uid = lab_uid();
        let mut pod_labels = labels(&[
            ("io.kubernetes.pod.name", &spec.name),
            ("io.kubernetes.pod.namespace", &spec.namespace),
            ("io.kubernetes.pod.uid", &uid),
        ]);
        pod_labels.extend(spec.labels.iter().map(|(k, v)| (k.clone(), v.clone())));
        let ns = g::NamespaceOption {
            network: g::NamespaceMode::Node as i32,
            pid: g::NamespaceMode::Container as i32,
            ipc: g::NamespaceMode::Pod as i32,
            ..Default::default()
        };
        let privileged = spec.containers.iter().any(|c| c.privileged);
        let sandbox_config = g::PodSandboxConfig {
            metadata: Some(g::PodSandboxMetadata {
                name: spec.name.clone(),
                uid: uid.clone(),
                namespace: spec.namespace.clone(),
                attempt: 0,
            }),
            labels: pod_labels,
            annotations: labels(&[("kubernetes.io/config.source", "ktriage-drill")]),
            linux: Some(g::LinuxPodSandboxConfig {
                cgroup_parent: format!("kubepods/besteffort/pod{uid}"),
                security_context: Some(g::LinuxSandboxSecurityContext {
                    namespace_options: Some(ns.clone()),
                    privileged,
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let sandbox_id = self
            .rt
            .block_on(rs.run_pod_sandbox(g::RunPodSandboxRequest {
                config: Some(sandbox_config.clone()),
                runtime_handler: String::new(),
            }))
            .map_err(|e| self.err(&format!("RunPodSandbox {}", spec.name), e))?
            .into_inner()
            .pod_sandbox_id;
        let mut pod = PodState {
            name: spec.name.clone(),
            namespace: spec.namespace.clone(),
            uid: uid.clone(),
            sandbox_id: sandbox_id.clone(),
            ..Default::default()
        };
        for c in &spec.containers {
            let config = container_config(spec, c, &uid, ns.clone());
            let id = self
                .rt
                .block_on(rs.create_container(g::CreateContainerRequest {
                    pod_sandbox_id: sandbox_id.clone(),
                    config: Some(config),
                    sandbox_config: Some(sandbox_config.clone()),
                }))
                .map_err(|e| self.err(&format!("CreateContainer {}/{}", spec.name, c.name), e))?
                .into_inner()
                .container_id;
            self.rt
                .block_on(rs.start_container(g::StartContainerRequest {
                    container_id: id.clone(),
                }))
                .map_err(|e| self.err(&format!("StartContainer {}/{}", spec.name, c.name), e))?;
            let pid = self.pid_of(&id)?;
            pod.containers.push(ContainerState {
                name: c.name.clone(),
                id,
                pid,
            });
        }
        pod.cgroup_dirs = procs::lab_pod_cgroups()
            .into_iter()
            .filter(|d| d.ends_with(format!("pod{uid}")))
            .collect();
        Ok(pod)
    }

    /// The host pid of a container's first process (containerd's verbose `info.pid`).
    pub fn pid_of(&self, id: &str) -> Result<u32, LabError> {
        let mut rs = self.client.runtime_service();
        let resp = self
            .rt
            .block_on(rs.container_status(g::ContainerStatusRequest {
                container_id: id.into(),
                verbose: true,
            }))
            .map_err(|e| self.err("ContainerStatus", e))?
            .into_inner();
        let pid = resp
            .info
            .get("info")
            .and_then(|i| serde_json::from_str::<serde_json::Value>(i).ok())
            .and_then(|v| v["pid"].as_u64())
            .and_then(|p| u32::try_from(p).ok());
        pid.ok_or_else(|| self.err("ContainerStatus", format!("no pid for {id}")))
    }

    /// Whether the container runs now (false when it exited or was removed).
    pub fn running(&self, id: &str) -> Result<bool, LabError> {
        let list = self
            .rt
            .block_on(self.client.list_containers())
            .map_err(|e| self.err("ListContainers", e))?;
        Ok(list.iter().any(|c| c.info.id == id && c.running))
    }

    /// Stops a container (as `crictl stop` does).
    pub fn stop_container(&self, id: &str) -> Result<(), LabError> {
        let mut rs = self.client.runtime_service();
        self.rt
            .block_on(rs.stop_container(g::StopContainerRequest {
                container_id: id.into(),
                timeout: 0,
            }))
            .map_err(|e| self.err("StopContainer", e))?;
        Ok(())
    }

    /// Stops and removes every pod sandbox of the lab.
    pub fn remove_all(&self) -> Result<(), LabError> {
        let sandboxes = self
            .rt
            .block_on(self.client.list_pod_sandboxes())
            .map_err(|e| self.err("ListPodSandbox", e))?;
        let mut rs = self.client.runtime_service();
        for s in sandboxes {
            let id = s.id.clone();
            let _ = self
                .rt
                .block_on(rs.stop_pod_sandbox(g::StopPodSandboxRequest {
                    pod_sandbox_id: id.clone(),
                }));
            let _ = self
                .rt
                .block_on(rs.remove_pod_sandbox(g::RemovePodSandboxRequest { pod_sandbox_id: id }));
        }
        Ok(())
    }
}

/// A current-thread tokio runtime for the lab's CRI calls.
pub fn runtime() -> Result<tokio::runtime::Runtime, LabError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| LabError::io("tokio runtime", e))
}

fn container_config(
    pod: &PodSpec,
    c: &ContainerSpec,
    uid: &str,
    ns: g::NamespaceOption,
) -> g::ContainerConfig {
    let caps = if c.keep_default_caps {
        g::Capability {
            add_capabilities: c.caps_add.clone(),
            ..Default::default()
        }
    } else {
        g::Capability {
            drop_capabilities: vec!["ALL".into()],
            add_capabilities: c.caps_add.clone(),
            ..Default::default()
        }
    };
    let seccomp = if c.privileged || c.seccomp == "unconfined" {
        g::security_profile::ProfileType::Unconfined
    } else {
        g::security_profile::ProfileType::RuntimeDefault
    };
    g::ContainerConfig {
        metadata: Some(g::ContainerMetadata {
            name: c.name.clone(),
            attempt: 0,
        }),
        image: Some(g::ImageSpec {
            image: image_name(&pod.name, &c.name),
            ..Default::default()
        }),
        command: c.command.clone(),
        envs: c
            .env
            .iter()
            .map(|(k, v)| g::KeyValue {
                key: k.clone(),
                value: v.clone(),
            })
            .collect(),
        mounts: c
            .host_path
            .iter()
            .map(|(host, inside)| g::Mount {
                container_path: inside.clone(),
                host_path: host.clone(),
                ..Default::default()
            })
            .collect(),
        labels: labels(&[
            ("io.kubernetes.pod.name", &pod.name),
            ("io.kubernetes.pod.namespace", &pod.namespace),
            ("io.kubernetes.pod.uid", uid),
            ("io.kubernetes.container.name", &c.name),
        ]),
        tty: c.tty,
        stdin: c.tty,
        linux: Some(g::LinuxContainerConfig {
            security_context: Some(g::LinuxContainerSecurityContext {
                capabilities: (!c.privileged).then_some(caps),
                privileged: c.privileged,
                namespace_options: Some(ns),
                readonly_rootfs: c.read_only_root,
                seccomp: Some(g::SecurityProfile {
                    profile_type: seccomp as i32,
                    localhost_ref: String::new(),
                }),
                no_new_privs: !c.privileged,
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}
