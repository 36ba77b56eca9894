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
