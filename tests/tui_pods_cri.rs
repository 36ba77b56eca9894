//! End to end in tmux with a real containerd pod and no kube credentials: the pods pane lists the pod from the runtime and says why its spec columns are empty.

#[path = "support/containerd.rs"]
mod containerd;
#[path = "support/tmux.rs"]
mod tmux;

use containerd::{ContainerdPod, containerd_available};
use tmux::Tmux;

#[test]
fn pods_pane_lists_the_real_pod_from_cri_without_kube_credentials() {
    if !containerd_available("pods_pane_lists_the_real_pod_from_cri_without_kube_credentials") {
        return;
    }
    let pod = ContainerdPod::start();
    let bin = env!("CARGO_BIN_EXE_ktriage");
    let t = Tmux::start(
        "podscri",
        &format!(
            "HOME=/nonexistent KUBECONFIG=/nonexistent/kubeconfig {bin} --no-bpf --cri-socket {}; echo EXIT=$?",
            pod.socket.display()
        ),
    );
    t.wait_for("the TUI", |s| s.contains("processes"));
    t.keys(&[":", "pods", "Enter"]);
    let s = t.wait_for("the pod from the runtime", |s| {
        s.contains("team-a/web-0") && s.contains("no spec: API not configured")
    });
    // other pods of the node (another runtime, say) may be listed too: no count asserted
    assert!(s.contains("pods ("), "{s}");
    // Open it: its container and its process.
    t.keys(&["Enter"]);
    t.wait_for("the container row", |s| s.contains("  web "));
    t.keys(&["Down", "Enter"]);
    let s = t.wait_for("the container's process", |s| s.contains("sleep"));
    assert!(s.contains(&pod.pid.to_string()), "{s}");
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXIT=0"));
}
