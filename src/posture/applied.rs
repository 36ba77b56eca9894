//! The applied column: what the runtime was told (the OCI bundle, [`Applied`]) against the declaration (the runtime did not apply the spec) and against the process (it changed since it started).

use super::declared::Declared;
use super::finding::{Finding, Rule, Severity};
use super::observed::Observed;
use super::rules;
use crate::identity::bundle::Applied;
use crate::inspect::caps;

/// One property where two columns disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    /// The row (`readOnlyRootFilesystem`).
    pub field: &'static str,
    /// [`Rule::AppliedMismatch`] (declared ≠ applied) or [`Rule::ChangedSinceStart`] (applied ≠ observed).
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
}

impl Gap {
    /// A gap of row `field`.
    pub fn new(field: &'static str, rule: Rule, severity: Severity, message: String) -> Self {
        Gap {
            field,
            rule,
            severity,
            message,
        }
    }
}

/// The mask of capability names (`CAP_` prefix optional; unknown names ignored).
pub fn mask(names: &[String]) -> u64 {
    names
        .iter()
        .filter_map(|n| caps::cap_bit(n))
        .fold(0, |m, b| m | (1u64 << b))
}

/// The names of `mask` joined by `sep` (`none` when empty).
fn names_sep(mask: u64, sep: &str) -> String {
    match caps::decode(mask) {
        v if v.is_empty() => "none".into(),
        v => v.join(sep),
    }
}

/// For messages (they wrap at the spaces).
fn names(mask: u64) -> String {
    names_sep(mask, ", ")
}

/// Where the declaration, the applied spec and the process disagree. `d` is `None` without
/// a pod spec (only applied ≠ observed then); `o` is `None` when the process was not read.
pub fn gaps(d: Option<&Declared>, a: &Applied, o: Option<&Observed>) -> Vec<Gap> {
    let mut out = Vec::new();
    let mut push =
        |field, rule, severity, message| out.push(Gap::new(field, rule, severity, message));
    let not_applied = Rule::AppliedMismatch;
    let applied_bnd = mask(&a.cap_bounding);
    if let Some(d) = d.filter(|d| !d.is_privileged()) {
        let extra = applied_bnd & !rules::allowed_caps(d);
        if extra != 0 {
            push(
                "capabilities",
                not_applied,
                Severity::High,
                format!(
                    "the runtime did not apply the spec: it was given {} beyond the declared capabilities",
                    names(extra)
                ),
            );
        }
        if let Some(u) = d.run_as_user.filter(|u| *u != i64::from(a.uid)) {
            let msg = format!(
                "the runtime did not apply the spec: runAsUser {u} is declared but the bundle runs uid {}",
                a.uid
            );
            push("runAsUser", not_applied, Severity::High, msg);
        }
        if let Some(g) = d.run_as_group.filter(|g| *g != i64::from(a.gid)) {
            let msg = format!(
                "the runtime did not apply the spec: runAsGroup {g} is declared but the bundle runs gid {}",
                a.gid
            );
            push("runAsGroup", not_applied, Severity::High, msg);
        }
        if d.run_as_non_root == Some(true) && a.uid == 0 {
            let msg = "the runtime did not apply the spec: runAsNonRoot is declared but the bundle runs uid 0";
            push("runAsNonRoot", not_applied, Severity::Critical, msg.into());
        }
        if d.read_only_root_filesystem == Some(true) && !a.readonly_root {
            let msg = "the runtime did not apply the spec: readOnlyRootFilesystem: true is declared but the bundle's root is read-write";
            push(
                "readOnlyRootFilesystem",
                not_applied,
                Severity::High,
                msg.into(),
            );
        }
        if d.seccomp_profile.as_ref().is_some_and(|p| !p.unconfined()) && a.seccomp.is_none() {
            let msg = "the runtime did not apply the spec: a seccomp profile is declared but the bundle has none";
            push("seccompProfile", not_applied, Severity::High, msg.into());
        }
        if d.allow_privilege_escalation == Some(false) && !a.no_new_privs {
            let msg = "the runtime did not apply the spec: allowPrivilegeEscalation: false is declared but the bundle's noNewPrivileges is false";
            push(
                "allowPrivilegeEscalation",
                not_applied,
                Severity::High,
                msg.into(),
            );
        }
    }
    let Some(o) = o else { return out };
    let changed = Rule::ChangedSinceStart;
    let pid = o.pid;
    let gained = o.cap_bnd & !applied_bnd;
    if gained != 0 {
        let msg = format!(
            "pid {pid} changed since it started: its bounding set holds {} the bundle did not give",
            names(gained)
        );
        push("capabilities", changed, Severity::Critical, msg);
    }
    if a.uid != 0 && o.uid == 0 {
        let msg = format!(
            "pid {pid} changed since it started: it runs as uid 0, the bundle gave uid {}",
            a.uid
        );
        push("runAsUser", changed, Severity::Critical, msg);
    }
    if a.readonly_root && o.root_readonly == Some(false) {
        let msg = format!(
            "pid {pid} changed since it started: / is mounted read-write, the bundle made it read-only"
        );
        push("readOnlyRootFilesystem", changed, Severity::High, msg);
    }
    if a.seccomp.is_some() && o.seccomp != 2 {
        let msg = format!(
            "pid {pid} changed since it started: it has no seccomp filter, the bundle set one"
        );
        push("seccompProfile", changed, Severity::High, msg);
    }
    if a.no_new_privs && !o.no_new_privs {
        let msg = format!(
            "pid {pid} changed since it started: NoNewPrivs is 0, the bundle set noNewPrivileges"
        );
        push("allowPrivilegeEscalation", changed, Severity::High, msg);
    }
    out
}

/// Every gap of one process: [`gaps`] when its bundle was read, and the AppArmor / SELinux
/// ones ([`super::lsm::gaps`], which need no bundle to find an LSM the node lacks).
pub fn all_gaps(d: Option<&Declared>, a: Option<&Applied>, o: &Observed) -> Vec<Gap> {
    let mut out = a.map(|a| gaps(d, a, Some(o))).unwrap_or_default();
    out.extend(super::lsm::gaps(d, a, o));
    out
}

/// The gaps as findings of `container`.
pub fn findings(container: &str, gaps: &[Gap]) -> Vec<Finding> {
    gaps.iter()
        .map(|g| {
            let fix = match g.rule {
                Rule::LsmUnavailable => "# the node does not run this LSM: schedule the pod on nodes that do (nodeSelector / affinity), or enable AppArmor / SELinux on this node",
                Rule::AppliedMismatch => "# the runtime (or an admission webhook, or a runtime class) rewrote the spec: compare the bundle's config.json with the pod spec",
                _ => "# the process is not what the runtime started: look for setuid binaries, remounts, nsenter",
            };
            Finding::new(g.rule, g.severity, Some(container), g.message.clone(), fix)
        })
        .collect()
}

/// The applied cell of row `field`.
pub fn cell(field: &str, a: &Applied) -> String {
    match field {
        "runAsNonRoot" | "runAsUser" => format!("uid {}", a.uid),
        "runAsGroup" => format!("gid {}", a.gid),
        "privileged" => {
            if mask(&a.cap_bounding) & super::observed::FULL_CAPS == super::observed::FULL_CAPS {
                "every capability".into()
            } else {
                "not privileged".into()
            }
        }
        "capabilities" => names_sep(mask(&a.cap_bounding), ","),
        "readOnlyRootFilesystem" if a.readonly_root => "/ read-only".into(),
        "readOnlyRootFilesystem" => "/ read-write".into(),
        "seccompProfile" => match &a.seccomp {
            Some(s) => format!(
                "{} {} allowed",
                s.default_action.trim_start_matches("SCMP_ACT_"),
                s.allowed
            ),
            None => "none".into(),
        },
        "allowPrivilegeEscalation" => format!("noNewPrivs {}", u8::from(a.no_new_privs)),
        _ => "-".into(),
    }
}

#[cfg(test)]
#[path = "tests/applied.rs"]
mod tests;
