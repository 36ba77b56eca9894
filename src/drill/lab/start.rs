//! Bringing a lab up for a drill: clean leftovers, make the private directories, start containerd, build images, run the pods, write manifests and state.

use std::path::Path;

use super::state::{LabState, now_unix};
use super::{LabDirs, LabError, PAUSE_IMAGE, daemon, image, manifest, pods, teardown};
use crate::drill::spec::PodSpec;
use crate::safe_fs;

/// Starts a fresh lab for `drill` with `specs` (leftovers of an earlier lab are removed first).
/// On failure what was made is torn down again.
pub fn start(dirs: &LabDirs, drill: &str, specs: &[PodSpec]) -> Result<LabState, LabError> {
    if let Some(why) = super::unavailable() {
        return Err(LabError::Unavailable(why));
    }
    teardown(dirs)?;
    match start_inner(dirs, drill, specs) {
        Ok(s) => Ok(s),
        Err(e) => {
            let _ = teardown(dirs);
            Err(e)
        }
    }
}

fn start_inner(dirs: &LabDirs, drill: &str, specs: &[PodSpec]) -> Result<LabState, LabError> {
    for d in [&dirs.run, &dirs.root, &dirs.work()] {
        safe_fs::create_private_dir("", d)?;
    }
    let made_run_containerd = !Path::new("/run/containerd").exists();
    let (pid, ticks) = daemon::spawn(dirs)?;
    let mut state = LabState {
        drill: drill.to_string(),
        daemon_pid: pid,
        daemon_start_ticks: ticks,
        started_unix: now_unix(),
        made_run_containerd,
        ..Default::default()
    };
    // Saved at once: a crash from here on still leaves a state to tear down.
    state.save(dirs)?;
    let rt = pods::runtime()?;
    let client = rt.block_on(daemon::wait_ready(dirs, pid, ticks))?;
    let lab = pods::LabPods::with(rt, client, dirs);
    image::build_and_import(
        dirs,
        PAUSE_IMAGE,
        &["/bin/sleep", "2147483647"],
        &Default::default(),
    )?;
    for p in specs {
        for c in &p.containers {
            image::build_and_import(
                dirs,
                &pods::image_name(&p.name, &c.name),
                &["/bin/sh"],
                &c.files,
            )?;
        }
    }
    for p in specs {
        state.pods.push(lab.run_pod(p)?);
        state.save(dirs)?;
    }
    manifest::write(dirs, specs, &state.pods)?;
    state.started_unix = now_unix();
    state.save(dirs)?;
    Ok(state)
}
