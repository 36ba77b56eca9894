//! A real containerd pod held open for trying ktriage by hand (not run by CI).
//!
//! `cargo test --test dev_pod -- --ignored --nocapture` starts team-a/web-0 on a
//! private containerd, prints its socket and container pid, and keeps it until the
//! file `/tmp/ktriage-dev-pod.stop` appears (then tears everything down).

#[path = "support/containerd.rs"]
mod containerd;

use std::path::Path;
use std::time::Duration;

#[test]
#[ignore = "manual: holds a pod until /tmp/ktriage-dev-pod.stop exists"]
fn hold_pod() {
    assert!(containerd::containerd_available("hold_pod"), "containerd");
    let stop = Path::new("/tmp/ktriage-dev-pod.stop");
    let _ = std::fs::remove_file(stop);
    let pod = containerd::ContainerdPod::start();
    println!(
        "DEV POD READY socket={} pid={} container={} pod={}/{}",
        pod.socket.display(),
        pod.pid,
        pod.container_id,
        pod.namespace,
        pod.pod_name
    );
    // waits for the person, not for a result: a poll, never a decision
    while !stop.exists() {
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = std::fs::remove_file(stop);
}
