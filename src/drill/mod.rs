//! Drills: graded CKS runtime-security practice on a private lab (drills as data, the lab, grading, scores).
//!
//! A drill (`drills/<name>/drill.toml`, embedded at build time; `--drills DIR`
//! adds more) says what to set up and which checks grade it. `drill start`
//! brings up the [`lab`] (a private containerd) with the drill's pods;
//! `drill grade` runs the [`grade`] checks against the live lab.

pub mod attempt;
pub mod catalog;
pub mod grade;
pub mod grade_syscall;
pub mod killercoda;
pub mod lab;
pub mod live;
pub mod replay;
pub mod scores;
pub mod spec;
pub mod verify;

pub use catalog::{Catalog, CatalogError};
pub use grade::{CheckResult, Grade, grade};
pub use spec::{Check, Drill};

/// Starts a fresh lab for `drill`: its pods (`{random}` resolved) and its work files.
pub fn setup(dirs: &lab::LabDirs, drill: &Drill) -> Result<lab::LabState, lab::LabError> {
    let mut state = lab::start(dirs, &drill.name, &resolve(drill))?;
    let write = |state: &mut lab::LabState| -> Result<(), lab::LabError> {
        state.spec = Some(drill.clone());
        state.save(dirs)?;
        for (name, content) in &drill.work_files {
            if name.contains('/') || name.starts_with('.') {
                return Err(lab::LabError::io(
                    format!("work file {name:?}"),
                    std::io::Error::other("want a plain file name"),
                ));
            }
            let p = dirs.work().join(name);
            std::io::Write::write_all(
                &mut crate::safe_fs::create_output("", &p, crate::safe_fs::Existing::Truncate)?,
                content.as_bytes(),
            )
            .map_err(|e| lab::LabError::io(format!("writing {}", p.display()), e))?;
        }
        Ok(())
    };
    if let Err(e) = write(&mut state) {
        let _ = lab::teardown(dirs);
        return Err(e);
    }
    Ok(state)
}

/// Drill text (statement, hint) with `{lab}` filled in (not sanitized).
pub fn fill_lab(text: &str, dirs: &lab::LabDirs) -> String {
    text.replace("{lab}", &dirs.run.display().to_string())
}

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
