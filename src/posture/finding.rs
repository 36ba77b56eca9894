//! Findings: the stable rule table (id, name, kind, default severity), severities, and one finding.

use serde::Serialize;

/// How bad a finding is, most severe first when sorted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Hands over the node or the container's isolation.
    Critical,
    /// A declared control is not in force, or a strong weakening.
    High,
    /// A hardening gap.
    Medium,
    /// Worth knowing.
    Low,
    /// Context only.
    Info,
}

impl Severity {
    /// All severities, most severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// `critical`, `high`, `medium`, `low`, `info`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

/// Whether a finding compares the spec with a process, or reads the spec alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    /// Declared vs observed, declared vs applied, applied vs observed.
    Mismatch,
    /// Spec only (kubesec-style).
    Static,
}

/// Every check, with its stable id (see the table in [`crate::posture`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    RunAsRootMismatch,
    RunAsUserMismatch,
    CapabilitiesMismatch,
    ReadOnlyRootMismatch,
    SeccompMismatch,
    NoNewPrivsMismatch,
    PrivilegedObserved,
    AppliedMismatch,
    ChangedSinceStart,
    LsmUnavailable,
    Privileged,
    DangerousCapability,
    NoCapabilityDrop,
    SeccompUnconfined,
    PrivilegeEscalationAllowed,
    SensitiveHostPath,
    HostNamespace,
    SecretInEnv,
    ServiceAccountToken,
}

impl Rule {
    /// Every rule in id order.
    pub const ALL: [Rule; 19] = [
        Rule::RunAsRootMismatch,
        Rule::RunAsUserMismatch,
        Rule::CapabilitiesMismatch,
        Rule::ReadOnlyRootMismatch,
        Rule::SeccompMismatch,
        Rule::NoNewPrivsMismatch,
        Rule::PrivilegedObserved,
        Rule::AppliedMismatch,
        Rule::ChangedSinceStart,
        Rule::LsmUnavailable,
        Rule::Privileged,
        Rule::DangerousCapability,
        Rule::NoCapabilityDrop,
        Rule::SeccompUnconfined,
        Rule::PrivilegeEscalationAllowed,
        Rule::SensitiveHostPath,
        Rule::HostNamespace,
        Rule::SecretInEnv,
        Rule::ServiceAccountToken,
    ];

    /// The stable id (`KT-POS-001`).
    pub fn id(self) -> &'static str {
        match self {
            Rule::RunAsRootMismatch => "KT-POS-001",
            Rule::RunAsUserMismatch => "KT-POS-002",
            Rule::CapabilitiesMismatch => "KT-POS-003",
            Rule::ReadOnlyRootMismatch => "KT-POS-004",
            Rule::SeccompMismatch => "KT-POS-005",
            Rule::NoNewPrivsMismatch => "KT-POS-006",
            Rule::PrivilegedObserved => "KT-POS-007",
            Rule::AppliedMismatch => "KT-POS-008",
            Rule::ChangedSinceStart => "KT-POS-009",
            Rule::LsmUnavailable => "KT-POS-010",
            Rule::Privileged => "KT-POS-101",
            Rule::DangerousCapability => "KT-POS-102",
            Rule::NoCapabilityDrop => "KT-POS-103",
            Rule::SeccompUnconfined => "KT-POS-104",
            Rule::PrivilegeEscalationAllowed => "KT-POS-105",
            Rule::SensitiveHostPath => "KT-POS-106",
            Rule::HostNamespace => "KT-POS-107",
            Rule::SecretInEnv => "KT-POS-108",
            Rule::ServiceAccountToken => "KT-POS-109",
        }
    }

    /// The stable short name (`run-as-root-mismatch`).
    pub fn name(self) -> &'static str {
        match self {
            Rule::RunAsRootMismatch => "run-as-root-mismatch",
            Rule::RunAsUserMismatch => "run-as-user-mismatch",
            Rule::CapabilitiesMismatch => "capabilities-mismatch",
            Rule::ReadOnlyRootMismatch => "read-only-root-mismatch",
            Rule::SeccompMismatch => "seccomp-mismatch",
            Rule::NoNewPrivsMismatch => "no-new-privs-mismatch",
            Rule::PrivilegedObserved => "privileged-observed",
            Rule::AppliedMismatch => "applied-mismatch",
            Rule::ChangedSinceStart => "changed-since-start",
            Rule::LsmUnavailable => "lsm-unavailable",
            Rule::Privileged => "privileged",
            Rule::DangerousCapability => "dangerous-capability",
            Rule::NoCapabilityDrop => "no-capability-drop",
            Rule::SeccompUnconfined => "seccomp-unconfined",
            Rule::PrivilegeEscalationAllowed => "privilege-escalation-allowed",
            Rule::SensitiveHostPath => "sensitive-host-path",
            Rule::HostNamespace => "host-namespace",
            Rule::SecretInEnv => "secret-in-env",
            Rule::ServiceAccountToken => "service-account-token",
        }
    }

    /// Declared-vs-observed or static.
    pub fn kind(self) -> FindingKind {
        match self {
            Rule::RunAsRootMismatch
            | Rule::RunAsUserMismatch
            | Rule::CapabilitiesMismatch
            | Rule::ReadOnlyRootMismatch
            | Rule::SeccompMismatch
            | Rule::NoNewPrivsMismatch
            | Rule::PrivilegedObserved
            | Rule::AppliedMismatch
            | Rule::ChangedSinceStart
            | Rule::LsmUnavailable => FindingKind::Mismatch,
            _ => FindingKind::Static,
        }
    }
}

/// One finding about a pod or one of its containers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// One line; may quote workload text (names, paths): sanitize before drawing.
    pub message: String,
    /// The container, `None` for pod-level findings (host namespaces, token).
    pub container: Option<String>,
    /// The fix as a YAML snippet of the pod spec.
    pub remediation: String,
}

impl Finding {
    /// A finding of `rule`.
    pub fn new(
        rule: Rule,
        severity: Severity,
        container: Option<&str>,
        message: impl Into<String>,
        remediation: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            severity,
            message: message.into(),
            container: container.map(str::to_string),
            remediation: remediation.into(),
        }
    }

    /// Its id (`KT-POS-001`).
    pub fn id(&self) -> &'static str {
        self.rule.id()
    }

    /// Mismatch or static.
    pub fn kind(&self) -> FindingKind {
        self.rule.kind()
    }
}

/// Findings counted by severity, in [`Severity::ALL`] order.
pub fn count_by_severity<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> [usize; 5] {
    let mut n = [0usize; 5];
    for f in findings {
        n[f.severity as usize] += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_stable() {
        let mut ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        ids.dedup();
        assert_eq!(ids.len(), Rule::ALL.len());
        assert_eq!(Rule::RunAsRootMismatch.id(), "KT-POS-001");
        assert_eq!(Rule::ServiceAccountToken.id(), "KT-POS-109");
        assert!(
            Rule::ALL
                .iter()
                .all(|r| (r.kind() == FindingKind::Mismatch) == r.id().starts_with("KT-POS-0"))
        );
    }
}
