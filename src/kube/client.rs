//! Building the kube `Client` with the per-call deadline layer.

use std::time::Duration;

use kube::client::ClientBuilder;

use super::config::{ConfigOrigin, Resolved, Sources, node_name, resolve};
use super::deadline::DeadlineLayer;
use super::{KubeError, KubeOpts};

/// A client ready for calls, and what it points at.
#[derive(Clone)]
pub struct Connection {
    pub client: kube::Client,
    /// The API server's URL (for messages).
    pub url: String,
    /// The node whose pods we follow.
    pub node: String,
    pub origin: ConfigOrigin,
    /// Bound on each call.
    pub timeout: Duration,
}

impl Connection {
    /// Classifies a client error with this connection's URL and timeout.
    pub fn error(&self, err: &kube::Error) -> KubeError {
        KubeError::from_client(err, &self.url, self.timeout)
    }

    /// The field selector for this node's pods.
    pub fn node_selector(&self) -> String {
        format!("spec.nodeName={}", self.node)
    }
}

/// Resolves configuration and node name from the process environment and builds the client.
/// Makes no API call. Must run inside a tokio runtime.
pub async fn connect(opts: &KubeOpts) -> Result<Connection, KubeError> {
    connect_with(opts, &Sources::from_env()).await
}

/// [`connect`] with an explicit environment.
pub async fn connect_with(opts: &KubeOpts, src: &Sources) -> Result<Connection, KubeError> {
    let node = node_name(opts, src)?;
    let Resolved { config, origin } = resolve(opts, src).await?;
    let url = config.cluster_url.to_string();
    let client = build_bounded(config, &url, opts.timeout).await?;
    Ok(Connection {
        client,
        url,
        node,
        origin,
        timeout: opts.timeout,
    })
}

/// `ClientBuilder::try_from` runs a kubeconfig's exec credential plugin
/// synchronously (`aws eks get-token`, `gke-gcloud-auth-plugin`...), which can
/// hang on the network: build on a detached thread, give up after `timeout`.
async fn build_bounded(
    config: kube::Config,
    url: &str,
    timeout: Duration,
) -> Result<kube::Client, KubeError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let handle = tokio::runtime::Handle::current();
    let spawned = std::thread::Builder::new()
        .name("kube-client".into())
        .spawn(move || {
            let _rt = handle.enter();
            let _ = tx.send(ClientBuilder::try_from(config));
        });
    let client_err = |message: String| KubeError::Client {
        url: url.to_string(),
        message,
    };
    spawned.map_err(|e| client_err(format!("cannot start a thread: {e}")))?;
    match tokio::time::timeout(timeout, rx).await {
        Ok(Ok(Ok(builder))) => Ok(builder.with_layer(&DeadlineLayer { timeout }).build()),
        Ok(Ok(Err(e))) => Err(client_err(e.to_string())),
        Ok(Err(_)) => Err(client_err("the client setup thread died".into())),
        Err(_) => Err(client_err(format!(
            "the credential plugin did not finish within {}s (--kube-timeout)",
            timeout.as_secs_f32()
        ))),
    }
}
