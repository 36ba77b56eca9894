//! Real kernel + real containerd pod: `count --container` / `--pod` agree with `strace -f -c` of the same workload run in the pod.

#[path = "support/containerd.rs"]
mod containerd;
mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use containerd::{ContainerdPod, containerd_available};
use support::bpf_available;

const DD: [&str; 6] = [
    "/bin/busybox",
    "dd",
    "if=/dev/zero",
    "of=/dev/null",
    "bs=512",
    "count=20000",
];

type Counts = BTreeMap<String, (u64, u64)>;

/// The workload: join the container's cgroup and mount namespace (as `runc exec` does), run dd there.
fn workload(pod: &ContainerdPod) -> String {
    let root = ktriage::identity::cgroup::v2_root().expect("cgroup v2");
    let procs = root
        .join(pod.cgroup.trim_start_matches('/'))
        .join("cgroup.procs");
    format!(
        "echo $$ > {} && exec nsenter -t {} -m -- {}",
        procs.display(),
        pod.pid,
        DD.join(" ")
    )
}

fn strace_counts(pod: &ContainerdPod) -> Counts {
    support::strace_c(&["sh", "-c", &workload(pod)])
}

/// Runs `ktriage count FLAGS --json`, waits for its ready line, runs the workload
/// inside the pod's container (joined to its cgroup and mount namespace, as
/// `runc exec` does), then stops it with SIGINT and reads its JSON.
fn count_in_pod(pod: &ContainerdPod, flags: &[&str]) -> Counts {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .arg("count")
        .args(flags)
        .args(["--json", "--duration", "120", "--cri-socket"])
        .arg(&pod.socket)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ktriage runs");
    let mut err = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !line.contains("counting") {
        line.clear();
        let n = err.read_line(&mut line).expect("stderr line");
        assert!(n > 0, "ktriage count ended before it was ready: {line}");
        assert!(Instant::now() < deadline, "no ready line");
    }
    assert!(line.contains("since"), "{line}");
    let st = Command::new("sh")
        .args(["-c", &workload(pod)])
        .output()
        .expect("workload");
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    // SAFETY: kill with a pid we spawned.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().expect("ktriage exits");
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut err, &mut rest);
    assert!(out.status.success(), "{rest}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("only JSON on stdout: {l}: {e}"));
            let name = v["syscall"].as_str().expect("name").to_string();
            let calls = v["calls"].as_u64().expect("calls");
            (name, (calls, v["errors"].as_u64().expect("errors")))
        })
        .collect()
}

fn agree(what: &str, st: &Counts, kt: &Counts) {
    for (n, (sc, se)) in st.iter().filter(|(_, (c, _))| *c >= 100) {
        assert_eq!(
            kt.get(n).copied(),
            Some((*sc, *se)),
            "{what}: {n}: ktriage vs strace (calls, errors)\nktriage {kt:?}\nstrace {st:?}"
        );
    }
}

#[test]
fn count_container_and_pod_agree_with_strace() {
    if !bpf_available("count_container_and_pod_agree_with_strace")
        || !containerd_available("count_container_and_pod_agree_with_strace")
    {
        return;
    }
    let pod = ContainerdPod::start();
    let st = strace_counts(&pod);
    assert!(st.get("read").is_some_and(|r| r.0 >= 20000), "{st:?}");
    let kt = count_in_pod(&pod, &["--container", &pod.container_id[..12]]);
    agree("--container", &st, &kt);
    let p = format!("{}/{}", pod.namespace, pod.pod_name);
    let kt = count_in_pod(&pod, &["--pod", &p]);
    agree("--pod", &st, &kt);
}

#[test]
fn count_json_keeps_the_commands_stdout_off_stdout() {
    if !bpf_available("count_json_keeps_the_commands_stdout_off_stdout") {
        return;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .args([
            "count",
            "--json",
            "--",
            "sh",
            "-c",
            "echo hello; echo world",
        ])
        .output()
        .expect("ktriage runs");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.trim().is_empty());
    for l in stdout.lines() {
        serde_json::from_str::<serde_json::Value>(l)
            .unwrap_or_else(|e| panic!("only JSON on stdout: {l:?}: {e}"));
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("hello"));
}
