//! `ktriage ps`: every process with its container and pod, as JSON lines or a sanitized table.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::app::event::ProcInfo;
use crate::identity::cri::SharedCri;
use crate::runtime::Runtime;
use crate::runtime::procpoll::{self, ProcPoller};
use crate::sanitize::sanitize;

/// Options of `ps`.
#[derive(Clone, Debug, Default)]
pub struct PsOpts {
    /// Only processes in a container.
    pub containers_only: bool,
    /// CRI socket (`None`: auto-detect).
    pub cri_socket: Option<PathBuf>,
    /// Skip the container runtime (cgroup facts only).
    pub no_cri: bool,
    /// Names pods by UID from the API server when neither the runtime nor a bundle does.
    pub kube: Option<crate::kube::KubeOpts>,
    /// Another proc root than `/proc` (tests).
    pub proc_root: Option<PathBuf>,
}

/// The process table with identities: one scan of the runtime's /proc poller (what the
/// TUI's processes pane shows).
pub fn rows(opts: &PsOpts) -> Vec<ProcInfo> {
    let cri = (!opts.no_cri).then(|| SharedCri::new(opts.cri_socket.as_deref()));
    let root = opts.proc_root.as_deref().unwrap_or(Path::new("/proc"));
    let rt = Runtime::with_proc_root(root, cri);
    // names by pod UID from the API server when neither the runtime nor a bundle gives them
    if let (Some(k), Some(cri)) = (&opts.kube, rt.cri()) {
        cri.lock()
            .set_api(crate::identity::apipods::ApiPods::new(k.clone()));
    }
    let mut procs = ProcPoller::new(&rt, procpoll::EVERY).poll();
    procs.retain(|p| !opts.containers_only || p.container_id.is_some());
    procs
}

/// One process as a JSON object.
pub fn json(p: &ProcInfo) -> Value {
    json!({
        "pid": p.pid,
        "ppid": p.ppid,
        "uid": p.uid,
        "comm": p.comm,
        "container_id": p.container_id,
        "container_name": p.container_name,
        "image": p.image,
        "pod_name": p.pod_name,
        "pod_namespace": p.pod_namespace,
        "pod_uid": p.pod_uid,
        "entered_from_host": p.entered_from_host,
    })
}

/// A table for people (untrusted text sanitized).
pub fn table(procs: &[ProcInfo]) -> String {
    let mut s = format!(
        "{:>7} {:>7} {:>6} {:<16} {:<13} {:<28} {}\n",
        "PID", "PPID", "UID", "COMM", "CONTAINER", "POD", "IMAGE"
    );
    for p in procs {
        let ctr = p
            .container_id
            .as_deref()
            .map(|c| &c[..c.len().min(12)])
            .unwrap_or("-");
        let pod = match (&p.pod_namespace, &p.pod_name) {
            (Some(ns), Some(n)) => format!("{ns}/{n}"),
            _ => "-".into(),
        };
        let _ = writeln!(
            s,
            "{:>7} {:>7} {:>6} {:<16} {:<13} {:<28} {}",
            p.pid,
            p.ppid,
            p.uid,
            sanitize(&p.comm.chars().take(16).collect::<String>()),
            sanitize(ctr),
            sanitize(&pod),
            sanitize(p.image.as_deref().unwrap_or("-"))
        );
    }
    s
}
