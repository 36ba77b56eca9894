//! Why a lab step failed: what, where, and containerd's last log lines when it is the daemon.

/// A lab error; each names the step and the file or object.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    /// The runtime is missing (names the packages to install).
    #[error("{0}")]
    Unavailable(String),
    /// A file or directory of the lab.
    #[error(transparent)]
    File(#[from] crate::safe_fs::FileError),
    /// Another I/O step.
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// A helper command (`tar`, `ctr`) failed.
    #[error("{cmd}: {detail}")]
    Command { cmd: String, detail: String },
    /// containerd did not come up, or a CRI call failed.
    #[error("{what}: {detail}\n--- containerd log (last lines) ---\n{log}")]
    Runtime {
        what: String,
        detail: String,
        log: String,
    },
    /// The state file is not what the lab wrote.
    #[error("{file}: {detail}")]
    State { file: String, detail: String },
    /// No lab is running.
    #[error("no drill lab is running (start one with `ktriage drill start NAME`)")]
    NotRunning,
    /// Teardown left something behind.
    #[error("teardown left behind: {}", .0.join("; "))]
    Leftovers(Vec<String>),
}

impl LabError {
    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            what: what.into(),
            source,
        }
    }
}
