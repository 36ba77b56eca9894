//! The OCI runtime spec (`config.json`) fields ktriage reads, and the applied view made from them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The part of an OCI `config.json` ktriage reads; every other field is ignored.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OciConfig {
    pub process: Option<OciProcess>,
    pub root: Option<OciRoot>,
    pub mounts: Vec<OciMount>,
    pub annotations: BTreeMap<String, String>,
    pub linux: Option<OciLinux>,
}

/// `process`: user, capabilities, NoNewPrivileges, LSM profiles (`env` is never read).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OciProcess {
    pub user: OciUser,
    pub capabilities: Option<OciCaps>,
    pub no_new_privileges: bool,
    pub apparmor_profile: Option<String>,
    pub selinux_label: Option<String>,
}

/// `process.user`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OciUser {
    pub uid: u32,
    pub gid: u32,
    pub additional_gids: Vec<u32>,
}

/// `process.capabilities` (names with the `CAP_` prefix).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OciCaps {
    pub bounding: Vec<String>,
    pub effective: Vec<String>,
    pub permitted: Vec<String>,
}

/// `root`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OciRoot {
    pub path: String,
    pub readonly: bool,
}

/// One of `mounts`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OciMount {
    pub destination: String,
    pub source: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub options: Vec<String>,
}

/// `linux`: seccomp, masked and read-only paths, the SELinux mount label.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OciLinux {
    pub seccomp: Option<OciSeccomp>,
    pub masked_paths: Vec<String>,
    pub readonly_paths: Vec<String>,
    pub mount_label: Option<String>,
}

/// `linux.seccomp`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OciSeccomp {
    pub default_action: String,
    pub syscalls: Vec<OciSyscalls>,
}

/// One rule of `linux.seccomp.syscalls`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OciSyscalls {
    pub names: Vec<String>,
    pub action: String,
}

/// What the runtime was told to apply to a container: its OCI bundle's `config.json`, summarised.
/// Text fields are raw (a workload chose annotations and mount paths): sanitize before drawing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    /// The `config.json` read.
    pub path: String,
    /// `containerd` or `cri-o` (by where the bundle was found).
    pub runtime: String,
    pub cap_bounding: Vec<String>,
    pub cap_effective: Vec<String>,
    pub cap_permitted: Vec<String>,
    /// `None`: no seccomp filter in the spec (unconfined).
    pub seccomp: Option<AppliedSeccomp>,
    pub no_new_privs: bool,
    pub readonly_root: bool,
    pub masked_paths: Vec<String>,
    pub readonly_paths: Vec<String>,
    pub mounts: Vec<AppliedMount>,
    pub uid: u32,
    pub gid: u32,
    pub additional_gids: Vec<u32>,
    /// `process.apparmorProfile` (`None`: unconfined).
    pub apparmor_profile: Option<String>,
    /// `process.selinuxLabel`: the process's context (`None`: the runtime's own).
    pub selinux_label: Option<String>,
    /// `linux.mountLabel`: the context of the container's files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selinux_mount_label: Option<String>,
    pub annotations: BTreeMap<String, String>,
}

/// The seccomp filter the runtime was given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedSeccomp {
    /// `SCMP_ACT_ERRNO` for a RuntimeDefault profile.
    pub default_action: String,
    /// Syscall names allowed by a rule (`SCMP_ACT_ALLOW`).
    pub allowed: usize,
}

impl AppliedSeccomp {
    /// The filter allows what no rule names (`SCMP_ACT_ALLOW` by default): close to unconfined.
    pub fn allows_by_default(&self) -> bool {
        self.default_action == "SCMP_ACT_ALLOW"
    }
}

/// One mount the runtime was told to make.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedMount {
    pub destination: String,
    pub source: Option<String>,
    pub kind: Option<String>,
    pub read_only: bool,
    /// The mount options as given (`nosuid`, `rbind`, `ro`, ...).
    #[serde(default)]
    pub options: Vec<String>,
}

impl Applied {
    /// The applied view of `config` read from `path`, a bundle of `runtime`.
    pub fn from_config(config: OciConfig, path: &str, runtime: &str) -> Self {
        let process = config.process.unwrap_or_default();
        let caps = process.capabilities.unwrap_or_default();
        let linux = config.linux.unwrap_or_default();
        let seccomp = linux.seccomp.map(|s| AppliedSeccomp {
            allowed: s
                .syscalls
                .iter()
                .filter(|r| r.action == "SCMP_ACT_ALLOW")
                .map(|r| r.names.len())
                .sum(),
            default_action: s.default_action,
        });
        let mounts = config
            .mounts
            .into_iter()
            .map(|m| AppliedMount {
                read_only: m.options.iter().any(|o| o == "ro"),
                options: m.options,
                destination: m.destination,
                source: m.source,
                kind: m.kind,
            })
            .collect();
        Applied {
            path: path.to_string(),
            runtime: runtime.to_string(),
            cap_bounding: caps.bounding,
            cap_effective: caps.effective,
            cap_permitted: caps.permitted,
            seccomp,
            no_new_privs: process.no_new_privileges,
            readonly_root: config.root.is_some_and(|r| r.readonly),
            masked_paths: linux.masked_paths,
            readonly_paths: linux.readonly_paths,
            mounts,
            uid: process.user.uid,
            gid: process.user.gid,
            additional_gids: process.user.additional_gids,
            apparmor_profile: process.apparmor_profile,
            selinux_label: process.selinux_label,
            selinux_mount_label: linux.mount_label,
            annotations: config.annotations,
        }
    }
}
