//! A real pod for tests: private containerd + runc, hand-built busybox images, pod `team-a/web-0` made through our CRI client.
//!
//! Include it with `#[path = "support/containerd.rs"] mod containerd;` and start with
//! [`ContainerdPod::start`] after [`containerd_available`]. Needs root and the Debian
//! packages `containerd runc busybox-static`. Everything it creates (temp dir, daemon,
//! shims, mounts, `kubepods/...` cgroups, `/run/containerd` leftovers) goes on drop.
#![allow(dead_code)]

use std::collections::HashMap;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ktriage::identity::cri::CriClient;
use ktriage::identity::cri::generated as g;
use serde_json::json;

pub const POD_NAME: &str = "web-0";
pub const POD_NAMESPACE: &str = "team-a";
pub const CONTAINER_NAME: &str = "web";
pub const APP_IMAGE: &str = "docker.io/ktriage/web-app:1.0";
pub const PAUSE_IMAGE: &str = "registry.k8s.io/pause:3.6";
pub const SECRET_ENV: (&str, &str) = ("SECRET_TOKEN", "s3cr3t-value-123");
pub const PLAIN_ENV: (&str, &str) = ("PLAIN", "visible");
/// `/app/config.txt` of the app image.
pub const CONFIG_TXT: &str = "hello from web-0\n";
/// The container's own `/etc/shadow` (`/app/shadow-link` points at it).
pub const CONTAINER_SHADOW: &str = "container-shadow\n";
const BUSYBOX: &str = "/bin/busybox";
const RUN_CONTAINERD: &str = "/run/containerd";

/// True when a real containerd pod can be made. Otherwise says why loudly; under CI=true
/// that is a failure (same rule as `bpf_available`).
pub fn containerd_available(test: &str) -> bool {
    let missing = why_unavailable();
    let Some(why) = missing else { return true };
    let msg = format!(
        "SKIPPED {test}: needs root and `apt-get install containerd runc busybox-static`: {why}"
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{msg} (a skip is a failure under CI=true)");
    }
    eprintln!("\n!!!!!!!! {msg} !!!!!!!!\n");
    false
}

fn why_unavailable() -> Option<String> {
    // what the drill lab needs (root, containerd, runc, ctr, tar, a static busybox), and sha256sum
    ktriage::drill::lab::unavailable().or_else(|| {
        which("sha256sum")
            .is_none()
            .then(|| "`sha256sum` not in PATH".to_string())
    })
}

fn which(bin: &str) -> Option<PathBuf> {
    ktriage::drill::lab::which(bin)
}

/// One running pod `team-a/web-0` with one container `web` (`sleep 3600`) on a private containerd.
pub struct ContainerdPod {
    /// Host pid of the container's process (`sleep 3600`).
    pub pid: u32,
    pub container_id: String,
    pub sandbox_id: String,
    pub pod_uid: String,
    pub pod_name: String,
    pub namespace: String,
    pub container_name: String,
    /// The app image reference (`APP_IMAGE`).
    pub image: String,
    /// Its id (`sha256:...`); CreateContainer was given this id, like the kubelet does.
    pub image_id: String,
    /// The private containerd's CRI socket.
    pub socket: PathBuf,
    /// containerd's `state` dir: bundles are `<state>/io.containerd.runtime.v2.task/k8s.io/<id>/`.
    pub state_dir: PathBuf,
    /// The container's cgroup v2 path (`/kubepods/besteffort/pod<uid>/<id>`).
    pub cgroup: String,
    dir: PathBuf,
    daemon: Option<Child>,
    rt: Option<tokio::runtime::Runtime>,
    client: Option<CriClient>,
    pod_cgroup_dirs: Vec<PathBuf>,
    run_containerd_existed: bool,
}

impl ContainerdPod {
    /// Starts containerd, imports the images and runs the pod (~1 s). Panics on failure,
    /// after cleaning up what was made.
    pub fn start() -> Self {
        let t = Instant::now();
        let dir = tempfile::Builder::new()
            .prefix("ktriage-ctrd-")
            .tempdir()
            .expect("temp dir")
            .keep();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        let mut pod = Self {
            pid: 0,
            container_id: String::new(),
            sandbox_id: String::new(),
            pod_uid: std::fs::read_to_string("/proc/sys/kernel/random/uuid")
                .expect("uuid")
                .trim()
                .to_string(),
            pod_name: POD_NAME.into(),
            namespace: POD_NAMESPACE.into(),
            container_name: CONTAINER_NAME.into(),
            image: APP_IMAGE.into(),
            image_id: String::new(),
            socket: dir.join("containerd.sock"),
            state_dir: dir.join("state"),
            cgroup: String::new(),
            dir,
            daemon: None,
            rt: Some(rt),
            client: None,
            pod_cgroup_dirs: Vec::new(),
            run_containerd_existed: Path::new(RUN_CONTAINERD).exists(),
        };
        pod.spawn_daemon();
        pod.import_image(PAUSE_IMAGE, &["/bin/sleep", "86400"], false);
        pod.import_image(APP_IMAGE, &["/bin/sh"], true);
        pod.run_pod();
        eprintln!("containerd pod up in {:?}: pid {}", t.elapsed(), pod.pid);
        pod
    }

    fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.as_ref().expect("runtime").block_on(f)
    }

    fn spawn_daemon(&mut self) {
        // The lab's config with every directory in ours (its own ttrpc socket too).
        let dirs = ktriage::drill::lab::LabDirs {
            run: self.dir.clone(),
            root: self.dir.clone(),
        };
        let config = ktriage::drill::lab::config_toml(&dirs, PAUSE_IMAGE);
        let cfg = self.dir.join("config.toml");
        std::fs::write(&cfg, config).expect("write config.toml");
        let log = std::fs::File::create(self.dir.join("containerd.log")).expect("log file");
        let child = Command::new("containerd")
            .arg("--config")
            .arg(&cfg)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log fd"))
            .stderr(log)
            .spawn()
            .expect("spawning containerd");
        self.daemon = Some(child);
        let end = Instant::now() + Duration::from_secs(15);
        let client = loop {
            if let Some(st) = self
                .daemon
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("containerd exited ({st}):\n{}", self.log_tail());
            }
            if self.socket.exists()
                && let Ok(c) = self.block_on(CriClient::connect_with_timeout(
                    Some(&self.socket),
                    Duration::from_secs(20),
                ))
            {
                break c;
            }
            assert!(
                Instant::now() < end,
                "containerd not ready:\n{}",
                self.log_tail()
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        self.client = Some(client);
    }

    /// containerd's log, last lines (for failure messages).
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("containerd.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// Builds an OCI image archive from busybox by hand and imports it with `ctr`.
    fn import_image(&self, name: &str, cmd: &[&str], app: bool) {
        let tag = name.rsplit(':').next().unwrap_or("latest");
        let work = self
            .dir
            .join(format!("img-{}", if app { "app" } else { "pause" }));
        let rootfs = work.join("rootfs");
        let layout = work.join("layout");
        let blobs = layout.join("blobs/sha256");
        for d in [
            rootfs.join("bin"),
            rootfs.join("etc"),
            rootfs.join("tmp"),
            blobs.clone(),
        ] {
            std::fs::create_dir_all(d).expect("mkdir");
        }
        std::fs::copy(BUSYBOX, rootfs.join("bin/busybox")).expect("copy busybox");
        for applet in ["sh", "sleep", "cat", "ls", "id", "env", "ps", "readlink"] {
            symlink("busybox", rootfs.join("bin").join(applet)).expect("applet link");
        }
        if app {
            std::fs::create_dir_all(rootfs.join("app")).expect("mkdir app");
            std::fs::write(rootfs.join("app/config.txt"), CONFIG_TXT).expect("config.txt");
            symlink("/etc/shadow", rootfs.join("app/shadow-link")).expect("shadow link");
            let shadow = rootfs.join("etc/shadow");
            std::fs::write(&shadow, CONTAINER_SHADOW).expect("shadow");
            std::fs::set_permissions(&shadow, std::fs::Permissions::from_mode(0o640))
                .expect("chmod shadow");
            std::fs::write(
                rootfs.join("etc/passwd"),
                "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n",
            )
            .expect("passwd");
            std::fs::write(rootfs.join("etc/group"), "root:x:0:\napp:x:1000:\n").expect("group");
        }
        let layer = work.join("layer.tar");
        run(Command::new("tar")
            .args(["--numeric-owner", "--owner=0", "--group=0", "-C"])
            .arg(&rootfs)
            .arg("-cf")
            .arg(&layer)
            .arg("."));
        let layer_desc = add_blob(&blobs, &layer, "application/vnd.oci.image.layer.v1.tar");
        let arch = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            other => other,
        };
        let config = json!({
            "architecture": arch, "os": "linux",
            "config": {
                "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                "Cmd": cmd,
                "WorkingDir": if app { "/app" } else { "/" },
            },
            "rootfs": { "type": "layers", "diff_ids": [layer_desc["digest"]] },
        });
        let config_desc = add_json_blob(
            &blobs,
            &work,
            &config,
            "application/vnd.oci.image.config.v1+json",
        );
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": config_desc,
            "layers": [layer_desc],
        });
        let mut man_desc = add_json_blob(
            &blobs,
            &work,
            &manifest,
            "application/vnd.oci.image.manifest.v1+json",
        );
        man_desc["platform"] = json!({ "architecture": arch, "os": "linux" });
        man_desc["annotations"] = json!({
            "io.containerd.image.name": name,
            "org.opencontainers.image.ref.name": tag,
        });
        let index = json!({ "schemaVersion": 2, "manifests": [man_desc] });
        std::fs::write(layout.join("index.json"), index.to_string()).expect("index.json");
        std::fs::write(
            layout.join("oci-layout"),
            r#"{"imageLayoutVersion":"1.0.0"}"#,
        )
        .expect("oci-layout");
        let archive = work.join("image.tar");
        run(Command::new("tar")
            .arg("-C")
            .arg(&layout)
            .arg("-cf")
            .arg(&archive)
            .args(["oci-layout", "index.json", "blobs"]));
        run(Command::new("ctr")
            .arg("--address")
            .arg(&self.socket)
            .args(["-n", "k8s.io", "images", "import"])
            .arg(&archive));
    }
}

/// Runs a command to success, or panics with its output.
fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn labels(kv: &[(&str, &str)]) -> HashMap<String, String> {
    kv.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn kv(k: &str, v: &str) -> g::KeyValue {
    g::KeyValue {
        key: k.into(),
        value: v.into(),
    }
}

impl ContainerdPod {
    fn client(&self) -> &CriClient {
        self.client.as_ref().expect("CRI client")
    }

    /// RunPodSandbox → CreateContainer → StartContainer through the generated client.
    fn run_pod(&mut self) {
        let mut rs = self.client().runtime_service();
        let mut is = self.client().image_service();
        let image = self
            .block_on(is.image_status(g::ImageStatusRequest {
                image: Some(g::ImageSpec {
                    image: APP_IMAGE.into(),
                    ..Default::default()
                }),
                verbose: false,
            }))
            .expect("ImageStatus")
            .into_inner()
            .image
            .unwrap_or_else(|| panic!("{APP_IMAGE} not imported:\n{}", self.log_tail()));
        self.image_id = image.id;
        let uid = self.pod_uid.clone();
        let pod_labels = labels(&[
            ("io.kubernetes.pod.name", POD_NAME),
            ("io.kubernetes.pod.namespace", POD_NAMESPACE),
            ("io.kubernetes.pod.uid", &uid),
            ("app", "web"),
        ]);
        let node = g::NamespaceMode::Node as i32;
        let sandbox_config = g::PodSandboxConfig {
            metadata: Some(g::PodSandboxMetadata {
                name: POD_NAME.into(),
                uid: uid.clone(),
                namespace: POD_NAMESPACE.into(),
                attempt: 0,
            }),
            hostname: String::new(),
            labels: pod_labels,
            annotations: labels(&[("kubernetes.io/config.source", "api")]),
            linux: Some(g::LinuxPodSandboxConfig {
                cgroup_parent: format!("kubepods/besteffort/pod{uid}"),
                security_context: Some(g::LinuxSandboxSecurityContext {
                    namespace_options: Some(g::NamespaceOption {
                        network: node,
                        pid: g::NamespaceMode::Container as i32,
                        ipc: g::NamespaceMode::Pod as i32,
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let resp = self.block_on(rs.run_pod_sandbox(g::RunPodSandboxRequest {
            config: Some(sandbox_config.clone()),
            runtime_handler: String::new(),
        }));
        self.sandbox_id = resp
            .unwrap_or_else(|e| panic!("RunPodSandbox: {e}\n{}", self.log_tail()))
            .into_inner()
            .pod_sandbox_id;
        let container_config = g::ContainerConfig {
            metadata: Some(g::ContainerMetadata {
                name: CONTAINER_NAME.into(),
                attempt: 0,
            }),
            // Like the kubelet: the image by id.
            image: Some(g::ImageSpec {
                image: self.image_id.clone(),
                ..Default::default()
            }),
            command: vec!["sleep".into(), "3600".into()],
            envs: vec![kv(SECRET_ENV.0, SECRET_ENV.1), kv(PLAIN_ENV.0, PLAIN_ENV.1)],
            labels: labels(&[
                ("io.kubernetes.pod.name", POD_NAME),
                ("io.kubernetes.pod.namespace", POD_NAMESPACE),
                ("io.kubernetes.pod.uid", &uid),
                ("io.kubernetes.container.name", CONTAINER_NAME),
            ]),
            linux: Some(g::LinuxContainerConfig {
                security_context: Some(g::LinuxContainerSecurityContext {
                    capabilities: Some(g::Capability {
                        drop_capabilities: vec!["ALL".into()],
                        add_capabilities: vec!["NET_BIND_SERVICE".into()],
                        ..Default::default()
                    }),
                    namespace_options: Some(g::NamespaceOption {
                        network: node,
                        pid: g::NamespaceMode::Container as i32,
                        ipc: g::NamespaceMode::Pod as i32,
                        ..Default::default()
                    }),
                    seccomp: Some(g::SecurityProfile {
                        profile_type: g::security_profile::ProfileType::RuntimeDefault as i32,
                        localhost_ref: String::new(),
                    }),
                    // What the kubelet sends for allowPrivilegeEscalation: false.
                    no_new_privs: true,
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let resp = self.block_on(rs.create_container(g::CreateContainerRequest {
            pod_sandbox_id: self.sandbox_id.clone(),
            config: Some(container_config),
            sandbox_config: Some(sandbox_config),
        }));
        self.container_id = resp
            .unwrap_or_else(|e| panic!("CreateContainer: {e}\n{}", self.log_tail()))
            .into_inner()
            .container_id;
        let resp = self.block_on(rs.start_container(g::StartContainerRequest {
            container_id: self.container_id.clone(),
        }));
        if let Err(e) = resp {
            panic!("StartContainer: {e}\n{}", self.log_tail());
        }
        self.pid = self.find_pid();
        self.record_cgroups();
    }

    /// The host pid, from ContainerStatus' verbose info (containerd: `info.pid`).
    fn find_pid(&self) -> u32 {
        let mut rs = self.client().runtime_service();
        let resp = self
            .block_on(rs.container_status(g::ContainerStatusRequest {
                container_id: self.container_id.clone(),
                verbose: true,
            }))
            .expect("ContainerStatus")
            .into_inner();
        let info = resp.info.get("info").expect("verbose info");
        let v: serde_json::Value = serde_json::from_str(info).expect("info JSON");
        let pid = v["pid"].as_u64().expect("info.pid");
        u32::try_from(pid).expect("pid fits u32")
    }

    /// Remembers the pod's cgroup directory in every hierarchy, for removal on drop.
    fn record_cgroups(&mut self) {
        let cg = std::fs::read_to_string(format!("/proc/{}/cgroup", self.pid)).expect("cgroup");
        let mounts = cleanup::cgroup_mounts();
        for line in cg.lines() {
            let mut f = line.splitn(3, ':');
            let (Some(hid), Some(ctrls), Some(path)) = (f.next(), f.next(), f.next()) else {
                continue;
            };
            if hid == "0" {
                self.cgroup = path.to_string();
            }
            let mount = mounts.iter().find(|(v2, opts, _)| {
                if hid == "0" {
                    *v2
                } else {
                    !*v2 && !ctrls.is_empty()
                        && ctrls.split(',').all(|c| opts.contains(&c.to_string()))
                }
            });
            let Some((_, _, dir)) = mount else { continue };
            let full = dir.join(path.trim_start_matches('/'));
            if let Some(pod_dir) = full.parent()
                && !self.pod_cgroup_dirs.iter().any(|d| d == pod_dir)
            {
                self.pod_cgroup_dirs.push(pod_dir.to_path_buf());
            }
        }
    }

    /// The OCI bundle directory of the container (holds `config.json`).
    pub fn bundle_dir(&self) -> PathBuf {
        self.state_dir
            .join("io.containerd.runtime.v2.task/k8s.io")
            .join(&self.container_id)
    }

    fn teardown_pod(&mut self) {
        let Some(client) = self.client.take() else {
            return;
        };
        let mut rs = client.runtime_service();
        let rt = self.rt.as_ref().expect("runtime");
        if !self.container_id.is_empty() {
            let id = self.container_id.clone();
            let _ = rt.block_on(rs.stop_container(g::StopContainerRequest {
                container_id: id.clone(),
                timeout: 0,
            }));
            let _ =
                rt.block_on(rs.remove_container(g::RemoveContainerRequest { container_id: id }));
        }
        if !self.sandbox_id.is_empty() {
            let id = self.sandbox_id.clone();
            let _ = rt.block_on(rs.stop_pod_sandbox(g::StopPodSandboxRequest {
                pod_sandbox_id: id.clone(),
            }));
            let _ = rt
                .block_on(rs.remove_pod_sandbox(g::RemovePodSandboxRequest { pod_sandbox_id: id }));
        }
    }
}

#[path = "containerd_cleanup.rs"]
mod cleanup;
#[path = "containerd_exec.rs"]
mod exec;
#[path = "containerd_oci.rs"]
mod oci;
use oci::{add_blob, add_json_blob};
