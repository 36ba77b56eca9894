//! The kube source: feeds the core this node's pod specs from the Kubernetes API watcher, and the API's state.

use tokio::sync::mpsc;

use crate::app::Event;
use crate::app::kube_status::KubeStatus;
use crate::kube::{KubeOpts, PodUpdate, spawn_pod_watcher};
use crate::posture::store::{self, PodUpdate as StoreUpdate};

/// Spawns the watcher task; it ends when the core stops listening.
pub fn spawn(opts: KubeOpts, tx: mpsc::Sender<Event>) {
    tokio::spawn(async move {
        let mut watch = match spawn_pod_watcher(&opts).await {
            Ok(w) => w,
            Err(e) => {
                let _ = tx
                    .send(Event::Kube(KubeStatus::Unconfigured(e.to_string())))
                    .await;
                return;
            }
        };
        let (url, node) = (watch.url.clone(), watch.node.clone());
        let connecting = KubeStatus::Connecting {
            url: url.clone(),
            node: node.clone(),
        };
        if tx.send(Event::Kube(connecting)).await.is_err() {
            return;
        }
        while let Some(u) = watch.updates.recv().await {
            let ev = match u {
                PodUpdate::Relisted(pods) => Event::Pods(StoreUpdate::Replace(pods)),
                PodUpdate::Applied(pod) => Event::Pods(StoreUpdate::Apply(Box::new(pod))),
                PodUpdate::Deleted(pod) => Event::Pods(StoreUpdate::Delete(store::pod_key(&pod))),
                PodUpdate::Unreachable(message) => Event::Kube(KubeStatus::Unreachable {
                    url: url.clone(),
                    message,
                }),
                PodUpdate::Ready => Event::Kube(KubeStatus::Ready {
                    url: url.clone(),
                    node: node.clone(),
                }),
            };
            if tx.send(ev).await.is_err() {
                return;
            }
        }
    });
}
