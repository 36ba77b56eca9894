//! Exec correlation on a real containerd pod: an exec with a tty through the runtime (as `kubectl exec -it`) and an audit exec event written for that pod at that time are linked both ways; two overlapping execs are an ambiguous link listing both. The core links them too (from the runtime's /proc rows and the audit event), also when the exec'd shell exited before the event was read, and a recording of it replays to the same link.

#[path = "support/containerd.rs"]
mod containerd;
mod support;

use std::time::{Duration, Instant};

use containerd::{ContainerdPod, containerd_available};

/// The tests count the shells in the pod's cgroup: one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
use ktriage::model::alert::iso_time;

/// Host pids of the `sh` processes in the pod's container whose parent is the shim.
fn shells(pod: &ContainerdPod) -> Vec<u32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let read =
            |f: &str| std::fs::read_to_string(format!("/proc/{pid}/{f}")).unwrap_or_default();
        if read("comm").trim() != "sh" || !read("cgroup").contains(&pod.cgroup) {
            continue;
        }
        let ppid = read("stat")
            .rsplit(')')
            .next()
            .and_then(|r| r.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0);
        let parent = std::fs::read_to_string(format!("/proc/{ppid}/comm")).unwrap_or_default();
        if parent.starts_with("containerd-shim") {
            out.push(pid);
        }
    }
    out.sort();
    out
}

/// Waits (bounded) for `n` shells.
fn wait_shells(pod: &ContainerdPod, n: usize) -> Vec<u32> {
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        let s = shells(pod);
        if s.len() >= n || Instant::now() > end {
            return s;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos() as u64
}

/// An exec audit event (stage ResponseStarted) for the pod at `t`, by `user`.
fn exec_event(pod: &ContainerdPod, id: &str, user: &str, t: u64) -> String {
    serde_json::json!({
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
        "auditID": id, "stage": "ResponseStarted", "verb": "create",
        "requestURI": format!(
            "/api/v1/namespaces/{}/pods/{}/exec?command=sh&container={}&stdin=true&stdout=true&tty=true",
            pod.namespace, pod.pod_name, pod.container_name
        ),
        "user": {"username": user, "groups": ["system:authenticated"]},
        "sourceIPs": ["127.0.0.1"], "userAgent": "kubectl/v1.29.0",
        "objectRef": {"resource": "pods", "subresource": "exec", "namespace": pod.namespace,
                      "name": pod.pod_name, "apiVersion": "v1"},
        "responseStatus": {"metadata": {}, "code": 101},
        "requestReceivedTimestamp": iso_time(t), "stageTimestamp": iso_time(t),
    })
    .to_string()
}

fn audit(args: &[&str]) -> String {
    let mut all = vec!["audit"];
    all.extend_from_slice(args);
    support::ktriage_ok(&all)
}

/// The `exec_link` of the event `id` in `audit --json` output.
fn link_of(out: &str, id: &str) -> serde_json::Value {
    out.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["auditID"] == id)
        .unwrap_or_else(|| panic!("no {id} in {out}"))["exec_link"]
        .clone()
}

#[test]
fn kubectl_exec_and_its_shell_are_linked_both_ways() {
    if !containerd_available("kubectl_exec_and_its_shell_are_linked_both_ways") {
        return;
    }
    let _one = serial();
    let pod = ContainerdPod::start();
    let sock = pod.socket.display().to_string();
    let dir = tempfile::tempdir().expect("tmp");
    let log = dir.path().join("audit.log");
    let logs = log.to_str().expect("utf-8").to_string();

    let t1 = now_ns();
    let first = pod.exec_tty("audit-e1", &["sh"]);
    let one = wait_shells(&pod, 1);
    assert_eq!(one.len(), 1, "the tty exec's shell runs under the shim");
    std::fs::write(&log, exec_event(&pod, "exec-1", "mallory", t1) + "\n").expect("log");
    let out = audit(&["--json", "--file", &logs, "--cri-socket", &sock]);
    let link = link_of(&out, "exec-1");
    assert_eq!(link["Exact"]["pid"], one[0], "exact link: {link}");
    // The other way: the shell's process names the user who ran the exec.
    let back = audit(&[
        "--file",
        &logs,
        "--cri-socket",
        &sock,
        "--pid",
        &one[0].to_string(),
    ]);
    let rows: Vec<&str> = back
        .lines()
        .filter(|l| l.contains("ResponseStarted"))
        .collect();
    assert_eq!(rows.len(), 1, "{back}");
    assert!(
        back.contains("Attach/Exec to pod (user=mallory"),
        "the exec's alert names the user: {back}"
    );
    assert!(
        rows[0].contains("mallory") && rows[0].contains(&format!("-> pid {}", one[0])),
        "{back}"
    );

    // A second exec while the first still runs: within the window, both are candidates.
    let t2 = now_ns();
    let second = pod.exec_tty("audit-e2", &["sh"]);
    let two = wait_shells(&pod, 2);
    assert_eq!(two.len(), 2, "two shells");
    let mut text = std::fs::read_to_string(&log).expect("log");
    text.push_str(&(exec_event(&pod, "exec-2", "eve", t2) + "\n"));
    std::fs::write(&log, text).expect("log");
    let out = audit(&["--json", "--file", &logs, "--cri-socket", &sock]);
    let link = link_of(&out, "exec-2");
    let pids: Vec<u64> = link["Ambiguous"]
        .as_array()
        .unwrap_or_else(|| panic!("ambiguous link: {link}"))
        .iter()
        .filter_map(|c| c["pid"].as_u64())
        .collect();
    let mut want: Vec<u64> = two.iter().map(|p| u64::from(*p)).collect();
    want.sort();
    assert_eq!(pids, want, "both candidates listed, none chosen");
    // Without the pod's runtime socket the pod is still known (from its OCI bundle): the same
    // links, never a guess from elsewhere.
    let with_socket = audit(&["--json", "--file", &logs, "--cri-socket", &sock]);
    let out = audit(&[
        "--json",
        "--file",
        &logs,
        "--cri-socket",
        "/nonexistent.sock",
    ]);
    // the same kind of link to the same pids (start times are converted per run)
    let shape = |v: serde_json::Value| -> String {
        let mut v = v;
        for c in v["Ambiguous"].as_array_mut().into_iter().flatten() {
            c["start_ns"] = serde_json::Value::Null;
        }
        if let Some(c) = v.get_mut("Exact") {
            c["start_ns"] = serde_json::Value::Null;
        }
        v.to_string()
    };
    for id in ["exec-1", "exec-2"] {
        assert_ne!(link_of(&out, id), "None", "{id} linked without the socket");
        assert_eq!(
            shape(link_of(&out, id)),
            shape(link_of(&with_socket, id)),
            "{id}"
        );
    }
    drop((first, second));
}

/// The runtime's rows, polled until one is a shell the shim started in the pod (bounded).
fn poll_until_shell(
    poller: &mut ktriage::runtime::procpoll::ProcPoller,
    core: &mut ktriage::app::Core,
    pod: &ContainerdPod,
) -> Option<u32> {
    let end = Instant::now() + Duration::from_secs(20);
    while Instant::now() < end {
        let rows = poller.poll();
        let found = rows
            .iter()
            .find(|p| {
                p.comm == "sh"
                    && p.pod_name.as_deref() == Some(pod.pod_name.as_str())
                    && p.parent_comm.starts_with("containerd-shim")
                    && p.start_ns != 0
            })
            .map(|p| p.pid);
        core.dispatch(ktriage::app::Event::Processes(rows));
        if found.is_some() {
            return found;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

#[test]
fn the_core_links_an_exec_whose_shell_exited_and_a_replay_links_the_same() {
    use ktriage::app::event::Setup;
    use ktriage::app::{AppState, Core, Event};
    use ktriage::model::audit::ExecLink;
    use ktriage::session::{Header, Recorder, SessionWriter};

    if !containerd_available(
        "the_core_links_an_exec_whose_shell_exited_and_a_replay_links_the_same",
    ) {
        return;
    }
    let _one = serial();
    let pod = ContainerdPod::start();
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("exec.ktr");
    let rt = ktriage::runtime::Runtime::new(Some(&pod.socket), true);
    let mut poller = ktriage::runtime::procpoll::ProcPoller::new(&rt, Duration::from_secs(2));
    let mut core = Core::new(AppState::with_default_cap());
    let header = Header::gather(&[], &[], vec![], false).expect("header");
    let writer = SessionWriter::create(&file, header, Default::default()).expect("writer");
    let (rec, handle) = Recorder::new(writer, false);
    core.set_tap(Box::new(rec));
    let offset = ktriage::collector::clock::WallClock::now().offset_ns();
    core.dispatch(Event::Setup(Setup::WallOffset(offset)));

    let t = now_ns();
    // a shell that ends by itself a moment after the poll saw it
    let exec = pod.exec_tty("core-e1", &["sh", "-c", "'sleep 2; exit 0'"]);
    let pid =
        poll_until_shell(&mut poller, &mut core, &pod).expect("the runtime's rows show the shell");
    // the shell exits before the audit event is read
    let end = Instant::now() + Duration::from_secs(20);
    while std::path::Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(50));
    }
    let rows = poller.poll();
    assert!(rows.iter().all(|p| p.pid != pid), "pid {pid} exited");
    core.dispatch(Event::Processes(rows));
    drop(exec);
    let ev = ktriage::alerts::intake::audit::parse_line(&exec_event(&pod, "core-1", "mallory", t))
        .expect("audit line");
    core.dispatch(Event::Audit(vec![ev]));
    let linked: Vec<_> = core.state().exec.of_pid(pid).cloned().collect();
    assert_eq!(linked.len(), 1, "{:?}", core.state().exec.execs);
    assert_eq!(linked[0].user(), "mallory");
    assert!(
        matches!(&linked[0].link, ExecLink::Exact(c) if c.pid == pid),
        "{:?}",
        linked[0].link
    );
    drop(core.take_taps());
    handle.finish().expect("recording finished");

    let replay = support::replay_file(&file);
    assert_eq!(
        replay.state().exec.execs,
        core.state().exec.execs,
        "the recording replays to the same link"
    );
}
