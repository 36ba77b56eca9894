//! A drill as data (`drills/<name>/drill.toml`): statement, time limit, hints, the pods to set up, the checks that grade it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One drill, as its `drill.toml` says.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Drill {
    /// Short name (`etcd-data-fd`); the directory name when loaded from disk.
    #[serde(default)]
    pub name: String,
    /// One line for `drill list`.
    pub title: String,
    /// The task, in the exam's words. `{lab}` stands for the lab directory.
    pub statement: String,
    /// Seconds allowed.
    pub time_limit: u64,
    /// Hints, shown one at a time.
    #[serde(default)]
    pub hints: Vec<String>,
    /// Files put in the lab's work directory at start (name -> content), e.g. a rules file to edit.
    #[serde(default)]
    pub work_files: BTreeMap<String, String>,
    /// The pods the lab runs for it.
    #[serde(default)]
    pub pods: Vec<PodSpec>,
    /// What grading checks; each failed check says why.
    pub checks: Vec<Check>,
}

/// A pod of the lab (host network, kubelet-style labels, `kubepods/besteffort/pod<uid>`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PodSpec {
    pub name: String,
    #[serde(default = "default_namespace")]
    pub namespace: String,
    /// Pod labels besides the kubelet's.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    pub containers: Vec<ContainerSpec>,
}

fn default_namespace() -> String {
    "default".into()
}

/// A container: busybox image plus `files`, run with `command` and these security options.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ContainerSpec {
    pub name: String,
    /// argv; busybox applets are on PATH (`sh`, `sleep`, `nc`, `cat`, ...).
    pub command: Vec<String>,
    /// Environment (`{random}` in a value becomes a fresh random word at setup).
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Files in the image: absolute path -> content (`{random}` as in `env`).
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// A terminal (`tty: true` in the pod spec).
    #[serde(default)]
    pub tty: bool,
    #[serde(default)]
    pub privileged: bool,
    #[serde(default)]
    pub read_only_root: bool,
    /// Capabilities added (names without `CAP_`); all others dropped unless `keep_default_caps`.
    #[serde(default)]
    pub caps_add: Vec<String>,
    /// Keep the runtime's default capability set (no drop ALL).
    #[serde(default)]
    pub keep_default_caps: bool,
    /// `runtime-default` (the default) or `unconfined`.
    #[serde(default = "default_seccomp")]
    pub seccomp: String,
    /// A hostPath volume: host path -> container path.
    #[serde(default)]
    pub host_path: Option<(String, String)>,
}

fn default_seccomp() -> String {
    "runtime-default".into()
}

/// One check of a drill's grade.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// The answer holds the value of env `var` of the live container.
    AnswerEnv {
        pod: String,
        container: String,
        var: String,
    },
    /// The answer holds the content (trimmed) of `path` inside the live container.
    AnswerFile {
        pod: String,
        container: String,
        path: String,
    },
    /// The answer holds the fd number the container's process has open on `path`.
    AnswerFd {
        pod: String,
        container: String,
        path: String,
    },
    /// The answer names `syscall` (the container's most frequent one) and a count within
    /// `tolerance_pct` of its calls in `window_secs`: the container writes its rate (calls of
    /// `syscall` per second, a number) to `per_second_file` at start.
    AnswerSyscallCount {
        pod: String,
        container: String,
        syscall: String,
        per_second_file: String,
        window_secs: u64,
        tolerance_pct: u64,
    },
    /// The answer names the pod whose process runs on a terminal.
    AnswerTtyPod,
    /// The answer names the pod whose process listens on TCP `port`, and that process's pid.
    AnswerListener { port: u16 },
    /// The answer names the pod whose container runs a binary deleted from disk.
    AnswerDeletedExePod,
    /// The answer names `pod` (the one the setup made misbehave), which must still exist.
    AnswerPod { pod: String },
    /// The answer holds the seccomp mode (`filter`/`2`, ...) of the container's process.
    AnswerSeccomp { pod: String, container: String },
    /// The answer holds the effective capabilities (comma-separated `CAP_` names) of the container's process.
    AnswerCaps { pod: String, container: String },
    /// The answer lists exactly the pods that are not immutable (from their manifests).
    AnswerMutablePods,
    /// The container's first process's write below a binary directory (`path`), replayed
    /// through the rule engine with the shipped rules and `rules_file` (in the lab's work
    /// directory), raises the alert that `reference` (a rules file) raises: same priority, same output.
    RuleAlert {
        pod: String,
        container: String,
        path: String,
        rules_file: String,
        reference: String,
    },
    /// These containers are stopped.
    Stopped { pod: String, container: String },
    /// Every other container of the lab still runs.
    OthersRunning,
    /// Every non-immutable pod is stopped, every immutable one still runs.
    MutablePodsStopped,
    /// A shell script exits 0 (an imported killercoda step's `verify`; see [`super::verify`]
    /// for its environment). `name` names it in reasons.
    VerifyScript {
        name: String,
        script: String,
        #[serde(default = "default_verify_timeout")]
        timeout_secs: u64,
    },
}

fn default_verify_timeout() -> u64 {
    30
}
