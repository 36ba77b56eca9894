//! The runtime's side of `Effect::ObservePods`: reads `/proc` for the processes of each pod container.

use std::path::Path;

use crate::app::podobserve::{ContainerKey, ContainerPids};
use crate::posture::Observed;

/// What each container's processes have; processes gone meanwhile are left out.
pub fn read(list: Vec<ContainerPids>, proc_root: &Path) -> Vec<(ContainerKey, Vec<Observed>)> {
    list.into_iter()
        .map(|(k, pids)| {
            let obs = pids
                .into_iter()
                .filter_map(|p| Observed::read(proc_root, p))
                .collect();
            (k, obs)
        })
        .collect()
}
