//! Real kernel, recorded: a child's open, connect and exec pass through the core with a session recorder as its tap; the file verifies, its secret argument is redacted, and replaying it through a new core gives the same kernel events field for field.

mod support;

use std::net::TcpListener;
use std::time::Duration;

use ktriage::app::event::EventKind;
use ktriage::app::{AppState, Core, describe};
use ktriage::collector::CollectorConfig;
use ktriage::session::{
    Header, Item, ItemDecoder, Record, Recorder, SessionReader, SessionWriter, Verdict, WriterOpts,
    verify_file,
};
use support::{Held, Live, bpf_available};

const SECRET: &str = "S3cr3t-Passw0rd-for-the-test";

/// The comparable fields of a buffered event (JSON: name, args decoded, ids, times).
fn fields(e: &ktriage::app::buffer::EventRef<'_>) -> serde_json::Value {
    serde_json::json!({
        "ts": e.ts_ns(), "pid": e.pid(), "tid": e.tid(), "ppid": e.ppid(), "uid": e.uid(),
        "ret": e.ret(), "nr": e.nr(), "dur": e.duration_ns(), "cgroup": e.cgroup_id(),
        "comm": String::from_utf8_lossy(e.comm_bytes()), "name": describe::syscall_name(e),
        "args": describe::args_json(e),
    })
}

#[test]
fn a_recorded_kernel_session_verifies_and_replays_the_same_events() {
    if !bpf_available("a_recorded_kernel_session_verifies_and_replays_the_same_events") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("live.ktr");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let uniq = format!("/tmp/ktriage-session-{}-{port}", std::process::id());
    let script = format!(
        "fd = os.open('{uniq}', os.O_CREAT | os.O_WRONLY, 0o600)\n\
         s = socket.socket(); s.connect(('127.0.0.1', {port}))\n\
         os.execv('/bin/echo', ['echo', '--password={SECRET}'])"
    );
    let mut child = Held::spawn(&script);
    let pid = child.pid();
    let mut live = Live::start(&CollectorConfig {
        pids: vec![pid],
        ..CollectorConfig::default()
    });
    let argv: Vec<String> = std::env::args().collect();
    let header = Header::gather(&argv, &[], vec![format!("pid:{pid}")], false).unwrap();
    let writer = SessionWriter::create(&file, header, WriterOpts::default()).unwrap();
    let (rec, handle) = Recorder::new(writer, false);
    live.core.set_tap(Box::new(rec));
    child.go();
    let got_exec = live.pump_until(Duration::from_secs(10), |s| {
        s.buffer
            .range(0, u64::MAX)
            .any(|e| e.kind() == EventKind::Exec)
    });
    assert!(child.wait().success());
    live.finish();
    assert!(got_exec, "exec event arrived");
    let summary = handle.finish().expect("recording finished");
    let _ = std::fs::remove_file(&uniq);

    let rep = verify_file(&file).unwrap();
    assert_eq!(rep.verdict, Verdict::Ok, "{:?}", rep.error);
    assert_eq!(rep.final_hash.as_deref(), Some(summary.final_hash.as_str()));

    let recs: Vec<Record> = SessionReader::open(&file)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        recs.iter()
            .any(|r| matches!(r, Record::Redacted { names, .. } if names.contains(&format!("argv of pid {pid}")))),
        "the redaction is named"
    );
    let mut replay = Core::new(AppState::new(1_000_000));
    let mut items = ItemDecoder::default();
    for r in recs {
        if let Item::Event { event, .. } = items.item(r).unwrap() {
            replay.dispatch(event);
        }
    }
    let a: Vec<_> = live.core.state().buffer.range(0, u64::MAX).collect();
    let b: Vec<_> = replay.state().buffer.range(0, u64::MAX).collect();
    assert_eq!(a.len(), b.len(), "every kernel event recorded");
    assert!(a.len() >= 3);
    let mut saw_open = false;
    for (x, y) in a.iter().zip(&b) {
        let (fx, fy) = (fields(x), fields(y));
        if x.kind() == EventKind::Exec {
            let has = |b: &[u8]| b.windows(SECRET.len()).any(|w| w == SECRET.as_bytes());
            assert!(has(x.buf(1).0), "the live core holds it (masked on screen)");
            assert!(!has(y.buf(1).0), "the file does not: {fy}");
            assert!(!fy.to_string().contains(SECRET));
            assert_eq!(fx["pid"], fy["pid"]);
            assert_eq!(fx["ts"], fy["ts"]);
        } else {
            assert_eq!(fx, fy);
        }
        saw_open |= fy["args"]["path"] == uniq.as_str();
    }
    assert!(saw_open, "the unique open is in the replay");
    let raw = std::fs::read(&file).unwrap();
    assert!(!raw.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()));
}
