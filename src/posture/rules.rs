//! The checks: static ones on a declared container or pod, and declared-vs-observed ones on one process.

use super::declared::{Declared, VolumeKind};
use super::finding::{Finding, Rule, Severity};
use super::observed::Observed;
use crate::inspect::caps;

/// Capabilities that break out of a container or the node when added.
const DANGEROUS_CAPS: [&str; 10] = [
    "SYS_ADMIN",
    "SYS_MODULE",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "NET_ADMIN",
    "DAC_READ_SEARCH",
    "BPF",
    "PERFMON",
    "SYS_BOOT",
    "MAC_ADMIN",
];
/// Host paths that hand over the node (equal or below, except `/` which is exact).
const SENSITIVE_DIRS: [&str; 12] = [
    "/proc",
    "/sys",
    "/etc",
    "/dev",
    "/root",
    "/boot",
    "/var/lib/kubelet",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/run/containerd",
    "/var/run/containerd",
    "/var/run/crio",
];
/// Directories that hold runtime sockets (exact match).
const SOCKET_DIRS: [&str; 3] = ["/var/run", "/run", "/run/crio"];

/// A capability name without `CAP_`, upper case.
fn short_cap(name: &str) -> String {
    let up = name.trim().to_ascii_uppercase();
    up.strip_prefix("CAP_").unwrap_or(&up).to_string()
}

fn cap_mask(names: &[String]) -> u64 {
    names
        .iter()
        .map(|n| {
            if n.eq_ignore_ascii_case("ALL") {
                u64::MAX
            } else {
                caps::cap_bit(n).map_or(0, |b| 1u64 << b)
            }
        })
        .fold(0, |a, b| a | b)
}

/// The capabilities the declaration allows: everything when privileged, else
/// (the runtime default, or nothing after `drop: [ALL]`) minus drops plus adds.
pub fn allowed_caps(d: &Declared) -> u64 {
    if d.is_privileged() {
        return u64::MAX;
    }
    let base = if d.drops_all() {
        0
    } else {
        caps::RUNTIME_DEFAULT & !cap_mask(&d.capabilities_drop)
    };
    base | cap_mask(&d.capabilities_add)
}

/// Whether a host path is sensitive, and why.
pub fn sensitive_host_path(path: &str) -> Option<&'static str> {
    let p = path.trim_end_matches('/');
    if p.is_empty() {
        return Some("the host's root filesystem");
    }
    let file = p.rsplit('/').next().unwrap_or(p);
    if crate::inspect::mounts::RUNTIME_SOCKETS.contains(&file) || SOCKET_DIRS.contains(&p) {
        return Some("a container runtime socket");
    }
    SENSITIVE_DIRS
        .iter()
        .find(|d| p == **d || p.strip_prefix(**d).is_some_and(|r| r.starts_with('/')))
        .map(|_| "a sensitive host directory")
}

/// Static checks of one container.
pub fn static_container(d: &Declared) -> Vec<Finding> {
    let c = Some(d.container.as_str());
    let mut out = Vec::new();
    if d.is_privileged() {
        out.push(Finding::new(
            Rule::Privileged,
            Severity::Critical,
            c,
            "privileged: true gives the container every capability and the host's devices",
            "securityContext:\n  privileged: false",
        ));
    }
    let dangerous: Vec<String> = d
        .capabilities_add
        .iter()
        .map(|a| short_cap(a))
        .filter(|a| a == "ALL" || DANGEROUS_CAPS.contains(&a.as_str()))
        .collect();
    if !dangerous.is_empty() {
        let critical = dangerous.iter().any(|a| a == "SYS_ADMIN" || a == "ALL");
        out.push(Finding::new(
            Rule::DangerousCapability,
            if critical {
                Severity::Critical
            } else {
                Severity::High
            },
            c,
            format!("capabilities.add grants {}", dangerous.join(", ")),
            "securityContext:\n  capabilities:\n    drop: [\"ALL\"]\n    add: []  # only what the app needs, e.g. NET_BIND_SERVICE",
        ));
    }
    if !d.drops_all() {
        out.push(Finding::new(
            Rule::NoCapabilityDrop,
            Severity::Medium,
            c,
            "capabilities are not dropped (no drop: [ALL]): the runtime default set applies",
            "securityContext:\n  capabilities:\n    drop: [\"ALL\"]",
        ));
    }
    match &d.seccomp_profile {
        None => out.push(Finding::new(
            Rule::SeccompUnconfined,
            Severity::Medium,
            c,
            "no seccomp profile declared (pod or container)",
            "securityContext:\n  seccompProfile:\n    type: RuntimeDefault",
        )),
        Some(p) if p.unconfined() => out.push(Finding::new(
            Rule::SeccompUnconfined,
            Severity::High,
            c,
            format!("seccomp profile is Unconfined (from the {})", p.source),
            "securityContext:\n  seccompProfile:\n    type: RuntimeDefault",
        )),
        Some(_) => {}
    }
    if d.allow_privilege_escalation != Some(false) {
        out.push(Finding::new(
            Rule::PrivilegeEscalationAllowed,
            Severity::Medium,
            c,
            "allowPrivilegeEscalation is not false: setuid binaries can raise privileges",
            "securityContext:\n  allowPrivilegeEscalation: false",
        ));
    }
    for m in &d.volume_mounts {
        let VolumeKind::HostPath { path } = &m.volume else {
            continue;
        };
        let Some(why) = sensitive_host_path(path) else {
            continue;
        };
        let (sev, rw) = if m.read_only {
            (Severity::High, "read-only")
        } else {
            (Severity::Critical, "writable")
        };
        out.push(Finding::new(
            Rule::SensitiveHostPath,
            sev,
            c,
            format!(
                "hostPath {path} ({why}) mounted {rw} at {}",
                m.mount_path
            ),
            format!(
                "# remove the hostPath volume {:?}; if it must stay:\nvolumeMounts:\n- name: {}\n  mountPath: {}\n  readOnly: true",
                m.name, m.name, m.mount_path
            ),
        ));
    }
    if !d.secret_env.is_empty() {
        let names: Vec<String> = d
            .secret_env
            .iter()
            .map(|s| match &s.variable {
                Some(v) => format!("{v} (secret {})", s.secret),
                None => format!("every key of secret {}", s.secret),
            })
            .collect();
        out.push(Finding::new(
            Rule::SecretInEnv,
            Severity::Low,
            c,
            format!("secrets passed as environment variables: {}", names.join(", ")),
            "# mount the secret as a file instead of env:\nvolumes:\n- name: creds\n  secret:\n    secretName: <secret>\nvolumeMounts:\n- name: creds\n  mountPath: /etc/creds\n  readOnly: true",
        ));
    }
    out
}

/// Static checks of the pod as a whole (container `None`), from any container's declaration.
pub fn static_pod(d: &Declared) -> Vec<Finding> {
    let mut out = Vec::new();
    for (on, field) in [
        (d.host_pid, "hostPID"),
        (d.host_network, "hostNetwork"),
        (d.host_ipc, "hostIPC"),
    ] {
        if on {
            out.push(Finding::new(
                Rule::HostNamespace,
                Severity::High,
                None,
                format!("{field}: true shares the host's namespace with the pod"),
                format!("spec:\n  {field}: false"),
            ));
        }
    }
    if d.service_account_token {
        out.push(Finding::new(
            Rule::ServiceAccountToken,
            Severity::Low,
            None,
            "the service account token is mounted (automountServiceAccountToken is not false)",
            "spec:\n  automountServiceAccountToken: false",
        ));
    }
    out
}

/// A declared-vs-observed difference found on one process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub rule: Rule,
    pub severity: Severity,
    /// What differs, naming the pid.
    pub message: String,
    pub remediation: &'static str,
}

/// The declared-vs-observed checks of one process against its container's declaration.
pub fn mismatches(d: &Declared, o: &Observed) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let mut push = |rule, severity, message: String, remediation| {
        out.push(Mismatch {
            rule,
            severity,
            message,
            remediation,
        })
    };
    if d.run_as_non_root == Some(true) && o.uid == 0 {
        push(
            Rule::RunAsRootMismatch,
            Severity::Critical,
            format!(
                "runAsNonRoot: true is declared but pid {} runs as uid 0",
                o.pid
            ),
            "# recreate the pod; pin a non-root user the image has:\nsecurityContext:\n  runAsNonRoot: true\n  runAsUser: 10001",
        );
    }
    if let Some(want) = d.run_as_user
        && i64::from(o.uid) != want
    {
        push(
            Rule::RunAsUserMismatch,
            Severity::High,
            format!(
                "runAsUser: {want} is declared but pid {} runs as uid {}",
                o.pid, o.uid
            ),
            "# recreate the pod so the runtime applies runAsUser\nsecurityContext:\n  runAsUser: <uid>",
        );
    }
    let extra = (o.cap_eff | o.cap_bnd) & !allowed_caps(d);
    if extra != 0 {
        push(
            Rule::CapabilitiesMismatch,
            Severity::High,
            format!(
                "pid {} holds {} beyond what capabilities add/drop allow",
                o.pid,
                caps::decode(extra).join(", ")
            ),
            "# recreate the pod; declare exactly what it needs:\nsecurityContext:\n  capabilities:\n    drop: [\"ALL\"]\n    add: []",
        );
    }
    if d.read_only_root_filesystem == Some(true) && o.root_readonly == Some(false) {
        push(
            Rule::ReadOnlyRootMismatch,
            Severity::High,
            format!(
                "readOnlyRootFilesystem: true is declared but / of pid {} is mounted read-write",
                o.pid
            ),
            "# recreate the pod so the runtime mounts / read-only\nsecurityContext:\n  readOnlyRootFilesystem: true",
        );
    }
    if let Some(p) = &d.seccomp_profile
        && !p.unconfined()
        && o.seccomp == 0
    {
        push(
            Rule::SeccompMismatch,
            Severity::High,
            format!(
                "seccompProfile {} is declared but pid {} runs without seccomp (Seccomp: 0)",
                p.kind, o.pid
            ),
            "# recreate the pod; a privileged container runs unconfined\nsecurityContext:\n  privileged: false\n  seccompProfile:\n    type: RuntimeDefault",
        );
    }
    if d.allow_privilege_escalation == Some(false) && !o.no_new_privs {
        push(
            Rule::NoNewPrivsMismatch,
            Severity::High,
            format!(
                "allowPrivilegeEscalation: false is declared but pid {} has NoNewPrivs 0",
                o.pid
            ),
            "# recreate the pod; privileged or CAP_SYS_ADMIN override it\nsecurityContext:\n  allowPrivilegeEscalation: false\n  privileged: false",
        );
    }
    if !d.is_privileged() && o.full_bounding() {
        push(
            Rule::PrivilegedObserved,
            Severity::Critical,
            format!(
                "pid {} has the full capability bounding set (privileged) but privileged is not declared",
                o.pid
            ),
            "# recreate the pod from a spec without privileged\nsecurityContext:\n  privileged: false",
        );
    }
    out
}

#[cfg(test)]
#[path = "tests/rules.rs"]
mod tests;
