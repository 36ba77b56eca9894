//! Exec correlation of processes /proc never saw, on a real containerd pod with the real probes: `cat /etc/hostname` exec'd through the runtime exits at once (between two /proc polls), and an audit exec event for it is linked exactly, both ways, from the kernel's exec record; two such execs in the window are an ambiguous link listing both; a recording replays to the same links.

#[path = "support/containerd.rs"]
mod containerd;
mod support;

use std::time::{Duration, Instant};

use containerd::{ContainerdPod, containerd_available};
use ktriage::app::event::{EventKind, Setup};
use ktriage::app::{AppState, Event};
use ktriage::collector::CollectorConfig;
use ktriage::model::alert::iso_time;
use ktriage::model::audit::ExecLink;
use ktriage::session::{Header, Recorder, SessionWriter};

fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos() as u64
}

/// An exec audit event (stage ResponseStarted, no tty) for the pod at `t`: `kubectl exec pod -- CMD...`.
fn exec_event(pod: &ContainerdPod, id: &str, user: &str, t: u64, cmd: &[&str]) -> Event {
    let command: String = cmd
        .iter()
        .map(|c| format!("command={}&", c.replace('/', "%2F")))
        .collect();
    let line = serde_json::json!({
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
        "auditID": id, "stage": "ResponseStarted", "verb": "create",
        "requestURI": format!(
            "/api/v1/namespaces/{}/pods/{}/exec?{command}container={}&stdout=true",
            pod.namespace, pod.pod_name, pod.container_name
        ),
        "user": {"username": user, "groups": ["system:authenticated"]},
        "objectRef": {"resource": "pods", "subresource": "exec", "namespace": pod.namespace,
                      "name": pod.pod_name, "apiVersion": "v1"},
        "responseStatus": {"metadata": {}, "code": 101},
        "requestReceivedTimestamp": iso_time(t), "stageTimestamp": iso_time(t),
    })
    .to_string();
    Event::Audit(vec![
        ktriage::alerts::intake::audit::parse_line(&line).expect("audit line"),
    ])
}

/// Host pids of the exec records of `comm` in the pod's container cgroup.
fn exec_pids(st: &AppState, pod: &ContainerdPod, comm: &str) -> Vec<u32> {
    st.buffer
        .range(0, u64::MAX)
        .filter(|e| e.kind() == EventKind::Exec)
        .filter(|e| st.container_of(e.cgroup_id()) == Some(pod.container_id.as_str()))
        .filter(|e| e.comm_bytes().split(|b| *b == 0).next() == Some(comm.as_bytes()))
        .map(|e| e.pid())
        .collect()
}

#[test]
fn a_short_lived_exec_only_the_kernel_saw_is_linked_both_ways() {
    let name = "a_short_lived_exec_only_the_kernel_saw_is_linked_both_ways";
    if !support::bpf_available(name) || !containerd_available(name) {
        return;
    }
    let pod = ContainerdPod::start();
    let rt = ktriage::runtime::Runtime::new(Some(&pod.socket), true);
    let mut poller = ktriage::runtime::procpoll::ProcPoller::new(&rt, Duration::from_secs(2));
    let mut live = support::Live::start(&CollectorConfig::default());
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("exec.ktr");
    let header = Header::gather(&[], &[], vec![], false).expect("header");
    let writer = SessionWriter::create(&file, header, Default::default()).expect("writer");
    let (rec, handle) = Recorder::new(writer, false);
    live.core.set_tap(Box::new(rec));
    let offset = ktriage::collector::clock::WallClock::now().offset_ns();
    live.core.dispatch(Event::Setup(Setup::WallOffset(offset)));
    // the /proc rows name the pod's container (its sleep), as the runtime's poller sends them
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        let rows = poller.poll();
        let named = rows
            .iter()
            .any(|p| p.pid == pod.pid && p.pod_name.as_deref() == Some(pod.pod_name.as_str()));
        live.core.dispatch(Event::Processes(rows));
        if named {
            break;
        }
        assert!(Instant::now() < end, "the runtime never named the pod");
        std::thread::sleep(Duration::from_millis(100));
    }

    let t = now_ns();
    pod.exec_once("kernel-e1", &["cat", "/etc/hostname"]);
    assert!(
        live.pump_until(Duration::from_secs(10), |s| exec_pids(s, &pod, "cat").len()
            == 1),
        "the probes streamed cat's exec"
    );
    let pid = exec_pids(live.core.state(), &pod, "cat")[0];
    // /proc never saw it: it has exited
    let rows = poller.poll();
    assert!(rows.iter().all(|p| p.pid != pid), "cat {pid} exited");
    live.core.dispatch(Event::Processes(rows));
    live.core.dispatch(exec_event(
        &pod,
        "k1",
        "mallory",
        t,
        &["cat", "/etc/hostname"],
    ));
    let st = live.core.state();
    let last = st.exec.execs.back().expect("the exec event is kept");
    match &last.link {
        ExecLink::Exact(c) => {
            assert_eq!((c.pid, c.comm.as_str()), (pid, "cat"));
            assert_eq!(c.argv, ["cat", "/etc/hostname"]);
        }
        other => panic!("exact link to {pid}: {other:?}"),
    }
    // the other way: the process names the user
    let back: Vec<_> = st.exec.of_pid(pid).collect();
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].user(), "mallory");

    // two overlapping execs of the same command: both listed, none chosen
    let t2 = now_ns();
    pod.exec_once("kernel-e2", &["ls", "/etc"]);
    pod.exec_sync(&["ls", "/etc"]);
    assert!(
        live.pump_until(Duration::from_secs(10), |s| exec_pids(s, &pod, "ls").len()
            == 2),
        "both execs streamed"
    );
    let ls_pids = exec_pids(live.core.state(), &pod, "ls");
    live.core
        .dispatch(exec_event(&pod, "k2", "eve", t2, &["ls", "/etc"]));
    let link = &live.core.state().exec.execs.back().expect("kept").link;
    match link {
        ExecLink::Ambiguous(cs) => {
            assert_eq!(cs.iter().map(|c| c.pid).collect::<Vec<_>>(), ls_pids)
        }
        other => panic!("ambiguous between {ls_pids:?}: {other:?}"),
    }
    live.finish();
    drop(live.core.take_taps());
    handle.finish().expect("recording finished");

    let replay = support::replay_file(&file);
    assert_eq!(
        replay.state().exec.execs,
        live.core.state().exec.execs,
        "the recording replays to the same links"
    );
}
