//! AppArmor and SELinux in the posture: declared (pod spec) | applied (the bundle's `process.apparmorProfile` / `selinuxLabel`) | observed (`/proc/PID/attr`), normalised before comparing, and whether the node runs the LSM at all.
//!
//! Normalisation: a declared `RuntimeDefault` is the runtime's default profile
//! (`cri-containerd.apparmor.d`, `crio-default…`, `docker-default`); a declared
//! `Unconfined`, an applied profile absent (or `unconfined`) and an observed
//! `unconfined` are the same thing. On a node without AppArmor (or SELinux) a
//! declared or applied profile cannot be enforced: that is the finding
//! (KT-POS-010), not a difference between the columns.

use super::applied::Gap;
use super::declared::{Declared, Profile, SeLinux};
use super::eval::{CompareRow, RowVerdict};
use super::finding::{Rule, Severity};
use super::observed::Observed;
use crate::identity::bundle::Applied;
use crate::inspect::lsm::{Lsm, NodeLsm};

/// The row of the AppArmor profile.
pub const APPARMOR: &str = "appArmorProfile";
/// The row of the SELinux options.
pub const SELINUX: &str = "seLinuxOptions";

/// Profile names the runtimes give `RuntimeDefault` (CRI-O appends its version).
const RUNTIME_DEFAULTS: [&str; 3] = [
    "cri-containerd.apparmor.d",
    "crio-default",
    "docker-default",
];

/// An AppArmor confinement, normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Confinement {
    Unconfined,
    RuntimeDefault,
    Named(String),
}

fn is_runtime_default(name: &str) -> bool {
    RUNTIME_DEFAULTS
        .iter()
        .any(|d| name == *d || name.strip_prefix(d).is_some_and(|r| r.starts_with('-')))
}

/// A profile name as a bundle or `/proc` gives it.
fn by_name(name: Option<&str>) -> Confinement {
    match name.map(str::trim) {
        None | Some("") | Some("unconfined") => Confinement::Unconfined,
        Some(n) if is_runtime_default(n) => Confinement::RuntimeDefault,
        Some(n) => Confinement::Named(n.to_string()),
    }
}

/// A declared profile; `None` for a type Kubernetes does not know.
fn declared(p: &Profile) -> Option<Confinement> {
    match (p.kind.as_str(), &p.localhost_profile) {
        ("RuntimeDefault", _) => Some(Confinement::RuntimeDefault),
        ("Unconfined", _) => Some(Confinement::Unconfined),
        ("Localhost", Some(l)) => Some(by_name(Some(l))),
        _ => None,
    }
}

/// `RuntimeDefault`, `Localhost NAME`, `Unconfined`.
fn profile_text(p: &Profile) -> String {
    match &p.localhost_profile {
        Some(l) => format!("{} {l}", p.kind),
        None => p.kind.clone(),
    }
}

/// `user:role:type:level` with `*` for what is not declared.
fn selinux_text(s: &SeLinux) -> String {
    [&s.user, &s.role, &s.kind, &s.level]
        .iter()
        .map(|v| v.as_deref().unwrap_or("*"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The declared SELinux fields that differ from `label` (`user:role:type:level`).
fn selinux_differs(s: &SeLinux, label: &str) -> bool {
    let mut parts = label.splitn(4, ':');
    [&s.user, &s.role, &s.kind, &s.level]
        .iter()
        .any(|want| match (want, parts.next()) {
            (Some(w), Some(got)) => w != got,
            (Some(_), None) => true,
            (None, _) => false,
        })
}

/// Declared SELinux options that say something.
fn se_declared(d: Option<&Declared>) -> Option<&SeLinux> {
    d?.se_linux_options
        .as_ref()
        .filter(|s| **s != SeLinux::default())
}

/// What the node runs, when known; `has(node)` is whether the LSM is there.
fn node_lacks(o: &Observed, has: fn(&NodeLsm) -> bool) -> Option<&NodeLsm> {
    o.node_lsm.as_ref().filter(|n| !has(n))
}

/// `lockdown,capability,landlock,bpf` (or where it was read).
fn node_list(n: &NodeLsm) -> String {
    match &n.active {
        Some(l) => format!("this node runs {}", l.join(",")),
        None => format!("from {}", n.source),
    }
}

/// Where the AppArmor and SELinux columns disagree, or the node cannot enforce what was
/// declared or applied. `d` is `None` without a pod spec, `a` without a bundle.
pub fn gaps(d: Option<&Declared>, a: Option<&Applied>, o: &Observed) -> Vec<Gap> {
    let mut out = Vec::new();
    let mut push =
        |field, rule, severity, message| out.push(Gap::new(field, rule, severity, message));
    let pid = o.pid;
    let obs = o.lsm.as_deref().map(Lsm::from_label);
    // AppArmor
    let decl = d.and_then(|d| d.app_armor_profile.as_ref());
    let wanted = decl.and_then(declared);
    let applied = a.map(|a| by_name(a.apparmor_profile.as_deref()));
    if let Some(n) = node_lacks(o, |n| n.apparmor) {
        let asked = match (decl, a.and_then(|a| a.apparmor_profile.as_deref())) {
            (Some(p), _) if wanted != Some(Confinement::Unconfined) => {
                Some(format!("AppArmor {} is declared", profile_text(p)))
            }
            (_, Some(p)) if by_name(Some(p)) != Confinement::Unconfined => {
                Some(format!("the bundle asks for AppArmor profile {p}"))
            }
            _ => None,
        };
        if let Some(asked) = asked {
            let msg = format!(
                "{asked} but the node has no AppArmor ({}): nothing enforces it",
                node_list(n)
            );
            push(APPARMOR, Rule::LsmUnavailable, Severity::High, msg);
        }
    } else {
        if let (Some(w), Some(ap), Some(p)) = (&wanted, &applied, decl)
            && w != ap
        {
            let got = a
                .and_then(|a| a.apparmor_profile.clone())
                .unwrap_or_else(|| "none".into());
            let msg = format!(
                "the runtime did not apply the spec: AppArmor {} is declared but the bundle's profile is {got}",
                profile_text(p)
            );
            push(APPARMOR, Rule::AppliedMismatch, Severity::High, msg);
        }
        let seen = match &obs {
            Some(Lsm::AppArmor { profile, .. }) => Some(profile.as_str()),
            Some(Lsm::Unconfined) => Some("unconfined"),
            _ => None,
        };
        if let (Some(a), Some(seen)) = (a, seen)
            && let Some(given) = a
                .apparmor_profile
                .as_deref()
                .filter(|p| by_name(Some(p)) != Confinement::Unconfined)
            && given != seen
        {
            let msg = format!(
                "pid {pid} changed since it started: it runs under AppArmor {seen}, the bundle gave {given}"
            );
            push(APPARMOR, Rule::ChangedSinceStart, Severity::High, msg);
        }
    }
    // SELinux
    let se = se_declared(d);
    if let Some(n) = node_lacks(o, |n| n.selinux) {
        let asked = match (se, a.and_then(|a| a.selinux_label.as_deref())) {
            (Some(s), _) => Some(format!("seLinuxOptions {} is declared", selinux_text(s))),
            (None, Some(l)) => Some(format!("the bundle asks for SELinux label {l}")),
            _ => None,
        };
        if let Some(asked) = asked {
            let msg = format!(
                "{asked} but the node has no SELinux ({}): nothing enforces it",
                node_list(n)
            );
            push(SELINUX, Rule::LsmUnavailable, Severity::High, msg);
        }
    } else {
        if let (Some(s), Some(a)) = (se, a) {
            let differs = a
                .selinux_label
                .as_deref()
                .is_none_or(|l| selinux_differs(s, l));
            if differs {
                let got = a.selinux_label.as_deref().unwrap_or("none");
                let msg = format!(
                    "the runtime did not apply the spec: seLinuxOptions {} is declared but the bundle's label is {got}",
                    selinux_text(s)
                );
                push(SELINUX, Rule::AppliedMismatch, Severity::High, msg);
            }
        }
        if let (Some(given), Some(Lsm::SeLinux { context, .. })) =
            (a.and_then(|a| a.selinux_label.as_deref()), &obs)
            && given != context
        {
            let msg = format!(
                "pid {pid} changed since it started: its SELinux context is {context}, the bundle gave {given}"
            );
            push(SELINUX, Rule::ChangedSinceStart, Severity::High, msg);
        }
    }
    out
}

/// The AppArmor and SELinux rows (declared `-` when `d` is `None`, applied `-` when `a` is).
pub fn rows(d: Option<&Declared>, a: Option<&Applied>, o: &Observed) -> Vec<CompareRow> {
    let gaps = gaps(d, a, o);
    let obs = o.lsm.as_deref().map(Lsm::from_label);
    let node = o.node_lsm.as_ref();
    let verdict = |field: &str, declared: bool| {
        if gaps.iter().any(|g| g.field == field) {
            RowVerdict::Mismatch
        } else if declared && a.is_some() && o.lsm.is_some() {
            RowVerdict::Ok
        } else {
            RowVerdict::Unchecked
        }
    };
    let decl = d.and_then(|d| d.app_armor_profile.as_ref());
    let aa_obs = match (&obs, node) {
        (_, Some(n)) if !n.apparmor => "no AppArmor on node".to_string(),
        (Some(Lsm::AppArmor { .. } | Lsm::Unconfined), _) => {
            obs.as_ref().map(Lsm::label).unwrap_or_default()
        }
        (Some(Lsm::None), _) => "no label".into(),
        (Some(Lsm::SeLinux { .. }), _) => "-".into(),
        (None, _) => "unknown".into(),
    };
    let se = se_declared(d);
    let se_obs = match (&obs, node) {
        (_, Some(n)) if !n.selinux => "no SELinux on node".to_string(),
        (Some(Lsm::SeLinux { context, .. }), _) => context.clone(),
        (Some(_), _) => "-".into(),
        (None, _) => "unknown".into(),
    };
    vec![
        CompareRow {
            field: APPARMOR,
            declared: decl.map_or_else(|| "-".into(), profile_text),
            applied: a.map_or_else(
                || "-".into(),
                |a| {
                    a.apparmor_profile
                        .clone()
                        .unwrap_or_else(|| "unconfined".into())
                },
            ),
            observed: aa_obs,
            verdict: verdict(APPARMOR, decl.is_some()),
        },
        CompareRow {
            field: SELINUX,
            declared: se.map_or_else(|| "-".into(), selinux_text),
            applied: a.map_or_else(
                || "-".into(),
                |a| a.selinux_label.clone().unwrap_or_else(|| "none".into()),
            ),
            observed: se_obs,
            verdict: verdict(SELINUX, se.is_some()),
        },
    ]
}

#[cfg(test)]
#[path = "tests/lsm.rs"]
mod tests;
