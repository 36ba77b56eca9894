//! `ktriage posture`: pods' declared securityContext beside what their processes really have, with findings and the immutability verdict.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ktriage::headless::posture;

#[derive(Args)]
pub struct PostureArgs {
    /// One JSON object per pod per line.
    #[arg(long)]
    json: bool,
    /// Only pods of this namespace.
    #[arg(long, short = 'n')]
    namespace: Option<String>,
    /// Only the pod with this name.
    #[arg(long)]
    pod: Option<String>,
    /// Pod specs from FILE (YAML or JSON: a Pod, or a List as `kubectl get pods -o yaml` writes it).
    #[arg(long, value_name = "FILE")]
    pod_manifest: Option<PathBuf>,
    /// Container runtime socket (default: auto-detect containerd, CRI-O, k3s).
    #[arg(long)]
    cri_socket: Option<PathBuf>,
    #[command(flatten)]
    kube: super::kube_args::KubeArgs,
}

pub fn run(a: PostureArgs) -> ExitCode {
    let opts = posture::PostureOpts {
        pod_manifest: a.pod_manifest,
        namespace: a.namespace,
        pod: a.pod,
        json: a.json,
        cri_socket: a.cri_socket,
        kube: a.kube.opts(),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let res = posture::run(&opts, &mut out);
    let _ = out.flush();
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            note!(
                "ktriage: {}",
                ktriage::sanitize::sanitize_multiline(&e.to_string())
            );
            ExitCode::FAILURE
        }
    }
}
