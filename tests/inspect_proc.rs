//! `ktriage::inspect` on the real /proc: the test process itself, a python child, and children that exit.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ktriage::identity::Identity;
use ktriage::inspect::fds::FdKind;
use ktriage::inspect::{InspectError, Inspection, Inspector};

/// pid 1 as the host reference when its namespace links are readable; some
/// sandboxes (firecracker init here) refuse them even to root, and then this
/// process stands in for "the host" — said loudly.
fn inspector() -> Inspector {
    if std::fs::read_link("/proc/1/ns/net").is_ok() {
        Inspector::new("/proc")
    } else {
        eprintln!("NOTE: /proc/1/ns is unreadable here; the test process is the host reference");
        Inspector::new("/proc").with_host_pid(std::process::id())
    }
}

fn inspect(pid: u32) -> Inspection {
    inspector()
        .inspect(pid, &Identity::default())
        .unwrap_or_else(|e| panic!("inspect {pid}: {e}"))
}

#[test]
fn inspects_itself() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("held-open");
    let _file = std::fs::File::create(&path).unwrap();
    let me = std::process::id();
    let i = inspect(me);
    assert!(!i.exited);
    assert_eq!(i.status.tgid, me);
    assert!(!i.overview.cmdline.is_empty());
    let exe = i.overview.exe.as_ref().expect("exe");
    assert!(!exe.deleted && exe.replaced == Some(false), "{exe:?}");
    let want = path.canonicalize().unwrap().to_string_lossy().into_owned();
    let fds = i.fds.as_ref().unwrap();
    assert!(
        fds.iter()
            .any(|f| f.kind == FdKind::File && f.target == want),
        "{want} not in {fds:?}"
    );
    assert_eq!(i.overview.parents[0].pid, me);
    assert!(i.mounts.as_ref().is_some_and(|m| !m.is_empty()));
    assert!(i.root_readonly.is_some());
    let ns = i.namespaces.as_ref().unwrap();
    assert!(
        ns.entries
            .iter()
            .all(|n| n.shared_with_host() != Some(false))
    );
    assert!(ns.get("net").unwrap().shared_with_host() == Some(true));
    // Our own mount namespace is the host's: no mount is "from the host".
    assert!(
        i.mounts
            .as_ref()
            .unwrap()
            .iter()
            .all(|m| m.sensitive.is_empty())
    );
}

const CHILD: &str = r#"
import socket, sys
f = open(sys.argv[1], "w")
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
sys.stdin.read()
"#;

#[test]
fn python_child_with_file_socket_and_secret() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("child-file");
    let mut child = Command::new("python3")
        .args(["-c", CHILD])
        .arg(&path)
        .env("DB_PASSWORD", "hunter2")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line.trim().parse().expect("port from the child");
    let pid = child.id();

    let i = inspect(pid);
    assert!(i.errors.is_empty(), "{:?}", i.errors);
    let fds = i.fds.as_ref().unwrap();
    let want = path.canonicalize().unwrap().to_string_lossy().into_owned();
    let file = fds
        .iter()
        .find(|f| f.target == want)
        .expect("the open file");
    assert_eq!(file.kind, FdKind::File);
    assert!(
        file.flag_names().contains(&"O_WRONLY"),
        "{:?}",
        file.flag_names()
    );
    let listen = fds
        .iter()
        .filter_map(|f| f.socket.as_ref())
        .find(|s| s.proto == "tcp" && s.state == "LISTEN")
        .expect("listening socket");
    assert_eq!(
        listen.local.as_deref(),
        Some(format!("127.0.0.1:{port}").as_str())
    );

    let env = i.environ.as_ref().unwrap();
    let pw = env.iter().find(|e| e.name == "DB_PASSWORD").unwrap();
    assert!(pw.masked);
    assert!(!pw.display(false).contains("hunter2"));
    let hidden = i.to_json(false).to_string();
    assert!(!hidden.contains("hunter2"), "secret leaked into JSON");
    let shown = i.to_json(true).to_string();
    assert!(shown.contains("hunter2"));

    let ns = i.namespaces.as_ref().unwrap();
    for kind in ["cgroup", "ipc", "mnt", "net", "pid", "user", "uts"] {
        assert_eq!(
            ns.get(kind).unwrap().shared_with_host(),
            Some(true),
            "{kind}"
        );
    }
    assert_eq!(i.overview.parents[1].pid, std::process::id());

    drop(child.stdin.take());
    child.wait().unwrap();
}

#[test]
fn reaped_child_is_exited_quickly() {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    let t = Instant::now();
    match inspector().inspect(pid, &Identity::default()) {
        Err(InspectError::Exited(p)) => assert_eq!(p, pid),
        other => panic!("expected Exited, got {other:?}"),
    }
    assert!(t.elapsed() < Duration::from_secs(1));
}

#[test]
fn zombie_child_is_marked_exited() {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    let deadline = Instant::now() + Duration::from_secs(5);
    // While the child is tearing down (before it is a zombie) its /proc files may
    // vanish and the inspection say `Exited`; once it is a zombie (never reaped
    // here) the inspection must succeed and mark it exited.
    let mut i = loop {
        match inspector().inspect(pid, &Identity::default()) {
            Ok(i) if i.exited || Instant::now() >= deadline => break i,
            Err(InspectError::Exited(_)) if Instant::now() < deadline => {}
            Ok(_) => {}
            Err(e) => panic!("inspect {pid}: {e}"),
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    if !i.exited {
        i = inspect(pid);
    }
    assert!(i.exited && i.errors.is_empty(), "{:?}", i.errors);
    assert_eq!(i.to_json(false)["exited"], true);
    child.wait().unwrap();
}

#[test]
fn children_exiting_mid_way_never_storm() {
    let insp = inspector();
    for round in 0..20 {
        let mut child = Command::new("sh")
            .args(["-c", &format!("sleep 0.0{}", round % 5)])
            .spawn()
            .unwrap();
        let pid = child.id();
        let reaper = std::thread::spawn(move || child.wait());
        let t = Instant::now();
        loop {
            match insp.inspect(pid, &Identity::default()) {
                Err(InspectError::Exited(p)) => {
                    assert_eq!(p, pid);
                    break;
                }
                Err(e) => panic!("round {round}: {e}"),
                Ok(i) => assert!(i.errors.is_empty(), "round {round}: {:?}", i.errors),
            }
            assert!(t.elapsed() < Duration::from_secs(10), "never saw the exit");
        }
        reaper.join().unwrap().unwrap();
    }
}

#[test]
fn unreadable_sections_do_not_fail_the_whole() {
    // pid 1 may refuse some reads even to root (ptrace-protected init); then
    // those are section errors, never a total failure.
    let i = inspect(1);
    assert_eq!(i.status.tgid, 1);
    for e in &i.errors {
        assert!(!e.message.is_empty());
    }
    assert!(Path::new("/proc/1").exists());
}

#[test]
fn swapped_binary_is_deleted_and_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("napper");
    std::fs::copy("/bin/sleep", &bin).unwrap();
    let mut child = Command::new(&bin).arg("30").spawn().unwrap();
    let pid = child.id();
    // Wait for the exec to land (the exe link names our copy).
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut exe = inspect(pid).overview.exe.unwrap();
    while !exe.path.ends_with("/napper") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
        exe = inspect(pid).overview.exe.unwrap();
    }
    assert_eq!((exe.deleted, exe.replaced), (false, Some(false)), "{exe:?}");

    // Swap a new file in at the same path (as an upgrade or a tamperer would).
    let other = dir.path().join("other");
    std::fs::copy("/bin/sleep", &other).unwrap();
    std::fs::rename(&other, &bin).unwrap();
    let exe = inspect(pid).overview.exe.unwrap();
    assert_eq!((exe.deleted, exe.replaced), (true, Some(true)), "{exe:?}");
    let json = inspect(pid).to_json(false);
    assert_eq!(json["overview"]["exe"]["replaced"], true);

    // Gone entirely: deleted, nothing to compare.
    std::fs::remove_file(&bin).unwrap();
    let exe = inspect(pid).overview.exe.unwrap();
    assert_eq!((exe.deleted, exe.replaced), (true, None), "{exe:?}");
    child.kill().unwrap();
    child.wait().unwrap();
}
