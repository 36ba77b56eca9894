//! Joining `kubectl exec` (an exec audit event) and the process it started in the pod's container: both ways, with the confidence shown, never guessed.
//!
//! A process is a candidate for an exec event when it runs in the event's
//! pod (namespace and name) and container (the `container` URI parameter,
//! when the runtime names the container), its parent is the runtime's shim
//! (the exec'd process is the shim's child: containerd-shim, conmon, crun or
//! runc), it started within [`WINDOW_BEFORE_NS`] before to
//! [`WINDOW_AFTER_NS`] after the event's time (stage ResponseStarted), and its
//! comm or argv\[0] is the command's first word. One candidate is an exact
//! link; several are listed, none chosen.

use crate::model::audit::{AuditEvent, ExecCandidate, ExecLink};

/// A process may start this long before the audit event's time (the event is written after the stream is up).
pub const WINDOW_BEFORE_NS: u64 = 5_000_000_000;
/// And this long after it.
pub const WINDOW_AFTER_NS: u64 = 5_000_000_000;

/// What the join needs of a process.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecProc {
    pub pid: u32,
    pub comm: String,
    /// argv\[0] (empty when unknown).
    pub argv0: String,
    /// The whole argv when an exec record gave it (empty: only argv\[0] is known).
    pub argv: Vec<String>,
    /// The parent's comm.
    pub parent_comm: String,
    /// Start time, ns since the epoch.
    pub start_ns: u64,
    pub pod_namespace: Option<String>,
    pub pod_name: Option<String>,
    pub container_name: Option<String>,
}

/// True for the processes that start an exec'd process (the runtime's shim and OCI runtimes).
pub fn is_shim(comm: &str) -> bool {
    comm.starts_with("containerd-shim") || matches!(comm, "conmon" | "runc" | "crun" | "runsc")
}

fn base(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// True for the audit events that start a process: an exec into a pod, at ResponseStarted.
pub fn is_exec_start(ev: &AuditEvent) -> bool {
    ev.resource() == "pods" && ev.subresource() == "exec" && ev.stage == "ResponseStarted"
}

/// The link of an exec event (`None`: not an exec start).
pub fn link(ev: &AuditEvent, procs: &[ExecProc]) -> Option<ExecLink> {
    if !is_exec_start(ev) || ev.time_ns == 0 {
        return None;
    }
    let command = ev.uri_param_all("command");
    let word = base(command.first().map_or("", String::as_str));
    let container = ev.uri_param_all("container").into_iter().next();
    let (lo, hi) = (
        ev.time_ns.saturating_sub(WINDOW_BEFORE_NS),
        ev.time_ns + WINDOW_AFTER_NS,
    );
    let mut found: Vec<ExecCandidate> = procs
        .iter()
        .filter(|p| {
            p.pod_namespace.as_deref() == Some(ev.namespace())
                && p.pod_name.as_deref() == Some(ev.name())
                && match (&container, &p.container_name) {
                    (Some(want), Some(have)) => want == have,
                    _ => true,
                }
                && is_shim(&p.parent_comm)
                && (lo..=hi).contains(&p.start_ns)
                && !word.is_empty()
                // comm is cut at 15 bytes by the kernel
                && (p.comm == word.chars().take(15).collect::<String>() || base(&p.argv0) == word)
        })
        .map(|p| ExecCandidate {
            pid: p.pid,
            comm: p.comm.clone(),
            start_ns: p.start_ns,
            argv: match (p.argv.is_empty(), p.argv0.is_empty()) {
                (false, _) => p.argv.clone(),
                (true, false) => vec![p.argv0.clone()],
                (true, true) => Vec::new(),
            },
        })
        .collect();
    found.sort_by_key(|c| (c.start_ns, c.pid));
    Some(match found.len() {
        0 => ExecLink::None,
        1 => ExecLink::Exact(found.remove(0)),
        _ => ExecLink::Ambiguous(found),
    })
}

/// The other way: the exec events whose link names `pid` (exact or as one of several), with their link.
pub fn execs_of<'a>(
    pid: u32,
    events: impl IntoIterator<Item = &'a AuditEvent>,
    procs: &[ExecProc],
) -> Vec<(&'a AuditEvent, ExecLink)> {
    events
        .into_iter()
        .filter_map(|e| link(e, procs).map(|l| (e, l)))
        .filter(|(_, l)| match l {
            ExecLink::Exact(c) => c.pid == pid,
            ExecLink::Ambiguous(cs) => cs.iter().any(|c| c.pid == pid),
            ExecLink::None => false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exec_event(t: u64, cmd: &str) -> AuditEvent {
        AuditEvent {
            stage: "ResponseStarted".into(),
            verb: "create".into(),
            request_uri: format!(
                "/api/v1/namespaces/team-a/pods/web-0/exec?command={cmd}&container=web&stdin=true&tty=true"
            ),
            object_ref: Some(crate::model::audit::ObjectRef {
                resource: "pods".into(),
                subresource: "exec".into(),
                namespace: "team-a".into(),
                name: "web-0".into(),
                ..Default::default()
            }),
            time_ns: t,
            ..Default::default()
        }
    }

    fn proc(pid: u32, comm: &str, parent: &str, start: u64) -> ExecProc {
        ExecProc {
            pid,
            comm: comm.into(),
            argv0: format!("/bin/{comm}"),
            argv: Vec::new(),
            parent_comm: parent.into(),
            start_ns: start,
            pod_namespace: Some("team-a".into()),
            pod_name: Some("web-0".into()),
            container_name: Some("web".into()),
        }
    }

    #[test]
    fn exact_ambiguous_and_none() {
        let t = 100_000_000_000;
        let ev = exec_event(t, "%2Fbin%2Fsh");
        let shim = "containerd-shim";
        let procs = vec![
            proc(10, "sh", shim, t - 1_000_000),
            proc(11, "sh", "sleep", t), // parent is not the shim
            proc(12, "sh", shim, t + 60_000_000_000), // outside the window
            proc(13, "sleep", shim, t), // another command
        ];
        let exact = link(&ev, &procs).expect("exec start");
        assert!(
            matches!(&exact, ExecLink::Exact(c) if c.pid == 10),
            "{exact:?}"
        );
        let mut two = procs.clone();
        two.push(proc(14, "sh", "runc", t + 2_000_000));
        match link(&ev, &two).expect("exec start") {
            ExecLink::Ambiguous(c) => {
                assert_eq!(c.iter().map(|c| c.pid).collect::<Vec<_>>(), [10, 14])
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(link(&ev, &procs[1..]), Some(ExecLink::None));
        let mut complete = ev.clone();
        complete.stage = "ResponseComplete".into();
        assert_eq!(
            link(&complete, &procs),
            None,
            "only the start of an exec links"
        );
        let back = execs_of(10, [&ev, &complete], &procs);
        assert_eq!(back.len(), 1);
        assert!(execs_of(13, [&ev], &procs).is_empty());
    }
}
