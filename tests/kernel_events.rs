//! Real kernel: a child's open, connect and exec arrive with the right pid, arguments and return values.

mod support;

use std::net::TcpListener;
use std::time::Duration;

use ktriage::app::describe;
use ktriage::app::event::EventKind;
use ktriage::collector::CollectorConfig;
use support::{Held, Live, bpf_available};

#[test]
fn child_open_connect_exec_arrive_decoded() {
    if !bpf_available("child_open_connect_exec_arrive_decoded") {
        return;
    }
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let uniq = format!("/tmp/ktriage-test-{}-{}", std::process::id(), port);
    let script = format!(
        "fd = os.open('{uniq}', os.O_CREAT | os.O_WRONLY, 0o600)\n\
         s = socket.socket(); s.connect(('127.0.0.1', {port}))\n\
         os.execv('/bin/echo', ['echo', 'ktriage-argv-{port}'])"
    );
    let mut child = Held::spawn(&script);
    let pid = child.pid();
    // A concurrent noise process doing the same kind of syscalls must never show up.
    let mut noise =
        Held::spawn("for i in range(2000):\n    os.close(os.open('/etc/hostname', os.O_RDONLY))");
    let mut live = Live::start(&CollectorConfig {
        pids: vec![pid],
        ..CollectorConfig::default()
    });
    noise.go();
    child.go();
    let got_exec = live.pump_until(Duration::from_secs(10), |s| {
        s.buffer
            .range(0, u64::MAX)
            .any(|e| e.kind() == EventKind::Exec)
    });
    assert!(child.wait().success());
    assert!(noise.wait().success());
    let stats = live.finish();
    assert!(got_exec, "exec event arrived");
    assert_eq!(stats.kernel_dropped, 0);
    let st = &live.core.state();

    let evs: Vec<_> = st.buffer.range(0, u64::MAX).collect();
    assert!(
        evs.iter().all(|e| e.pid() == pid),
        "only the filtered pid: {:?}",
        evs.iter().map(|e| e.pid()).collect::<Vec<_>>()
    );

    let open = evs
        .iter()
        .find(|e| {
            describe::syscall_name(e) == "openat" && describe::args_json(e)["path"] == uniq.as_str()
        })
        .expect("openat of the unique path");
    assert!(open.ret() >= 0, "open succeeded: {}", open.ret());
    assert_eq!(open.tid(), pid);
    let args = describe::args_json(open);
    assert!(
        args["flags"].as_str().expect("flags").contains("O_CREAT"),
        "{args:?}"
    );

    let connect = evs
        .iter()
        .find(|e| describe::syscall_name(e) == "connect")
        .expect("connect");
    assert_eq!(connect.ret(), 0);
    assert_eq!(
        describe::args_json(connect)["addr"],
        format!("127.0.0.1:{port}").as_str()
    );

    let exec = evs
        .iter()
        .find(|e| e.kind() == EventKind::Exec)
        .expect("exec");
    let exec_args = describe::args_json(exec);
    assert_eq!(exec_args["filename"], "/bin/echo");
    assert_eq!(
        exec_args["argv"],
        serde_json::json!(["echo", format!("ktriage-argv-{port}")])
    );
    assert_eq!(describe::syscall_name(exec), "execve");
    assert!(exec.ppid() > 0 && exec.uid() == 0);
    let _ = std::fs::remove_file(&uniq);
}
