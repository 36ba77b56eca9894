//! Background list + watch of this node's pods, as a stream of [`PodUpdate`]s on a channel.
//!
//! Built on `kube::runtime::watcher`: it resumes a dropped watch from the last
//! resourceVersion and relists when that version is gone (410). When the API
//! server cannot be reached at all (list or watch start fails, times out),
//! this task reports [`PodUpdate::Unreachable`], waits (doubling from
//! `retry_min` to `retry_max`) and starts over with a fresh list; the first
//! successful sync after that is followed by [`PodUpdate::Ready`].

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use kube::runtime::watcher::{self, Event};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::client::{Connection, connect};
use super::pods::slim;
use super::{KubeError, KubeOpts};

/// Channel capacity: a burst of one full relist of a busy node fits.
const CHANNEL: usize = 1024;

/// One change to the set of pods on this node.
#[derive(Clone, Debug)]
pub enum PodUpdate {
    /// The complete set, after the first list or a relist: replace everything
    /// (pods not in it are gone).
    Relisted(Vec<Pod>),
    /// A pod was added or changed (match by `metadata.uid`).
    Applied(Pod),
    /// A pod was deleted (its last state).
    Deleted(Pod),
    /// The API server cannot be reached or keeps failing; the last set is kept.
    /// Repeated only when the message changes. It may quote the API server's
    /// own error text: sanitize before drawing.
    Unreachable(String),
    /// The API server answers again (also sent once after the first sync).
    Ready,
}

/// A running watcher. Dropping it stops the background task.
pub struct PodWatch {
    /// The updates, in order.
    pub updates: mpsc::Receiver<PodUpdate>,
    /// The node whose pods are watched.
    pub node: String,
    /// The API server's URL.
    pub url: String,
    task: JoinHandle<()>,
}

impl Drop for PodWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Resolves the configuration (errors are returned at once), then spawns the
/// watcher task on the current tokio runtime.
pub async fn spawn_pod_watcher(opts: &KubeOpts) -> Result<PodWatch, KubeError> {
    Ok(spawn_on(connect(opts).await?, opts))
}

/// [`spawn_pod_watcher`] over an existing connection.
pub fn spawn_on(conn: Connection, opts: &KubeOpts) -> PodWatch {
    let (tx, updates) = mpsc::channel(CHANNEL);
    let node = conn.node.clone();
    let url = conn.url.clone();
    let task = tokio::spawn(run(conn, opts.clone(), tx));
    PodWatch {
        updates,
        node,
        url,
        task,
    }
}

/// What to do after a watcher error.
enum Failure {
    /// The API server is unreachable or broken: report, back off, start over.
    Outage(String),
    /// The watcher recovers by itself (resume, relist on 410): just pause.
    Transient,
}

fn classify(err: &watcher::Error, conn: &Connection) -> Failure {
    match err {
        watcher::Error::InitialListFailed(e) | watcher::Error::WatchStartFailed(e) => {
            Failure::Outage(conn.error(e).to_string())
        }
        watcher::Error::NoResourceVersion => Failure::Outage(format!(
            "API server {} sent a list without resourceVersion",
            conn.url
        )),
        watcher::Error::WatchError(_) | watcher::Error::WatchFailed(_) => Failure::Transient,
    }
}

struct Sink {
    tx: mpsc::Sender<PodUpdate>,
    ready: bool,
    last_outage: Option<String>,
}

impl Sink {
    /// Sends `u`; false when the receiver is gone.
    async fn send(&mut self, u: PodUpdate) -> bool {
        self.tx.send(u).await.is_ok()
    }

    /// Marks the API server as answering; sends `Ready` on the transition.
    async fn healthy(&mut self) -> bool {
        if self.ready {
            return true;
        }
        self.ready = true;
        self.last_outage = None;
        self.send(PodUpdate::Ready).await
    }

    async fn outage(&mut self, msg: String) -> bool {
        let repeat = !self.ready && self.last_outage.as_deref() == Some(msg.as_str());
        self.ready = false;
        if repeat {
            return true;
        }
        self.last_outage = Some(msg.clone());
        self.send(PodUpdate::Unreachable(msg)).await
    }
}

async fn run(conn: Connection, opts: KubeOpts, tx: mpsc::Sender<PodUpdate>) {
    let api: Api<Pod> = Api::all(conn.client.clone());
    let wc = watcher::Config::default()
        .fields(&conn.node_selector())
        .timeout(opts.watch_timeout_secs);
    let mut sink = Sink {
        tx,
        ready: false,
        last_outage: None,
    };
    let mut delay = opts.retry_min;
    loop {
        let mut stream = watcher::watcher(api.clone(), wc.clone()).boxed();
        let mut buffer = Vec::new();
        while let Some(item) = stream.next().await {
            let alive = match item {
                Ok(Event::Init) => {
                    buffer.clear();
                    true
                }
                Ok(Event::InitApply(p)) => {
                    buffer.push(slim(p));
                    true
                }
                Ok(Event::InitDone) => {
                    delay = opts.retry_min;
                    let all = std::mem::take(&mut buffer);
                    sink.send(PodUpdate::Relisted(all)).await && sink.healthy().await
                }
                Ok(Event::Apply(p)) => {
                    delay = opts.retry_min;
                    sink.send(PodUpdate::Applied(slim(p))).await && sink.healthy().await
                }
                Ok(Event::Delete(p)) => {
                    delay = opts.retry_min;
                    sink.send(PodUpdate::Deleted(slim(p))).await && sink.healthy().await
                }
                Err(e) => match classify(&e, &conn) {
                    Failure::Outage(msg) => {
                        if !sink.outage(msg).await {
                            return;
                        }
                        break;
                    }
                    Failure::Transient => {
                        tokio::time::sleep(delay).await;
                        delay = (delay * 2).min(opts.retry_max);
                        true
                    }
                },
            };
            if !alive {
                return;
            }
        }
        if sink.tx.is_closed() {
            return;
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(opts.retry_max);
    }
}
