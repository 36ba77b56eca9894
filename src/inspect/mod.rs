//! Read-only inspection of any pid from a proc root (`/proc` or a fixture tree): one reader per concern, assembled by [`Inspector`].

pub mod caps;
pub mod environ;
pub mod fds;
pub mod inroot;
mod json;
mod liveness;
pub mod lsm;
pub mod mounts;
pub mod namespaces;
pub mod overview;
pub mod rootfs;
pub mod sockets;
pub mod static_name;
pub mod status;

use std::io;
use std::path::{Path, PathBuf};

use crate::identity::Identity;
use environ::EnvEntry;
use fds::{Fd, FdKind};
pub use liveness::start_time;
use liveness::{Cx, is_gone};
use lsm::Lsm;
use mounts::Mount;
use namespaces::Namespaces;
use overview::Overview;
use status::Status;

/// Why a whole inspection failed. Per-section failures are [`SectionError`]s instead.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    /// The pid does not exist, or exited (or was reused) during the inspection.
    #[error("process {0} exited")]
    Exited(u32),
    /// The pid exists but its status cannot be read at all.
    #[error("cannot inspect process {pid}: {source}")]
    Unreadable {
        pid: u32,
        #[source]
        source: io::Error,
    },
}

/// One section that could not be read (e.g. `environ`: permission denied).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SectionError {
    /// `cmdline`, `exe`, `cwd`, `environ`, `fds`, `sockets`, `mounts`, `namespaces`, `lsm`.
    #[serde(deserialize_with = "crate::inspect::static_name::deserialize")]
    pub section: crate::inspect::static_name::StaticName,
    pub message: String,
    pub permission_denied: bool,
}

/// Everything read about one process. Sections that failed are `None` and
/// have an entry in `errors`. Text fields are raw: sanitize before drawing.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Inspection {
    pub pid: u32,
    pub identity: Identity,
    /// The process is a zombie (exited, not yet reaped): only `status` and the
    /// parent chain were read, other sections are `None` without errors.
    pub exited: bool,
    /// Built from the rule engine's record of the process at an alert (the process was
    /// gone): overview, security and identity only.
    pub recorded: bool,
    pub status: Status,
    pub overview: Overview,
    pub environ: Option<Vec<EnvEntry>>,
    pub fds: Option<Vec<Fd>>,
    pub mounts: Option<Vec<Mount>>,
    /// Whether the topmost mount on `/` is read-only.
    pub root_readonly: Option<bool>,
    pub namespaces: Option<Namespaces>,
    pub lsm: Option<Lsm>,
    /// Whether AppArmor or SELinux runs on the node (`None`: not read, or in old recordings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_lsm: Option<lsm::NodeLsm>,
    /// What the runtime was told for the container (its OCI bundle); `None` outside a
    /// container, when no bundle was found (see `errors` under `applied`), or in old recordings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied: Option<crate::identity::bundle::Applied>,
    pub errors: Vec<SectionError>,
}

impl Inspection {
    /// Identity, status and overview only: every other section unread (`None`), no errors.
    pub fn new(pid: u32, identity: Identity, status: Status, overview: Overview) -> Self {
        Self {
            pid,
            identity,
            exited: false,
            recorded: false,
            status,
            overview,
            environ: None,
            fds: None,
            mounts: None,
            root_readonly: None,
            namespaces: None,
            lsm: None,
            node_lsm: None,
            applied: None,
            errors: Vec::new(),
        }
    }

    /// The error of one section, if it failed.
    pub fn error(&self, section: &str) -> Option<&SectionError> {
        self.errors.iter().find(|e| e.section == section)
    }

    /// [`caps::beyond_runtime_default`] of the effective and bounding sets, as names.
    pub fn caps_beyond_runtime_default(&self) -> Vec<String> {
        caps::decode(caps::beyond_runtime_default(
            self.status.cap_eff,
            self.status.cap_bnd,
        ))
    }
}

/// Inspects processes under one proc root.
#[derive(Clone, Debug)]
pub struct Inspector {
    proc_root: PathBuf,
    host_pid: u32,
}

impl Inspector {
    /// An inspector over `proc_root` (`/proc`, or a fixture tree laid out like it).
    /// Namespaces and mounts are compared against pid 1 as "the host".
    pub fn new(proc_root: impl Into<PathBuf>) -> Self {
        Inspector {
            proc_root: proc_root.into(),
            host_pid: 1,
        }
    }

    /// Uses `pid` instead of 1 as the host reference (when pid 1 is unreadable).
    pub fn with_host_pid(mut self, pid: u32) -> Self {
        self.host_pid = pid;
        self
    }

    pub fn proc_root(&self) -> &Path {
        &self.proc_root
    }

    /// Reads every section of `pid`. `Err(Exited)` when the pid is gone before
    /// or during the reads (checked by its start time, so a reused pid counts as
    /// gone); a zombie gives `Ok` with `exited: true`. Other failures of a
    /// section land in [`Inspection::errors`].
    pub fn inspect(&self, pid: u32, identity: &Identity) -> Result<Inspection, InspectError> {
        let root = self.proc_root.as_path();
        let fatal = |e: io::Error| {
            if is_gone(&e) {
                InspectError::Exited(pid)
            } else {
                InspectError::Unreadable { pid, source: e }
            }
        };
        let start = start_time(root, pid).map_err(fatal)?;
        let status = status::read_status(root, pid).map_err(fatal)?;
        let mut cx = Cx {
            root,
            pid,
            start,
            errors: Vec::new(),
        };
        let (uid, gid) =
            overview::lookup_ids(root, pid, status.uid.effective, status.gid.effective);
        let overview = Overview {
            uid,
            gid,
            state: overview::state_text(&status),
            threads: status.threads,
            parents: overview::parent_chain(root, pid),
            ..Overview::default()
        };
        let exited = status.is_exited();
        let mut ins = Inspection::new(pid, identity.clone(), status, overview);
        ins.exited = exited;
        if ins.exited {
            return Ok(ins);
        }
        let ov = &mut ins.overview;
        ov.cmdline = cx
            .take("cmdline", overview::read_cmdline(root, pid))?
            .unwrap_or_default();
        ov.exe = cx.take_present("exe", overview::read_exe(root, pid))?;
        ov.cwd = cx.take_present("cwd", overview::read_cwd(root, pid))?;

        let ns = cx.take(
            "namespaces",
            namespaces::read_namespaces(root, pid, self.host_pid),
        )?;
        if let Some(mut m) = cx.take("mounts", mounts::read_mountinfo(root, pid))? {
            let host = mounts::read_mountinfo(root, self.host_pid).ok();
            // Same mount namespace as the host: nothing is "from the host". When
            // the ns links are unreadable, a shared `/` mount id says the same.
            let same_mnt = ns
                .as_ref()
                .and_then(|n| n.get("mnt")?.shared_with_host())
                .or_else(|| {
                    Some(mounts::root_mount_id(&m)? == mounts::root_mount_id(host.as_ref()?)?)
                });
            if same_mnt != Some(true) {
                let pod_uid = identity.pod.as_ref().and_then(|p| p.uid.as_deref());
                mounts::annotate(&mut m, host.as_deref(), pod_uid);
            }
            ins.root_readonly = mounts::root_readonly(&m);
            ins.mounts = Some(m);
        }
        ins.namespaces = ns;
        ins.environ = cx.take("environ", environ::read_environ(root, pid))?;

        let mut fds = cx.take("fds", fds::list_fds(root, pid))?;
        if let Some(list) = fds.as_mut()
            && list.iter().any(|f| matches!(f.kind, FdKind::Socket(_)))
            && let Some(table) = cx.take("sockets", sockets::read_tables(root, pid))?
        {
            for f in list.iter_mut() {
                if let FdKind::Socket(ino) = f.kind {
                    f.socket = table.get(ino).cloned();
                }
            }
        }
        ins.fds = fds;
        ins.lsm = cx.take("lsm", lsm::read_lsm(root, pid))?;
        ins.node_lsm = lsm::read_node_lsm(root);
        if let Some(c) = &identity.container {
            let search = crate::identity::bundle::BundleSearch::new(root);
            match search
                .find(&c.id, Some(pid))
                .map(|f| crate::identity::bundle::read_applied(&f))
            {
                Some(Ok(a)) => ins.applied = Some(a),
                Some(Err(e)) => cx.errors.push(SectionError {
                    section: "applied",
                    message: e.to_string(),
                    permission_denied: false,
                }),
                None => {}
            }
        }

        if !cx.alive() {
            return Err(InspectError::Exited(pid));
        }
        ins.errors = cx.errors;
        Ok(ins)
    }
}

/// The fixture proc tree (`tests/fixtures/proc`) the unit tests read.
#[cfg(test)]
pub(crate) fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/proc")
}

#[cfg(test)]
#[path = "tests/inspector.rs"]
mod tests;
