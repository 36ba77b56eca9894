//! The rule engine on the real kernel stream: /etc/shadow read, terminal shell in a containerd container.

#[path = "support/containerd.rs"]
mod containerd;
mod support;

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ktriage::alerts::Alert;
use ktriage::app::Event;
use ktriage::collector::CollectorConfig;
use ktriage::collector::clock::WallClock;
use ktriage::collector::probes::Probes;
use ktriage::collector::reader::{ReaderCounts, spawn_reader};
use ktriage::rules::{self, Engine, Env, ProcTable, syscall_set};
use support::{Held, bpf_available};
use tokio::sync::mpsc;

/// The shipped rules on the live stream, alerts collected by the test.
struct EngineLive {
    engine: Engine,
    _probes: Probes,
    rx: mpsc::Receiver<Event>,
    stop: Arc<AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
    alerts: Vec<Alert>,
}

impl EngineLive {
    fn start() -> Self {
        let set = rules::load_set(&[], true);
        let (engine, cov) = Engine::build(
            &set,
            ProcTable::new(Some("/proc".into())),
            Env::host(),
            WallClock::now(),
        );
        assert!(cov.files_ok());
        let cfg = CollectorConfig {
            stream_syscalls: syscall_set::stream_set(&engine.wanted_types()),
            ..CollectorConfig::default()
        };
        let mut probes = Probes::load(&cfg).expect("loading the probes");
        let (tx, rx) = mpsc::channel(1024);
        let stop = Arc::new(AtomicBool::new(false));
        let ring = probes.ring.take().expect("ring buffer");
        let reader = spawn_reader(
            ring,
            tx,
            stop.clone(),
            Arc::new(ReaderCounts::default()),
            cfg.poll_ms,
        );
        Self {
            engine,
            _probes: probes,
            rx,
            stop,
            reader: Some(reader),
            alerts: Vec::new(),
        }
    }

    /// Pumps batches through the engine until an alert satisfies `want` (or `timeout`).
    fn wait_for(&mut self, timeout: Duration, want: impl Fn(&Alert) -> bool) -> Option<Alert> {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            while let Ok(ev) = self.rx.try_recv() {
                if let Event::Kernel(b) = ev {
                    self.engine.process_batch(&b, &mut self.alerts);
                }
            }
            if let Some(a) = self.alerts.iter().find(|a| want(a)) {
                return Some(a.clone());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for EngineLive {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        while self.reader.as_ref().is_some_and(|h| !h.is_finished()) {
            while self.rx.try_recv().is_ok() {}
            std::thread::sleep(Duration::from_millis(5));
        }
        if let Some(h) = self.reader.take() {
            let _ = h.join();
        }
    }
}

#[test]
fn reading_etc_shadow_triggers_the_shipped_rule() {
    if !bpf_available("reading_etc_shadow_triggers_the_shipped_rule") {
        return;
    }
    let mut live = EngineLive::start();
    let mut held = Held::spawn("open('/etc/shadow').read()\nimport time\ntime.sleep(0.5)");
    let pid = held.pid();
    held.go();
    let alert = live.wait_for(Duration::from_secs(10), |a| {
        a.rule == "Read sensitive file untrusted" && a.pid == Some(pid)
    });
    assert!(held.wait().success());
    let alert = alert.unwrap_or_else(|| {
        panic!(
            "no alert for pid {pid}; got {:?}",
            live.alerts
                .iter()
                .map(|a| (&a.rule, a.pid))
                .collect::<Vec<_>>()
        )
    });
    let j = alert.to_falco_json();
    let keys: Vec<&str> = j
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "hostname",
            "output",
            "output_fields",
            "priority",
            "rule",
            "source",
            "tags",
            "time"
        ]
    );
    assert_eq!(j["priority"], "Warning");
    assert_eq!(j["source"], "syscall");
    assert_eq!(j["output_fields"]["fd.name"], "/etc/shadow");
    assert_eq!(j["output_fields"]["proc.name"], "python3");
    assert_eq!(j["output_fields"]["user.name"], "root");
    assert_eq!(j["output_fields"]["evt.type"], "openat");
    let out = j["output"].as_str().expect("output");
    assert!(
        out.contains(
            ": Warning Sensitive file opened for reading by non-trusted program | file=/etc/shadow "
        ),
        "{out}"
    );
    assert!(
        j["time"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z') && t.len() == 30),
        "{}",
        j["time"]
    );
}

#[test]
fn terminal_shell_in_a_containerd_container() {
    if !bpf_available("terminal_shell_in_a_containerd_container")
        || !containerd::containerd_available("terminal_shell_in_a_containerd_container")
    {
        return;
    }
    let pod = containerd::ContainerdPod::start();
    let mut live = EngineLive::start();
    let runc_root = pod.state_dir.parent().expect("pod dir").join("runc/k8s.io");
    // `runc exec -t` gives the shell a pty, as `kubectl exec -it` does; `script` gives runc one
    let inner = format!(
        "runc --root {} exec -t {} /bin/sh -c 'exit 0'",
        runc_root.display(),
        pod.container_id
    );
    let out = Command::new("script")
        .args(["-qec", &inner, "/dev/null"])
        .output()
        .expect("script runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let short = &pod.container_id[..12];
    let alert = live.wait_for(Duration::from_secs(10), |a| {
        a.rule == "Terminal shell in container" && a.container_id.as_deref() == Some(short)
    });
    let alert = alert.unwrap_or_else(|| {
        panic!(
            "no alert; got {:?}",
            live.alerts
                .iter()
                .map(|a| (&a.rule, a.pid, &a.output))
                .collect::<Vec<_>>()
        )
    });
    assert_eq!(alert.priority.name(), "Notice");
    assert!(alert.output.contains("process=sh "), "{}", alert.output);
    assert!(!alert.output.contains("terminal=0"), "{}", alert.output);
    assert_eq!(alert.output_fields["proc.pname"], "runc");
}
