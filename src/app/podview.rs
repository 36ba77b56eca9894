//! The pods pane's state (sort, expanded pods and containers, rows) and the posture shown in the inspect view's Security tab.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::event::ProcInfo;
use super::inspect_view::InspectState;
use super::state::AppState;
use super::update::Effect;
use crate::identity::{ContainerInfo, Identity, PodInfo};
use crate::inspect::Inspection;
use crate::posture::eval::{CompareRow, PodPosture};
use crate::posture::finding::count_by_severity;
use crate::posture::store::PodUpdate;
use crate::posture::{Finding, Observed, PostureStore};

/// Sort order of the pods pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PodSort {
    /// By namespace, then name.
    #[default]
    Name,
    /// Most severe findings first (critical count, then high, ...), then not immutable first.
    Severity,
    /// By number of findings, most first.
    Findings,
}

impl PodSort {
    /// The next order in the cycle.
    pub fn next(self) -> Self {
        match self {
            Self::Name => Self::Severity,
            Self::Severity => Self::Findings,
            Self::Findings => Self::Name,
        }
    }

    /// Name shown in the pane title.
    pub fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Severity => "severity",
            Self::Findings => "findings",
        }
    }
}

/// One row of the pods pane: pod → containers → processes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PodRow {
    /// A pod (its store key).
    Pod(String),
    /// A container of an expanded pod (pod key, container name).
    Container(String, String),
    /// A process of an expanded container.
    Process(u32),
}

/// The pods pane.
#[derive(Clone, Debug, Default)]
pub struct PodsView {
    pub sort: PodSort,
    /// Selected row.
    pub selected: usize,
    /// The row selected: the selection follows it while rows come and go.
    pub key: Option<PodRow>,
    /// Pods shown with their containers.
    pub expanded: HashSet<String>,
    /// Containers shown with their processes.
    pub expanded_containers: HashSet<(String, String)>,
    /// The rows, in order (rebuilt by [`refresh`]).
    pub rows: Vec<PodRow>,
    /// Processes of each (pod key, container), from the latest /proc snapshot.
    pub pids: HashMap<(String, String), Vec<u32>>,
    /// The pid sets last sent to be observed.
    pub asked: super::podobserve::Asked,
    /// Pods the runtime names but no spec covers (listed after the specified ones), by uid.
    pub runtime: HashMap<String, super::runtime_pods::RuntimePod>,
}

/// The posture of the inspected process's container, for the Security tab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectPosture {
    /// `namespace/name` of the pod.
    pub pod: String,
    pub container: String,
    /// A pod spec declares the container; `false`: only its bundle (applied) is known.
    pub spec: bool,
    /// `field | declared | applied | observed | verdict`.
    pub rows: Vec<CompareRow>,
    /// Findings of the container and the pod-level ones.
    pub findings: Vec<Finding>,
    pub immutable: bool,
    pub immutable_reasons: Vec<String>,
}

/// The identity a /proc row gives (what the resolver found for it).
fn identity_of(p: &ProcInfo) -> Identity {
    Identity {
        container: p.container_id.as_ref().map(|id| ContainerInfo {
            id: id.clone(),
            name: p.container_name.clone(),
            ..ContainerInfo::default()
        }),
        pod: Some(PodInfo {
            name: p.pod_name.clone(),
            namespace: p.pod_namespace.clone(),
            uid: p.pod_uid.clone(),
            ..PodInfo::default()
        }),
        entered_from_host: p.entered_from_host,
    }
}

/// Applies a pod change and rebuilds the rows.
pub fn on_pods(state: &mut AppState, u: PodUpdate) {
    state.pods.update(u);
    refresh(state);
}

/// Rebuilds the process index and the rows (after pods, processes, sort or expansion changed).
pub fn refresh(state: &mut AppState) {
    let store: &PostureStore = &state.pods;
    let view = &mut state.pods_view;
    view.pids.clear();
    if !store.is_empty() {
        // processes entered from the host (nsenter) are not the workload: not observed for posture
        for p in state
            .processes
            .iter()
            .filter(|p| p.container_id.is_some() && !p.entered_from_host)
        {
            if let Some(at) = store.locate(&identity_of(p)) {
                view.pids.entry(at).or_default().push(p.pid);
            }
        }
    }
    let mut pods = store.sorted();
    match view.sort {
        PodSort::Name => {}
        PodSort::Severity => pods.sort_by_key(|(_, p)| {
            let n = count_by_severity(&p.findings);
            (std::cmp::Reverse(n), p.immutable)
        }),
        PodSort::Findings => pods.sort_by_key(|(_, p)| std::cmp::Reverse(p.findings.len())),
    }
    let unspecified: Vec<super::runtime_pods::RuntimePod> =
        super::runtime_pods::from_processes(&state.processes)
            .into_iter()
            .filter(|p| store.get(&p.uid).is_none())
            .collect();
    view.runtime = unspecified
        .iter()
        .map(|p| (p.uid.clone(), p.clone()))
        .collect();
    view.expanded
        .retain(|k| store.get(k).is_some() || view.runtime.contains_key(k));
    let mut rows = Vec::with_capacity(pods.len() + unspecified.len());
    for (key, p) in pods {
        rows.push(PodRow::Pod(key.to_string()));
        if !view.expanded.contains(key) {
            continue;
        }
        for c in &p.containers {
            let at = (key.to_string(), c.declared.container.clone());
            let open = view.expanded_containers.contains(&at);
            let pids = view.pids.get(&at).cloned().unwrap_or_default();
            rows.push(PodRow::Container(at.0, at.1));
            if open {
                rows.extend(pids.into_iter().map(PodRow::Process));
            }
        }
    }
    for p in unspecified {
        rows.push(PodRow::Pod(p.uid.clone()));
        if !view.expanded.contains(&p.uid) {
            continue;
        }
        for (name, pids) in p.containers {
            let at = (p.uid.clone(), name);
            let open = view.expanded_containers.contains(&at);
            rows.push(PodRow::Container(at.0, at.1));
            if open {
                rows.extend(pids.into_iter().map(PodRow::Process));
            }
        }
    }
    view.rows = rows;
    if let Some(i) = view
        .key
        .as_ref()
        .and_then(|k| view.rows.iter().position(|r| r == k))
    {
        view.selected = i;
    }
    view.selected = view.selected.min(view.rows.len().saturating_sub(1));
    view.key = view.rows.get(view.selected).cloned();
}

/// Moves the selection by `delta` rows.
pub fn step(state: &mut AppState, delta: isize) {
    let v = &mut state.pods_view;
    let len = v.rows.len();
    if len == 0 {
        v.selected = 0;
        v.key = None;
        return;
    }
    v.selected = (v.selected as isize)
        .saturating_add(delta)
        .clamp(0, len as isize - 1) as usize;
    v.key = v.rows.get(v.selected).cloned();
}

/// Next sort order.
pub fn cycle_sort(state: &mut AppState) {
    let selected = state.pods_view.rows.get(state.pods_view.selected).cloned();
    state.pods_view.sort = state.pods_view.sort.next();
    refresh(state);
    reselect(state, selected);
}

fn reselect(state: &mut AppState, row: Option<PodRow>) {
    if let Some(i) = row.and_then(|r| state.pods_view.rows.iter().position(|x| *x == r)) {
        state.pods_view.selected = i;
        state.pods_view.key = state.pods_view.rows.get(i).cloned();
    }
}

/// Enter: a pod or container opens (or closes) the level below; a process opens the inspect view.
pub fn enter(state: &mut AppState) -> Vec<Effect> {
    let Some(row) = state.pods_view.rows.get(state.pods_view.selected).cloned() else {
        return Vec::new();
    };
    match &row {
        PodRow::Pod(key) => {
            let v = &mut state.pods_view;
            if !v.expanded.remove(key) {
                v.expanded.insert(key.clone());
            }
        }
        PodRow::Container(key, name) => {
            let v = &mut state.pods_view;
            let at = (key.clone(), name.clone());
            if !v.expanded_containers.remove(&at) {
                v.expanded_containers.insert(at);
            }
        }
        PodRow::Process(pid) => {
            let (view, effect) = InspectState::open(*pid);
            state.inspect = Some(view);
            return vec![effect];
        }
    }
    refresh(state);
    reselect(state, Some(row));
    Vec::new()
}

/// The pid on the selected row, when it is a process.
pub fn selected_pid(state: &AppState) -> Option<u32> {
    match state.pods_view.rows.get(state.pods_view.selected)? {
        PodRow::Process(pid) => Some(*pid),
        _ => None,
    }
}

/// The summary scope of the selected row: its pod, its container (by the id its
/// processes carry; `None` while none is seen) or its process.
pub fn selected_scope(state: &AppState) -> Option<super::state::SummaryScope> {
    use super::state::SummaryScope;
    match state.pods_view.rows.get(state.pods_view.selected)? {
        PodRow::Pod(key) => match state.pods.get(key) {
            Some(p) => Some(SummaryScope::Pod(p.namespace.clone(), p.name.clone())),
            None => {
                let p = state.pods_view.runtime.get(key)?;
                Some(SummaryScope::Pod(p.namespace.clone()?, p.name.clone()?))
            }
        },
        PodRow::Container(key, name) => {
            let v = &state.pods_view;
            let pids = v
                .pids
                .get(&(key.clone(), name.clone()))
                .or_else(|| v.runtime.get(key)?.containers.get(name))?;
            let id = pids.iter().find_map(|pid| {
                state
                    .processes
                    .iter()
                    .find(|p| p.pid == *pid)
                    .and_then(|p| p.container_id.clone())
            })?;
            Some(SummaryScope::Container(id))
        }
        PodRow::Process(pid) => Some(SummaryScope::Pid(*pid)),
    }
}

/// The pod a row belongs to, with the container for container rows.
pub fn row_pod<'a>(state: &'a AppState, row: &PodRow) -> Option<&'a Arc<PodPosture>> {
    match row {
        PodRow::Pod(k) | PodRow::Container(k, _) => state.pods.get(k),
        PodRow::Process(_) => None,
    }
}

/// Records what an inspection saw in the store, and gives the Security tab its posture:
/// the spec's (when a pod spec covers the container) with the applied column from its
/// bundle, or the bundle's alone.
pub fn on_inspected(state: &mut AppState, ins: &Inspection) -> Option<Arc<InspectPosture>> {
    // a process entered from the host has the host's credentials, not what the pod was given
    if ins.identity.entered_from_host {
        return None;
    }
    let obs = Observed::from_inspection(ins);
    let applied = ins.applied.as_ref();
    let Some((key, container)) = state.pods.locate(&ins.identity) else {
        return applied.map(|a| Arc::new(applied_only(ins, a, &obs)));
    };
    // The inspected process is what is known of its container now.
    state.pods.observe(&key, &container, vec![obs.clone()]);
    let p = state.pods.get(&key)?;
    let c = p.container(&container)?;
    // the store's findings include the applied ones (the observation carries the bundle)
    let findings: Vec<Finding> = p.findings_for(&container).into_iter().cloned().collect();
    Some(Arc::new(InspectPosture {
        pod: format!("{}/{}", p.namespace, p.name),
        container: container.clone(),
        spec: true,
        rows: crate::posture::compare_rows(&c.declared, applied, &obs),
        findings,
        immutable: p.immutable,
        immutable_reasons: p.immutable_reasons.clone(),
    }))
}

/// The Security tab's posture from the bundle alone (no pod spec covers the container).
fn applied_only(
    ins: &Inspection,
    a: &crate::identity::bundle::Applied,
    obs: &Observed,
) -> InspectPosture {
    let pod = ins.identity.pod.as_ref();
    let name = |v: Option<&String>| v.cloned().unwrap_or_else(|| "?".into());
    let container = ins.identity.container.as_ref();
    let container_name = container
        .and_then(|c| c.name.clone())
        .or_else(|| container.map(|c| c.id.chars().take(12).collect()))
        .unwrap_or_default();
    let gaps = crate::posture::applied::all_gaps(None, Some(a), obs);
    InspectPosture {
        pod: format!(
            "{}/{}",
            name(pod.and_then(|p| p.namespace.as_ref())),
            name(pod.and_then(|p| p.name.as_ref()))
        ),
        findings: crate::posture::applied::findings(&container_name, &gaps),
        container: container_name,
        spec: false,
        rows: crate::posture::eval::applied_rows(a, obs),
        immutable: a.readonly_root && obs.root_readonly != Some(false),
        immutable_reasons: Vec::new(),
    }
}

#[cfg(test)]
#[path = "podview_tests.rs"]
mod tests;
