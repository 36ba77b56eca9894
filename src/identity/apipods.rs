//! The last resort for names: the API server's pods of this node, by the pod UID a cgroup carries (and the container by its id in the pod's status).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Pod;

use super::{ContainerInfo, PodInfo};
use crate::kube::{KubeError, KubeOpts};

/// Shortest gap between two lists (a miss does not list again sooner).
pub const LIST_INTERVAL: Duration = Duration::from_secs(10);
/// Most pods kept (a node runs at most a few hundred).
const MAX_PODS: usize = 4096;

/// One pod as the API server lists it: its names and its containers' (id, name, image).
#[derive(Clone, Debug)]
struct ApiPod {
    pod: PodInfo,
    containers: Vec<ContainerInfo>,
}

/// How a list is made (the API server; tests may list otherwise).
pub type Lister = Box<dyn FnMut(&KubeOpts) -> Result<Vec<Pod>, KubeError> + Send>;

/// Pod UID → names, from one list of this node's pods, listed again on a miss at most every
/// [`LIST_INTERVAL`]; each list bounded by `opts.timeout` (see [`crate::kube`]).
pub struct ApiPods {
    opts: KubeOpts,
    list: Lister,
    by_uid: HashMap<String, ApiPod>,
    last: Option<Instant>,
    lists: u64,
    last_error: Option<String>,
}

impl std::fmt::Debug for ApiPods {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiPods")
            .field("pods", &self.by_uid.len())
            .field("lists", &self.lists)
            .finish()
    }
}

impl ApiPods {
    /// Asks the API server `opts` names.
    pub fn new(opts: KubeOpts) -> Self {
        Self::with_lister(opts, Box::new(crate::kube::list_node_pods_blocking))
    }

    /// Lists with `list`.
    pub fn with_lister(opts: KubeOpts, list: Lister) -> Self {
        Self {
            opts,
            list,
            by_uid: HashMap::new(),
            last: None,
            lists: 0,
            last_error: None,
        }
    }

    /// The pod of `uid` and, when its status lists `container_id`, that container.
    pub fn lookup(
        &mut self,
        uid: &str,
        container_id: Option<&str>,
    ) -> Option<(Option<ContainerInfo>, PodInfo)> {
        if !self.by_uid.contains_key(uid) && self.last.is_none_or(|t| t.elapsed() >= LIST_INTERVAL)
        {
            self.refresh();
        }
        let p = self.by_uid.get(uid)?;
        let c = container_id.and_then(|id| p.containers.iter().find(|c| c.id == id).cloned());
        Some((c, p.pod.clone()))
    }

    /// Lists now.
    fn refresh(&mut self) {
        self.last = Some(Instant::now());
        self.lists += 1;
        match (self.list)(&self.opts) {
            Ok(pods) => {
                self.last_error = None;
                self.by_uid = pods.iter().filter_map(api_pod).take(MAX_PODS).collect();
            }
            Err(e) => self.last_error = Some(e.to_string()),
        }
    }

    /// Lists made so far (tests check the rate limit with it).
    pub fn lists(&self) -> u64 {
        self.lists
    }

    /// Why the last list failed.
    pub fn last_error(&self) -> Option<&str> {
        self.last_error.as_deref()
    }
}

/// `(uid, pod)` of a listed pod; container ids from `status.containerStatuses[].containerID`
/// (`containerd://<id>`), init and ephemeral containers included.
fn api_pod(p: &Pod) -> Option<(String, ApiPod)> {
    let m = &p.metadata;
    let uid = m.uid.clone()?;
    let pod = PodInfo {
        name: m.name.clone(),
        namespace: m.namespace.clone(),
        uid: Some(uid.clone()),
        labels: m.labels.clone().unwrap_or_default(),
        ..PodInfo::default()
    };
    let status = p.status.as_ref();
    let statuses = status.into_iter().flat_map(|s| {
        [
            s.container_statuses.as_deref(),
            s.init_container_statuses.as_deref(),
            s.ephemeral_container_statuses.as_deref(),
        ]
        .into_iter()
        .flatten()
        .flatten()
    });
    let containers = statuses
        .filter_map(|cs| {
            let id = cs.container_id.as_deref()?.rsplit("://").next()?;
            Some(ContainerInfo {
                id: id.to_ascii_lowercase(),
                runtime: cs
                    .container_id
                    .as_deref()
                    .and_then(|s| s.split_once("://"))
                    .map(|(r, _)| r.to_string()),
                name: Some(cs.name.clone()),
                image: Some(cs.image.clone()),
                ..ContainerInfo::default()
            })
        })
        .collect();
    Some((uid, ApiPod { pod, containers }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed() -> Vec<Pod> {
        let v = serde_json::json!({
            "metadata": {"name": "api-1", "namespace": "shop", "uid": "u-1"},
            "status": {"containerStatuses": [{
                "name": "api", "image": "shop/api:2", "imageID": "", "ready": true,
                "restartCount": 0, "containerID": "containerd://ABCDEF"}]}
        });
        vec![serde_json::from_value(v).expect("pod")]
    }

    #[test]
    fn names_by_uid_and_container_id_listing_at_most_once_per_interval() {
        let mut api = ApiPods::with_lister(KubeOpts::default(), Box::new(|_| Ok(listed())));
        let (c, p) = api.lookup("u-1", Some("abcdef")).expect("known uid");
        assert_eq!(p.name.as_deref(), Some("api-1"));
        let c = c.expect("container by id");
        assert_eq!(
            (c.name.as_deref(), c.runtime.as_deref()),
            (Some("api"), Some("containerd"))
        );
        assert!(api.lookup("u-2", None).is_none());
        assert!(api.lookup("u-3", None).is_none());
        assert_eq!(
            api.lists(),
            1,
            "a miss within the interval does not list again"
        );
    }

    #[test]
    fn a_failing_list_is_unknown_and_remembered() {
        let mut api = ApiPods::with_lister(
            KubeOpts::default(),
            Box::new(|_| Err(KubeError::Runtime("down".into()))),
        );
        assert!(api.lookup("u-1", None).is_none());
        assert!(api.last_error().is_some_and(|e| e.contains("down")));
    }
}
