//! The JSON shape of an [`Inspection`]; masked environment values stay out unless revealed.

use serde_json::{Map, Value, json};

use super::Inspection;
use super::caps;
use super::fds::{Fd, FdKind};
use super::lsm::Lsm;
use super::mounts::Mount;
use super::namespaces::{IdMap, Namespaces};
use super::overview::{Exe, NamedId, Parent};
use super::sockets::Socket;

impl Inspection {
    /// The whole inspection as JSON. The value of a masked environment entry
    /// is `null` unless `reveal_secrets`; `revealed_secrets` echoes the choice.
    pub fn to_json(&self, reveal_secrets: bool) -> Value {
        let st = &self.status;
        let ov = &self.overview;
        let container =
            self.identity.container.as_ref().map(
                |c| json!({"id": c.id, "runtime": c.runtime, "name": c.name, "image": c.image, "labels": c.labels}),
            );
        let pod = self
            .identity
            .pod
            .as_ref()
            .map(|p| json!({"name": p.name, "namespace": p.namespace, "uid": p.uid, "qos": p.qos, "labels": p.labels}));
        let environ = self.environ.as_ref().map(|env| {
            env.iter()
                .map(|e| json!({"name": e.name(reveal_secrets), "value": e.value(reveal_secrets), "masked": e.masked}))
                .collect::<Vec<_>>()
        });
        let errors: Map<String, Value> = self
            .errors
            .iter()
            .map(|e| (e.section.to_string(), Value::String(e.message.clone())))
            .collect();
        json!({
            "pid": self.pid,
            "comm": st.name,
            "exe": ov.exe.as_ref().map(|e| e.path.clone()),
            "exited": self.exited,
            "container": container,
            "pod": pod,
            "entered_from_host": self.identity.entered_from_host,
            "security": {
                "seccomp_mode": st.seccomp,
                "seccomp": st.seccomp_name(),
                "seccomp_filters": st.seccomp_filters,
                "no_new_privs": st.no_new_privs,
                "caps": {
                    "effective": caps::decode(st.cap_eff),
                    "permitted": caps::decode(st.cap_prm),
                    "bounding": caps::decode(st.cap_bnd),
                    "ambient": caps::decode(st.cap_amb),
                    "inheritable": caps::decode(st.cap_inh),
                    "beyond_runtime_default": self.caps_beyond_runtime_default(),
                },
                "lsm": self.lsm.as_ref().map(lsm_json),
                "node_lsm": self.node_lsm,
                "root_readonly": self.root_readonly,
                "shares_host": self.namespaces.as_ref().map(Namespaces::callouts),
            },
            "overview": {
                "cmdline": if reveal_secrets {
                    ov.cmdline.clone()
                } else {
                    crate::redact::mask_argv(&ov.cmdline)
                },
                "exe": ov.exe.as_ref().map(exe_json),
                "cwd": ov.cwd,
                "uid": named_json(&ov.uid),
                "gid": named_json(&ov.gid),
                "ids": {
                    "uid": [st.uid.real, st.uid.effective, st.uid.saved, st.uid.fs],
                    "gid": [st.gid.real, st.gid.effective, st.gid.saved, st.gid.fs],
                },
                "state": ov.state,
                "threads": ov.threads,
                "tgid": st.tgid,
                "ppid": st.ppid,
                "parents": ov.parents.iter().map(parent_json).collect::<Vec<_>>(),
            },
            "environ": environ,
            "fds": self.fds.as_ref().map(|f| f.iter().map(fd_json).collect::<Vec<_>>()),
            "mounts": self.mounts.as_ref().map(|m| m.iter().map(mount_json).collect::<Vec<_>>()),
            "namespaces": self.namespaces.as_ref().map(ns_json),
            "applied": self.applied,
            "errors": errors,
            "revealed_secrets": reveal_secrets,
        })
    }
}

fn named_json(n: &NamedId) -> Value {
    json!({"id": n.id, "name": n.name_or_unknown()})
}

fn exe_json(e: &Exe) -> Value {
    json!({"path": e.path, "deleted": e.deleted, "replaced": e.replaced})
}

fn parent_json(p: &Parent) -> Value {
    json!({"pid": p.pid, "comm": p.name, "pid_ns": p.pid_ns, "pidns_init": p.pidns_init,
        "boundary": p.boundary.map(|b| b.name())})
}

fn lsm_json(l: &Lsm) -> Value {
    let mut v = json!({"kind": l.kind(), "label": l.label()});
    match l {
        Lsm::AppArmor { profile, mode } => {
            v["profile"] = json!(profile);
            v["mode"] = json!(mode);
        }
        Lsm::SeLinux {
            user,
            role,
            domain,
            level,
            ..
        } => {
            v["user"] = json!(user);
            v["role"] = json!(role);
            v["type"] = json!(domain);
            v["level"] = json!(level);
        }
        Lsm::None | Lsm::Unconfined => {}
    }
    v
}

fn fd_json(f: &Fd) -> Value {
    let detail = match &f.kind {
        FdKind::AnonInode(n) | FdKind::Memfd(n) => Some(n.as_str()),
        _ => None,
    };
    json!({
        "fd": f.fd,
        "type": f.kind.name(),
        "target": f.target,
        "name": detail,
        "flags": f.flags.map(|x| format!("0{x:o}")),
        "flag_names": f.flag_names(),
        "pos": f.pos,
        "socket": f.socket.as_ref().map(socket_json),
    })
}

fn socket_json(s: &Socket) -> Value {
    json!({
        "inode": s.inode,
        "proto": s.proto,
        "local": s.local,
        "remote": s.remote,
        "state": s.state,
        "path": s.path,
        "type": s.sock_type,
    })
}

fn mount_json(m: &Mount) -> Value {
    json!({
        "mount_point": m.mount_point,
        "root": m.root,
        "fstype": m.fstype,
        "source": m.source,
        "options": m.options,
        "read_only": m.read_only(),
        "propagation": m.propagation(),
        "host_path": m.host_path,
        "bind_from_host": m.bind_from_host,
        "sensitive": m.sensitive,
    })
}

fn map_json(m: &[IdMap]) -> Value {
    m.iter()
        .map(|x| json!({"inside": x.inside, "outside": x.outside, "count": x.count}))
        .collect()
}

fn ns_json(n: &Namespaces) -> Value {
    let list: Vec<Value> = n
        .entries
        .iter()
        .map(|e| {
            json!({
                "kind": e.kind,
                "inode": e.inode,
                "host_inode": e.host_inode,
                "shared_with_host": e.shared_with_host(),
            })
        })
        .collect();
    json!({
        "list": list,
        "shared_with_host": n.shared_with_host(),
        "callouts": n.callouts(),
        "uid_map": map_json(&n.uid_map),
        "gid_map": map_json(&n.gid_map),
    })
}
