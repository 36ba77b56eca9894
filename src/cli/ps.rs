//! `ktriage ps`: processes with their container and pod.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ktriage::headless::ps;

#[derive(Args)]
pub struct PsArgs {
    /// One JSON object per process.
    #[arg(long)]
    json: bool,
    /// Only processes in containers.
    #[arg(long)]
    containers_only: bool,
    /// Container runtime socket (default: auto-detect containerd, CRI-O, k3s).
    #[arg(long)]
    cri_socket: Option<PathBuf>,
    /// Do not ask the Kubernetes API for the names of pods the runtime does not name.
    #[arg(long)]
    no_kube: bool,
    #[command(flatten)]
    kube: super::kube_args::KubeArgs,
}

pub fn run(a: PsArgs) -> ExitCode {
    let rows = ps::rows(&ps::PsOpts {
        containers_only: a.containers_only,
        cri_socket: a.cri_socket,
        no_cri: false,
        kube: (!a.no_kube).then(|| a.kube.opts()),
        proc_root: None,
    });
    let text = if a.json {
        rows.iter()
            .map(|p| ps::json(p).to_string() + "\n")
            .collect()
    } else {
        ps::table(&rows)
    };
    let _ = std::io::stdout().write_all(text.as_bytes());
    ExitCode::SUCCESS
}
