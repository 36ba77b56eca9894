//! Commands run in the test pod's container through CRI, as `kubectl exec` runs them.

use std::time::Duration;

use ktriage::identity::cri::CriClient;
use ktriage::identity::cri::generated as g;

use super::ContainerdPod;

impl ContainerdPod {
    /// Runs `cmd` in the container through CRI ExecSync, as `kubectl exec` does; asserts exit 0; its stdout.
    #[allow(dead_code)]
    pub fn exec_sync(&self, cmd: &[&str]) -> Vec<u8> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let c = CriClient::connect_with_timeout(Some(&self.socket), Duration::from_secs(30))
                .await
                .expect("CRI");
            let r = c
                .runtime_service()
                .exec_sync(g::ExecSyncRequest {
                    container_id: self.container_id.clone(),
                    cmd: cmd.iter().map(|s| s.to_string()).collect(),
                    timeout: 20,
                })
                .await
                .expect("ExecSync")
                .into_inner();
            assert_eq!(r.exit_code, 0, "{}", String::from_utf8_lossy(&r.stderr));
            r.stdout
        })
    }
}

/// A process exec'd into the test pod's container with a terminal, as `kubectl exec -it`
/// has the runtime do it (the shim starts it with `terminal: true`); killed on drop.
pub struct TtyExec {
    child: std::process::Child,
}

impl Drop for TtyExec {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ContainerdPod {
    /// Starts `cmd` in the container through the runtime with a tty (`ctr task exec -t`
    /// under `script` for the terminal); it runs until the returned handle is dropped.
    #[allow(dead_code)]
    pub fn exec_tty(&self, exec_id: &str, cmd: &[&str]) -> TtyExec {
        let line = format!(
            "ctr --address {} -n k8s.io task exec -t --exec-id {exec_id} {} {}",
            self.socket.display(),
            self.container_id,
            cmd.join(" ")
        );
        let child = std::process::Command::new("script")
            .args(["-qfc", &line, "/dev/null"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("script + ctr task exec -t");
        TtyExec { child }
    }
}

impl ContainerdPod {
    /// Runs `cmd` in the container through the runtime without a terminal (`ctr task exec`,
    /// the shim and `runc exec` as for `kubectl exec pod -- cmd`) and waits for it to exit;
    /// asserts it succeeded.
    #[allow(dead_code)]
    pub fn exec_once(&self, exec_id: &str, cmd: &[&str]) {
        let out = std::process::Command::new("ctr")
            .args(["--address", &self.socket.display().to_string()])
            .args(["-n", "k8s.io", "task", "exec", "--exec-id", exec_id])
            .arg(&self.container_id)
            .args(cmd)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("ctr task exec");
        assert!(
            out.status.success(),
            "ctr task exec {cmd:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
