//! Kubernetes API client: the pods scheduled on this node, listed once or watched, every call bounded by a timeout.
//!
//! # Use
//!
//! ```no_run
//! # async fn demo() -> Result<(), ktriage::kube::KubeError> {
//! use ktriage::kube::{KubeOpts, PodUpdate, list_node_pods, spawn_pod_watcher};
//!
//! let opts = KubeOpts::default(); // or `KubeArgs::opts()` from the CLI flags
//!
//! // Headless commands: one list, or a typed error within `opts.timeout`.
//! let pods = list_node_pods(&opts).await?;
//!
//! // Long-running views: a background task lists then watches; updates arrive
//! // on `watch.updates`. Dropping the `PodWatch` stops the task.
//! let mut watch = spawn_pod_watcher(&opts).await?;
//! while let Some(update) = watch.updates.recv().await {
//!     match update {
//!         PodUpdate::Relisted(all) => { /* replace the whole set */ }
//!         PodUpdate::Applied(pod) => { /* insert or replace by uid */ }
//!         PodUpdate::Deleted(pod) => { /* remove by uid */ }
//!         PodUpdate::Unreachable(msg) => { /* show a banner; keep the last set */ }
//!         PodUpdate::Ready => { /* hide the banner */ }
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! Without a tokio runtime, [`list_node_pods_blocking`] does the same list.
//! [`connect`] + [`pods::list_pods`] / [`watch::spawn_on`] share one client.
//! The CLI flags (`--kubeconfig`, `--context`, `--node`, `--kube-timeout`)
//! are the binary's `cli::kube_args::KubeArgs`, to `#[command(flatten)]`.
//!
//! # Timeouts
//!
//! `opts.timeout` bounds connecting, each response's headers, each chunk of a
//! list body (see [`deadline`]) and a kubeconfig's exec credential plugin at
//! setup. Watch streams are bounded by their `timeoutSeconds` (default 60) plus
//! that timeout. Not bounded: an exec plugin re-run by kube to refresh an
//! expired token in the middle of a request.
//!
//! Configuration and the node name are resolved once (see [`config::resolve`]
//! and [`config::node_name`]): `--kubeconfig`, `KUBECONFIG`, `~/.kube/config`
//! (also the sudo user's), in-cluster, then the node's kubeconfigs
//! (`/etc/kubernetes/kubelet.conf`...); node from `--node`, `NODE_NAME`, the
//! hostname. Errors there are returned at once (no watcher is started).
//!
//! # RBAC
//!
//! Only `get`, `list` and `watch` on `pods` (cluster-wide, filtered by
//! `spec.nodeName`). A ClusterRole and binding are in `docs/rbac.md`.

pub mod client;
pub mod config;
pub mod deadline;
mod error;
pub mod pods;
pub mod summary;
pub mod watch;

use std::path::PathBuf;
use std::time::Duration;

pub use client::{Connection, connect};
pub use error::KubeError;
pub use pods::{list_node_pods, list_node_pods_blocking};
pub use watch::{PodUpdate, PodWatch, spawn_pod_watcher};

/// Default bound on each API call (connect, response, each body chunk).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// How to reach the API server and which node's pods to follow.
#[derive(Clone, Debug)]
pub struct KubeOpts {
    /// A kubeconfig file (default: see [`config::resolve`]).
    pub kubeconfig: Option<PathBuf>,
    /// A context of the kubeconfig (default: its current-context).
    pub context: Option<String>,
    /// This node's name (default: `NODE_NAME`, then the hostname).
    pub node: Option<String>,
    /// Bound on each API call.
    pub timeout: Duration,
    /// Server-side length of one watch call; the watch is then resumed.
    pub watch_timeout_secs: u32,
    /// First delay before retrying after the API server failed; doubles each time.
    pub retry_min: Duration,
    /// Longest delay between retries.
    pub retry_max: Duration,
}

impl Default for KubeOpts {
    fn default() -> Self {
        Self {
            kubeconfig: None,
            context: None,
            node: None,
            timeout: DEFAULT_TIMEOUT,
            watch_timeout_secs: 60,
            retry_min: Duration::from_millis(500),
            retry_max: Duration::from_secs(30),
        }
    }
}
