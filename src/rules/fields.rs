//! The field catalogue: every field the engine answers, its type and argument, resolved once at compile time.

/// Field identifiers (a field plus its argument makes a [`FieldRef`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum F {
    EvtType,
    EvtDir,
    EvtTime,
    EvtRawTime,
    EvtNum,
    EvtRes,
    EvtRawRes,
    EvtFailed,
    EvtArg,
    EvtArgs,
    EvtIsOpenRead,
    EvtIsOpenWrite,
    EvtIsOpenExec,
    EvtIsOpenCreate,
    EvtHostname,
    EvtLatency,
    EvtSource,
    ProcName,
    ProcExe,
    ProcExePath,
    ProcCmdline,
    ProcArgs,
    ProcPid,
    ProcPpid,
    ProcPname,
    ProcPcmdline,
    ProcPexe,
    ProcPexePath,
    ProcAname,
    ProcApid,
    ProcAexe,
    ProcAexePath,
    ProcAcmdline,
    ProcTty,
    ProcSid,
    ProcSname,
    ProcVpid,
    ProcCwd,
    ProcDuration,
    ProcIsExeFromMemfd,
    ProcIsExeUpperLayer,
    ThreadTid,
    ThreadCapEffective,
    ThreadCapPermitted,
    ThreadCapInheritable,
    ProcEnv,
    ProcVpgid,
    ProcIsVpgidLeader,
    UserUid,
    UserName,
    UserLoginUid,
    UserLoginName,
    GroupGid,
    GroupName,
    FdNum,
    FdName,
    FdNameRaw,
    FdDirectory,
    FdFilename,
    FdType,
    FdTypeChar,
    FdSip,
    FdSport,
    FdCip,
    FdCport,
    FdRip,
    FdRport,
    FdLip,
    FdLport,
    FdIp,
    FdPort,
    FdNet,
    FdSnet,
    FdCnet,
    FdRnet,
    FdLnet,
    FdL4Proto,
    FdSockFamily,
    FdConnected,
    FdNameChanged,
    FdSipName,
    ContainerId,
    ContainerName,
    ContainerImage,
    ContainerImageRepository,
    ContainerImageTag,
    ContainerPrivileged,
    K8sPodName,
    K8sNsName,
    K8sPodUid,
    KaVerb,
    KaUserName,
    KaUserGroups,
    KaImpUserName,
    KaTargetResource,
    KaTargetSubresource,
    KaTargetNamespace,
    KaTargetName,
    KaUri,
    KaUriParam,
    KaReqPodPrivileged,
    KaReqPodImage,
    KaReqPodImageRepository,
    KaReqPodHostPid,
    KaReqPodHostNetwork,
    KaReqPodHostIpc,
    KaReqPodHostPath,
    KaResponseCode,
    KaAuditId,
    KaStage,
    KaSourceIps,
    KaUserAgent,
    JevtTime,
    JevtValue,
    KaRespName,
    KaResponseReason,
    KaAuthDecision,
    KaAuthReason,
    KaReqPodAddCaps,
    KaReqPodRunAsUser,
    KaReqServiceType,
    KaReqServicePorts,
    KaReqConfigmapName,
    KaReqConfigmapObj,
    KaReqBindingRole,
    KaReqBindingSubjects,
    KaReqRoleRules,
    KaReqRoleRulesResources,
    KaReqRoleRulesVerbs,
    JevtRawTime,
    JevtObj,
}

/// Value type of a field (decides how the right-hand side is parsed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FType {
    Str,
    Int,
    Bool,
    /// An IP address (right side: an address).
    Ip,
    /// An IP address matched against networks (right side: CIDRs).
    Net,
}

/// What goes in brackets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ArgKind {
    None,
    /// Optional ancestor level (`proc.aname[2]`); without it any ancestor matches.
    Level,
    /// `evt.arg.NAME` or `evt.arg[N]`.
    ArgName,
    /// Optional variable name (`proc.env[HOME]`); without it the whole environment.
    EnvName,
    /// A required name, taken as written (`ka.uri.param[command]`, `jevt.value[/stage]`).
    Key,
}

/// A field's argument after resolution.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FieldArg {
    None,
    /// Ancestor level or argument index.
    Index(usize),
    /// Argument name.
    Name(Box<str>),
}

/// A resolved field reference.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldRef {
    pub f: F,
    pub arg: FieldArg,
}

impl FieldRef {
    /// Fields that give several values (all ancestors) and match when any does.
    pub fn is_multi(&self) -> bool {
        matches!(
            (self.f, &self.arg),
            (
                F::ProcAname | F::ProcApid | F::ProcAexe | F::ProcAexePath | F::ProcAcmdline,
                FieldArg::None
            ) | (F::FdIp | F::FdPort | F::FdNet, _)
        ) || super::audit::is_list(self.f)
    }
}

/// Why a field name cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("unknown field `{0}`")]
    Unknown(String),
    #[error("field `{0}` is not supported on ktriage events ({1})")]
    Unsupported(String, &'static str),
    #[error("field `{0}`: bad argument `{1}`")]
    BadArg(String, String),
}

use FType::*;

#[rustfmt::skip]
const TABLE: &[(&str, F, FType, ArgKind)] = &[
    ("evt.type", F::EvtType, Str, ArgKind::None),
    ("evt.dir", F::EvtDir, Str, ArgKind::None),
    ("evt.time", F::EvtTime, Str, ArgKind::None),
    ("evt.rawtime", F::EvtRawTime, Int, ArgKind::None),
    ("evt.num", F::EvtNum, Int, ArgKind::None),
    ("evt.res", F::EvtRes, Str, ArgKind::None),
    ("evt.rawres", F::EvtRawRes, Int, ArgKind::None),
    ("evt.failed", F::EvtFailed, Bool, ArgKind::None),
    ("evt.arg", F::EvtArg, Str, ArgKind::ArgName),
    ("evt.rawarg", F::EvtArg, Str, ArgKind::ArgName),
    ("evt.args", F::EvtArgs, Str, ArgKind::None),
    ("evt.is_open_read", F::EvtIsOpenRead, Bool, ArgKind::None),
    ("evt.is_open_write", F::EvtIsOpenWrite, Bool, ArgKind::None),
    ("evt.is_open_exec", F::EvtIsOpenExec, Bool, ArgKind::None),
    ("evt.is_open_create", F::EvtIsOpenCreate, Bool, ArgKind::None),
    ("evt.hostname", F::EvtHostname, Str, ArgKind::None),
    ("evt.latency", F::EvtLatency, Int, ArgKind::None),
    ("evt.source", F::EvtSource, Str, ArgKind::None),
    ("proc.name", F::ProcName, Str, ArgKind::None),
    ("proc.exe", F::ProcExe, Str, ArgKind::None),
    ("proc.exepath", F::ProcExePath, Str, ArgKind::None),
    ("proc.cmdline", F::ProcCmdline, Str, ArgKind::None),
    ("proc.args", F::ProcArgs, Str, ArgKind::None),
    ("proc.pid", F::ProcPid, Int, ArgKind::None),
    ("proc.ppid", F::ProcPpid, Int, ArgKind::None),
    ("proc.pname", F::ProcPname, Str, ArgKind::None),
    ("proc.pcmdline", F::ProcPcmdline, Str, ArgKind::None),
    ("proc.pexe", F::ProcPexe, Str, ArgKind::None),
    ("proc.pexepath", F::ProcPexePath, Str, ArgKind::None),
    ("proc.aname", F::ProcAname, Str, ArgKind::Level),
    ("proc.apid", F::ProcApid, Int, ArgKind::Level),
    ("proc.aexe", F::ProcAexe, Str, ArgKind::Level),
    ("proc.aexepath", F::ProcAexePath, Str, ArgKind::Level),
    ("proc.acmdline", F::ProcAcmdline, Str, ArgKind::Level),
    ("proc.tty", F::ProcTty, Int, ArgKind::None),
    ("proc.sid", F::ProcSid, Int, ArgKind::None),
    ("proc.sname", F::ProcSname, Str, ArgKind::None),
    ("proc.vpid", F::ProcVpid, Int, ArgKind::None),
    ("proc.cwd", F::ProcCwd, Str, ArgKind::None),
    ("proc.duration", F::ProcDuration, Int, ArgKind::None),
    ("proc.is_exe_from_memfd", F::ProcIsExeFromMemfd, Bool, ArgKind::None),
    ("proc.is_exe_upper_layer", F::ProcIsExeUpperLayer, Bool, ArgKind::None),
    ("thread.tid", F::ThreadTid, Int, ArgKind::None),
    ("thread.cap_effective", F::ThreadCapEffective, Str, ArgKind::None),
    ("thread.cap_permitted", F::ThreadCapPermitted, Str, ArgKind::None),
    ("thread.cap_inheritable", F::ThreadCapInheritable, Str, ArgKind::None),
    ("proc.env", F::ProcEnv, Str, ArgKind::EnvName),
    ("proc.vpgid", F::ProcVpgid, Int, ArgKind::None),
    ("proc.is_vpgid_leader", F::ProcIsVpgidLeader, Bool, ArgKind::None),
    ("user.uid", F::UserUid, Int, ArgKind::None),
    ("user.name", F::UserName, Str, ArgKind::None),
    ("user.loginuid", F::UserLoginUid, Int, ArgKind::None),
    ("user.loginname", F::UserLoginName, Str, ArgKind::None),
    ("group.gid", F::GroupGid, Int, ArgKind::None),
    ("group.name", F::GroupName, Str, ArgKind::None),
    ("fd.num", F::FdNum, Int, ArgKind::None),
    ("fd.name", F::FdName, Str, ArgKind::None),
    ("fd.nameraw", F::FdNameRaw, Str, ArgKind::None),
    ("fd.directory", F::FdDirectory, Str, ArgKind::None),
    ("fd.filename", F::FdFilename, Str, ArgKind::None),
    ("fd.type", F::FdType, Str, ArgKind::None),
    ("fd.typechar", F::FdTypeChar, Str, ArgKind::None),
    ("fd.sip", F::FdSip, Ip, ArgKind::None),
    ("fd.sport", F::FdSport, Int, ArgKind::None),
    ("fd.cip", F::FdCip, Ip, ArgKind::None),
    ("fd.cport", F::FdCport, Int, ArgKind::None),
    ("fd.rip", F::FdRip, Ip, ArgKind::None),
    ("fd.rport", F::FdRport, Int, ArgKind::None),
    ("fd.lip", F::FdLip, Ip, ArgKind::None),
    ("fd.lport", F::FdLport, Int, ArgKind::None),
    ("fd.ip", F::FdIp, Ip, ArgKind::None),
    ("fd.port", F::FdPort, Int, ArgKind::None),
    ("fd.net", F::FdNet, Net, ArgKind::None),
    ("fd.snet", F::FdSnet, Net, ArgKind::None),
    ("fd.cnet", F::FdCnet, Net, ArgKind::None),
    ("fd.rnet", F::FdRnet, Net, ArgKind::None),
    ("fd.lnet", F::FdLnet, Net, ArgKind::None),
    ("fd.l4proto", F::FdL4Proto, Str, ArgKind::None),
    ("fd.sockfamily", F::FdSockFamily, Str, ArgKind::None),
    ("fd.connected", F::FdConnected, Bool, ArgKind::None),
    ("fd.name_changed", F::FdNameChanged, Bool, ArgKind::None),
    ("fd.sip.name", F::FdSipName, Str, ArgKind::None),
    ("container.id", F::ContainerId, Str, ArgKind::None),
    ("container.name", F::ContainerName, Str, ArgKind::None),
    ("container.image", F::ContainerImage, Str, ArgKind::None),
    ("container.image.repository", F::ContainerImageRepository, Str, ArgKind::None),
    ("container.image.tag", F::ContainerImageTag, Str, ArgKind::None),
    ("container.privileged", F::ContainerPrivileged, Bool, ArgKind::None),
    ("k8s.pod.name", F::K8sPodName, Str, ArgKind::None),
    ("k8s.ns.name", F::K8sNsName, Str, ArgKind::None),
    ("k8s.pod.uid", F::K8sPodUid, Str, ArgKind::None),
    ("ka.verb", F::KaVerb, Str, ArgKind::None),
    ("ka.user.name", F::KaUserName, Str, ArgKind::None),
    ("ka.user.groups", F::KaUserGroups, Str, ArgKind::None),
    ("ka.impuser.name", F::KaImpUserName, Str, ArgKind::None),
    ("ka.target.resource", F::KaTargetResource, Str, ArgKind::None),
    ("ka.target.subresource", F::KaTargetSubresource, Str, ArgKind::None),
    ("ka.target.namespace", F::KaTargetNamespace, Str, ArgKind::None),
    ("ka.target.name", F::KaTargetName, Str, ArgKind::None),
    ("ka.uri", F::KaUri, Str, ArgKind::None),
    ("ka.uri.param", F::KaUriParam, Str, ArgKind::Key),
    ("ka.req.pod.containers.privileged", F::KaReqPodPrivileged, Str, ArgKind::None),
    ("ka.req.pod.containers.image", F::KaReqPodImage, Str, ArgKind::None),
    ("ka.req.pod.containers.image.repository", F::KaReqPodImageRepository, Str, ArgKind::None),
    ("ka.req.pod.host_pid", F::KaReqPodHostPid, Str, ArgKind::None),
    ("ka.req.pod.host_network", F::KaReqPodHostNetwork, Str, ArgKind::None),
    ("ka.req.pod.host_ipc", F::KaReqPodHostIpc, Str, ArgKind::None),
    ("ka.req.pod.volumes.hostpath", F::KaReqPodHostPath, Str, ArgKind::None),
    ("ka.response.code", F::KaResponseCode, Str, ArgKind::None),
    ("ka.auditid", F::KaAuditId, Str, ArgKind::None),
    ("ka.stage", F::KaStage, Str, ArgKind::None),
    ("ka.sourceips", F::KaSourceIps, Str, ArgKind::None),
    ("ka.useragent", F::KaUserAgent, Str, ArgKind::None),
    ("jevt.time", F::JevtTime, Str, ArgKind::None),
    ("jevt.value", F::JevtValue, Str, ArgKind::Key),
    ("jevt.rawtime", F::JevtRawTime, Int, ArgKind::None),
    ("jevt.obj", F::JevtObj, Str, ArgKind::None),
    ("ka.resp.name", F::KaRespName, Str, ArgKind::None),
    ("ka.response.reason", F::KaResponseReason, Str, ArgKind::None),
    ("ka.auth.decision", F::KaAuthDecision, Str, ArgKind::None),
    ("ka.auth.reason", F::KaAuthReason, Str, ArgKind::None),
    ("ka.req.pod.containers.add_capabilities", F::KaReqPodAddCaps, Str, ArgKind::None),
    ("ka.req.pod.run_as_user", F::KaReqPodRunAsUser, Str, ArgKind::None),
    ("ka.req.service.type", F::KaReqServiceType, Str, ArgKind::None),
    ("ka.req.service.ports", F::KaReqServicePorts, Str, ArgKind::None),
    ("ka.req.configmap.name", F::KaReqConfigmapName, Str, ArgKind::None),
    ("ka.req.configmap.obj", F::KaReqConfigmapObj, Str, ArgKind::None),
    ("ka.req.binding.role", F::KaReqBindingRole, Str, ArgKind::None),
    ("ka.req.binding.subjects", F::KaReqBindingSubjects, Str, ArgKind::None),
    ("ka.req.role.rules", F::KaReqRoleRules, Str, ArgKind::None),
    ("ka.req.role.rules.resources", F::KaReqRoleRulesResources, Str, ArgKind::None),
    ("ka.req.role.rules.verbs", F::KaReqRoleRulesVerbs, Str, ArgKind::None),
];

/// True for the fields of audit events (`ka.*`, `jevt.*`): only `k8s_audit` rules read them.
pub fn is_audit(f: F) -> bool {
    name(f).starts_with("ka.") || name(f).starts_with("jevt.")
}

/// Falco fields the engine knows of but cannot answer, with why.
#[rustfmt::skip]
const UNSUPPORTED: &[(&str, &str)] = &[
    ("proc.exe_ino", "the probes do not record the executable's inode"),
    ("container.mount", "container mounts are not resolved"),
    ("container.mounts", "container mounts are not resolved"),
    ("evt.buffer", "the probes do not capture I/O buffers"),
    ("fd.cip.name", "only server names (fd.sip.name) are resolved"),
    ("fd.rip.name", "only server names (fd.sip.name) are resolved"),
    ("fd.lip.name", "only server names (fd.sip.name) are resolved"),
    ("proc.ppid.duration", "parent start times are not tracked"),
    ("proc.is_container_healthcheck", "health checks are not known without the kubelet"),
    ("fd.types", "the fd table of a process is not tracked"),
    ("container.start_ts", "container start times are not known"),
    ("container.image.id", "image ids are not resolved"),
    ("k8s.pod.label", "pod labels are not resolved"),
    ("k8s.pod.labels", "pod labels are not resolved"),
];

/// The type of field `f`.
pub fn ftype(f: F) -> FType {
    TABLE
        .iter()
        .find(|(_, x, _, _)| *x == f)
        .map_or(Str, |(_, _, t, _)| *t)
}

/// The canonical name of field `f`.
pub fn name(f: F) -> &'static str {
    TABLE
        .iter()
        .find(|(_, x, _, _)| *x == f)
        .map_or("?", |(n, _, _, _)| *n)
}

/// Resolves `name` (with its bracket argument, if any) to a field reference.
pub fn lookup(name: &str, arg: Option<&str>) -> Result<FieldRef, FieldError> {
    // `evt.arg.flags` is `evt.arg` with a name argument
    let (base, arg) = match (
        name.strip_prefix("evt.arg."),
        name.strip_prefix("evt.rawarg."),
    ) {
        (Some(a), _) | (_, Some(a)) if arg.is_none() && !a.is_empty() => ("evt.arg", Some(a)),
        _ => (name, arg),
    };
    let Some(&(_, f, _, kind)) = TABLE.iter().find(|(n, _, _, _)| *n == base) else {
        if let Some((_, why)) = UNSUPPORTED.iter().find(|(n, _)| {
            name == *n
                || (n.ends_with('.') && name.starts_with(n))
                || name.starts_with(&format!("{n}."))
        }) {
            return Err(FieldError::Unsupported(name.to_string(), why));
        }
        return Err(FieldError::Unknown(name.to_string()));
    };
    let bad = |a: &str| FieldError::BadArg(name.to_string(), a.to_string());
    let arg = match (kind, arg) {
        (ArgKind::None, None) => FieldArg::None,
        (ArgKind::None, Some(a)) => return Err(bad(a)),
        (ArgKind::Level, None) => FieldArg::None,
        (ArgKind::Level, Some(a)) => FieldArg::Index(a.trim().parse().map_err(|_| bad(a))?),
        (ArgKind::ArgName, None) => return Err(bad("")),
        (ArgKind::EnvName, None) => FieldArg::None,
        (ArgKind::EnvName, Some(a)) if !a.trim().is_empty() => FieldArg::Name(a.trim().into()),
        (ArgKind::EnvName, Some(a)) => return Err(bad(a)),
        (ArgKind::Key, Some(a)) if !a.trim().is_empty() => FieldArg::Name(a.trim().into()),
        (ArgKind::Key, a) => return Err(bad(a.unwrap_or(""))),
        (ArgKind::ArgName, Some(a)) => match a.trim().parse::<usize>() {
            Ok(i) => FieldArg::Index(i),
            Err(_) if !a.trim().is_empty() => FieldArg::Name(a.trim().into()),
            Err(_) => return Err(bad(a)),
        },
    };
    // proc.aname[0] is the process itself, [1] the parent
    Ok(FieldRef { f, arg })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert_eq!(lookup("proc.name", None).map(|r| r.f), Ok(F::ProcName));
        let r = lookup("proc.aname", Some("2")).expect("aname[2]");
        assert_eq!(r.arg, FieldArg::Index(2));
        assert!(!r.is_multi());
        assert!(lookup("proc.aname", None).expect("aname").is_multi());
        let r = lookup("evt.arg.flags", None).expect("evt.arg.flags");
        assert_eq!((r.f, r.arg), (F::EvtArg, FieldArg::Name("flags".into())));
        assert_eq!(
            lookup("evt.arg", Some("0")).map(|r| r.arg),
            Ok(FieldArg::Index(0))
        );
        assert!(matches!(
            lookup("proc.nme", None),
            Err(FieldError::Unknown(_))
        ));
        assert!(matches!(
            lookup("proc.exe_ino.ctime", None),
            Err(FieldError::Unsupported(..))
        ));
        assert_eq!(lookup("ka.verb", None).map(|r| r.f), Ok(F::KaVerb));
        assert_eq!(
            lookup("ka.uri.param", Some("command")).map(|r| r.arg),
            Ok(FieldArg::Name("command".into()))
        );
        assert!(matches!(
            lookup("ka.uri.param", None),
            Err(FieldError::BadArg(..))
        ));
        assert!(matches!(
            lookup("ka.nope", None),
            Err(FieldError::Unknown(_))
        ));
        assert!(is_audit(F::JevtValue) && !is_audit(F::ProcName));
        assert!(matches!(
            lookup("proc.aname", Some("x")),
            Err(FieldError::BadArg(..))
        ));
        assert!(matches!(
            lookup("proc.name", Some("1")),
            Err(FieldError::BadArg(..))
        ));
        assert_eq!(name(F::FdSipName), "fd.sip.name");
        assert_eq!(ftype(F::FdSnet), FType::Net);
    }
}
