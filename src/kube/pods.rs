//! One-shot list of the pods on this node (paged, each page bounded by the timeout).

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};

use super::client::{Connection, connect};
use super::{KubeError, KubeOpts};

/// Pods per list page, as client-go pages.
pub const PAGE_SIZE: u32 = 500;

/// Lists the pods scheduled on this node (field selector `spec.nodeName`), all namespaces.
///
/// Fails with a typed error, never hangs: each call is bounded by `opts.timeout`.
pub async fn list_node_pods(opts: &KubeOpts) -> Result<Vec<Pod>, KubeError> {
    let conn = connect(opts).await?;
    list_pods(&conn).await
}

/// [`list_node_pods`] over an existing connection.
pub async fn list_pods(conn: &Connection) -> Result<Vec<Pod>, KubeError> {
    let api: Api<Pod> = Api::all(conn.client.clone());
    let selector = conn.node_selector();
    let mut restarts = 0;
    'list: loop {
        let mut pods = Vec::new();
        let mut lp = ListParams::default().fields(&selector).limit(PAGE_SIZE);
        loop {
            match api.list(&lp).await {
                Ok(page) => {
                    pods.extend(page.items.into_iter().map(slim));
                    match page.metadata.continue_.filter(|c| !c.is_empty()) {
                        Some(token) => lp.continue_token = Some(token),
                        None => return Ok(pods),
                    }
                }
                // The continue token expired between pages: start over, as kubectl advises.
                Err(kube::Error::Api(status))
                    if status.code == 410 && lp.continue_token.is_some() && restarts < 3 =>
                {
                    restarts += 1;
                    continue 'list;
                }
                Err(e) => return Err(conn.error(&e)),
            }
        }
    }
}

/// [`list_node_pods`] for callers without a tokio runtime (headless commands).
/// Inside a runtime it runs on a helper thread so it never blocks a worker's runtime.
pub fn list_node_pods_blocking(opts: &KubeOpts) -> Result<Vec<Pod>, KubeError> {
    let run = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| KubeError::Runtime(e.to_string()))?
            .block_on(list_node_pods(opts))
    };
    if tokio::runtime::Handle::try_current().is_err() {
        return run();
    }
    std::thread::scope(|s| {
        s.spawn(run)
            .join()
            .unwrap_or_else(|_| Err(KubeError::Runtime("the list thread panicked".into())))
    })
}

/// Drops what ktriage never reads and that weighs most (managed fields).
pub fn slim(mut pod: Pod) -> Pod {
    pod.metadata.managed_fields = None;
    pod
}
