//! Where the pod specs come from and whether the Kubernetes API answers (pods pane text, banner).

/// The pod-spec source's state, as the pods pane and the banner show it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum KubeStatus {
    /// Not used: specs from `--pod-manifest`, or none asked for.
    #[default]
    Off,
    /// No API configuration (no kubeconfig, not in a pod...): why.
    Unconfigured(String),
    /// Listing, not answered yet.
    Connecting { url: String, node: String },
    /// Synced and following changes.
    Ready { url: String, node: String },
    /// The API server does not answer; the last known specs are kept.
    Unreachable { url: String, message: String },
}
