//! What the pods pane asks the runtime to read: the processes of each pod container, observed off the core (`runtime::podobserve` reads them).

use std::collections::HashMap;

use super::state::AppState;
use super::update::Effect;
use crate::posture::Observed;

/// A pod container: (pod key, container name).
pub type ContainerKey = (String, String);
/// A pod container and its processes on this node.
pub type ContainerPids = (ContainerKey, Vec<u32>);

/// The pid sets last sent to be observed (so an unchanged node asks nothing).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Asked(HashMap<ContainerKey, Vec<u32>>);

/// An `Effect::ObservePods` when the processes of pod containers changed since the last one.
pub fn observe_effect(state: &mut AppState) -> Vec<Effect> {
    let view = &mut state.pods_view;
    if view.pids.is_empty() || view.asked.0 == view.pids {
        return Vec::new();
    }
    view.asked.0 = view.pids.clone();
    let mut list: Vec<ContainerPids> = view
        .pids
        .iter()
        .map(|(k, p)| (k.clone(), p.clone()))
        .collect();
    list.sort();
    vec![Effect::ObservePods(list)]
}

/// Forgets what was asked (pod specs changed: their containers are observed again).
pub fn forget(state: &mut AppState) {
    state.pods_view.asked = Asked::default();
}

/// Records what the processes have; the pods' findings and verdicts are recomputed.
pub fn on_observed(state: &mut AppState, seen: Vec<(ContainerKey, Vec<Observed>)>) {
    for ((key, container), obs) in seen {
        state.pods.observe(&key, &container, obs);
    }
    super::podview::refresh(state);
}
