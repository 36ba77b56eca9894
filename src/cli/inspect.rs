//! `ktriage inspect PID`: one process's identity, fds, environ, mounts, namespaces, security.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ktriage::headless::inspect;

#[derive(Args)]
pub struct InspectArgs {
    /// The process.
    pid: u32,
    /// JSON output.
    #[arg(long)]
    json: bool,
    /// Show masked environment values.
    #[arg(long)]
    reveal_secrets: bool,
    /// List PATH inside the process's root filesystem.
    #[arg(long, value_name = "PATH", conflicts_with = "cat")]
    ls: Option<String>,
    /// Print the file PATH from the process's root filesystem (capped).
    #[arg(long, value_name = "PATH")]
    cat: Option<String>,
    /// Byte cap for --cat.
    #[arg(long, default_value_t = inspect::CAT_CAP)]
    max_bytes: usize,
    /// Container runtime socket (default: auto-detect containerd, CRI-O, k3s).
    #[arg(long)]
    cri_socket: Option<PathBuf>,
    /// Pod specs from FILE: adds the container's `declared` context and `findings`.
    #[arg(long, value_name = "FILE")]
    pod_manifest: Option<PathBuf>,
    /// Do not ask the Kubernetes API for the pod spec of a process in a pod.
    #[arg(long, conflicts_with = "pod_manifest")]
    no_kube: bool,
    #[command(flatten)]
    kube: super::kube_args::KubeArgs,
}

pub fn run(a: InspectArgs) -> ExitCode {
    let what = match (a.ls, a.cat) {
        (Some(p), _) => inspect::What::Ls(p),
        (_, Some(p)) => inspect::What::Cat(p),
        _ => inspect::What::Process,
    };
    let opts = inspect::InspectOpts {
        pid: a.pid,
        what,
        json: a.json,
        reveal_secrets: a.reveal_secrets,
        cri_socket: a.cri_socket,
        cap: a.max_bytes,
        pod_manifest: a.pod_manifest,
        kube: (!a.no_kube).then(|| a.kube.opts()),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let res = inspect::run(&opts, &mut out);
    let _ = out.flush();
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            note!("ktriage: {e}");
            ExitCode::FAILURE
        }
    }
}
