//! End to end in tmux at 80×24 on a real containerd pod: an engine alert for a `cat /etc/shadow` run through CRI
//! ExecSync, pivoted after the process exited, shows the pod, the container and the flight-recorder snapshot.

#[path = "support/containerd.rs"]
mod containerd;
mod support;
#[path = "support/tmux.rs"]
mod tmux;

use std::time::Duration;

use ktriage::identity::cri::CriClient;
use ktriage::identity::cri::generated as g;
use support::bpf_available;
use tmux::Tmux;

#[test]
fn pivot_on_a_gone_container_process_names_pod_and_container() {
    let t = "pivot_on_a_gone_container_process_names_pod_and_container";
    if !bpf_available(t) || !containerd::containerd_available(t) {
        return;
    }
    let pod = containerd::ContainerdPod::start();
    let bin = env!("CARGO_BIN_EXE_ktriage");
    let tm = Tmux::start(
        "identity",
        &format!(
            "HOME=/nonexistent {bin} --cri-socket {}; echo EXIT=$?",
            pod.socket.display()
        ),
    );
    assert!(
        tm.cmd(&["resize-window", "-t", "t", "-x", "80", "-y", "24"])
            .status
            .success()
    );
    tm.wait_for("the collector running", |s| s.contains("running"));

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let exit = rt.block_on(async {
        let c = CriClient::connect_with_timeout(Some(&pod.socket), Duration::from_secs(20))
            .await
            .expect("CRI");
        c.runtime_service()
            .exec_sync(g::ExecSyncRequest {
                container_id: pod.container_id.clone(),
                cmd: vec!["cat".into(), "/etc/shadow".into()],
                timeout: 10,
            })
            .await
            .expect("ExecSync")
            .into_inner()
            .exit_code
    });
    assert_eq!(exit, 0);
    // ExecSync returned: the cat has exited (and been reaped) before the pivot runs
    tm.wait_for("the engine's alert listed", |s| {
        s.contains("Read sensitive file")
    });
    tm.keys(&["a"]);
    tm.keys(&["p"]);
    let s = tm.wait_for("the inspect view from the snapshot", |s| {
        s.contains("flight-recorder snapshot") && s.contains(&pod.pod_name)
    });
    eprintln!("{s}");
    assert!(s.contains("cat"), "{s}");
    assert!(
        s.contains(&format!("{}/{}", pod.namespace, pod.pod_name)),
        "{s}"
    );
    assert!(s.contains(&pod.container_id[..12]), "{s}");
    assert!(s.contains(&pod.container_name), "{s}");
    assert!(!s.contains("host process"), "{s}");
    tm.keys(&["Escape"]);
    // q right after Escape would read as Alt-q: wait for the view to close
    tm.wait_for("the inspect view closed", |s| !s.contains("Overview │"));
    tm.keys(&["q"]);
    tm.wait_for("exit", |s| s.contains("EXIT=0"));
}
