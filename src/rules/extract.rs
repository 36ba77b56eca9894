//! Field extraction: the value of each field for one event, from the event, the process table and the host.

use std::sync::OnceLock;

use std::ops::Not;

use super::ctx::{Ctx, Val};
use super::evtypes;
use super::fdtable::FdKind;
use super::fields::{F, FieldArg, FieldRef};
use super::proctable::{MAX_DEPTH, Proc};
use crate::collector::args::{ArgValue, format_args_line};
use crate::model::EventKind;
use crate::model::alert::clock_time;

/// The value of a single-valued field, `None` when the event cannot answer it.
pub fn get<'c>(c: &'c Ctx<'_>, r: &FieldRef) -> Option<Val<'c>> {
    let ev = c.ev;
    let p = c.proc;
    let s = |x: &'c str| Some(Val::Str(x));
    let int = |x: i64| Some(Val::Int(x));
    if let Some(a) = c.audit {
        return match r.f {
            F::EvtSource => s("k8s_audit"),
            F::EvtHostname => s(&c.env.hostname),
            f if super::fields::is_audit(f) => super::audit::get(a, r),
            _ => None,
        };
    }
    match r.f {
        F::EvtType => s(evtypes::name(c.etype)),
        F::EvtDir => s("<"),
        F::EvtTime => s(c.time.get_or_init(|| clock_time(c.wall_ns))),
        F::EvtRawTime => int(c.wall_ns as i64),
        F::EvtNum => int(c.num as i64),
        F::EvtRes => s(c.res.get_or_init(|| res_text(ev.ret))),
        F::EvtRawRes => int(ev.ret),
        F::EvtFailed => Some(Val::Bool(ev.ret < 0)),
        F::EvtArg => arg(c, &r.arg).map(Val::Str),
        F::EvtArgs => s(c.args_line.get_or_init(|| format_args_line(c.args()))),
        F::EvtIsOpenRead => open_acc(c).map(|a| Val::Bool(a == 0 || a == 2)),
        F::EvtIsOpenWrite => open_acc(c).map(|a| Val::Bool(a == 1 || a == 2)),
        F::EvtIsOpenCreate => c.fd().open_flags.map(|f| Val::Bool(f & 0o100 != 0)),
        F::EvtIsOpenExec => None,
        F::EvtHostname => s(&c.env.hostname),
        F::EvtLatency => int(ev.duration_ns as i64),
        F::EvtSource => s("syscall"),
        F::ProcPid => int(i64::from(ev.pid)),
        F::ProcPpid => int(i64::from(p.map_or(ev.ppid, |p| p.ppid))),
        F::ThreadTid => int(i64::from(ev.tid)),
        F::UserUid => int(i64::from(ev.uid)),
        F::UserName => c.env.users.get(&ev.uid).map(|n| Val::Str(n)),
        F::ProcPname | F::ProcPcmdline | F::ProcPexe | F::ProcPexePath => {
            let ppid = p.map_or(ev.ppid, |p| p.ppid);
            let parent = c.procs.get(ppid).filter(|_| ppid != 0)?;
            proc_str(parent, r.f)
        }
        F::ProcAname | F::ProcApid | F::ProcAexe | F::ProcAexePath | F::ProcAcmdline => {
            let FieldArg::Index(level) = r.arg else {
                return None;
            };
            let a = c.procs.ancestor(ev.pid, level)?;
            if r.f == F::ProcApid {
                return int(i64::from(a.pid));
            }
            proc_str(a, r.f)
        }
        F::ContainerId => s(c.container.map_or("host", |m| &m.short)),
        F::ContainerName => match c.container {
            None => s("host"),
            Some(m) => m.name.as_deref().map(Val::Str),
        },
        F::ContainerImage => c.container?.image.as_deref().map(Val::Str),
        F::ContainerImageRepository => c.container?.repository.as_deref().map(Val::Str),
        F::ContainerImageTag => c.container?.tag.as_deref().map(Val::Str),
        F::ContainerPrivileged => {
            c.container?;
            Some(Val::Bool(p?.cap_eff & full_caps() == full_caps()))
        }
        F::K8sPodName => c.container?.pod_name.as_deref().map(Val::Str),
        F::K8sNsName => c.container?.namespace.as_deref().map(Val::Str),
        F::K8sPodUid => c.container?.pod_uid.as_deref().map(Val::Str),
        F::ProcEnv => env_field(c, p?, &r.arg),
        f if is_fd(f) => fd_field(c, f),
        _ => proc_field(c, p?, r.f),
    }
}

/// Values of a multi-valued field (any ancestor, either end of a connection).
pub fn get_multi<'c>(c: &'c Ctx<'_>, r: &FieldRef, out: &mut Vec<Val<'c>>) {
    if super::fields::is_audit(r.f) {
        if let Some(a) = c.audit {
            super::audit::get_multi(a, r, out);
        }
        return;
    }
    match r.f {
        F::FdIp | F::FdNet => {
            out.extend(fd_field(c, F::FdSip));
            out.extend(fd_field(c, F::FdCip));
        }
        F::FdPort => {
            out.extend(fd_field(c, F::FdSport));
            out.extend(fd_field(c, F::FdCport));
        }
        _ => {
            let Some(mut a) = c.proc else { return };
            for _ in 1..MAX_DEPTH {
                let Some(next) = c.procs.parent(a) else {
                    return;
                };
                a = next;
                match r.f {
                    F::ProcApid => out.push(Val::Int(i64::from(a.pid))),
                    f => out.extend(proc_str(a, f)),
                }
            }
        }
    }
}

/// `proc.env` (entries joined by spaces, as Falco prints it) or `proc.env[NAME]`;
/// `None` when the environment could not be read.
fn env_field<'c>(c: &'c Ctx<'_>, p: &'c Proc, arg: &FieldArg) -> Option<Val<'c>> {
    if p.env.is_empty() {
        return None;
    }
    match arg {
        FieldArg::Name(n) => p.env.split('\0').find_map(|e| {
            e.strip_prefix(&**n)
                .and_then(|v| v.strip_prefix('='))
                .map(Val::Str)
        }),
        _ => Some(Val::Str(
            c.env_line.get_or_init(|| p.env.replace('\0', " ")),
        )),
    }
}

fn proc_str(p: &Proc, f: F) -> Option<Val<'_>> {
    let v: &str = match f {
        F::ProcAname | F::ProcPname | F::ProcName => &p.comm,
        F::ProcAexe | F::ProcPexe | F::ProcExe => &p.exe,
        F::ProcAexePath | F::ProcPexePath | F::ProcExePath => &p.exepath,
        F::ProcAcmdline | F::ProcPcmdline | F::ProcCmdline => &p.cmdline,
        _ => return None,
    };
    Some(Val::Str(v))
}

fn proc_field<'c>(c: &'c Ctx<'_>, p: &'c Proc, f: F) -> Option<Val<'c>> {
    let int = |x: i64| Some(Val::Int(x));
    match f {
        F::ProcName | F::ProcExe | F::ProcExePath | F::ProcCmdline => proc_str(p, f),
        F::ProcArgs => Some(Val::Str(&p.args)),
        F::ProcTty => int(i64::from(p.tty)),
        F::ProcSid => int(i64::from(p.sid)),
        F::ProcSname => c.procs.get(p.sid).map(|s| Val::Str(&s.comm)),
        F::ProcVpid => int(i64::from(p.vpid)),
        F::ProcVpgid if p.vpgid != 0 => int(i64::from(p.vpgid)),
        F::ProcIsVpgidLeader if p.vpgid != 0 => Some(Val::Bool(p.vpgid == p.vpid)),
        F::ProcCwd => p.cwd.as_deref().map(Val::Str),
        F::ProcDuration => int(c.ev.ts_ns.saturating_sub(p.start_ns) as i64),
        F::ProcIsExeFromMemfd => Some(Val::Bool(p.exe_from_memfd)),
        F::ProcIsExeUpperLayer => Some(Val::Bool(p.exe_upper_layer)),
        F::ThreadCapEffective => {
            Some(Val::Str(c.caps.get_or_init(|| {
                crate::inspect::caps::decode(p.cap_eff).join(" ")
            })))
        }
        F::ThreadCapPermitted => {
            Some(Val::Str(c.caps_prm.get_or_init(|| {
                crate::inspect::caps::decode(p.cap_prm).join(" ")
            })))
        }
        F::ThreadCapInheritable => {
            Some(Val::Str(c.caps_inh.get_or_init(|| {
                crate::inspect::caps::decode(p.cap_inh).join(" ")
            })))
        }
        F::UserLoginUid => int(i64::from(p.loginuid as i32)),
        F::UserLoginName => c.env.users.get(&p.loginuid).map(|n| Val::Str(n)),
        F::GroupGid => int(i64::from(p.gid)),
        F::GroupName => c.env.groups.get(&p.gid).map(|n| Val::Str(n)),
        _ => None,
    }
}

fn is_fd(f: F) -> bool {
    matches!(
        f,
        F::FdNum
            | F::FdName
            | F::FdNameRaw
            | F::FdDirectory
            | F::FdFilename
            | F::FdType
            | F::FdTypeChar
            | F::FdSip
            | F::FdSport
            | F::FdCip
            | F::FdCport
            | F::FdRip
            | F::FdRport
            | F::FdLip
            | F::FdLport
            | F::FdSnet
            | F::FdCnet
            | F::FdRnet
            | F::FdLnet
            | F::FdL4Proto
            | F::FdSockFamily
            | F::FdConnected
            | F::FdNameChanged
            | F::FdSipName
    )
}

fn fd_field<'c>(c: &'c Ctx<'_>, f: F) -> Option<Val<'c>> {
    let v = c.fd();
    let kind = v.kind;
    let file = matches!(kind, Some(FdKind::File | FdKind::Directory));
    let server = if v.remote_is_server {
        v.remote
    } else {
        v.local
    };
    let client = if v.remote_is_server {
        v.local
    } else {
        v.remote
    };
    let ip = |a: Option<std::net::SocketAddr>| a.map(|a| Val::Ip(a.ip()));
    let port = |a: Option<std::net::SocketAddr>| a.map(|a| Val::Int(i64::from(a.port())));
    match f {
        F::FdNum => v.num.map(Val::Int),
        F::FdName => v.name().map(Val::Str),
        F::FdNameRaw => v.nameraw.as_deref().or(v.name.as_deref()).map(Val::Str),
        F::FdDirectory if file => v.name().map(|n| Val::Str(dirname(n))),
        F::FdFilename if file => v.name().map(|n| Val::Str(basename(n))),
        F::FdType => kind.map(|k| Val::Str(k.type_name())),
        F::FdTypeChar => kind.map(|k| Val::Str(k.type_char())),
        F::FdSip | F::FdSnet => ip(server),
        F::FdCip | F::FdCnet => ip(client),
        F::FdRip | F::FdRnet => ip(v.remote),
        F::FdLip | F::FdLnet => ip(v.local),
        F::FdSport => port(server),
        F::FdCport => port(client),
        F::FdRport => port(v.remote),
        F::FdLport => port(v.local),
        F::FdL4Proto => match kind {
            Some(FdKind::Ipv4 | FdKind::Ipv6) => v.l4.map(|l| Val::Str(l.name())),
            _ => None,
        },
        F::FdSockFamily => match kind {
            Some(FdKind::Ipv4 | FdKind::Ipv6) => Some(Val::Str("ip")),
            Some(FdKind::Unix) => Some(Val::Str("unix")),
            _ => None,
        },
        F::FdConnected => v.connected.map(Val::Bool),
        F::FdNameChanged => kind.filter(|_| !file).map(|_| Val::Bool(v.name_changed)),
        F::FdSipName => {
            let ip = server?.ip();
            c.env.dns_name(ip).map(Val::Str)
        }
        _ => None,
    }
}

/// `evt.arg.NAME` / `evt.arg[N]` as text (Falco's `name` is our `path`).
fn arg<'c>(c: &'c Ctx<'_>, a: &FieldArg) -> Option<&'c str> {
    let i = match a {
        FieldArg::Index(i) => *i,
        FieldArg::Name(n) => {
            let args = c.args();
            let find = |want: &str| args.iter().position(|(k, _)| *k == want);
            match &**n {
                "name" => find("name").or_else(|| find("path")),
                "fd" if c.fd().open_flags.is_some() => find("res"),
                other => find(other),
            }?
        }
        FieldArg::None => return None,
    };
    c.arg_text(i)
}

fn open_acc(c: &Ctx<'_>) -> Option<u64> {
    c.fd().open_flags.map(|f| f & 3)
}

/// `SUCCESS` or the errno name (`ENOENT`; `E<n>` when unnamed).
pub fn res_text(ret: i64) -> String {
    if ret >= 0 {
        return "SUCCESS".into();
    }
    match crate::model::errno::name(-ret) {
        Some(n) => n.to_string(),
        None => format!("E{}", -ret),
    }
}

/// Facts of an exec record as arguments (Falco's execve exit parameters).
pub(super) fn exec_args(c: &Ctx<'_>) -> Vec<(&'static str, ArgValue)> {
    let str_arg = |s: &str| ArgValue::Str {
        value: s.to_string(),
        truncated: false,
    };
    let mut v = vec![("res", ArgValue::Int(0))];
    if c.ev.kind != EventKind::Exec {
        return v;
    }
    v.push(("filename", str_arg(&c_str(&c.ev.bufs[0].bytes))));
    if let Some(p) = c.proc {
        v.push(("exe", str_arg(&p.exe)));
        v.push(("args", str_arg(&p.args)));
        v.push(("tid", ArgValue::Int(i64::from(c.ev.tid))));
        v.push(("pid", ArgValue::Int(i64::from(p.pid))));
        v.push(("ptid", ArgValue::Int(i64::from(p.ppid))));
        v.push(("cwd", str_arg(p.cwd.as_deref().unwrap_or_default())));
        v.push(("comm", str_arg(&p.comm)));
        v.push(("tty", ArgValue::Int(i64::from(p.tty))));
        v.push(("loginuid", ArgValue::Int(i64::from(p.loginuid as i32))));
        let mut flags = Vec::new();
        if p.exe_upper_layer {
            flags.push("EXE_UPPER_LAYER");
        }
        if p.exe_from_memfd {
            flags.push("EXE_FROM_MEMFD");
        }
        let f = if flags.is_empty() {
            "0".to_string()
        } else {
            flags.join("|")
        };
        v.push(("flags", ArgValue::Flags(f)));
    }
    v
}

/// A captured C string (lossy UTF-8, up to the first NUL).
pub fn c_str(b: &[u8]) -> String {
    let end = b.iter().position(|x| *x == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

/// The absolute, normalised path of an open (relative paths joined to the cwd or
/// the dirfd's path); `None` when that is `raw` itself.
pub(super) fn resolve_path(c: &Ctx<'_>, raw: &str, dirfd: Option<i64>) -> Option<String> {
    if raw.starts_with('/') {
        return is_clean(raw).not().then(|| normalize(raw));
    }
    let base = match dirfd {
        Some(fd) if fd != -100 => c
            .proc
            .and_then(|p| p.fds.get(i32::try_from(fd).ok()?))
            .and_then(|e| e.path.as_deref().map(str::to_string)),
        _ => c.proc.and_then(|p| p.cwd.as_deref().map(str::to_string)),
    };
    base.map(|b| normalize(&format!("{b}/{raw}")))
}

/// An absolute path without `//`, `.` or `..` components.
pub(super) fn is_clean(p: &str) -> bool {
    !(p.contains("//")
        || p.contains("/./")
        || p.contains("/../")
        || p.ends_with("/.")
        || p.ends_with("/.."))
}

/// Removes `.`, `..` and repeated slashes (lexically, like Falco).
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = String::with_capacity(path.len());
    for p in &parts {
        out.push('/');
        out.push_str(p);
    }
    if out.is_empty() {
        out.push('/');
    }
    if path.ends_with('/') && out.len() > 1 {
        out.push('/');
    }
    out
}

fn dirname(p: &str) -> &str {
    match p.rfind('/') {
        Some(0) => "/",
        Some(i) => &p[..i],
        None => ".",
    }
}

fn basename(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// `client->server` as Falco writes a connection (an unknown end is left empty).
pub(super) fn socket_name(v: &super::ctx::FdView) -> String {
    let side = |a: Option<std::net::SocketAddr>| a.map(|a| a.to_string()).unwrap_or_default();
    let (client, server) = if v.remote_is_server {
        (v.local, v.remote)
    } else {
        (v.remote, v.local)
    };
    format!("{}->{}", side(client), side(server))
}

/// All capabilities of this kernel (`cap_last_cap`), for `container.privileged`.
fn full_caps() -> u64 {
    static FULL: OnceLock<u64> = OnceLock::new();
    *FULL.get_or_init(|| {
        let last: u32 = std::fs::read_to_string("/proc/sys/kernel/cap_last_cap")
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(40)
            .min(63);
        u64::MAX >> (63 - last)
    })
}

/// Renders a value for an output line.
pub fn render(v: &Val<'_>) -> String {
    match v {
        Val::Str(s) => (*s).to_string(),
        Val::Int(i) => i.to_string(),
        Val::Bool(b) => b.to_string(),
        Val::Ip(ip) => ip.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(normalize("/a/./b/../c//d"), "/a/c/d");
        assert_eq!(normalize("/../.."), "/");
        assert_eq!(normalize("/etc/"), "/etc/");
        assert_eq!(dirname("/usr/bin/x"), "/usr/bin");
        assert_eq!(dirname("/x"), "/");
        assert_eq!(basename("/usr/bin/x"), "x");
        assert_eq!(res_text(-2), "ENOENT");
        assert_eq!(res_text(3), "SUCCESS");
        assert_eq!(res_text(-4000), "E4000");
    }
}
