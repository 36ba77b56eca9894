//! The posture of every known pod, kept current by watch events: `apply` / `delete` / `replace_all` recompute only the pods they touch.

use std::collections::HashMap;
use std::sync::Arc;

use k8s_openapi::api::core::v1::Pod;

use super::eval::{DEFAULT_NAMESPACE, PodPosture, evaluate};
use super::observed::Observed;
use crate::identity::Identity;

/// One pod: its spec, what was observed of its containers, and the evaluation of both.
#[derive(Clone, Debug)]
struct Entry {
    pod: Arc<Pod>,
    observed: HashMap<String, Vec<Observed>>,
    posture: Arc<PodPosture>,
}

/// Pods by key (the UID, or `namespace/name` for a spec without one).
#[derive(Clone, Debug, Default)]
pub struct PostureStore {
    pods: HashMap<String, Entry>,
    /// Bumped on every change (views cache on it).
    generation: u64,
    /// Pod evaluations done since the store was made (tests, benchmark).
    evaluations: u64,
}

/// One change to the known pods, as a watch (or a manifest) delivers it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum PodUpdate {
    /// Every pod (initial list, relist, `--pod-manifest`).
    Replace(Vec<Pod>),
    /// A pod was added or modified.
    Apply(Box<Pod>),
    /// The pod with this key (UID) was deleted.
    Delete(String),
}

/// The key of a pod: its UID, else `namespace/name`.
pub fn pod_key(pod: &Pod) -> String {
    match &pod.metadata.uid {
        Some(uid) if !uid.is_empty() => uid.clone(),
        _ => format!(
            "{}/{}",
            pod.metadata
                .namespace
                .as_deref()
                .unwrap_or(DEFAULT_NAMESPACE),
            pod.metadata.name.as_deref().unwrap_or_default()
        ),
    }
}

impl PostureStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store of `pods`.
    pub fn from_pods(pods: Vec<Pod>) -> Self {
        let mut s = Self::new();
        s.replace_all(pods);
        s
    }

    /// Adds or replaces one pod (a watch ADDED / MODIFIED) and re-evaluates it alone.
    /// Observations of containers it still has are kept. Returns its key.
    pub fn apply(&mut self, pod: Pod) -> String {
        let key = pod_key(&pod);
        let observed = self
            .pods
            .remove(&key)
            .map(|e| e.observed)
            .unwrap_or_default();
        self.insert(key.clone(), Arc::new(pod), observed);
        key
    }

    /// Removes one pod (a watch DELETED). True when it was known.
    pub fn delete(&mut self, key: &str) -> bool {
        let gone = self.pods.remove(key).is_some();
        if gone {
            self.generation += 1;
        }
        gone
    }

    /// Replaces every pod (a relist); unchanged specs keep their evaluation.
    pub fn replace_all(&mut self, pods: Vec<Pod>) {
        let mut old = std::mem::take(&mut self.pods);
        for pod in pods {
            let key = pod_key(&pod);
            match old.remove(&key) {
                Some(e) if *e.pod == pod => {
                    self.pods.insert(key, e);
                }
                Some(e) => self.insert(key, Arc::new(pod), e.observed),
                None => self.insert(key, Arc::new(pod), HashMap::new()),
            }
        }
        self.generation += 1;
    }

    /// Applies one watch change.
    pub fn update(&mut self, u: PodUpdate) {
        match u {
            PodUpdate::Replace(pods) => self.replace_all(pods),
            PodUpdate::Apply(pod) => {
                self.apply(*pod);
            }
            PodUpdate::Delete(key) => {
                self.delete(&key);
            }
        }
    }

    /// Records the processes seen in one container and re-evaluates that pod.
    /// False when the pod is unknown.
    pub fn observe(&mut self, key: &str, container: &str, observed: Vec<Observed>) -> bool {
        let Some(e) = self.pods.remove(key) else {
            return false;
        };
        let mut obs = e.observed;
        obs.insert(container.to_string(), observed);
        self.insert(key.to_string(), e.pod, obs);
        true
    }

    fn insert(&mut self, key: String, pod: Arc<Pod>, observed: HashMap<String, Vec<Observed>>) {
        let posture = Arc::new(evaluate(&pod, &observed));
        self.evaluations += 1;
        self.generation += 1;
        self.pods.insert(
            key,
            Entry {
                pod,
                observed,
                posture,
            },
        );
    }

    /// The posture of one pod.
    pub fn get(&self, key: &str) -> Option<&Arc<PodPosture>> {
        self.pods.get(key).map(|e| &e.posture)
    }

    /// The spec of one pod.
    pub fn pod(&self, key: &str) -> Option<&Arc<Pod>> {
        self.pods.get(key).map(|e| &e.pod)
    }

    /// Every pod's posture, by namespace then name.
    pub fn sorted(&self) -> Vec<(&str, &Arc<PodPosture>)> {
        let mut v: Vec<(&str, &Arc<PodPosture>)> = self
            .pods
            .iter()
            .map(|(k, e)| (k.as_str(), &e.posture))
            .collect();
        v.sort_by(|a, b| (&a.1.namespace, &a.1.name, a.0).cmp(&(&b.1.namespace, &b.1.name, b.0)));
        v
    }

    pub fn len(&self) -> usize {
        self.pods.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pods.is_empty()
    }

    /// Changes so far.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Pod evaluations so far.
    pub fn evaluations(&self) -> u64 {
        self.evaluations
    }

    /// The (pod key, container name) a process with `identity` belongs to: by pod
    /// UID and CRI container name, else by the container id in the pod's
    /// status, else (specs without a UID) by namespace, name and container name.
    pub fn locate(&self, identity: &Identity) -> Option<(String, String)> {
        let ctr = identity.container.as_ref()?;
        let pod = identity.pod.as_ref();
        if let (Some(uid), Some(name)) = (pod.and_then(|p| p.uid.as_deref()), ctr.name.as_deref())
            && let Some(e) = self.pods.get(uid)
            && e.posture.container(name).is_some()
        {
            return Some((uid.to_string(), name.to_string()));
        }
        for (key, e) in &self.pods {
            if let Some(name) = status_container(&e.pod, &ctr.id) {
                return Some((key.clone(), name));
            }
        }
        let (ns, pname, cname) = (
            pod?.namespace.as_deref()?,
            pod?.name.as_deref()?,
            ctr.name.as_deref()?,
        );
        let key = format!("{ns}/{pname}");
        let e = self.pods.get(&key)?;
        e.posture.container(cname).map(|_| (key, cname.to_string()))
    }
}

/// The container whose status names `container_id` (`containerd://<id>`).
fn status_container(pod: &Pod, container_id: &str) -> Option<String> {
    if container_id.is_empty() {
        return None;
    }
    let st = pod.status.as_ref()?;
    st.container_statuses
        .iter()
        .flatten()
        .chain(st.init_container_statuses.iter().flatten())
        .chain(st.ephemeral_container_statuses.iter().flatten())
        .find(|s| {
            s.container_id
                .as_deref()
                .and_then(|id| id.rsplit("://").next())
                == Some(container_id)
        })
        .map(|s| s.name.clone())
}

#[cfg(test)]
#[path = "tests/store.rs"]
mod tests;
