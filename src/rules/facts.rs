//! The alerted process as the process table holds it, for the alert to carry (the pivot shows it when /proc is gone).

use super::ctx::Ctx;
use super::env::ContainerMeta;
use super::proctable::MAX_DEPTH;
use crate::identity::{ContainerInfo, Identity, PodInfo};
use crate::model::facts::{Ancestor, ProcFacts};

/// The identity a container's metadata gives.
pub fn identity(meta: Option<&ContainerMeta>, entered_from_host: bool) -> Identity {
    let Some(m) = meta else {
        return Identity::default();
    };
    let s = |v: &Option<std::sync::Arc<str>>| v.as_deref().map(str::to_string);
    let pod =
        (m.pod_name.is_some() || m.namespace.is_some() || m.pod_uid.is_some()).then(|| PodInfo {
            name: s(&m.pod_name),
            namespace: s(&m.namespace),
            uid: s(&m.pod_uid),
            ..PodInfo::default()
        });
    Identity {
        container: Some(ContainerInfo {
            id: m.id.to_string(),
            name: s(&m.name),
            image: s(&m.image),
            ..ContainerInfo::default()
        }),
        pod,
        entered_from_host,
    }
}

/// What the context knows of the event's process.
pub fn of(c: &Ctx<'_>) -> ProcFacts {
    let ev = c.ev;
    let mut f = ProcFacts {
        pid: ev.pid,
        ppid: ev.ppid,
        uid: ev.uid,
        identity: identity(c.container, c.entered_from_host),
        ..ProcFacts::default()
    };
    let Some(p) = c.proc else {
        let end = ev.comm.iter().position(|b| *b == 0).unwrap_or(16);
        f.comm = String::from_utf8_lossy(&ev.comm[..end]).into_owned();
        return f;
    };
    f.ppid = p.ppid;
    f.vpid = p.vpid;
    f.comm = p.comm.to_string();
    f.exepath = p.exepath.to_string();
    f.argv = std::iter::once(p.exe.to_string())
        .chain(
            p.args
                .split(' ')
                .filter(|a| !a.is_empty())
                .map(str::to_string),
        )
        .collect();
    f.cwd = p.cwd.as_deref().map(str::to_string);
    f.gid = p.gid;
    f.user = c.env.users.get(&p.uid).map(|u| u.to_string());
    f.cap_eff = p.cap_eff;
    let mut cur = p;
    for _ in 0..MAX_DEPTH {
        let Some(parent) = c.procs.parent(cur) else {
            break;
        };
        f.ancestors.push(Ancestor {
            pid: parent.pid,
            comm: parent.comm.to_string(),
            vpid: parent.vpid,
        });
        cur = parent;
    }
    f
}
