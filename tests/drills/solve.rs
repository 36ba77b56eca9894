//! Reference solutions: each finds its drill's answer with ktriage's headless commands (`ps`, `inspect`, `stream`, `posture`) as a candidate would, then grades it; and a wrong answer, graded FAIL with its reason.

use std::process::Command;

use ktriage::drill::lab::{LabDirs, LabState};
use serde_json::Value;

type Drill<'a> = &'a dyn Fn(&[&str]) -> String;
type Grade<'a> = &'a dyn Fn() -> (bool, String);

fn socket() -> String {
    LabDirs::default().socket().display().to_string()
}

fn ktriage(args: &[&str]) -> String {
    super::support::ktriage_ok(args)
}

/// `ktriage ps --json --containers-only` rows of the lab's pods.
fn ps() -> Vec<Value> {
    ktriage(&[
        "ps",
        "--json",
        "--containers-only",
        "--cri-socket",
        &socket(),
    ])
    .lines()
    .map(|l| serde_json::from_str(l).expect("ps JSON"))
    .filter(|v: &Value| v["pod_name"].is_string())
    .collect()
}

/// Host pid of the first process of `pod` whose comm is `comm`.
fn pid_of(pod: &str, comm: &str) -> u32 {
    let rows = ps();
    let row = rows
        .iter()
        // a sandbox (pause) process is named by its pod too (from its bundle), with no container
        .find(|r| r["pod_name"] == pod && r["comm"] == comm && !r["container_name"].is_null())
        .unwrap_or_else(|| panic!("no {comm} in {pod}: {rows:?}"));
    row["pid"].as_u64().expect("pid") as u32
}

fn inspect(pid: u32, extra: &[&str]) -> Value {
    let p = pid.to_string();
    let mut args = vec!["inspect", &p, "--json", "--cri-socket"];
    let s = socket();
    args.push(&s);
    args.extend_from_slice(extra);
    serde_json::from_str(&ktriage(&args)).expect("inspect JSON")
}

fn fail_says((passed, out): (bool, String), why: &str) {
    assert!(!passed, "{out}");
    assert!(out.contains(why), "want {why:?} in:\n{out}");
}

/// Solves drill `name`: a wrong answer first (FAIL with the reason), then the right one (PASS).
pub fn solve(name: &str, state: &LabState, drill: Drill, grade: Grade) {
    let wrong = |why: &str| {
        drill(&["answer", "not-the-answer", "99999"]);
        fail_says(grade(), why);
    };
    match name {
        "env-secret" => {
            wrong("the answer does not hold the value of DB_PASSWORD");
            let env = inspect(pid_of("web-frontend", "sleep"), &["--reveal-secrets"]);
            let v = env["environ"]
                .as_array()
                .expect("environ")
                .iter()
                .find(|e| e["name"] == "DB_PASSWORD")
                .expect("DB_PASSWORD")["value"]
                .as_str()
                .expect("revealed")
                .to_string();
            drill(&["answer", &v]);
        }
        "root-secret" => {
            wrong("the answer does not hold the content of /etc/billing/token");
            let pid = pid_of("billing-api", "sleep").to_string();
            let tok = ktriage(&[
                "inspect",
                &pid,
                "--cat",
                "/etc/billing/token",
                "--cri-socket",
                &socket(),
            ]);
            drill(&["answer", tok.trim()]);
        }
        "etcd-data-fd" => {
            wrong("the answer does not hold the fd number");
            let v = inspect(pid_of("etcd-lab", "etcd"), &[]);
            let fd = v["fds"]
                .as_array()
                .expect("fds")
                .iter()
                .find(|f| f["target"] == "/var/lib/etcd/member/snap/db")
                .expect("the data file's fd")["fd"]
                .to_string();
            drill(&["answer", "fd", &fd]);
        }
        "etcd-syscalls" => {
            wrong("the answer does not name the syscall etcd-main/etcd calls most often");
            drill(&["answer", "write", "3"]);
            fail_says(grade(), "the count 3 is not within 20% of the calls");
            // strace as the notes do it: -c -f -p PID for 10 s, its answer graded first.
            let (name, calls) = strace_top(pid_of("etcd-main", "etcd"));
            drill(&["answer", &name, &calls.to_string()]);
            let (passed, out) = grade();
            assert!(passed, "strace's top syscall {name} {calls}: {out}");
            // Then ktriage's: count the container's cgroup for 10 s.
            let cid = state
                .container("etcd-main", "etcd")
                .expect("etcd")
                .id
                .clone();
            let rows = ktriage(&["count", "--container", &cid, "--duration", "10", "--json"]);
            let top = rows
                .lines()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .max_by_key(|v| v["calls"].as_u64().unwrap_or(0))
                .expect("count rows");
            let calls = top["calls"].to_string();
            drill(&["answer", top["syscall"].as_str().expect("name"), &calls]);
        }
        "port-owner" => {
            wrong("the answer does not hold the pod listening on port 38473");
            let found = ps().into_iter().find_map(|r| {
                let pid = r["pid"].as_u64()? as u32;
                let v = inspect(pid, &[]);
                v["fds"]
                    .as_array()?
                    .iter()
                    .any(|f| {
                        f["socket"]["state"] == "LISTEN"
                            && f["socket"]["local"]
                                .as_str()
                                .is_some_and(|l| l.ends_with(":38473"))
                    })
                    .then(|| (r["pod_name"].as_str().unwrap_or("").to_string(), pid))
            });
            let (pod, pid) = found.expect("a listener on 38473");
            drill(&["answer", &pod, &pid.to_string()]);
        }
        "terminal-shell" => {
            wrong("the answer does not hold the name of the pod with a process on a terminal");
            let pod = ps()
                .into_iter()
                .find(|r| {
                    let v = inspect(r["pid"].as_u64().unwrap_or(0) as u32, &[]);
                    v["fds"].as_array().is_some_and(|fds| {
                        fds.iter().any(|f| {
                            f["target"]
                                .as_str()
                                .is_some_and(|t| t.starts_with("/dev/pts/"))
                        })
                    })
                })
                .expect("a process on a terminal");
            drill(&["answer", pod["pod_name"].as_str().expect("pod")]);
        }
        "usr-bin-writer" => {
            fail_says(grade(), "web-2/web still runs");
            let cid = writer_container();
            // The container's first process: its parent (the shim) is outside the container.
            let rows: Vec<Value> = ps()
                .into_iter()
                .filter(|r| r["container_id"] == cid.as_str())
                .collect();
            let init = rows
                .iter()
                .find(|r| !rows.iter().any(|o| o["pid"] == r["ppid"]))
                .expect("the writer's first process");
            let pid = init["pid"].as_u64().expect("pid") as i32;
            // SAFETY: kill(2) of the lab container's first process, found above.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            wait_grade(grade);
            // Stopping a second container is a fail: the others must run.
            let other = state.container("web-1", "web").expect("web-1").pid as i32;
            // SAFETY: as above, web-1's first process.
            unsafe { libc::kill(other, libc::SIGKILL) };
            let end = std::time::Instant::now() + std::time::Duration::from_secs(20);
            loop {
                let (_, out) = grade();
                if out.contains("web-1/web was stopped too") {
                    break;
                }
                assert!(std::time::Instant::now() < end, "{out}");
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            return;
        }
        "seccomp-caps" => {
            wrong("the answer does not hold the seccomp mode of net-debug/debug");
            let v = inspect(pid_of("net-debug", "sleep"), &[]);
            let mode = v["security"]["seccomp_mode"].to_string();
            let caps: Vec<&str> = v["security"]["caps"]["effective"]
                .as_array()
                .expect("caps")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            drill(&["answer", &mode, &caps.join(",")]);
        }
        "immutable-pods" => {
            wrong("that is not the set of pods that are not immutable");
            let m = LabDirs::default().manifests().display().to_string();
            let out = ktriage(&[
                "posture",
                "--json",
                "--pod-manifest",
                &m,
                "--cri-socket",
                &socket(),
            ]);
            let mutable: Vec<String> = out
                .lines()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .filter(|p| p["immutable"] == false)
                .filter_map(|p| p["name"].as_str().map(str::to_string))
                .collect();
            let mut args = vec!["answer"];
            args.extend(mutable.iter().map(String::as_str));
            drill(&args);
            fail_says(grade(), "is not immutable and still runs");
            for pod in &mutable {
                // SAFETY: kill(2) of a lab container's first process, from the state file.
                unsafe {
                    libc::kill(
                        state.pod(pod).expect("pod").containers[0].pid as i32,
                        libc::SIGKILL,
                    )
                };
            }
            wait_grade(grade);
            return;
        }
        "kill-caller" | "mount-caller" | "dev-mem-reader" => {
            wrong("the answer does not hold the name of the pod asked for");
            let cid = match name {
                "kill-caller" => stream_find(&["--syscall", "kill"], |_| true),
                "mount-caller" => stream_find(&["--syscall", "mount"], |_| true),
                _ => stream_find(&["--syscall", "openat"], |v| {
                    v["args"]["path"] == "/dev/mem"
                }),
            };
            let pod = ps()
                .into_iter()
                .find(|r| r["container_id"] == cid.as_str())
                .expect("the caller in ps");
            drill(&["answer", pod["pod_name"].as_str().expect("pod")]);
        }
        "deleted-binary" => {
            wrong(
                "the answer does not hold the name of the pod running a binary deleted from disk",
            );
            let pod = ps()
                .into_iter()
                .find(|r| {
                    let v = inspect(r["pid"].as_u64().unwrap_or(0) as u32, &[]);
                    v["overview"]["exe"]["deleted"] == true
                })
                .expect("a deleted exe");
            drill(&["answer", pod["pod_name"].as_str().expect("pod")]);
        }
        "falco-bin-dir" => {
            fail_says(grade(), "raised no alert");
            let file = LabDirs::default().work().join("falco_rules.local.yaml");
            let rule = |priority: &str| {
                format!(
                    "- macro: bin_dir\n  condition: fd.directory in (/bin, /sbin, /usr/bin, /usr/sbin)\n\
                     - rule: Write below binary dir\n  desc: writes below binary directories\n\
                     \x20 condition: open_write and bin_dir\n\
                     \x20 output: File below a known binary directory opened for writing \
                     (user=%user.name file_updated=%fd.name command=%proc.cmdline)\n  priority: {priority}\n"
                )
            };
            std::fs::write(&file, rule("ERROR")).expect("rules file");
            let f = file.display().to_string();
            let check = ktriage(&["rules", "check", "--with-defaults", &f]);
            assert!(check.contains("Write below binary dir"), "{check}");
            fail_says(
                grade(),
                "raised other alerts: Error File below a known binary directory",
            );
            std::fs::write(&file, rule("CRITICAL")).expect("rules file");
        }
        other => panic!("no reference solution for drill {other}"),
    }
    let (passed, out) = grade();
    assert!(passed, "{out}");
}

/// `strace -c -f -p PID` for 10 s (then SIGINT, as Ctrl-C): the syscall with the most calls and its count.
fn strace_top(pid: u32) -> (String, u64) {
    let out = tempfile::NamedTempFile::new().expect("tmp");
    let st = Command::new("timeout")
        .args(["-s", "INT", "10", "strace", "-c", "-f", "-o"])
        .arg(out.path())
        .args(["-p", &pid.to_string()])
        .status()
        .expect("strace is installed (.ci/run installs it)");
    // timeout exits 124 when it had to send the signal: that is the 10 s window ending.
    assert!(matches!(st.code(), Some(0 | 124)), "strace: {st:?}");
    let text = std::fs::read_to_string(out.path()).expect("strace table");
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let name = *f.last()?;
            let calls = f.get(3)?.parse::<u64>().ok()?;
            (name != "total").then(|| (name.to_string(), calls))
        })
        .max_by_key(|(_, c)| *c)
        .unwrap_or_else(|| panic!("no rows in strace's table:\n{text}"))
}

/// The container id of the first event of 3 s of `ktriage stream --json --containers-only FLAGS` that `pred` accepts.
fn stream_find(flags: &[&str], pred: impl Fn(&Value) -> bool) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .args([
            "stream",
            "--json",
            "--containers-only",
            "--duration",
            "3",
            "--no-cri",
        ])
        .args(flags)
        .output()
        .expect("stream runs");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["container_id"].is_string())
        .find(|v| pred(v))
        .and_then(|v| v["container_id"].as_str().map(str::to_string))
        .unwrap_or_else(|| {
            panic!(
                "no such event in 3 s of stream {flags:?}:\n{}",
                &text[..text.len().min(3000)]
            )
        })
}

/// The writer's container id, from `ktriage stream` (opens below /usr/bin).
fn writer_container() -> String {
    stream_find(&["--syscall", "openat"], |v| {
        ["path", "filename"].iter().any(|k| {
            v["args"][k]
                .as_str()
                .is_some_and(|p| p.starts_with("/usr/bin/"))
        })
    })
}

/// Polls the grade (the runtime notices an exit within a moment) until it passes.
fn wait_grade(grade: Grade) {
    let end = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let (passed, out) = grade();
        if passed {
            return;
        }
        assert!(std::time::Instant::now() < end, "never passed: {out}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
