//! One CRI cache shared by every part of a session (the /proc poller, inspections, alert names, the stream's names).

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use super::CriCache;
use crate::identity::{ContainerInfo, PodInfo};

/// A handle on one [`CriCache`]; clones share the cache, its connection and its rate limit.
///
/// Callers hold the lock for one lookup: a refresh (at most one a second) makes the others
/// wait for its answer instead of asking the runtime again themselves.
#[derive(Clone)]
pub struct SharedCri(Arc<Mutex<CriCache>>);

impl SharedCri {
    /// A cache over `socket`, or the auto-detected runtime when `None`. Connects lazily.
    pub fn new(socket: Option<&Path>) -> Self {
        Self::from_cache(CriCache::new(socket))
    }

    /// Shares an existing cache.
    pub fn from_cache(cache: CriCache) -> Self {
        Self(Arc::new(Mutex::new(cache)))
    }

    /// The cache, locked (a panicked holder leaves it usable: it is only a cache).
    pub fn lock(&self) -> MutexGuard<'_, CriCache> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// See [`CriCache::lookup`].
    pub fn lookup(&self, container_id: &str) -> Option<(ContainerInfo, Option<PodInfo>)> {
        self.lock().lookup(container_id)
    }

    /// See [`CriCache::full_id`].
    pub fn full_id(&self, prefix: &str) -> Option<String> {
        self.lock().full_id(prefix)
    }

    /// gRPC calls made to the runtime through this cache (see [`CriCache::rpcs`]).
    pub fn rpcs(&self) -> u64 {
        self.lock().rpcs()
    }

    /// Refreshes attempted (see [`CriCache::attempts`]).
    pub fn attempts(&self) -> u64 {
        self.lock().attempts()
    }

    /// True when `other` is a handle on the same cache.
    pub fn same(&self, other: &SharedCri) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for SharedCri {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedCri")
            .field("handles", &Arc::strong_count(&self.0))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_one_rate_limit() {
        let a = SharedCri::new(Some(Path::new("/nonexistent/ktriage-cri.sock")));
        let b = a.clone();
        let id = "ef".repeat(32);
        assert_eq!(a.lookup(&id), None);
        assert_eq!(b.lookup(&id), None);
        assert_eq!(b.full_id(&id[..12]), None);
        assert_eq!(a.attempts(), 1, "the second handle must not ask again");
        assert!(a.same(&b));
        assert!(!a.same(&SharedCri::new(None)));
    }
}
