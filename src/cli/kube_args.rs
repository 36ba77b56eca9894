//! `--kubeconfig`, `--context`, `--node`, `--kube-timeout`: the Kubernetes API flags commands flatten in.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use ktriage::kube::KubeOpts;

#[derive(Args, Clone, Debug, Default)]
pub struct KubeArgs {
    /// Kubeconfig file [default: $KUBECONFIG, ~/.kube/config (also the sudo
    /// user's), in-cluster, /etc/kubernetes/kubelet.conf, /etc/kubernetes/admin.conf]
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context [default: its current-context]
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
    /// This node's name [default: $NODE_NAME, then the hostname]
    #[arg(long, value_name = "NAME")]
    pub node: Option<String>,
    /// Timeout of each Kubernetes API call, in seconds
    #[arg(long, value_name = "SECS", default_value = "5", value_parser = parse_secs)]
    pub kube_timeout: Duration,
}

impl KubeArgs {
    /// The client options these flags ask for.
    pub fn opts(&self) -> KubeOpts {
        KubeOpts {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            node: self.node.clone(),
            timeout: self.kube_timeout,
            ..KubeOpts::default()
        }
    }
}

fn parse_secs(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .parse()
        .map_err(|_| format!("not a number of seconds: {s:?}"))?;
    if !(secs > 0.0 && secs <= 3600.0) {
        return Err(format!("must be between 0 and 3600 seconds, got {s}"));
    }
    Duration::try_from_secs_f64(secs).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_parse_and_bound() {
        assert_eq!(parse_secs("5"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_secs("0.5"), Ok(Duration::from_millis(500)));
        assert!(parse_secs("0").is_err());
        assert!(parse_secs("-1").is_err());
        assert!(parse_secs("NaN").is_err());
        assert!(parse_secs("abc").is_err());
    }
}
