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
    let builder = ClientBuilder::try_from(config).map_err(|e| KubeError::Client {
        url: url.clone(),
        message: e.to_string(),
    })?;
    let client = builder
        .with_layer(&DeadlineLayer {
            timeout: opts.timeout,
        })
        .build();
    Ok(Connection {
        client,
        url,
        node,
        origin,
        timeout: opts.timeout,
    })
}
