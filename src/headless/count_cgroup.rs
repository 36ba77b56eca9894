//! `ktriage count --container ID | --pod NS/NAME`: the syscalls of everything in a container's or a pod's cgroup, counted in the kernel.
//!
//! The probes aggregate per (tgid, syscall) and stream exec/fork/exit of the
//! chosen cgroups (and their descendants) only. The tgids in those cgroups are
//! the ones there at the start, the children they fork and whatever execs in
//! them (a `kubectl exec` / `runc exec` process joins the cgroup before its
//! exec); their aggregation rows are summed. Exited members are pruned from the
//! kernel map into user-space totals, so a reused pid never counts twice.

use std::collections::{BTreeMap, HashSet};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;

use super::count::{CountError, CountReport};
use super::ps::{PsOpts, rows};
use crate::app::Event;
use crate::app::event::{AggRow, EventKind, ProcInfo};
use crate::app::summary::summarize;
use crate::collector::CollectorConfig;
use crate::collector::probes::Probes;
use crate::collector::reader::{ReaderCounts, spawn_reader};

/// What to count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CgroupScope {
    /// A container, by id (full or a prefix of at least 4 hex digits).
    Container(String),
    /// A pod, by namespace and name.
    Pod(String, String),
}

impl CgroupScope {
    /// Parses `NS/NAME` for `--pod`.
    pub fn pod(text: &str) -> Option<Self> {
        let (ns, name) = text.split_once('/')?;
        (!ns.is_empty() && !name.is_empty() && !name.contains('/'))
            .then(|| Self::Pod(ns.to_string(), name.to_string()))
    }
}

/// The cgroups a scope resolved to.
#[derive(Clone, Debug)]
pub struct CgroupTarget {
    /// What is counted, for people (`container web (team-a/web-0)`; untrusted names: sanitize).
    pub covers: String,
    /// cgroup v2 directories (absolute).
    pub dirs: Vec<PathBuf>,
}

/// Finds the cgroup directories of `scope` from the process table (names from the runtime at `cri_socket`).
pub fn resolve(scope: &CgroupScope, cri_socket: Option<&Path>) -> Result<CgroupTarget, CountError> {
    let procs = rows(&PsOpts {
        containers_only: true,
        cri_socket: cri_socket.map(Path::to_path_buf),
        no_cri: false,
        ..PsOpts::default()
    });
    target_of(scope, &procs, &|pid| {
        let text = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).ok()?;
        v2_path(&text)
    })
}

/// The cgroup v2 path in a `/proc/PID/cgroup` text.
pub fn v2_path(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix("0::"))
        .map(str::to_string)
}

fn target_of(
    scope: &CgroupScope,
    procs: &[ProcInfo],
    cgroup_of: &dyn Fn(u32) -> Option<String>,
) -> Result<CgroupTarget, CountError> {
    let members: Vec<&ProcInfo> = match scope {
        CgroupScope::Container(id) => {
            if id.len() < 4 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(CountError::Target(format!(
                    "--container {id}: give a container id (at least 4 hex digits)"
                )));
            }
            let m: Vec<&ProcInfo> = procs
                .iter()
                .filter(|p| p.container_id.as_deref().is_some_and(|c| c.starts_with(id)))
                .collect();
            let ids: HashSet<&str> = m.iter().filter_map(|p| p.container_id.as_deref()).collect();
            if ids.len() > 1 {
                return Err(CountError::Target(format!(
                    "--container {id}: {} containers match; give more of the id",
                    ids.len()
                )));
            }
            m
        }
        CgroupScope::Pod(ns, name) => procs
            .iter()
            .filter(|p| {
                p.pod_namespace.as_deref() == Some(ns) && p.pod_name.as_deref() == Some(name)
            })
            .collect(),
    };
    let what = match scope {
        CgroupScope::Container(id) => format!("--container {id}"),
        CgroupScope::Pod(ns, name) => format!("--pod {ns}/{name}"),
    };
    let Some(first) = members.first() else {
        return Err(CountError::Target(format!(
            "{what}: no running process on this node is in it"
        )));
    };
    let root = crate::identity::cgroup::v2_root()
        .ok_or_else(|| CountError::Target("no cgroup v2 hierarchy is mounted".into()))?;
    let mut paths: Vec<String> = members.iter().filter_map(|p| cgroup_of(p.pid)).collect();
    if let CgroupScope::Pod(..) = scope {
        // The pod's own directory holds its containers and the sandbox.
        paths = paths
            .iter()
            .map(|p| match p.rsplit_once('/') {
                Some((parent, _))
                    if parent.rsplit('/').next().is_some_and(|d| d.contains("pod")) =>
                {
                    parent.to_string()
                }
                _ => p.clone(),
            })
            .collect();
    }
    paths.sort();
    paths.dedup();
    if paths.is_empty() {
        return Err(CountError::Target(format!("{what}: its cgroup is gone")));
    }
    let pod = match (&first.pod_namespace, &first.pod_name) {
        (Some(ns), Some(n)) => Some(format!("{ns}/{n}")),
        _ => None,
    };
    let covers = match scope {
        CgroupScope::Container(id) => {
            let full = first.container_id.as_deref().unwrap_or(id);
            let name = first
                .container_name
                .clone()
                .unwrap_or_else(|| full[..full.len().min(12)].to_string());
            match pod {
                Some(p) => format!("container {name} ({p})"),
                None => format!("container {name}"),
            }
        }
        CgroupScope::Pod(ns, name) => format!("pod {ns}/{name}"),
    };
    Ok(CgroupTarget {
        covers,
        dirs: paths
            .iter()
            .map(|p| root.join(p.trim_start_matches('/')))
            .collect(),
    })
}

/// Pids in `dir`'s `cgroup.procs` and in its descendants' (bounded depth; symlinks not followed).
pub fn cgroup_procs(dir: &Path) -> Vec<u32> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), 0u8)];
    while let Some((d, depth)) = stack.pop() {
        if let Ok(t) = std::fs::read_to_string(d.join("cgroup.procs")) {
            out.extend(t.lines().filter_map(|l| l.trim().parse::<u32>().ok()));
        }
        if depth >= 8 {
            continue;
        }
        if let Ok(rd) = std::fs::read_dir(&d) {
            for e in rd.flatten() {
                if e.file_type().is_ok_and(|t| t.is_dir()) {
                    stack.push((e.path(), depth + 1));
                }
            }
        }
    }
    out
}

/// Who is counted, as the run goes.
#[derive(Default)]
struct Members {
    live: HashSet<u32>,
    /// Totals of members that exited, per syscall.
    retired: BTreeMap<u32, AggRow>,
    /// Members seen in total.
    seen: usize,
    /// tgids in the kernel map that had no /proc entry at the previous round.
    absent: HashSet<u32>,
}

impl Members {
    fn add(&mut self, tgid: u32) {
        if self.live.insert(tgid) {
            self.seen += 1;
        }
    }

    fn on_event(&mut self, ev: Event) {
        let Event::Kernel(batch) = ev else { return };
        for e in batch.events {
            match e.kind {
                EventKind::Fork if e.args[0] as u32 != e.pid => self.add(e.args[0] as u32),
                EventKind::Exec => self.add(e.pid),
                _ => {}
            }
        }
    }

    /// Moves exited tgids out of the kernel map (members' rows into `retired`).
    /// A tgid is pruned one round after it was first seen gone, so its events are read by then.
    fn prune(&mut self, probes: &mut Probes) {
        let absent = std::mem::take(&mut self.absent);
        for r in probes.prune_agg(|t| absent.contains(&t)) {
            if self.live.contains(&r.tgid) {
                let e = self.retired.entry(r.nr).or_insert(AggRow {
                    nr: r.nr,
                    ..AggRow::default()
                });
                e.calls += r.calls;
                e.errors += r.errors;
                e.time_ns += r.time_ns;
            }
        }
        self.live.retain(|t| !absent.contains(t));
        let tgids: HashSet<u32> = probes.agg_rows(|_| true).iter().map(|r| r.tgid).collect();
        self.absent = tgids
            .into_iter()
            .filter(|t| !Path::new(&format!("/proc/{t}")).exists())
            .collect();
    }
}

/// Counts until `duration` passes or SIGINT/SIGTERM; `ready` is called once the probes are attached.
pub fn run(
    target: &CgroupTarget,
    duration: Option<Duration>,
    ready: impl FnOnce(),
) -> Result<CountReport, CountError> {
    let mut ids = Vec::new();
    for d in &target.dirs {
        let md = std::fs::metadata(d)
            .map_err(|e| CountError::Target(format!("{}: {e}", d.display())))?;
        ids.push(md.ino());
    }
    let cfg = CollectorConfig {
        stream_syscalls: Vec::new(),
        ring_bytes: 256 * 1024,
        cgroups: ids,
        timing: true,
        ..CollectorConfig::default()
    };
    let mut probes = Probes::load(&cfg)?;
    let mut members = Members::default();
    for d in &target.dirs {
        cgroup_procs(d).into_iter().for_each(|t| members.add(t));
    }
    let ring = probes
        .ring
        .take()
        .ok_or(crate::collector::CollectorError::MissingMap("EVENTS"))?;
    let (tx, mut rx) = mpsc::channel::<Event>(64);
    let stop = Arc::new(AtomicBool::new(false));
    let reader = spawn_reader(
        ring,
        tx,
        stop.clone(),
        Arc::new(ReaderCounts::default()),
        cfg.poll_ms,
    );
    ready();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CountError::Target(format!("runtime: {e}")))?;
    rt.block_on(async {
        let deadline = duration.map(|d| tokio::time::Instant::now() + d);
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        let mut prune = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                ev = rx.recv() => match ev {
                    Some(ev) => members.on_event(ev),
                    None => break,
                },
                _ = prune.tick() => members.prune(&mut probes),
                _ = until(deadline) => break,
                _ = tokio::signal::ctrl_c() => break,
                _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => break,
            }
        }
        stop.store(true, Ordering::Release);
        while let Some(ev) = rx.recv().await {
            members.on_event(ev);
        }
    });
    let _ = reader.join();
    let live = &members.live;
    let mut agg = probes.agg_rows(|t| live.contains(&t));
    agg.extend(members.retired.values().copied());
    Ok(CountReport {
        rows: summarize(&agg, |_| true),
        exit_code: 0,
        processes: members.seen,
    })
}

async fn until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pid: u32, ctr: &str, pod: Option<(&str, &str)>) -> ProcInfo {
        ProcInfo {
            pid,
            comm: "sh".into(),
            container_id: Some(ctr.into()),
            container_name: Some("web".into()),
            pod_namespace: pod.map(|p| p.0.into()),
            pod_name: pod.map(|p| p.1.into()),
            ..ProcInfo::default()
        }
    }

    #[test]
    fn container_and_pod_scopes_resolve_to_cgroup_dirs() {
        let a = "ab".repeat(32);
        let b = "cd".repeat(32);
        let procs = vec![
            p(10, &a, Some(("team-a", "web-0"))),
            p(11, &a, Some(("team-a", "web-0"))),
            p(12, &b, Some(("team-a", "web-0"))),
        ];
        let cg = |pid: u32| {
            Some(match pid {
                10 | 11 => format!("/kubepods/besteffort/pod1/{}", "ab".repeat(32)),
                _ => format!("/kubepods/besteffort/pod1/{}", "cd".repeat(32)),
            })
        };
        let Some(_) = crate::identity::cgroup::v2_root() else {
            return;
        };
        let t = target_of(&CgroupScope::Container("abab".into()), &procs, &cg).expect("ctr");
        assert_eq!(t.covers, "container web (team-a/web-0)");
        assert_eq!(t.dirs.len(), 1);
        assert!(t.dirs[0].ends_with(format!("pod1/{a}")));
        let pod = CgroupScope::pod("team-a/web-0").expect("pod");
        let t = target_of(&pod, &procs, &cg).expect("pod");
        assert_eq!(t.dirs.len(), 1, "{:?}", t.dirs);
        assert!(t.dirs[0].ends_with("kubepods/besteffort/pod1"));
        assert!(matches!(
            target_of(&CgroupScope::Container("ef01".into()), &procs, &cg),
            Err(CountError::Target(m)) if m.contains("--container ef01")
        ));
        assert!(matches!(
            target_of(&CgroupScope::Container("x".into()), &procs, &cg),
            Err(CountError::Target(_))
        ));
        assert!(CgroupScope::pod("nope").is_none());
    }

    #[test]
    fn v2_path_is_the_unified_line() {
        assert_eq!(
            v2_path("12:cpu:/x\n0::/kubepods/pod1/abc\n").as_deref(),
            Some("/kubepods/pod1/abc")
        );
        assert_eq!(v2_path("1:name=systemd:/x\n"), None);
    }
}
