//! The session's one process table: fed by the engine's kernel records and by the /proc poll, exited processes kept with their identity.

use std::sync::Arc;

use super::{build, exec};
use crate::identity::{ContainerInfo, Identity, PodInfo};
use crate::model::{EventKind, KernelBatch, ProcInfo, SysEvent};
use crate::rules::proctable::MAX_EXITED;
use crate::rules::{Proc, ProcTable, SharedProcs};

fn batch(events: Vec<SysEvent>) -> KernelBatch {
    KernelBatch {
        cgroups: Vec::new(),
        events,
    }
}

fn fork(parent: u32, child: u32, ts_ns: u64) -> SysEvent {
    let mut ev = exec(parent, 1, "/bin/sh", "sh", None);
    ev.kind = EventKind::Fork;
    ev.args = [u64::from(child), u64::from(child), 0, 0, 0, 0];
    ev.ts_ns = ts_ns;
    ev
}

fn exit(pid: u32, ppid: u32, ts_ns: u64) -> SysEvent {
    let mut ev = exec(pid, ppid, "/usr/bin/curl", "curl", None);
    ev.kind = EventKind::Exit;
    ev.args = [1, 0, 0, 0, 0, 0];
    ev.ts_ns = ts_ns;
    ev
}

fn web() -> Arc<Identity> {
    Arc::new(Identity {
        container: Some(ContainerInfo {
            id: "ab".repeat(32),
            name: Some("web".into()),
            image: Some("shop/web:1".into()),
            ..ContainerInfo::default()
        }),
        pod: Some(PodInfo {
            name: Some("shop-0".into()),
            namespace: Some("prod".into()),
            ..PodInfo::default()
        }),
        entered_from_host: false,
    })
}

fn scanned(pid: u32, ppid: u32, comm: &str) -> ProcInfo {
    ProcInfo {
        pid,
        ppid,
        uid: 0,
        comm: comm.into(),
        ..ProcInfo::default()
    }
}

#[test]
fn kernel_records_then_the_poll_feed_one_table_and_exits_keep_identity() {
    let shared = SharedProcs::new(ProcTable::new(None));
    let (mut engine, _) = build(&[]);
    engine.share_procs(shared.clone());
    let mut alerts = Vec::new();
    // the kernel: sh (100) forks 200, which execs curl
    engine.process_batch(
        &batch(vec![
            fork(100, 200, 10),
            exec(200, 100, "/usr/bin/curl", "curl -s http://x", None),
        ]),
        &mut alerts,
    );
    {
        let t = shared.lock();
        let p = t.get(200).expect("known from the kernel's records");
        assert_eq!((&*p.exe, &*p.args), ("curl", "-s http://x"));
        assert_eq!(&*p.exepath, "/usr/bin/curl");
        assert_eq!(p.identity, None, "no poll yet");
    }
    assert_eq!(
        engine.procs.len(),
        0,
        "between batches the table is the session's"
    );
    // the poll: 200 was reparented to 1 (no kernel record says so) and is in a container
    let scan = vec![
        (scanned(200, 1, "curl"), Some(web())),
        (scanned(100, 1, "sh"), None),
    ];
    shared.lock().merge_scan(&scan, Vec::new(), 20);
    {
        let t = shared.lock();
        let p = t.get(200).expect("still live");
        assert_eq!(p.ppid, 1);
        assert_eq!(&*p.args, "-s http://x", "the kernel's argv stays");
        let rows = t.rows();
        let row = rows.iter().find(|r| r.pid == 200).expect("a pane row");
        assert_eq!(row.container_name.as_deref(), Some("web"));
        assert_eq!(row.pod_name.as_deref(), Some("shop-0"));
        assert_eq!(row.pod_namespace.as_deref(), Some("prod"));
    }
    // the kernel's exit record: gone from the live table, kept with its identity
    engine.process_batch(&batch(vec![exit(200, 1, 30)]), &mut alerts);
    {
        let t = shared.lock();
        assert!(t.get(200).is_none());
        assert!(
            t.rows().iter().all(|r| r.pid != 200),
            "panes list live ones"
        );
        let gone = t.exited(200).expect("kept after exit");
        assert_eq!(gone.exited_ns, Some(30));
        assert_eq!(&*gone.args, "-s http://x");
        let c = gone.identity.as_ref().and_then(|i| i.container.clone());
        assert_eq!(c.and_then(|c| c.name).as_deref(), Some("web"));
    }
    // a poll that no longer sees 100 (and no exit record came): exited at the poll's time
    shared.lock().merge_scan(&[], Vec::new(), 40);
    let t = shared.lock();
    assert_eq!(t.exited(100).and_then(|p| p.exited_ns), Some(40));
    assert!(t.is_empty());
    drop(t);
    // a reused pid is a new live process; the exited one stays as it was
    engine.process_batch(&batch(vec![fork(300, 200, 50)]), &mut alerts);
    let t = shared.lock();
    assert_eq!(t.get(200).map(|p| p.start_ns), Some(50));
    assert_eq!(t.exited(200).and_then(|p| p.exited_ns), Some(30));
}

#[test]
fn exited_processes_are_capped_oldest_first_without_env_or_fds() {
    let mut t = ProcTable::new(None);
    let n = MAX_EXITED as u32 + 10;
    for pid in 1..=n {
        t.insert(Proc {
            pid,
            start_ns: u64::from(pid),
            env: "SECRET=x".into(),
            ..Proc::default()
        });
        t.retire(pid, u64::from(pid) + 1);
    }
    assert_eq!(t.exited_len(), MAX_EXITED);
    assert!(t.exited(1).is_none(), "oldest forgotten");
    let last = t.exited(n).expect("newest kept");
    assert!(last.env.is_empty(), "environment not kept after exit");
    // retiring an unknown pid is a no-op
    t.retire(n + 1, 0);
    assert_eq!(t.exited_len(), MAX_EXITED);
}
