//! `state.json`: what a running lab is made of (daemon pid, pods, containers, cgroups) and the attempt (drill, start time, answers, hints).

use std::io::Write;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{LabDirs, LabError};
use crate::safe_fs;

/// Cap of the state file.
const STATE_CAP: u64 = 4 << 20;

/// The lab as recorded by `drill start`, updated by `answer`/`hint`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct LabState {
    /// The drill being attempted.
    pub drill: String,
    /// containerd's pid and its start time (clock ticks since boot: guards against pid reuse).
    pub daemon_pid: i32,
    pub daemon_start_ticks: u64,
    /// When the attempt started (Unix seconds).
    pub started_unix: u64,
    /// Whether the lab created `/run/containerd` (containerd's shim sockets live there).
    pub made_run_containerd: bool,
    pub pods: Vec<PodState>,
    /// Answers given so far (the last one is graded).
    #[serde(default)]
    pub answers: Vec<String>,
    /// How many hints were shown (`drill hint`, and the TUI's hint key).
    #[serde(default)]
    pub hints_shown: usize,
    /// The drill as it was started (a `--drills DIR` or imported drill runs and grades
    /// from this copy, also in the TUI, without naming its directory again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<crate::drill::spec::Drill>,
}

/// A pod of the lab.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct PodState {
    pub name: String,
    pub namespace: String,
    pub uid: String,
    pub sandbox_id: String,
    pub containers: Vec<ContainerState>,
    /// Its directory in each cgroup hierarchy (`.../kubepods/besteffort/pod<uid>`).
    pub cgroup_dirs: Vec<PathBuf>,
}

/// A container of a lab pod.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct ContainerState {
    pub name: String,
    pub id: String,
    /// Host pid of its first process.
    pub pid: u32,
}

impl LabState {
    /// Reads the state file; [`LabError::NotRunning`] when there is none.
    pub fn load(dirs: &LabDirs) -> Result<Self, LabError> {
        let path = dirs.state_file();
        let bytes = match safe_fs::read_input("", &path, STATE_CAP) {
            Ok(b) => b,
            Err(e) if e.is_not_found() => return Err(LabError::NotRunning),
            Err(e) => return Err(e.into()),
        };
        serde_json::from_slice(&bytes).map_err(|e| LabError::State {
            file: path.display().to_string(),
            detail: e.to_string(),
        })
    }

    /// Writes the state file (0600, replacing the previous one).
    pub fn save(&self, dirs: &LabDirs) -> Result<(), LabError> {
        let path = dirs.state_file();
        let mut f = safe_fs::create_output("", &path, safe_fs::Existing::Truncate)?;
        let text = serde_json::to_vec_pretty(self).map_err(|e| LabError::State {
            file: path.display().to_string(),
            detail: e.to_string(),
        })?;
        f.write_all(&text)
            .map_err(|e| LabError::io(format!("writing {}", path.display()), e))
    }

    /// The pod named `name`.
    pub fn pod(&self, name: &str) -> Option<&PodState> {
        self.pods.iter().find(|p| p.name == name)
    }

    /// The container `container` of pod `pod`.
    pub fn container(&self, pod: &str, container: &str) -> Option<&ContainerState> {
        self.pod(pod)?
            .containers
            .iter()
            .find(|c| c.name == container)
    }

    /// Seconds since the attempt started.
    pub fn elapsed_secs(&self) -> u64 {
        now_unix().saturating_sub(self.started_unix)
    }
}

/// Now, in Unix seconds.
pub fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
