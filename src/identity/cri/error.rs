//! Typed errors of the CRI client.

use std::path::PathBuf;
use std::time::Duration;

/// Why a CRI call failed. The cache turns every one of these into "unknown".
#[derive(Debug, thiserror::Error)]
pub enum CriError {
    /// No socket was given and none of the well-known sockets exists.
    #[error("no CRI socket found (tried {})", tried.join(", "))]
    NoSocket {
        /// The paths looked at.
        tried: Vec<String>,
    },
    /// The socket could not be connected to (missing, refused, not a gRPC server).
    #[error("connecting to CRI socket {}: {source}", socket.display())]
    Connect {
        /// The socket.
        socket: PathBuf,
        /// The transport's error.
        #[source]
        source: tonic::transport::Error,
    },
    /// The endpoint URI was rejected (should not happen: it is a constant).
    #[error("bad CRI endpoint: {0}")]
    Endpoint(#[source] tonic::transport::Error),
    /// A call (or the connection) did not finish in time.
    #[error("CRI {op} on {} timed out after {timeout:?}", socket.display())]
    Timeout {
        /// The call (`connect`, `Version`, `ListContainers`, ...).
        op: &'static str,
        /// The socket.
        socket: PathBuf,
        /// The limit that passed.
        timeout: Duration,
    },
    /// The runtime answered with a gRPC error status.
    #[error("CRI {op} on {} failed: {} ({:?})", socket.display(), status.message(), status.code())]
    Rpc {
        /// The call.
        op: &'static str,
        /// The socket.
        socket: PathBuf,
        /// The status (boxed: `tonic::Status` is large).
        #[source]
        status: Box<tonic::Status>,
    },
    /// The runtime's answer lacked something required (e.g. an empty container status).
    #[error("CRI {op}: malformed answer: {what}")]
    Malformed {
        /// The call.
        op: &'static str,
        /// What was missing.
        what: &'static str,
    },
    /// The private tokio runtime of the sync facade could not be created.
    #[error("creating the CRI client's runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

impl CriError {
    /// True for errors that mean "nothing answers there" rather than a failed call.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::NoSocket { .. } | Self::Connect { .. } | Self::Timeout { .. } => true,
            Self::Rpc { status, .. } => status.code() == tonic::Code::Unavailable,
            _ => false,
        }
    }
}
