//! The one process table of a session, shared: the rule engine borrows it for each kernel batch, the /proc poll merges into it, the panes get its rows.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use super::proctable::{Proc, ProcTable};
use crate::identity::Identity;
use crate::identity::resolve::apply_identity;
use crate::model::ProcInfo;
use crate::model::hash::FxSet;

/// A handle on one [`ProcTable`]; clones share it.
#[derive(Clone, Debug, Default)]
pub struct SharedProcs(Arc<Mutex<ProcTable>>);

impl SharedProcs {
    /// Shares `table`.
    pub fn new(table: ProcTable) -> Self {
        Self(Arc::new(Mutex::new(table)))
    }

    /// The table, locked (a panicked holder leaves it usable).
    pub fn lock(&self) -> MutexGuard<'_, ProcTable> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// True when `other` is a handle on the same table.
    pub fn same(&self, other: &SharedProcs) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// One process as a /proc scan found it, with its identity when it was resolved.
pub type Scanned = (ProcInfo, Option<Arc<Identity>>);

impl ProcTable {
    /// The pids of `scanned` the table does not know alive (to read from /proc before merging,
    /// outside the lock).
    pub fn unknown(&self, scanned: &[Scanned]) -> Vec<u32> {
        scanned
            .iter()
            .map(|(p, _)| p.pid)
            .filter(|pid| self.get(*pid).is_none())
            .collect()
    }

    /// Merges one /proc scan: known processes take the scan's parent, uid and identity (the
    /// kernel sends no record for a reparenting or a setuid); new ones are inserted from
    /// `fresh` (full reads, see [`read_fresh`]) or else from the scan row; live processes
    /// absent from the scan whose /proc entry is gone exited at `now_ns`.
    pub fn merge_scan(&mut self, scanned: &[Scanned], fresh: Vec<Proc>, now_ns: u64) {
        let mut fresh: crate::model::hash::FxMap<u32, Proc> =
            fresh.into_iter().map(|p| (p.pid, p)).collect();
        let mut seen = FxSet::default();
        for (info, ident) in scanned {
            seen.insert(info.pid);
            if let Some(p) = self.get_mut(info.pid) {
                p.ppid = info.ppid;
                p.uid = info.uid;
                if ident.is_some() {
                    p.identity = ident.clone();
                }
                continue;
            }
            let mut p = fresh.remove(&info.pid).unwrap_or_else(|| from_scan(info));
            p.identity = ident.clone();
            self.insert(p);
        }
        let root = self.proc_root().map(Path::to_path_buf);
        let gone: Vec<u32> = self
            .live()
            .map(|p| p.pid)
            .filter(|pid| !seen.contains(pid))
            .filter(|pid| {
                root.as_ref()
                    .is_none_or(|r| !r.join(pid.to_string()).exists())
            })
            .collect();
        for pid in gone {
            self.retire(pid, now_ns);
        }
    }

    /// The live processes as the panes show them, by pid.
    pub fn rows(&self) -> Vec<ProcInfo> {
        let mut rows: Vec<ProcInfo> = self
            .live()
            .map(|p| {
                let mut r = row(p);
                if let Some(parent) = self.parent(p) {
                    r.parent_comm = parent.comm.to_string();
                }
                r
            })
            .collect();
        rows.sort_by_key(|p| p.pid);
        rows
    }
}

/// Full reads of `pids` under `proc_root` (what the engine reads at first sight).
pub fn read_fresh(proc_root: Option<&Path>, pids: &[u32]) -> Vec<Proc> {
    let Some(root) = proc_root else {
        return Vec::new();
    };
    pids.iter()
        .filter_map(|pid| super::procread::read(root, *pid))
        .collect()
}

fn from_scan(info: &ProcInfo) -> Proc {
    let comm: Arc<str> = info.comm.as_str().into();
    Proc {
        pid: info.pid,
        ppid: info.ppid,
        uid: info.uid,
        vpid: info.pid,
        loginuid: u32::MAX,
        exe: comm.clone(),
        cmdline: comm.clone(),
        comm,
        ..Proc::default()
    }
}

/// A process as a row of the processes pane.
pub fn row(p: &Proc) -> ProcInfo {
    let mut info = ProcInfo {
        pid: p.pid,
        ppid: p.ppid,
        uid: p.uid,
        comm: p.comm.to_string(),
        start_ns: p.start_ns,
        exe: p.exe.to_string(),
        ..ProcInfo::default()
    };
    if let Some(ident) = &p.identity {
        apply_identity(&mut info, ident);
    }
    info
}
