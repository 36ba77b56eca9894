//! Typed errors of the kube client, with messages an operator can act on.

use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;

use super::deadline::DeadlineElapsed;

/// What went wrong talking to (or finding) the Kubernetes API server.
#[derive(Debug, Error)]
pub enum KubeError {
    /// No kubeconfig file and not running inside a pod.
    #[error(
        "no Kubernetes credentials: tried {tried}; not in a pod ({incluster}); pass --kubeconfig FILE"
    )]
    NoConfig { tried: String, incluster: String },
    /// A kubeconfig file exists but cannot be used (unreadable, bad YAML, unknown context...).
    #[error("kubeconfig {}: {source}", path.display())]
    Kubeconfig {
        path: PathBuf,
        #[source]
        source: kube::config::KubeconfigError,
    },
    /// A kubeconfig file cannot be read.
    #[error("cannot read kubeconfig {}: {source}", path.display())]
    KubeconfigRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `--context` names no context of the kubeconfig.
    #[error("no context {context:?} in kubeconfig {} (contexts: {available})", path.display())]
    UnknownContext {
        path: PathBuf,
        context: String,
        available: String,
    },
    /// The in-cluster service account could not be loaded.
    #[error("in-cluster config: {0}")]
    InCluster(#[source] kube::config::InClusterError),
    /// `--context` given while only an in-cluster config is available.
    #[error("--context {0:?} needs a kubeconfig file, but only the in-cluster config was found")]
    ContextWithoutKubeconfig(String),
    /// No node name from `--node`, `NODE_NAME` or the hostname.
    #[error("cannot tell this node's name: pass --node NAME or set NODE_NAME")]
    NoNodeName,
    /// The client could not be built (TLS material, proxy settings).
    #[error("cannot set up the Kubernetes client for {url}: {message}")]
    Client { url: String, message: String },
    /// The kubeconfig's credentials could not be used (token file, exec plugin...).
    #[error("credentials for API server {url}: {message}")]
    Auth { url: String, message: String },
    /// Connecting failed (refused, DNS, TLS handshake...).
    #[error("API server {url} unreachable: {message}")]
    Unreachable { url: String, message: String },
    /// The API server accepted the request but did not answer in time.
    #[error("API server {url} did not answer within {}s (--kube-timeout)", timeout.as_secs_f32())]
    Timeout { url: String, timeout: Duration },
    /// RBAC denied the request.
    #[error(
        "API server {url} denied access ({code}): {message}; ktriage needs get/list/watch on pods (see docs/rbac.md)"
    )]
    Forbidden {
        url: String,
        code: u16,
        message: String,
    },
    /// Any other error status from the API server.
    #[error("API server {url} answered {code} {reason}: {message}")]
    Api {
        url: String,
        code: u16,
        reason: String,
        message: String,
    },
    /// No async runtime could be started for a blocking call.
    #[error("cannot run the Kubernetes client: {0}")]
    Runtime(String),
    /// The answer could not be decoded.
    #[error("API server {url} sent an answer ktriage cannot read: {message}")]
    Decode { url: String, message: String },
}

impl KubeError {
    /// Classifies a kube client error for the API server at `url`.
    pub fn from_client(err: &kube::Error, url: &str, timeout: Duration) -> Self {
        let url = url.to_string();
        match err {
            kube::Error::Api(status) => {
                let message = status.message.clone();
                if status.code == 401 || status.code == 403 {
                    KubeError::Forbidden {
                        url,
                        code: status.code,
                        message,
                    }
                } else {
                    KubeError::Api {
                        url,
                        code: status.code,
                        reason: status.reason.clone(),
                        message,
                    }
                }
            }
            kube::Error::Auth(e) => KubeError::Auth {
                url,
                message: e.to_string(),
            },
            kube::Error::RustlsTls(e) => KubeError::Client {
                url,
                message: e.to_string(),
            },
            kube::Error::SerdeError(e) => KubeError::Decode {
                url,
                message: e.to_string(),
            },
            kube::Error::FromUtf8(e) => KubeError::Decode {
                url,
                message: e.to_string(),
            },
            other if chain_has_deadline(other) => KubeError::Timeout { url, timeout },
            other => match chain_io_error(other) {
                Some(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                    KubeError::Timeout { url, timeout }
                }
                Some(io) => KubeError::Unreachable {
                    url,
                    message: io.to_string(),
                },
                None => KubeError::Unreachable {
                    url,
                    message: innermost(other),
                },
            },
        }
    }

    /// True for errors that a retry may cure (network, timeouts, 5xx, 429).
    pub fn is_transient(&self) -> bool {
        match self {
            KubeError::Unreachable { .. } | KubeError::Timeout { .. } => true,
            KubeError::Api { code, .. } => *code >= 500 || *code == 429,
            _ => false,
        }
    }
}

fn sources<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(err), |e| e.source())
}

fn chain_has_deadline(err: &kube::Error) -> bool {
    sources(err).any(|e| e.is::<DeadlineElapsed>())
}

fn chain_io_error(err: &kube::Error) -> Option<&std::io::Error> {
    sources(err).find_map(|e| e.downcast_ref::<std::io::Error>())
}

fn innermost(err: &kube::Error) -> String {
    sources(err)
        .last()
        .map(|e| e.to_string())
        .unwrap_or_else(|| err.to_string())
}
