//! Sync facade: container id → (container, pod) cache, refreshed by one list when an id is new.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{CriClient, CriError, DEFAULT_TIMEOUT};
use crate::identity::{ContainerInfo, PodInfo};

/// Shortest gap between two refreshes (also the first back-off step).
const MIN_INTERVAL: Duration = Duration::from_secs(1);
/// Longest gap between two attempts while the runtime keeps failing.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Past this many entries, a refresh forgets containers the runtime no longer lists.
const MAX_ENTRIES: usize = 4096;

/// How long a container whose bundle named nothing stays unnamed before the bundle is read again.
pub const BUNDLE_RETRY: Duration = Duration::from_secs(5);

type Entry = (ContainerInfo, Option<PodInfo>);

/// Container id → (container, pod), for sync callers (TUI, headless commands).
///
/// It owns a private current-thread tokio runtime and blocks on it for the
/// gRPC calls, so it works from plain threads; called from inside another
/// tokio runtime it does the blocking call on a short-lived scoped thread
/// instead of panicking. An unknown id triggers a refresh (`ListContainers` +
/// `ListPodSandbox`, plus `ListImages` when an image is only known by id), at
/// most once per second; while the runtime is absent or failing, attempts
/// back off up to 30 s. Every failure reads as "unknown" (`None`).
pub struct CriCache {
    socket: Option<PathBuf>,
    timeout: Duration,
    rt: Option<tokio::runtime::Runtime>,
    client: Option<CriClient>,
    entries: HashMap<String, Entry>,
    last_attempt: Option<Instant>,
    backoff: Duration,
    attempts: u64,
    last_error: Option<CriError>,
    /// gRPC calls made by every connection this cache opened.
    calls: Arc<AtomicU64>,
    /// Names read from bundles when the runtime did not know a container (and when they were read).
    bundles: HashMap<String, (Instant, Option<Entry>)>,
    /// The API server's pods by UID, asked when neither the runtime nor a bundle names a pod.
    /// Its own lock: a list in progress never holds this cache's.
    api: Option<Arc<std::sync::Mutex<crate::identity::apipods::ApiPods>>>,
}

impl CriCache {
    /// A cache over `socket`, or the auto-detected runtime when `None`. Connects lazily.
    pub fn new(socket: Option<&Path>) -> Self {
        Self::with_timeout(socket, DEFAULT_TIMEOUT)
    }

    /// [`CriCache::new`] with another per-call timeout.
    pub fn with_timeout(socket: Option<&Path>, timeout: Duration) -> Self {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        let (rt, last_error) = match rt {
            Ok(rt) => (Some(rt), None),
            Err(e) => (None, Some(CriError::Runtime(e))),
        };
        Self {
            socket: socket.map(Path::to_path_buf),
            timeout,
            rt,
            client: None,
            entries: HashMap::new(),
            last_attempt: None,
            backoff: MIN_INTERVAL,
            attempts: 0,
            last_error,
            calls: Arc::default(),
            bundles: HashMap::new(),
            api: None,
        }
    }

    /// The container `container_id` (full id, any case) and its pod; `None` when unknown,
    /// including when no runtime answers.
    pub fn lookup(&mut self, container_id: &str) -> Option<Entry> {
        let id = container_id.to_ascii_lowercase();
        if id.is_empty() {
            return None;
        }
        if let Some(e) = self.entries.get(&id) {
            return Some(e.clone());
        }
        self.refresh_if_due();
        self.entries.get(&id).cloned()
    }

    /// The names of container `id` from its bundle, read by `read` (see
    /// [`crate::identity::bundle`]) at most once, or again after [`BUNDLE_RETRY`] when
    /// nothing was found; for containers the runtime does not name (no socket answers).
    pub fn lookup_bundle(
        &mut self,
        container_id: &str,
        read: impl FnOnce() -> Option<Entry>,
    ) -> Option<Entry> {
        let id = container_id.to_ascii_lowercase();
        let now = Instant::now();
        match self.bundles.get(&id) {
            Some((_, Some(e))) => return Some(e.clone()),
            Some((at, None)) if now.duration_since(*at) < BUNDLE_RETRY => return None,
            _ => {}
        }
        let found = read();
        if self.bundles.len() >= MAX_ENTRIES {
            self.bundles.clear();
        }
        self.bundles.insert(id, (now, found.clone()));
        found
    }

    /// Asks `api` for pods by UID when nothing else names them (see [`Self::api`]).
    pub fn set_api(&mut self, api: crate::identity::apipods::ApiPods) {
        self.api = Some(Arc::new(std::sync::Mutex::new(api)));
    }

    /// The API server's pods by UID, when one is configured; lock it after releasing this cache.
    pub fn api(&self) -> Option<Arc<std::sync::Mutex<crate::identity::apipods::ApiPods>>> {
        self.api.clone()
    }

    /// Lists made of the API server's pods (0 without one).
    pub fn api_lists(&self) -> u64 {
        self.api
            .as_ref()
            .map_or(0, |a| a.lock().unwrap_or_else(|p| p.into_inner()).lists())
    }

    /// Asks the runtime again unless it was asked within the backoff; the error,
    /// if any, is kept in `last_error` and the answer stays "unknown".
    fn refresh_if_due(&mut self) {
        let now = Instant::now();
        if self
            .last_attempt
            .is_none_or(|t| now.duration_since(t) >= self.backoff)
        {
            self.last_attempt = Some(now);
            let _ = self.refresh();
        }
    }

    /// The full id of the one container whose id starts with `prefix` (at least 12
    /// hex characters, as Falco prints `container.id`); `None` when unknown or ambiguous.
    pub fn full_id(&mut self, prefix: &str) -> Option<String> {
        let p = prefix.to_ascii_lowercase();
        if p.len() < 12 || !p.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let find = |e: &HashMap<String, Entry>| {
            let mut it = e.keys().filter(|k| k.starts_with(&p));
            match (it.next(), it.next()) {
                (Some(k), None) => Some(k.clone()),
                _ => None,
            }
        };
        if let Some(k) = find(&self.entries) {
            return Some(k);
        }
        self.refresh_if_due();
        find(&self.entries)
    }

    /// Refreshes now, ignoring the rate limit; returns how many containers the runtime listed.
    pub fn refresh(&mut self) -> Result<usize, &CriError> {
        self.attempts += 1;
        let Some(rt) = self.rt.as_ref() else {
            // `last_error` holds why the runtime could not be created.
            return Err(self.last_error.get_or_insert(CriError::Malformed {
                op: "refresh",
                what: "no tokio runtime",
            }));
        };
        let (socket, timeout, client) = (self.socket.clone(), self.timeout, self.client.clone());
        let calls = self.calls.clone();
        let fut = async move {
            let client = match client {
                Some(c) => c,
                None => CriClient::connect_counted(socket.as_deref(), timeout, calls).await?,
            };
            let listed = client.containers().await?;
            Ok::<_, CriError>((client, listed))
        };
        let result = block_on(rt, fut).unwrap_or(Err(CriError::Malformed {
            op: "refresh",
            what: "the helper thread panicked",
        }));
        match result {
            Ok((client, listed)) => {
                self.client = Some(client);
                self.backoff = MIN_INTERVAL;
                self.last_error = None;
                Ok(self.store(listed))
            }
            Err(e) => {
                if e.is_unavailable() {
                    self.client = None;
                }
                self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
                Err(self.last_error.insert(e))
            }
        }
    }

    fn store(&mut self, listed: Vec<Entry>) -> usize {
        let n = listed.len();
        if self.entries.len() + n > MAX_ENTRIES {
            self.entries.clear();
        }
        for (c, pod) in listed {
            self.entries.insert(c.id.clone(), (c, pod));
        }
        n
    }

    /// The last refresh's error, if it failed (for a status line or `--verbose`).
    pub fn last_error(&self) -> Option<&CriError> {
        self.last_error.as_ref()
    }

    /// How many refreshes were attempted (tests check the rate limit with it).
    pub fn attempts(&self) -> u64 {
        self.attempts
    }

    /// gRPC calls made to the runtime so far, connecting included (tests check sharing with it).
    pub fn rpcs(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The runtime's name once connected (`containerd`, `cri-o`).
    pub fn runtime_name(&self) -> Option<&str> {
        self.client.as_ref().and_then(CriClient::runtime_name)
    }

    /// The socket in use once connected.
    pub fn socket(&self) -> Option<&Path> {
        self.client.as_ref().map(CriClient::socket)
    }

    /// Number of cached containers.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Drop for CriCache {
    fn drop(&mut self) {
        // Dropping a runtime inside another runtime's context panics; this does not.
        self.client = None;
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

/// Blocks on `fut` with `rt`; on a scoped thread when the caller is itself inside a tokio
/// runtime (where `block_on` would panic). `None` if that thread panicked.
fn block_on<F>(rt: &tokio::runtime::Runtime, fut: F) -> Option<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    if tokio::runtime::Handle::try_current().is_ok() {
        std::thread::scope(|s| s.spawn(|| rt.block_on(fut)).join().ok())
    } else {
        Some(rt.block_on(fut))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_socket_is_unknown_and_rate_limited() {
        let mut cache = CriCache::new(Some(Path::new("/nonexistent/ktriage-cri.sock")));
        let id = "ab".repeat(32);
        let t = Instant::now();
        assert_eq!(cache.lookup(&id), None);
        assert_eq!(cache.lookup(&id), None);
        assert!(t.elapsed() < DEFAULT_TIMEOUT, "took {:?}", t.elapsed());
        assert_eq!(cache.attempts(), 1, "second lookup must not refresh again");
        assert!(cache.last_error().is_some_and(CriError::is_unavailable));
        assert!(cache.refresh().is_err());
        assert_eq!(cache.lookup(""), None);
    }

    #[test]
    fn bundle_names_are_read_once_and_misses_retried_only_after_a_while() {
        let mut cache = CriCache::new(Some(Path::new("/nonexistent/ktriage-cri.sock")));
        let mut reads = 0;
        let named = || {
            let c = ContainerInfo {
                id: "ab".into(),
                name: Some("web".into()),
                ..ContainerInfo::default()
            };
            Some((c, None))
        };
        for _ in 0..3 {
            let got = cache.lookup_bundle("AB", || {
                reads += 1;
                named()
            });
            assert_eq!(got.and_then(|(c, _)| c.name).as_deref(), Some("web"));
        }
        assert_eq!(reads, 1, "a named container is read once");
        let mut misses = 0;
        for _ in 0..3 {
            assert!(
                cache
                    .lookup_bundle("cd", || {
                        misses += 1;
                        None
                    })
                    .is_none()
            );
        }
        assert_eq!(
            misses, 1,
            "a miss is not read again within {BUNDLE_RETRY:?}"
        );
    }

    #[tokio::test]
    async fn usable_and_droppable_inside_a_runtime() {
        let mut cache = CriCache::new(Some(Path::new("/nonexistent/ktriage-cri.sock")));
        assert_eq!(cache.lookup(&"cd".repeat(32)), None);
        drop(cache);
    }
}
