//! The runtime's shared parts with the real kernel and a real containerd pod: one CRI cache serves the /proc poller, inspections, the engine's names and Falco's alerts; one process table is fed by the kernel's records and by the poll, and keeps exited processes with their identity.

#[path = "support/containerd.rs"]
mod containerd;
mod support;

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use containerd::{CONTAINER_NAME, ContainerdPod, POD_NAME, POD_NAMESPACE, containerd_available};
use ktriage::alerts::{Alert, AlertOrigin, Priority};
use ktriage::app::{Effect, Event};
use ktriage::collector::CollectorConfig;
use ktriage::collector::clock::WallClock;
use ktriage::identity::cgroup::v2_root;
use ktriage::identity::cri::SharedCri;
use ktriage::model::{CgroupInfo, CollectorState};
use ktriage::rules::{Engine, Env, ProcTable, RuleSet, setup};
use ktriage::runtime::procpoll::{self, ProcPoller};
use ktriage::runtime::{Runtime, SourceOpts, sources};
use support::bpf_available;

fn falco_alert(container_prefix: &str) -> Alert {
    Alert {
        time_ns: 0,
        rule: "Terminal shell in container".into(),
        priority: Priority::Notice,
        source: "syscall".into(),
        hostname: "node-1".into(),
        output: "shell".into(),
        output_fields: BTreeMap::new(),
        tags: Vec::new(),
        origin: AlertOrigin::Falco("http".into()),
        pid: None,
        container_id: Some(container_prefix.into()),
        facts: None,
    }
}

#[test]
fn one_cri_cache_serves_poller_inspect_engine_and_alert_names() {
    if !containerd_available("one_cri_cache_serves_poller_inspect_engine_and_alert_names") {
        return;
    }
    let pod = ContainerdPod::start();
    let cri = SharedCri::new(Some(&pod.socket));
    let rt = Runtime::with_cri(Some(cri.clone()));

    // the /proc poller names the pod's process: one refresh (connect + lists)
    let rows = ProcPoller::new(&rt, procpoll::EVERY).poll();
    let row = rows.iter().find(|r| r.pid == pod.pid).expect("pod process");
    assert_eq!(row.container_name.as_deref(), Some(CONTAINER_NAME));
    assert_eq!(row.pod_name.as_deref(), Some(POD_NAME));
    let after_poll = cri.rpcs();
    assert!(
        after_poll >= 3,
        "Version, ListContainers, ListPodSandbox: {after_poll}"
    );
    assert_eq!(cri.attempts(), 1);

    // inspection and the flight snapshot (the effect runner) name it without asking again
    for effect in [Effect::Inspect(pod.pid), Effect::Snapshot(pod.pid)] {
        let ins = match rt.effects().run(effect) {
            Some(Event::Inspected { result: Ok(i), .. })
            | Some(Event::Snapshot { result: Ok(i), .. }) => i,
            other => panic!("no inspection: {other:?}"),
        };
        let c = ins.identity.container.clone().expect("container");
        assert_eq!(c.name.as_deref(), Some(CONTAINER_NAME));
    }
    // the rule engine's container names, through the same cache
    let (mut engine, _) = setup::build_engine(&setup::EngineOpts {
        cri: Some(cri.clone()),
        ..setup::EngineOpts::default()
    })
    .expect("engine");
    let meta = engine
        .env
        .lookup
        .lookup(&CgroupInfo {
            id: 1,
            path: Some(pod.cgroup.clone()),
            container_id: Some(pod.container_id.clone()),
        })
        .expect("container meta");
    assert_eq!(meta.name.as_deref(), Some(CONTAINER_NAME));
    // Falco's alert (a 12-character id) named through the runtime's resolver
    let mut alert = falco_alert(&pod.container_id[..12]);
    ktriage::alerts::intake::resolve::resolve(&mut alert, &mut rt.resolver());
    assert_eq!(alert.output_fields["k8s.pod.name"], POD_NAME);
    assert_eq!(alert.output_fields["k8s.ns.name"], POD_NAMESPACE);

    assert_eq!(
        cri.rpcs(),
        after_poll,
        "poller, inspect, snapshot, engine and alert names share one cache"
    );
    assert_eq!(cri.attempts(), 1);
    // a cache of its own (what each of them had before) asks the runtime again
    let other = SharedCri::new(Some(&pod.socket));
    assert!(other.lookup(&pod.container_id).is_some());
    assert!(other.rpcs() >= 3);
    eprintln!(
        "CRI calls: {after_poll} for 5 users of one cache (a cache each: {} each)",
        other.rpcs()
    );
}

/// Waits until `f` holds or the deadline passes.
fn wait_for(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for {what}");
}

#[test]
fn kernel_records_then_the_poll_feed_one_process_table() {
    if !bpf_available("kernel_records_then_the_poll_feed_one_process_table")
        || !containerd_available("kernel_records_then_the_poll_feed_one_process_table")
    {
        return;
    }
    let pod = ContainerdPod::start();
    let rt = Runtime::with_cri(Some(SharedCri::new(Some(&pod.socket))));
    let (engine, _) = Engine::build(
        &RuleSet::default(),
        ProcTable::new(Some("/proc".into())),
        Env::host(),
        WallClock::now(),
    );
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio");
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Event>(1024);
    let opts = SourceOpts {
        collector: CollectorConfig::default(),
        no_bpf: false,
        engine: Some(engine),
        audit_engine: None,
        intake: Vec::new(),
        kube: None,
        // one scan at the start, then none during the test: what comes later is the kernel's
        proc_every: Duration::from_secs(3600),
    };
    let running = tokio.block_on(async { sources::start(&rt, opts, &tx) });
    let src = running.expect("sources");
    drop(tx);
    // the core's side: drain, and note when the probes run and the first scan came
    let (seen_tx, seen_rx) = std::sync::mpsc::channel();
    let drain = std::thread::spawn(move || {
        while let Some(ev) = rx.blocking_recv() {
            let note = match ev {
                Event::Collector(CollectorState::Running) => "running",
                Event::Collector(CollectorState::Degraded { .. }) => "degraded",
                Event::Processes(_) => "scan",
                _ => continue,
            };
            let _ = seen_tx.send(note);
        }
    });
    let mut notes = Vec::new();
    while !(notes.contains(&"running") && notes.contains(&"scan")) {
        let n = seen_rx
            .recv_timeout(Duration::from_secs(20))
            .expect("collector running and a first scan");
        assert_ne!(n, "degraded", "the collector did not start");
        notes.push(n);
    }

    let marker = format!("{}.{}", 600 + std::process::id() % 100, std::process::id());
    let mut child = Command::new("/bin/sleep")
        .arg(&marker)
        .spawn()
        .expect("sleep");
    let pid = child.id();
    let procs = rt.procs().clone();
    // only the kernel's exec record can have put it there (the poller sleeps for an hour)
    wait_for(
        "the child's exec in the table",
        Duration::from_secs(10),
        || {
            procs
                .lock()
                .get(pid)
                .is_some_and(|p| &*p.args == marker.as_str())
        },
    );
    {
        let t = procs.lock();
        let p = t.get(pid).expect("child");
        assert_eq!(&*p.comm, "sleep");
        assert_eq!(&*p.exepath, "/bin/sleep");
        assert!(
            p.identity.as_ref().is_none_or(|i| i.container.is_none()),
            "started on the host: {:?}",
            p.identity
        );
    }
    // move it into the pod container's cgroup; the poll names it through CRI
    let procs_file = v2_root()
        .expect("cgroup v2")
        .join(pod.cgroup.trim_start_matches('/'))
        .join("cgroup.procs");
    std::fs::write(&procs_file, pid.to_string()).expect("join the container's cgroup");
    let rows = ProcPoller::new(&rt, procpoll::EVERY).poll();
    let row = rows
        .iter()
        .find(|r| r.pid == pid)
        .expect("a pane row for the child");
    assert_eq!(row.container_name.as_deref(), Some(CONTAINER_NAME));
    assert_eq!(row.pod_name.as_deref(), Some(POD_NAME));
    assert_eq!(row.pod_namespace.as_deref(), Some(POD_NAMESPACE));
    assert_eq!(
        procs.lock().get(pid).map(|p| p.args.to_string()),
        Some(marker.clone()),
        "the kernel's argv stays after the poll"
    );

    // its exit (the kernel's record) keeps it, with who it was
    child.kill().expect("kill");
    child.wait().expect("reaped");
    wait_for(
        "the child's exit in the table",
        Duration::from_secs(10),
        || procs.lock().exited(pid).is_some(),
    );
    let gone = procs.lock().exited(pid).cloned().expect("exited");
    assert!(gone.exited_ns.is_some());
    assert_eq!(&*gone.args, marker.as_str());
    let ident = gone.identity.clone().expect("identity kept");
    let c = ident.container.clone().expect("container kept");
    assert_eq!(c.name.as_deref(), Some(CONTAINER_NAME));
    assert_eq!(c.id, pod.container_id);
    assert_eq!(
        ident.pod.as_ref().and_then(|p| p.name.as_deref()),
        Some(POD_NAME)
    );
    assert!(procs.lock().get(pid).is_none());

    // receivers first (no source stays blocked on a full channel), then stop and join
    src.stop_flag()
        .store(true, std::sync::atomic::Ordering::Release);
    drain.join().ok();
    src.stop();
}
