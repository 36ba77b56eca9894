//! `ktriage posture`: every pod's declared context beside what its processes have, as JSON lines or text; and the posture part of `inspect`.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use k8s_openapi::api::core::v1::Pod;
use serde_json::{Value, json};

use crate::app::buffer::CHUNK;
use crate::app::{AppState, Core, Event};
use crate::inspect::Inspection;
use crate::posture::eval::DEFAULT_NAMESPACE;
use crate::posture::finding::count_by_severity;
use crate::posture::store::PodUpdate;
use crate::posture::{
    Finding, ManifestError, Observed, PodPosture, PostureStore, Severity, load_manifest,
};
use crate::runtime::Runtime;
use crate::runtime::procpoll::{self, ProcPoller};
use crate::sanitize::sanitize;

/// Options of `posture`.
#[derive(Clone, Debug, Default)]
pub struct PostureOpts {
    /// Pod specs from this file instead of the API server.
    pub pod_manifest: Option<PathBuf>,
    /// Only pods of this namespace.
    pub namespace: Option<String>,
    /// Only the pod with this name.
    pub pod: Option<String>,
    /// One JSON object per pod per line.
    pub json: bool,
    /// CRI socket (`None`: auto-detect).
    pub cri_socket: Option<PathBuf>,
    /// The API server to read this node's pods from when there is no manifest.
    pub kube: crate::kube::KubeOpts,
}

/// Why `posture` failed.
#[derive(Debug, thiserror::Error)]
pub enum PostureCmdError {
    /// The manifest could not be read or parsed.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The API server could not give this node's pods.
    #[error(
        "pods from the Kubernetes API: {0}\n(without a cluster, pass --pod-manifest FILE, e.g. from `kubectl get pods -o yaml`)"
    )]
    Kube(#[from] crate::kube::KubeError),
    /// Writing the output failed.
    #[error("output: {0}")]
    Io(#[from] std::io::Error),
}

/// Runs the command with the pods of `--pod-manifest`, else this node's pods from the API server.
pub fn run(opts: &PostureOpts, out: &mut impl Write) -> Result<(), PostureCmdError> {
    let pods = match &opts.pod_manifest {
        Some(path) => load_manifest(path)?,
        None => crate::kube::list_node_pods_blocking(&opts.kube)?,
    };
    run_with_pods(pods, opts, out)
}

/// Runs the command on `pods` from any source (manifest or API server).
pub fn run_with_pods(
    pods: Vec<Pod>,
    opts: &PostureOpts,
    out: &mut impl Write,
) -> Result<(), PostureCmdError> {
    let pods = filter(pods, opts.namespace.as_deref(), opts.pod.as_deref());
    let rt = Runtime::new(opts.cri_socket.as_deref(), true);
    let core = observe(&rt, pods);
    for (_, p) in core.state().pods.sorted() {
        if opts.json {
            writeln!(out, "{}", p.to_json())?;
        } else {
            out.write_all(text(p).as_bytes())?;
        }
    }
    Ok(())
}

/// The core after `pods` and one scan of the runtime's /proc poller went through it, and
/// the observations it asked for were read by the runtime's effect runner: the pods pane's
/// posture, headless.
pub fn observe(rt: &Runtime, pods: Vec<Pod>) -> Core {
    let mut core = Core::new(AppState::new(CHUNK));
    let runner = rt.effects();
    let procs = ProcPoller::new(rt, procpoll::EVERY).poll();
    let mut todo = core.dispatch(Event::Pods(PodUpdate::Replace(pods)));
    todo.extend(core.dispatch(Event::Processes(procs)));
    // each observation answers one request; a bounded number of rounds (pids can change meanwhile)
    for _ in 0..4 {
        let effects = std::mem::take(&mut todo);
        if effects.is_empty() {
            break;
        }
        for ev in effects.into_iter().filter_map(|e| runner.run(e)) {
            todo.extend(core.dispatch(ev));
        }
    }
    core
}

/// The pods of `namespace` (absent: `default`) and `name`, when given.
pub fn filter(pods: Vec<Pod>, namespace: Option<&str>, name: Option<&str>) -> Vec<Pod> {
    pods.into_iter()
        .filter(|p| {
            let ns = p.metadata.namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE);
            namespace.is_none_or(|n| n == ns)
                && name.is_none_or(|n| p.metadata.name.as_deref() == Some(n))
        })
        .collect()
}

/// Adds `declared`, `findings` and `immutable` (same shapes as `posture --json`) to an
/// inspection's JSON, from the pod spec of its container in `pods`.
pub fn attach(v: &mut Value, pods: Vec<Pod>, ins: &Inspection) {
    let mut store = PostureStore::from_pods(pods);
    let Some((key, container)) = store.locate(&ins.identity) else {
        v["declared"] = Value::Null;
        v["findings"] = applied_findings(ins, "");
        v["posture"] = json!({"note": "no pod spec for this process's container"});
        return;
    };
    let obs = Observed::from_inspection(ins);
    store.observe(&key, &container, vec![obs.clone()]);
    let Some(p) = store.get(&key) else { return };
    let declared = p.container(&container).map(|c| &c.declared);
    v["declared"] = declared.map_or(Value::Null, |d| json!(d));
    // the applied ones included: the observation carries the bundle
    v["findings"] = p
        .findings_for(&container)
        .into_iter()
        .map(Finding::to_json)
        .collect();
    v["immutable"] = json!(p.immutable);
    v["posture"] = json!({
        "pod": {"namespace": p.namespace, "name": p.name, "uid": p.uid},
        "container": container,
        "immutable_reasons": p.immutable_reasons,
        "rows": declared.map(|d| rows_json(&crate::posture::compare_rows(d, ins.applied.as_ref(), &obs))),
    });
}

/// Without a pod spec: the applied view against the process (`findings`, `posture.rows`).
pub fn attach_applied(v: &mut Value, ins: &Inspection) {
    let Some(a) = &ins.applied else { return };
    if ins.identity.entered_from_host {
        return;
    }
    let obs = Observed::from_inspection(ins);
    let name = ins
        .identity
        .container
        .as_ref()
        .and_then(|c| c.name.clone())
        .unwrap_or_default();
    v["findings"] = applied_findings(ins, &name);
    v["posture"] = json!({
        "note": "no pod spec for this process's container: applied (bundle) against observed",
        "container": name,
        "rows": rows_json(&crate::posture::eval::applied_rows(a, &obs)),
    });
}

/// Without a pod spec: the KT-POS-009 / KT-POS-010 findings of the inspected process (none without a bundle or entered from the host).
fn applied_findings(ins: &Inspection, container: &str) -> Value {
    let Some(a) = ins
        .applied
        .as_ref()
        .filter(|_| !ins.identity.entered_from_host)
    else {
        return json!([]);
    };
    let obs = Observed::from_inspection(ins);
    let gaps = crate::posture::applied::all_gaps(None, Some(a), &obs);
    crate::posture::applied::findings(container, &gaps)
        .iter()
        .map(Finding::to_json)
        .collect()
}

/// `[{field, declared, applied, observed, verdict}]`.
fn rows_json(rows: &[crate::posture::eval::CompareRow]) -> Value {
    rows.iter()
        .map(|r| {
            json!({
                "field": r.field,
                "declared": r.declared,
                "applied": r.applied,
                "observed": r.observed,
                "verdict": match r.verdict {
                    crate::posture::eval::RowVerdict::Ok => "ok",
                    crate::posture::eval::RowVerdict::Mismatch => "mismatch",
                    crate::posture::eval::RowVerdict::Unchecked => "unchecked",
                },
            })
        })
        .collect()
}

/// `critical 1 · high 2` (non-zero counts only; `no findings` when none).
pub fn counts_text(findings: &[Finding]) -> String {
    let n = count_by_severity(findings);
    let parts: Vec<String> = Severity::ALL
        .iter()
        .zip(n)
        .filter(|(_, c)| *c > 0)
        .map(|(s, c)| format!("{} {c}", s.name()))
        .collect();
    if parts.is_empty() {
        "no findings".into()
    } else {
        parts.join(" · ")
    }
}

/// One pod for people (workload text sanitized).
pub fn text(p: &PodPosture) -> String {
    let mut s = String::new();
    let verdict = if p.immutable {
        "immutable"
    } else {
        "NOT immutable"
    };
    let _ = writeln!(
        s,
        "{}/{}  uid {}  {verdict}  {}",
        sanitize(&p.namespace),
        sanitize(&p.name),
        sanitize(p.uid.as_deref().unwrap_or("-")),
        counts_text(&p.findings)
    );
    for r in &p.immutable_reasons {
        let _ = writeln!(s, "  why: {}", sanitize(r));
    }
    for f in p.findings.iter().filter(|f| f.container.is_none()) {
        line(&mut s, "  ", f);
    }
    for c in &p.containers {
        let pids: Vec<String> = c.pids.iter().map(u32::to_string).collect();
        let _ = writeln!(
            s,
            "  container {} ({}){}",
            sanitize(&c.declared.container),
            c.declared.kind.name(),
            if pids.is_empty() {
                "  not running here".to_string()
            } else {
                format!("  pids {}", pids.join(","))
            }
        );
        for f in &c.findings {
            line(&mut s, "    ", f);
        }
    }
    s
}

fn line(s: &mut String, pad: &str, f: &Finding) {
    let _ = writeln!(
        s,
        "{pad}{:<8} {} {:<28} {}",
        f.severity.name(),
        f.id(),
        f.rule.name(),
        sanitize(&f.message)
    );
}
