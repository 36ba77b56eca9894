//! Strings of the pods pane and posture.

/// Pods pane title.
pub fn pods_title(count: &str, sort: &str) -> String {
    format!("pods ({count}) · sort {sort}")
}
/// Pods pane: the line above pods listed from the runtime, saying why their spec columns are empty.
pub fn pods_from_runtime(why: &str) -> String {
    format!("no spec: {why} — pods from the container runtime")
}
/// Why runtime pods have no spec: no API configured (and no manifest), with the reason when known.
pub fn no_spec_unconfigured(why: Option<&str>) -> String {
    match why {
        Some(w) => format!("API not configured ({w})"),
        None => "API not configured".into(),
    }
}
/// Why runtime pods have no spec: the API is being listed.
pub const NO_SPEC_CONNECTING: &str = "API listing…";
/// Why runtime pods have no spec: the API does not answer.
pub const NO_SPEC_UNREACHABLE: &str = "API unreachable";
/// Why runtime pods have no spec: the API (or the manifest) does not have them.
pub const NO_SPEC_MISSING: &str = "not in the API or manifest";
/// A spec cell of a pod listed from the runtime.
pub const NO_SPEC_CELL: &str = "-";
/// Pods pane with no pod specs.
pub const PODS_EMPTY: &str = "no pod specs: start with --pod-manifest FILE";
pub const COL_PODS_POD: &str = "pod";
pub const COL_PODS_IMMUTABLE: &str = "imm";
pub const COL_PODS_CRIT: &str = "crit";
pub const COL_PODS_HIGH: &str = "high";
pub const COL_PODS_MED: &str = "med";
pub const COL_PODS_LOW: &str = "low";
pub const COL_PODS_PIDS: &str = "pids";
/// Pods pane: immutability verdict.
pub const PODS_IMMUTABLE_YES: &str = "yes";
pub const PODS_IMMUTABLE_NO: &str = "NO";
/// Pods pane: a container row (`init` / `ephemeral` noted).
pub fn pods_container(name: &str, kind: &str) -> String {
    if kind == "regular" {
        format!("└ {name}")
    } else {
        format!("└ {name} ({kind})")
    }
}
/// Pods pane: a process row.
pub fn pods_process(pid: u32, comm: &str) -> String {
    format!("  └ {pid} {comm}")
}
/// Security tab: the posture header.
pub fn sec_posture_title(pod: &str, container: &str) -> String {
    format!("pod spec {pod} · container {container}")
}
pub const SEC_POSTURE_FIELD: &str = "field";
pub const SEC_POSTURE_DECLARED: &str = "declared";
pub const SEC_POSTURE_OBSERVED: &str = "observed";
pub const SEC_POSTURE_APPLIED: &str = "applied";
/// Security tab: the header when only the container's bundle is known (no pod spec).
pub fn sec_applied_title(pod: &str, container: &str) -> String {
    format!("no pod spec · bundle of {pod} · container {container}")
}
/// Security tab: a field's label in a narrow terminal (the full name otherwise).
pub fn sec_field_short(field: &str) -> &str {
    match field {
        "readOnlyRootFilesystem" => "readOnlyRoot",
        "allowPrivilegeEscalation" => "allowPrivEsc",
        "seccompProfile" => "seccomp",
        "appArmorProfile" => "appArmor",
        "seLinuxOptions" => "seLinux",
        other => other,
    }
}
pub const SEC_POSTURE_VERDICT: &str = "verdict";
pub const SEC_VERDICT_OK: &str = "ok";
pub const SEC_VERDICT_MISMATCH: &str = "MISMATCH";
pub const SEC_VERDICT_UNCHECKED: &str = "-";
/// Security tab: the pod's immutability.
pub const SEC_IMMUTABLE: &str = "immutable";
pub const SEC_NOT_IMMUTABLE: &str = "NOT immutable";
pub const SEC_FINDINGS: &str = "findings";
/// Security tab: no spec known for this process.
pub const SEC_NO_SPEC: &str = "pod spec: none loaded for this container (--pod-manifest FILE)";
