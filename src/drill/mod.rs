//! Drills: graded CKS runtime-security practice on a private lab (drills as data, the lab, grading, scores).
//!
//! A drill (`drills/<name>/drill.toml`, embedded at build time; `--drills DIR`
//! adds more) says what to set up and which checks grade it. `drill start`
//! brings up the [`lab`] (a private containerd) with the drill's pods;
//! `drill grade` runs the [`grade`] checks against the live lab.

pub mod catalog;
pub mod grade;
pub mod lab;
pub mod live;
pub mod scores;
pub mod spec;

pub use catalog::{Catalog, CatalogError};
pub use grade::{CheckResult, Grade, grade};
pub use spec::{Check, Drill};

/// A fresh random word for `{random}` in a drill's env values and files (12 hex digits).
pub fn random_word() -> String {
    let u = std::fs::read_to_string("/proc/sys/kernel/random/uuid").unwrap_or_default();
    u.trim().replace('-', "").chars().rev().take(12).collect()
}

/// `specs` with every `{random}` replaced by a fresh random word (one per drill start).
pub fn resolve(drill: &Drill) -> Vec<spec::PodSpec> {
    let word = random_word();
    let mut pods = drill.pods.clone();
    for c in pods.iter_mut().flat_map(|p| p.containers.iter_mut()) {
        for v in c.env.values_mut().chain(c.files.values_mut()) {
            *v = v.replace("{random}", &word);
        }
        for a in &mut c.command {
            *a = a.replace("{random}", &word);
        }
    }
    pods
}
