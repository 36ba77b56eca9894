//! `ktriage pods`: the pods scheduled on this node, from the Kubernetes API.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use ktriage::kube::{list_node_pods_blocking, summary};

use super::kube_args::KubeArgs;

#[derive(Args)]
pub struct PodsArgs {
    /// One JSON object per pod.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    kube: KubeArgs,
}

pub fn run(a: PodsArgs) -> ExitCode {
    let pods = match list_node_pods_blocking(&a.kube.opts()) {
        Ok(p) => p,
        Err(e) => {
            note!("ktriage: {}", ktriage::sanitize::sanitize(&e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    let rows = summary::summaries(&pods);
    let text = if a.json {
        rows.iter().map(|r| r.json().to_string() + "\n").collect()
    } else {
        summary::table(&rows)
    };
    let _ = std::io::stdout().write_all(text.as_bytes());
    ExitCode::SUCCESS
}
