//! End to end in tmux: the pods pane follows this node's pods from the (fake) API server, and an unreachable server shows a banner, then recovers.

mod support;
#[path = "support/tmux.rs"]
mod tmux;

use support::fake_apiserver::{FakeApiServer, Mode, pod};
use tmux::Tmux;

#[test]
fn pods_pane_follows_the_api_server() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let fake = rt.block_on(FakeApiServer::start());
    fake.put_pod(pod("team-a", "web-0", "node-t"));
    fake.put_pod(pod("team-b", "not-here", "node-other"));
    fake.set_mode(Mode::Hang);
    let dir = tempfile::tempdir().expect("tmp");
    let kc = fake.kubeconfig(dir.path());
    let bin = env!("CARGO_BIN_EXE_ktriage");
    let t = Tmux::start(
        "kube",
        &format!(
            "HOME=/nonexistent {bin} --no-bpf --kubeconfig {} --node node-t --kube-timeout 1; echo EXIT=$?",
            kc.display()
        ),
    );
    t.wait_for("the TUI", |s| s.contains("processes"));
    t.keys(&[":", "pods", "Enter"]);
    t.wait_for("the unreachable banner", |s| {
        s.contains("Kubernetes API") && s.contains("unreachable")
    });
    fake.set_mode(Mode::Normal);
    let s = t.wait_for("the pod listed once the server answers", |s| {
        s.contains("web-0") && !s.contains("unreachable")
    });
    assert!(!s.contains("not-here"), "another node's pod:\n{s}");
    fake.put_pod(pod("team-a", "web-1", "node-t"));
    t.wait_for("a pod added through the watch", |s| s.contains("web-1"));
    assert!(fake.delete_pod("team-a", "web-0"));
    t.wait_for("a pod deleted through the watch", |s| {
        s.contains("web-1") && !s.contains("web-0")
    });
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXIT=0"));
}
