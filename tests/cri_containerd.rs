//! Real containerd: our CRI client and cache name a container made through CRI, and fail cleanly without a runtime.

#[path = "support/containerd.rs"]
mod containerd;

use std::os::unix::net::UnixListener;
use std::path::Path;
use std::time::{Duration, Instant};

use containerd::{
    APP_IMAGE, CONTAINER_NAME, ContainerdPod, POD_NAME, POD_NAMESPACE, containerd_available,
};
use ktriage::identity::cri::{CriCache, CriClient, CriError, DEFAULT_SOCKETS, DEFAULT_TIMEOUT};

#[test]
fn cri_names_a_real_containerd_pod() {
    if !containerd_available("cri_names_a_real_containerd_pod") {
        return;
    }
    let pod = ContainerdPod::start();

    // The async client: connect, list, status.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = rt
        .block_on(CriClient::connect(Some(&pod.socket)))
        .expect("connect to the private containerd");
    assert_eq!(client.runtime_name(), Some("containerd"));
    let (info, status_pod) = rt
        .block_on(client.container_status(&pod.container_id))
        .expect("ContainerStatus");
    assert_eq!(info.image.as_deref(), Some(APP_IMAGE), "status image");
    assert_eq!(status_pod.and_then(|p| p.uid), Some(pod.pod_uid.clone()));
    let sandboxes = rt
        .block_on(client.list_pod_sandboxes())
        .expect("ListPodSandbox");
    assert!(
        sandboxes.iter().any(|s| s.id == pod.sandbox_id && s.ready),
        "{sandboxes:?}"
    );
    drop(client);
    drop(rt);

    // The sync cache: one refresh names the container and its pod.
    let mut cache = CriCache::new(Some(&pod.socket));
    let (c, p) = cache
        .lookup(&pod.container_id.to_ascii_uppercase())
        .unwrap_or_else(|| panic!("cache lookup: {:?}\n{}", cache.last_error(), pod.log_tail()));
    assert_eq!(c.id, pod.container_id);
    assert_eq!(c.name.as_deref(), Some(CONTAINER_NAME));
    // CreateContainer was given the image id (as the kubelet does): ListImages names it.
    assert_eq!(c.image.as_deref(), Some(APP_IMAGE));
    assert_eq!(c.runtime.as_deref(), Some("containerd"));
    assert_eq!(
        c.labels
            .get("io.kubernetes.container.name")
            .map(String::as_str),
        Some(CONTAINER_NAME)
    );
    let p = p.expect("pod info");
    assert_eq!(p.name.as_deref(), Some(POD_NAME));
    assert_eq!(p.namespace.as_deref(), Some(POD_NAMESPACE));
    assert_eq!(p.uid.as_deref(), Some(pod.pod_uid.as_str()));
    assert_eq!(cache.attempts(), 1);
    assert!(cache.lookup(&pod.container_id).is_some());
    assert_eq!(cache.attempts(), 1, "a known id needs no refresh");
    // An id the runtime does not know stays unknown; back-to-back lookups refresh at most once.
    let before = cache.attempts();
    assert_eq!(cache.lookup(&"0".repeat(64)), None);
    assert_eq!(cache.lookup(&"1".repeat(64)), None);
    assert!(
        cache.attempts() - before <= 1,
        "rate limit: {}",
        cache.attempts()
    );

    // The host sees the container's process in the pod's cgroup.
    let cgroup = std::fs::read_to_string(format!("/proc/{}/cgroup", pod.pid)).expect("cgroup");
    assert!(
        cgroup.lines().any(|l| l.contains(&pod.container_id)),
        "pid {} cgroup:\n{cgroup}",
        pod.pid
    );
    assert!(
        pod.cgroup
            .ends_with(&format!("pod{}/{}", pod.pod_uid, pod.container_id)),
        "{}",
        pod.cgroup
    );
    let environ = std::fs::read(format!("/proc/{}/environ", pod.pid)).expect("environ");
    assert!(String::from_utf8_lossy(&environ).contains("SECRET_TOKEN=s3cr3t-value-123"));
    let comm = std::fs::read_to_string(format!("/proc/{}/comm", pod.pid)).expect("comm");
    assert_eq!(comm.trim(), "sleep");
    assert!(pod.bundle_dir().join("config.json").is_file());
}

#[test]
fn missing_socket_fails_cleanly_and_the_cache_says_unknown() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let t = Instant::now();
    let err = rt
        .block_on(CriClient::connect(Some(Path::new("/nonexistent.sock"))))
        .expect_err("no runtime there");
    assert!(t.elapsed() <= DEFAULT_TIMEOUT + Duration::from_millis(500));
    assert!(err.is_unavailable(), "{err}");
    assert!(err.to_string().contains("/nonexistent.sock"), "{err}");

    let mut cache = CriCache::new(Some(Path::new("/nonexistent.sock")));
    let t = Instant::now();
    assert_eq!(cache.lookup(&"ab".repeat(32)), None);
    assert!(t.elapsed() <= DEFAULT_TIMEOUT + Duration::from_millis(500));
    assert!(cache.last_error().is_some());
}

#[test]
fn a_silent_socket_times_out_and_auto_detect_reports_what_it_tried() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // Accepts connections (backlog) but never speaks HTTP/2.
    let dir = tempfile::tempdir().expect("temp dir");
    let sock = dir.path().join("silent.sock");
    let _listener = UnixListener::bind(&sock).expect("bind");
    let limit = Duration::from_millis(300);
    let t = Instant::now();
    let err = rt
        .block_on(CriClient::connect_with_timeout(Some(&sock), limit))
        .expect_err("nothing answers");
    assert!(t.elapsed() < limit * 3, "took {:?}", t.elapsed());
    assert!(matches!(err, CriError::Timeout { .. }), "{err:?}");
    let mut cache = CriCache::with_timeout(Some(&sock), limit);
    assert_eq!(cache.lookup(&"ef".repeat(32)), None);
    assert!(
        matches!(cache.last_error(), Some(CriError::Timeout { .. })),
        "{:?}",
        cache.last_error()
    );

    if DEFAULT_SOCKETS.iter().all(|s| !Path::new(s).exists()) {
        let err = rt
            .block_on(CriClient::connect(None))
            .expect_err("no runtime");
        assert!(matches!(err, CriError::NoSocket { .. }), "{err:?}");
        assert!(err.to_string().contains("/run/containerd/containerd.sock"));
    }
}
