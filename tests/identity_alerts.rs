//! Identity in alerts on the real kernel and a real containerd pod: `ktriage alerts` names the container and pod of a
//! short-lived `cat /etc/shadow` run through CRI ExecSync, says `host` for the same on the host, and attributes an
//! `nsenter -t PID -a` process to the container, entered from the host (alerts and `inspect --json`).

#[path = "support/containerd.rs"]
mod containerd;
mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ktriage::identity::cri::CriClient;
use ktriage::identity::cri::generated as g;
use serde_json::Value;
use support::bpf_available;

/// `ktriage alerts` running, its stdout lines arriving on a channel.
struct Alerts {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Alerts {
    /// Starts `ktriage alerts ARGS` and waits for its "watching" line (probes attached).
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ktriage"))
            .arg("alerts")
            .args(args)
            .args(["--duration", "120"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ktriage alerts runs");
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(l).is_err() {
                    return;
                }
            }
        });
        let (rtx, ready) = mpsc::channel();
        let err = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for l in BufReader::new(err).lines().map_while(Result::ok) {
                eprintln!("[ktriage alerts] {l}");
                if l.contains("watching with") {
                    let _ = rtx.send(());
                }
            }
        });
        ready
            .recv_timeout(Duration::from_secs(60))
            .expect("ktriage alerts attached its probes");
        Self {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The first line (new or already seen) that satisfies `want`, within `timeout`.
    fn wait_for(&mut self, timeout: Duration, want: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + timeout;
        loop {
            if let Some(l) = self.seen.iter().find(|l| want(l)) {
                return l.clone();
            }
            let left = end.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => self.seen.push(l),
                Err(_) => panic!("no such alert; got:\n{}", self.seen.join("\n")),
            }
        }
    }
}

impl Drop for Alerts {
    fn drop(&mut self) {
        // SAFETY: kill() on our own child's pid; no memory is involved.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        let _ = self.child.wait();
    }
}

fn shadow_rule(l: &str) -> bool {
    l.contains("Sensitive file opened for reading by non-trusted program")
}

fn json_of(line: &str) -> Value {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

#[test]
fn alerts_name_the_container_and_pod_or_host() {
    let t = "alerts_name_the_container_and_pod_or_host";
    if !bpf_available(t) || !containerd::containerd_available(t) {
        return;
    }
    let pod = containerd::ContainerdPod::start();
    let sock = pod.socket.to_str().expect("utf-8 path").to_string();
    let mut text = Alerts::start(&["--cri-socket", &sock]);
    let mut json = Alerts::start(&["--json", "--cri-socket", &sock]);
    let short = &pod.container_id[..12];

    // in the pod, through the runtime (as kubectl exec does); the process lives a few ms
    let out = pod.exec_sync(&["cat", "/etc/shadow"]);
    assert_eq!(out, containerd::CONTAINER_SHADOW.as_bytes());
    let want = format!(
        "container_id={short} container_image=docker.io/ktriage/web-app container_image_tag=1.0 \
container_name={} k8s_ns={} k8s_pod_name={}",
        pod.container_name, pod.namespace, pod.pod_name
    );
    let line = text.wait_for(Duration::from_secs(20), |l| {
        shadow_rule(l) && l.contains(&format!("container_id={short}"))
    });
    assert!(line.ends_with(&want), "{line}\nwant suffix: {want}");
    let j = json_of(&json.wait_for(Duration::from_secs(20), |l| {
        shadow_rule(l) && l.contains(&format!("\"container.id\":\"{short}\""))
    }));
    let f = &j["output_fields"];
    assert_eq!(f["container.name"], pod.container_name.as_str());
    assert_eq!(f["k8s.ns.name"], pod.namespace.as_str());
    assert_eq!(f["k8s.pod.name"], pod.pod_name.as_str());
    assert_eq!(f["container.image.repository"], "docker.io/ktriage/web-app");
    assert_eq!(f["ktriage.entered_from_host"], false);
    assert!(f["proc.pid"].as_u64().is_some_and(|p| p > 1), "{f}");
    assert!(f["proc.ppid"].as_u64().is_some(), "{f}");
    assert!(
        j["output"].as_str().is_some_and(|o| o.ends_with(&want)),
        "{j}"
    );

    // the same on the host
    let st = Command::new("cat")
        .arg("/etc/shadow")
        .stdout(Stdio::null())
        .status()
        .expect("cat");
    assert!(st.success());
    let line = text.wait_for(Duration::from_secs(20), |l| {
        shadow_rule(l) && l.contains("container_id=host ")
    });
    assert!(
        line.ends_with(
            "container_id=host container_image=<NA> container_image_tag=<NA> \
container_name=host k8s_ns=<NA> k8s_pod_name=<NA>"
        ),
        "{line}"
    );
    let j = json_of(&json.wait_for(Duration::from_secs(20), |l| {
        shadow_rule(l) && l.contains("\"container.id\":\"host\"")
    }));
    assert_eq!(j["output_fields"]["container.name"], "host");
    assert_eq!(j["output_fields"]["k8s.pod.name"], Value::Null);

    // entered from the host: host cgroup, the container's namespaces
    let st = Command::new("nsenter")
        .args(["-t", &pod.pid.to_string(), "-a", "cat", "/etc/shadow"])
        .stdout(Stdio::null())
        .status()
        .expect("nsenter");
    assert!(st.success());
    let j = json_of(&json.wait_for(Duration::from_secs(20), |l| {
        shadow_rule(l) && l.contains("\"ktriage.entered_from_host\":true")
    }));
    let f = &j["output_fields"];
    assert_eq!(f["container.id"], short, "{j}");
    assert_eq!(f["k8s.pod.name"], pod.pod_name.as_str());
    assert!(
        j["output"]
            .as_str()
            .is_some_and(|o| o.contains(&want) && o.ends_with(" entered_from_host=true")),
        "{j}"
    );
}

/// The children of `pid` (`/proc/PID/task/PID/children`).
fn children(pid: u32) -> Vec<u32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|s| s.parse().ok())
        .collect()
}

fn poll<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn inspect_attributes_nsenter_and_labels_the_parent_chain() {
    let t = "inspect_attributes_nsenter_and_labels_the_parent_chain";
    if !containerd::containerd_available(t) {
        return;
    }
    let pod = containerd::ContainerdPod::start();
    let sock = pod.socket.to_str().expect("utf-8 path").to_string();
    let mut ns = Command::new("nsenter")
        .args(["-t", &pod.pid.to_string(), "-a", "sleep", "60"])
        .spawn()
        .expect("nsenter");
    let nsenter_pid = ns.id();
    let sleep_pid = poll("the nsenter'd sleep", || {
        children(nsenter_pid).first().copied()
    });
    let inspect = |pid: u32| {
        json_of(&support::ktriage_ok(&[
            "inspect",
            &pid.to_string(),
            "--json",
            "--no-kube",
            "--cri-socket",
            &sock,
        ]))
    };
    let v = inspect(sleep_pid);
    let _ = ns.kill();
    let _ = ns.wait();
    assert_eq!(v["container"]["id"], pod.container_id.as_str(), "{v}");
    assert_eq!(v["container"]["name"], pod.container_name.as_str());
    assert_eq!(v["pod"]["name"], pod.pod_name.as_str());
    assert_eq!(v["pod"]["namespace"], pod.namespace.as_str());
    assert_eq!(v["entered_from_host"], true);
    let parents = v["overview"]["parents"].as_array().expect("parents");
    assert_eq!(parents[0]["boundary"], "entered_from_host", "{v}");
    assert_eq!(parents[0]["pidns_init"], false);
    assert_eq!(parents[1]["comm"], "nsenter");

    // the container's real init is labelled init, and nothing else is
    let v = inspect(pod.pid);
    assert_eq!(v["entered_from_host"], false);
    let parents = v["overview"]["parents"].as_array().expect("parents");
    let inits: Vec<&Value> = parents.iter().filter(|p| p["boundary"] == "init").collect();
    assert_eq!(inits.len(), 1, "{v}");
    assert_eq!(inits[0]["pid"], pod.pid);

    // a process the runtime started (CRI ExecSync): the shim is its parent
    let sync = {
        let pod_sock = pod.socket.clone();
        let id = pod.container_id.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let c = CriClient::connect_with_timeout(Some(&pod_sock), Duration::from_secs(20))
                    .await
                    .expect("CRI");
                c.runtime_service()
                    .exec_sync(g::ExecSyncRequest {
                        container_id: id,
                        cmd: vec!["sleep".into(), "3".into()],
                        timeout: 10,
                    })
                    .await
                    .map(|r| r.into_inner().exit_code)
            })
        })
    };
    let exec_pid = poll("the ExecSync'd sleep", || {
        std::fs::read_dir("/proc")
            .ok()?
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
            .find(|p| {
                let f = |n: &str| std::fs::read_to_string(format!("/proc/{p}/{n}"));
                *p != pod.pid
                    && f("comm").is_ok_and(|c| c.trim() == "sleep")
                    && f("cgroup").is_ok_and(|c| c.contains(&pod.container_id))
            })
    });
    let v = inspect(exec_pid);
    let parents = v["overview"]["parents"].as_array().expect("parents");
    assert_eq!(parents[0]["boundary"], "runtime_exec", "{v}");
    assert_eq!(v["entered_from_host"], false);
    assert_eq!(sync.join().expect("thread").expect("ExecSync"), 0);
}

#[test]
fn stream_and_falco_intake_carry_names() {
    let t = "stream_and_falco_intake_carry_names";
    if !bpf_available(t) || !containerd::containerd_available(t) {
        return;
    }
    let pod = containerd::ContainerdPod::start();
    let sock = pod.socket.to_str().expect("utf-8 path").to_string();

    // stream --json: no ready signal, so the pod's cat runs again until the stream shows it
    let mut child = Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .args(["stream", "--json", "--comm", "cat", "--duration", "60"])
        .args(["--cri-socket", &sock])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ktriage stream");
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(l).is_err() {
                return;
            }
        }
    });
    let end = Instant::now() + Duration::from_secs(30);
    let rec = loop {
        assert!(Instant::now() < end, "no record of the pod's cat");
        pod.exec_sync(&["cat", "/app/config.txt"]);
        let found = rx
            .recv_timeout(Duration::from_millis(500))
            .ok()
            .into_iter()
            .chain(rx.try_iter())
            .map(|l| json_of(&l))
            .find(|v| v["container_id"] == pod.container_id.as_str());
        if let Some(v) = found {
            break v;
        }
    };
    // SAFETY: kill() on our own child's pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let _ = child.wait();
    assert_eq!(rec["container_name"], pod.container_name.as_str(), "{rec}");
    assert_eq!(rec["pod_namespace"], pod.namespace.as_str());
    assert_eq!(rec["pod_name"], pod.pod_name.as_str());

    // a Falco alert naming the container by its short id only
    let short = &pod.container_id[..12];
    let line = format!(
        r#"{{"hostname":"n","output":"x container_id={short}","priority":"Warning","rule":"R","source":"syscall","tags":[],"time":"2026-01-01T00:00:00.000000000Z","output_fields":{{"container.id":"{short}","proc.pid":4242}}}}"#
    );
    let mut intake = Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .args(["intake", "--stdin", "--json", "--cri-socket", &sock])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ktriage intake");
    {
        use std::io::Write;
        let mut stdin = intake.stdin.take().expect("stdin");
        writeln!(stdin, "{line}").expect("write");
    }
    let out = intake.wait_with_output().expect("intake ends with stdin");
    let text = String::from_utf8_lossy(&out.stdout);
    let j = json_of(
        text.lines()
            .next()
            .unwrap_or_else(|| panic!("no alert: {text}")),
    );
    let f = &j["output_fields"];
    assert_eq!(f["container.name"], pod.container_name.as_str(), "{j}");
    assert_eq!(f["k8s.ns.name"], pod.namespace.as_str());
    assert_eq!(f["k8s.pod.name"], pod.pod_name.as_str());
}
