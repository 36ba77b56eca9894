//! Async CRI client over a unix socket: read-only queries, each bounded by a timeout.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use tokio::net::UnixStream;
use tonic::transport::{Channel, Endpoint, Uri};

use super::generated as g;
use super::generated::image_service_client::ImageServiceClient;
use super::generated::runtime_service_client::RuntimeServiceClient;
use super::{CriError, DEFAULT_SOCKETS, DEFAULT_TIMEOUT, map};
use crate::identity::{ContainerInfo, PodInfo};

/// Largest gRPC message accepted (a `ListContainers` of a busy node can pass tonic's 4 MiB default).
const MAX_MESSAGE: usize = 64 << 20;
/// Extra time the channel's own request timeout allows past the per-call timeout.
const TIMEOUT_MARGIN: Duration = Duration::from_millis(250);

/// True for statuses that only say a deadline passed (server- or channel-side).
fn is_timeout(status: &tonic::Status) -> bool {
    match status.code() {
        tonic::Code::DeadlineExceeded => true,
        // tonic's channel timeout surfaces as `Cancelled: Timeout expired`.
        tonic::Code::Cancelled => status.message().contains("Timeout expired"),
        _ => false,
    }
}

/// A container as listed, with what is needed to join it to its sandbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CriContainer {
    /// Id, names, image, labels.
    pub info: ContainerInfo,
    /// Id of the pod sandbox the container belongs to.
    pub sandbox_id: String,
    /// The pod named by the container's kubelet labels, if any.
    pub pod_from_labels: Option<PodInfo>,
    /// `CONTAINER_RUNNING` at the time of the list.
    pub running: bool,
}

/// A pod sandbox as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CriSandbox {
    /// Sandbox id.
    pub id: String,
    /// The pod, from the sandbox metadata (labels fill gaps).
    pub pod: PodInfo,
    /// `SANDBOX_READY` at the time of the list.
    pub ready: bool,
}

/// A connected CRI `runtime.v1` client. Cheap to clone (one shared HTTP/2 connection).
#[derive(Clone, Debug)]
pub struct CriClient {
    socket: PathBuf,
    timeout: Duration,
    version: g::VersionResponse,
    runtime: RuntimeServiceClient<Channel>,
    images: ImageServiceClient<Channel>,
    /// Calls made (shared by clones, and with the cache that connected it).
    calls: Arc<AtomicU64>,
}

/// Opens an HTTP/2 channel to a unix socket; every request on it is limited to `timeout`.
pub(crate) async fn unix_channel(socket: &Path, timeout: Duration) -> Result<Channel, CriError> {
    // The authority is never resolved: the connector below ignores the URI. The channel's
    // own request timeout bounds callers of the raw generated clients; it is a little longer
    // than `timeout` so that `CriClient::call`'s own (typed) timeout fires first.
    let endpoint = Endpoint::try_from("http://cri.local")
        .map_err(CriError::Endpoint)?
        .connect_timeout(timeout)
        .timeout(timeout + TIMEOUT_MARGIN);
    let path = socket.to_path_buf();
    let connector = tower::service_fn(move |_: Uri| {
        let path = path.clone();
        async move { UnixStream::connect(path).await.map(TokioIo::new) }
    });
    match tokio::time::timeout(timeout, endpoint.connect_with_connector(connector)).await {
        Err(_) => Err(CriError::Timeout {
            op: "connect",
            socket: socket.to_path_buf(),
            timeout,
        }),
        Ok(Err(source)) => Err(CriError::Connect {
            socket: socket.to_path_buf(),
            source,
        }),
        Ok(Ok(ch)) => Ok(ch),
    }
}

impl CriClient {
    /// Connects to `socket`, or when `None` to the first of [`DEFAULT_SOCKETS`] that exists and
    /// answers `Version`. Uses [`DEFAULT_TIMEOUT`] for connecting and for every later call.
    pub async fn connect(socket: Option<&Path>) -> Result<Self, CriError> {
        Self::connect_with_timeout(socket, DEFAULT_TIMEOUT).await
    }

    /// [`CriClient::connect`] with another per-call timeout.
    pub async fn connect_with_timeout(
        socket: Option<&Path>,
        timeout: Duration,
    ) -> Result<Self, CriError> {
        Self::connect_counted(socket, timeout, Arc::default()).await
    }

    /// [`CriClient::connect_with_timeout`] counting every call (connecting's `Version`
    /// included) in `calls`, which the caller may share between connections.
    pub async fn connect_counted(
        socket: Option<&Path>,
        timeout: Duration,
        calls: Arc<AtomicU64>,
    ) -> Result<Self, CriError> {
        if let Some(s) = socket {
            return Self::connect_one(s, timeout, calls).await;
        }
        let mut seen: Vec<PathBuf> = Vec::new();
        let mut last_err = None;
        for cand in DEFAULT_SOCKETS.iter().map(Path::new) {
            // `/var/run` is usually a symlink to `/run`: try each real socket once.
            let Ok(real) = cand.canonicalize() else {
                continue;
            };
            if seen.contains(&real) {
                continue;
            }
            seen.push(real);
            match Self::connect_one(cand, timeout, calls.clone()).await {
                Ok(c) => return Ok(c),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(|| CriError::NoSocket {
            tried: DEFAULT_SOCKETS.iter().map(|s| s.to_string()).collect(),
        }))
    }

    async fn connect_one(
        socket: &Path,
        timeout: Duration,
        calls: Arc<AtomicU64>,
    ) -> Result<Self, CriError> {
        let ch = unix_channel(socket, timeout).await?;
        let mut client = Self {
            socket: socket.to_path_buf(),
            timeout,
            version: g::VersionResponse::default(),
            runtime: RuntimeServiceClient::new(ch.clone()).max_decoding_message_size(MAX_MESSAGE),
            images: ImageServiceClient::new(ch).max_decoding_message_size(MAX_MESSAGE),
            calls,
        };
        let mut rt = client.runtime.clone();
        let req = g::VersionRequest {
            version: "v1".into(),
        };
        client.version = client.call("Version", rt.version(req)).await?;
        Ok(client)
    }

    /// Runs one call under the timeout and types its error.
    async fn call<T>(
        &self,
        op: &'static str,
        fut: impl Future<Output = Result<tonic::Response<T>, tonic::Status>>,
    ) -> Result<T, CriError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        match tokio::time::timeout(self.timeout, fut).await {
            Err(_) => Err(CriError::Timeout {
                op,
                socket: self.socket.clone(),
                timeout: self.timeout,
            }),
            Ok(Err(status)) if is_timeout(&status) => Err(CriError::Timeout {
                op,
                socket: self.socket.clone(),
                timeout: self.timeout,
            }),
            Ok(Err(status)) => Err(CriError::Rpc {
                op,
                socket: self.socket.clone(),
                status: Box::new(status),
            }),
            Ok(Ok(resp)) => Ok(resp.into_inner()),
        }
    }

    /// Calls made through this client's counter (see [`CriClient::connect_counted`]).
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The socket this client talks to.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The per-call timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The runtime's `Version` answer, taken when connecting.
    pub fn version(&self) -> &g::VersionResponse {
        &self.version
    }

    /// The runtime's name (`containerd`, `cri-o`), if it gave one.
    pub fn runtime_name(&self) -> Option<&str> {
        Some(self.version.runtime_name.as_str()).filter(|s| !s.is_empty())
    }

    /// The full generated `RuntimeService` client on this connection (it can also write:
    /// tests use it to create pods). Requests on it share the per-call timeout.
    pub fn runtime_service(&self) -> RuntimeServiceClient<Channel> {
        self.runtime.clone()
    }

    /// The full generated `ImageService` client on this connection.
    pub fn image_service(&self) -> ImageServiceClient<Channel> {
        self.images.clone()
    }

    /// Every container (running or not); an image known only by id is named via `ListImages`.
    pub async fn list_containers(&self) -> Result<Vec<CriContainer>, CriError> {
        let mut rt = self.runtime.clone();
        let req = g::ListContainersRequest { filter: None };
        let items = self
            .call("ListContainers", rt.list_containers(req))
            .await?
            .containers;
        let names = if map::needs_image_names(&items) {
            // Best effort: without it images stay ids, which is still true.
            self.image_names().await.unwrap_or_default()
        } else {
            HashMap::new()
        };
        let running = g::ContainerState::ContainerRunning as i32;
        Ok(items
            .iter()
            .map(|c| CriContainer {
                info: map::from_list(c, self.runtime_name(), &names),
                sandbox_id: c.pod_sandbox_id.clone(),
                pod_from_labels: map::pod_from_labels(&c.labels),
                running: c.state == running,
            })
            .collect())
    }

    async fn image_names(&self) -> Result<HashMap<String, String>, CriError> {
        let mut img = self.images.clone();
        let req = g::ListImagesRequest { filter: None };
        let images = self.call("ListImages", img.list_images(req)).await?.images;
        Ok(map::image_names(&images))
    }

    /// Every pod sandbox (ready or not).
    pub async fn list_pod_sandboxes(&self) -> Result<Vec<CriSandbox>, CriError> {
        let mut rt = self.runtime.clone();
        let req = g::ListPodSandboxRequest { filter: None };
        let items = self
            .call("ListPodSandbox", rt.list_pod_sandbox(req))
            .await?
            .items;
        let ready = g::PodSandboxState::SandboxReady as i32;
        Ok(items
            .iter()
            .map(|sb| CriSandbox {
                id: sb.id.clone(),
                pod: map::pod_from_sandbox(sb),
                ready: sb.state == ready,
            })
            .collect())
    }

    /// One container's status; the pod comes from its kubelet labels.
    pub async fn container_status(
        &self,
        id: &str,
    ) -> Result<(ContainerInfo, Option<PodInfo>), CriError> {
        let mut rt = self.runtime.clone();
        let req = g::ContainerStatusRequest {
            container_id: id.to_string(),
            verbose: false,
        };
        let status = self
            .call("ContainerStatus", rt.container_status(req))
            .await?
            .status
            .ok_or(CriError::Malformed {
                op: "ContainerStatus",
                what: "no status",
            })?;
        let pod = map::pod_from_labels(&status.labels);
        Ok((map::from_status(&status, self.runtime_name()), pod))
    }

    /// Every container joined to its pod: sandbox metadata first, kubelet labels fill gaps.
    /// Three calls at most (`ListContainers`, `ListPodSandbox`, and `ListImages` if needed).
    pub async fn containers(&self) -> Result<Vec<(ContainerInfo, Option<PodInfo>)>, CriError> {
        let containers = self.list_containers().await?;
        let sandboxes: HashMap<String, PodInfo> = self
            .list_pod_sandboxes()
            .await?
            .into_iter()
            .map(|s| (s.id, s.pod))
            .collect();
        Ok(containers
            .into_iter()
            .map(|c| {
                let pod = map::merge_pod(sandboxes.get(&c.sandbox_id).cloned(), c.pod_from_labels);
                (c.info, pod)
            })
            .collect())
    }
}
