//! `ktriage inspect PID`: identity and /proc inspection as JSON or text; `--ls`/`--cat` browse the process's root safely.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::app::{Effect, Event};
use crate::inspect::InspectError;
use crate::inspect::rootfs::{DEFAULT_PREVIEW_CAP, RootFs, RootFsError};
use crate::runtime::Runtime;
use crate::sanitize::{sanitize, sanitize_multiline};

/// What `inspect` should print.
#[derive(Clone, Debug)]
pub enum What {
    /// The whole inspection.
    Process,
    /// A directory listing inside the process's root.
    Ls(String),
    /// A file from the process's root (capped).
    Cat(String),
}

/// Options of `inspect`.
#[derive(Clone, Debug)]
pub struct InspectOpts {
    /// The process.
    pub pid: u32,
    /// What to print.
    pub what: What,
    /// JSON instead of text.
    pub json: bool,
    /// Print masked environment values (noted in the output).
    pub reveal_secrets: bool,
    /// CRI socket (`None`: auto-detect).
    pub cri_socket: Option<PathBuf>,
    /// Byte cap for `--cat`.
    pub cap: usize,
    /// Pod specs to compare the process with (`declared`, `findings`).
    pub pod_manifest: Option<PathBuf>,
    /// Without a manifest, the pod spec of a process in a pod comes from this API server
    /// (`None`: not asked). An API error is reported in `posture_error`, not fatal.
    pub kube: Option<crate::kube::KubeOpts>,
}

/// Why `inspect` failed.
#[derive(Debug, thiserror::Error)]
pub enum InspectCmdError {
    /// The process is gone or unreadable.
    #[error(transparent)]
    Inspect(#[from] InspectError),
    /// A root-filesystem path could not be listed or read.
    #[error("{path}: {source}")]
    Root {
        /// The path asked for.
        path: String,
        /// Why.
        #[source]
        source: RootFsError,
    },
    /// The inspection failed (the process exited meanwhile, or is unreadable).
    #[error(transparent)]
    Failed(#[from] crate::app::event::EffectError),
    /// No process has this pid (it never existed, or is gone and reaped: the two look alike).
    #[error("inspect {0}: no such process")]
    NoSuchProcess(u32),
    /// Writing the output failed.
    #[error("output: {0}")]
    Io(#[from] std::io::Error),
    /// The pod manifest could not be loaded.
    #[error(transparent)]
    Manifest(#[from] crate::posture::ManifestError),
}

/// Default `--cat` cap.
pub const CAT_CAP: usize = DEFAULT_PREVIEW_CAP;

/// Runs the command, writing to `out`.
pub fn run(opts: &InspectOpts, out: &mut impl Write) -> Result<(), InspectCmdError> {
    if !Path::new("/proc").join(opts.pid.to_string()).exists() {
        return Err(InspectCmdError::NoSuchProcess(opts.pid));
    }
    match &opts.what {
        What::Process => process(opts, out),
        What::Ls(path) => ls(opts, path, out),
        What::Cat(path) => cat(opts, path, out),
    }
}

fn root_of(pid: u32) -> PathBuf {
    Path::new("/proc").join(pid.to_string()).join("root")
}

fn rooted<T>(path: &str, r: Result<T, RootFsError>) -> Result<T, InspectCmdError> {
    r.map_err(|source| InspectCmdError::Root {
        path: path.to_string(),
        source,
    })
}

fn process(opts: &InspectOpts, out: &mut impl Write) -> Result<(), InspectCmdError> {
    let pods = match &opts.pod_manifest {
        Some(p) => Some(crate::posture::load_manifest(p)?),
        None => None,
    };
    // The same effect the TUI's inspect view asks for, run by the runtime's runner.
    let rt = Runtime::new(opts.cri_socket.as_deref(), true);
    // names by pod UID from the API server when neither the runtime nor a bundle gives them
    if let (Some(k), Some(cri)) = (&opts.kube, rt.cri()) {
        cri.lock()
            .set_api(crate::identity::apipods::ApiPods::new(k.clone()));
    }
    let runner = rt.effects();
    let insp = match runner.run(Effect::Inspect(opts.pid)) {
        Some(Event::Inspected { result: Ok(i), .. }) => i,
        Some(Event::Inspected { result: Err(e), .. }) => return Err(InspectCmdError::Failed(e)),
        _ => return Err(InspectCmdError::NoSuchProcess(opts.pid)),
    };
    let identity = &insp.identity;
    let mut v = insp.to_json(opts.reveal_secrets);
    let pods = match (pods, &opts.kube) {
        (Some(p), _) => Some(p),
        (None, Some(k)) if identity.pod.is_some() => {
            match crate::kube::list_node_pods_blocking(k) {
                Ok(p) => Some(p),
                Err(e) => {
                    v["posture_error"] = serde_json::Value::from(e.to_string());
                    None
                }
            }
        }
        _ => None,
    };
    match pods {
        Some(pods) => super::posture::attach(&mut v, pods, &insp),
        None => super::posture::attach_applied(&mut v, &insp),
    }
    if opts.json {
        writeln!(out, "{v}")?;
    } else {
        super::inspect_text::write(&v, out)?;
    }
    Ok(())
}

fn ls(opts: &InspectOpts, path: &str, out: &mut impl Write) -> Result<(), InspectCmdError> {
    let root = rooted(path, RootFs::open(&root_of(opts.pid)))?;
    let entries = rooted(path, root.list(path))?;
    if opts.json {
        for e in &entries {
            writeln!(out, "{}", json!(e))?;
        }
        return Ok(());
    }
    for e in &entries {
        let link = match (&e.link_target, &e.link_resolved) {
            (Some(t), Some(r)) => format!(" -> {} (in root: {})", sanitize(t), sanitize(r)),
            (Some(t), None) => format!(" -> {} (dangling)", sanitize(t)),
            _ => String::new(),
        };
        writeln!(
            out,
            "{} {:>6} {:>6} {:>10} {}{link}",
            e.mode,
            e.uid,
            e.gid,
            e.size,
            sanitize(&e.name)
        )?;
    }
    Ok(())
}

fn cat(opts: &InspectOpts, path: &str, out: &mut impl Write) -> Result<(), InspectCmdError> {
    let root = rooted(path, RootFs::open(&root_of(opts.pid)))?;
    let view = rooted(path, root.read(path, opts.cap))?;
    if opts.json {
        let text = (!view.is_binary()).then(|| String::from_utf8_lossy(&view.data).into_owned());
        let v = json!({
            "path": view.path, "resolved": view.resolved, "size": view.size,
            "truncated": view.truncated, "binary": view.is_binary(), "text": text,
            "strings": view.is_binary().then(|| view.strings(4).into_iter().map(|(o, s)| json!({"offset": o, "text": s})).collect::<Vec<_>>()),
        });
        writeln!(out, "{v}")?;
        return Ok(());
    }
    if view.is_binary() {
        for (off, s) in view.strings(4) {
            writeln!(out, "{off:>8x} {}", sanitize(&s))?;
        }
    } else {
        out.write_all(sanitize_multiline(&String::from_utf8_lossy(&view.data)).as_bytes())?;
    }
    if view.truncated {
        writeln!(
            out,
            "\n[ktriage: showing {} of {} bytes]",
            view.data.len(),
            view.size
        )?;
    }
    Ok(())
}
