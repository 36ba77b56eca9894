//! One pod's posture: declared containers, static and declared-vs-observed findings, the immutability verdict, and the declared | observed | verdict rows.

use std::collections::HashMap;

use k8s_openapi::api::core::v1::Pod;

use super::applied;
use super::declared::{Declared, VolumeKind, declare_pod};
use super::finding::{Finding, Rule};
use super::observed::Observed;
use super::rules::{self, Mismatch};
use crate::identity::bundle::Applied;
use crate::inspect::caps;

/// Namespace of a pod whose manifest names none.
pub const DEFAULT_NAMESPACE: &str = "default";

/// One container's part of the posture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerPosture {
    pub declared: Declared,
    /// This container's findings (static, then mismatches), most severe first.
    pub findings: Vec<Finding>,
    /// The processes observed in it (empty: not running here, or not observed).
    pub pids: Vec<u32>,
}

/// The posture of one pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodPosture {
    pub namespace: String,
    pub name: String,
    /// `None` when the manifest has none (hand-written specs).
    pub uid: Option<String>,
    pub containers: Vec<ContainerPosture>,
    /// Every finding of the pod (pod-level and per container), most severe first.
    pub findings: Vec<Finding>,
    /// The seeds' verdict: no container privileged, no writable root filesystem, no writable hostPath.
    pub immutable: bool,
    /// Why it is not immutable (empty when it is).
    pub immutable_reasons: Vec<String>,
}

impl PodPosture {
    /// The container `name`.
    pub fn container(&self, name: &str) -> Option<&ContainerPosture> {
        self.containers
            .iter()
            .find(|c| c.declared.container == name)
    }

    /// Findings of `container` plus the pod-level ones.
    pub fn findings_for(&self, container: &str) -> Vec<&Finding> {
        self.findings
            .iter()
            .filter(|f| f.container.as_deref().is_none_or(|c| c == container))
            .collect()
    }
}

/// Evaluates `pod`; `observed` holds the processes seen per container name.
pub fn evaluate(pod: &Pod, observed: &HashMap<String, Vec<Observed>>) -> PodPosture {
    let declared = declare_pod(pod);
    let mut findings: Vec<Finding> = declared.first().map(rules::static_pod).unwrap_or_default();
    let mut reasons = Vec::new();
    let containers: Vec<ContainerPosture> = declared
        .into_iter()
        .map(|d| {
            let obs = observed.get(&d.container).map_or(&[][..], Vec::as_slice);
            reasons.extend(immutability(&d, obs));
            evaluate_container(d, obs)
        })
        .collect();
    for c in &containers {
        findings.extend(c.findings.iter().cloned());
    }
    sort(&mut findings);
    PodPosture {
        namespace: pod
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| DEFAULT_NAMESPACE.into()),
        name: pod.metadata.name.clone().unwrap_or_default(),
        uid: pod.metadata.uid.clone(),
        containers,
        findings,
        immutable: reasons.is_empty(),
        immutable_reasons: reasons,
    }
}

/// One container: its static findings, and the mismatches of its processes
/// (one finding per rule, naming the first process and how many more).
pub fn evaluate_container(d: Declared, observed: &[Observed]) -> ContainerPosture {
    let mut findings = rules::static_container(&d);
    let mut seen: Vec<(Mismatch, usize)> = Vec::new();
    let mut gaps: Vec<(applied::Gap, usize)> = Vec::new();
    for o in observed {
        for g in applied::all_gaps(Some(&d), o.applied.as_ref(), o) {
            match gaps
                .iter_mut()
                .find(|(s, _)| (s.rule, s.field) == (g.rule, g.field))
            {
                Some((_, n)) => *n += 1,
                None => gaps.push((g, 1)),
            }
        }
        for m in rules::mismatches(&d, o) {
            match seen.iter_mut().find(|(s, _)| s.rule == m.rule) {
                Some((_, n)) => *n += 1,
                None => seen.push((m, 1)),
            }
        }
    }
    for (g, n) in gaps {
        let mut f = applied::findings(&d.container, std::slice::from_ref(&g));
        if n > 1
            && let Some(f) = f.first_mut()
        {
            f.message = format!("{} (and {} more processes)", f.message, n - 1);
        }
        findings.extend(f);
    }
    for (m, n) in seen {
        let message = if n > 1 {
            format!("{} (and {} more processes)", m.message, n - 1)
        } else {
            m.message
        };
        findings.push(Finding::new(
            m.rule,
            m.severity,
            Some(&d.container),
            message,
            m.remediation,
        ));
    }
    sort(&mut findings);
    ContainerPosture {
        pids: observed.iter().map(|o| o.pid).collect(),
        declared: d,
        findings,
    }
}

fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.severity, a.rule, &a.container).cmp(&(b.severity, b.rule, &b.container))
    });
}

/// Why one container breaks immutability (declared, or seen on a process).
fn immutability(d: &Declared, observed: &[Observed]) -> Vec<String> {
    let c = &d.container;
    let mut out = Vec::new();
    if d.is_privileged() {
        out.push(format!("container {c} is privileged"));
    } else if let Some(o) = observed.iter().find(|o| o.full_bounding()) {
        out.push(format!(
            "container {c} runs privileged (pid {} has every capability)",
            o.pid
        ));
    }
    if d.read_only_root_filesystem != Some(true) {
        out.push(format!(
            "container {c} can write to its root filesystem (readOnlyRootFilesystem is not true)"
        ));
    } else if let Some(o) = observed.iter().find(|o| o.root_readonly == Some(false)) {
        out.push(format!(
            "container {c} can write to its root filesystem (/ of pid {} is mounted read-write)",
            o.pid
        ));
    }
    for m in &d.volume_mounts {
        if let VolumeKind::HostPath { path } = &m.volume
            && !m.read_only
        {
            out.push(format!(
                "container {c} can write to hostPath {path} (mounted at {} without readOnly)",
                m.mount_path
            ));
        }
    }
    out
}

/// How a declared field compares with what a process has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowVerdict {
    /// Declared and in force.
    Ok,
    /// Declared but not in force.
    Mismatch,
    /// Not declared (the default applies) or nothing to compare.
    Unchecked,
}

/// One `field | declared | applied | observed | verdict` row of the Security tab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompareRow {
    pub field: &'static str,
    pub declared: String,
    /// From the container's OCI bundle (`-` when none was found).
    pub applied: String,
    pub observed: String,
    pub verdict: RowVerdict,
}

/// The rows for one process against its container's declaration and what the runtime
/// was told (`a`, when its bundle was read); a row is a mismatch when any two columns disagree.
pub fn compare_rows(d: &Declared, a: Option<&Applied>, o: &Observed) -> Vec<CompareRow> {
    let mut rows = declared_observed(d, o);
    if let Some(a) = a {
        let gaps = applied::gaps(Some(d), a, Some(o));
        for r in &mut rows {
            r.applied = applied::cell(r.field, a);
            if gaps.iter().any(|g| g.field == r.field) {
                r.verdict = RowVerdict::Mismatch;
            }
        }
    }
    rows.extend(super::lsm::rows(Some(d), a, o));
    rows
}

/// The rows of a process whose pod spec is unknown: applied | observed only (declared `-`).
pub fn applied_rows(a: &Applied, o: &Observed) -> Vec<CompareRow> {
    let gaps = applied::gaps(None, a, Some(o));
    let mut rows = declared_observed(&Declared::default(), o);
    for r in &mut rows {
        r.declared = "-".into();
        r.applied = applied::cell(r.field, a);
        r.verdict = if gaps.iter().any(|g| g.field == r.field) {
            RowVerdict::Mismatch
        } else {
            RowVerdict::Unchecked
        };
    }
    rows.extend(super::lsm::rows(None, Some(a), o));
    rows
}

/// The rows without the applied column (`-`).
fn declared_observed(d: &Declared, o: &Observed) -> Vec<CompareRow> {
    let fired: Vec<Rule> = rules::mismatches(d, o).iter().map(|m| m.rule).collect();
    let verdict = |declared: bool, rule: Rule| {
        if fired.contains(&rule) {
            RowVerdict::Mismatch
        } else if declared {
            RowVerdict::Ok
        } else {
            RowVerdict::Unchecked
        }
    };
    let unset = || "-".to_string();
    let opt = |v: Option<String>| v.unwrap_or_else(unset);
    let caps_decl = if d.is_privileged() {
        "all (privileged)".to_string()
    } else {
        let allowed = rules::allowed_caps(d);
        if allowed == 0 {
            "none".into()
        } else {
            caps::decode(allowed).join(",")
        }
    };
    let caps_obs = match caps::decode(o.cap_eff | o.cap_bnd) {
        v if v.is_empty() => "none".to_string(),
        v if o.full_bounding() => format!("all ({})", v.len()),
        v => v.join(","),
    };
    let root_obs = match o.root_readonly {
        Some(true) => "/ read-only".to_string(),
        Some(false) => "/ read-write".to_string(),
        None => "unknown".to_string(),
    };
    let seccomp_obs = crate::inspect::status::seccomp_mode_name(o.seccomp).to_string();
    vec![
        CompareRow {
            field: "runAsNonRoot",
            declared: opt(d.run_as_non_root.map(|b| b.to_string())),
            applied: unset(),
            observed: format!("uid {}", o.uid),
            verdict: verdict(d.run_as_non_root == Some(true), Rule::RunAsRootMismatch),
        },
        CompareRow {
            field: "runAsUser",
            declared: opt(d.run_as_user.map(|u| u.to_string())),
            applied: unset(),
            observed: format!("uid {}", o.uid),
            verdict: verdict(d.run_as_user.is_some(), Rule::RunAsUserMismatch),
        },
        CompareRow {
            field: "runAsGroup",
            declared: opt(d.run_as_group.map(|g| g.to_string())),
            applied: unset(),
            observed: format!("gid {}", o.gid),
            verdict: match d.run_as_group {
                Some(g) if g != i64::from(o.gid) => RowVerdict::Mismatch,
                Some(_) => RowVerdict::Ok,
                None => RowVerdict::Unchecked,
            },
        },
        CompareRow {
            field: "privileged",
            declared: opt(d.privileged.map(|b| b.to_string())),
            applied: unset(),
            observed: if o.full_bounding() {
                "full bounding set".into()
            } else {
                "not privileged".into()
            },
            verdict: verdict(d.privileged.is_some(), Rule::PrivilegedObserved),
        },
        CompareRow {
            field: "capabilities",
            declared: caps_decl,
            applied: unset(),
            observed: caps_obs,
            verdict: verdict(true, Rule::CapabilitiesMismatch),
        },
        CompareRow {
            field: "readOnlyRootFilesystem",
            declared: opt(d.read_only_root_filesystem.map(|b| b.to_string())),
            applied: unset(),
            observed: root_obs,
            verdict: verdict(
                d.read_only_root_filesystem == Some(true),
                Rule::ReadOnlyRootMismatch,
            ),
        },
        CompareRow {
            field: "seccompProfile",
            declared: opt(d.seccomp_profile.as_ref().map(|p| p.kind.clone())),
            applied: unset(),
            observed: seccomp_obs,
            verdict: verdict(
                d.seccomp_profile.as_ref().is_some_and(|p| !p.unconfined()),
                Rule::SeccompMismatch,
            ),
        },
        CompareRow {
            field: "allowPrivilegeEscalation",
            declared: opt(d.allow_privilege_escalation.map(|b| b.to_string())),
            applied: unset(),
            observed: format!("NoNewPrivs {}", u8::from(o.no_new_privs)),
            verdict: verdict(
                d.allow_privilege_escalation == Some(false),
                Rule::NoNewPrivsMismatch,
            ),
        },
    ]
}

#[cfg(test)]
#[path = "tests/eval.rs"]
mod tests;
