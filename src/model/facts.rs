//! What an engine alert knows of its process when it fires (identity and process facts), so the core can show it after the process is gone.

use super::identity::Identity;

/// One ancestor as the process model held it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ancestor {
    pub pid: u32,
    /// Task comm (untrusted).
    pub comm: String,
    /// pid inside its own pid namespace (0: unknown).
    pub vpid: u32,
}

/// The alerted process as the rule engine's process model held it (untrusted text).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProcFacts {
    pub pid: u32,
    pub ppid: u32,
    /// pid inside its own pid namespace (0: unknown).
    pub vpid: u32,
    pub comm: String,
    /// Full path of the executable (empty when unknown).
    pub exepath: String,
    /// argv as recorded at exec.
    pub argv: Vec<String>,
    pub cwd: Option<String>,
    pub uid: u32,
    pub gid: u32,
    /// Host name of `uid` (the process's own passwd is not read here).
    pub user: Option<String>,
    /// Effective capabilities.
    pub cap_eff: u64,
    /// Parents, nearest first.
    pub ancestors: Vec<Ancestor>,
    /// Container and pod, captured when the process was first seen.
    pub identity: Identity,
}
