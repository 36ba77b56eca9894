//! Tests of the exec links made from kernel exec records: a process that started and exited between two /proc polls is linked exactly (both ways), seen again by /proc it is no second candidate, overlapping ones stay ambiguous, a parent that is not the runtime's makes no fact, and a replay links the same.

use super::tests::exec_event;
use super::*;
use crate::app::event::{Event, Setup};
use crate::app::{AppState, Core};
use crate::model::audit::ExecLink;
use crate::model::{Captured, CgroupInfo, EventKind, KernelBatch};

const OFF: i128 = 1_700_000_000_000_000_000;
const SEC: u64 = 1_000_000_000;
/// The pod's container cgroup.
const CG: u64 = 77;
/// The shim (seen by /proc).
const SHIM: u32 = 800;

fn comm(s: &str) -> [u8; 16] {
    let mut c = [0u8; 16];
    for (d, b) in c.iter_mut().zip(s.bytes().take(15)) {
        *d = b;
    }
    c
}

/// An exec record of `argv` (space separated) by `pid` (parent `ppid`) in cgroup `cg` at `ts`.
fn exec(pid: u32, ppid: u32, cg: u64, ts: u64, argv: &str) -> SysEvent {
    let path = format!("/bin/{}", argv.split(' ').next().unwrap_or(""));
    let name = path.rsplit('/').next().unwrap_or("").to_string();
    let mut a = argv.replace(' ', "\0").into_bytes();
    a.push(0);
    let buf = |b: Vec<u8>| Captured {
        bytes: b,
        truncated: false,
    };
    SysEvent {
        ts_ns: ts,
        cgroup_id: cg,
        duration_ns: 0,
        ret: 0,
        args: [0; 6],
        kind: EventKind::Exec,
        nr: 59,
        pid,
        tid: pid,
        ppid,
        uid: 0,
        comm: comm(&name),
        bufs: [buf(format!("{path}\0").into_bytes()), buf(a)],
    }
}

/// `kubectl exec` as the kernel streams it: the shim execs `runc` (host cgroup), whose
/// child execs `argv` in the pod's container.
fn runtime_exec(pid: u32, ts: u64, argv: &str) -> Event {
    let mut runc = exec(pid - 1, SHIM, 1, ts - 5_000_000, "runc exec --detach");
    runc.comm = comm("runc");
    Event::Kernel(KernelBatch {
        cgroups: vec![CgroupInfo {
            id: CG,
            path: Some("/kubepods/besteffort/podu/c0ffee".into()),
            container_id: Some("c0ffee".into()),
        }],
        events: vec![runc, exec(pid, pid - 1, CG, ts, argv)],
    })
}

/// The pod's own process (`sleep`, started by the shim long ago) and the shim itself.
fn rows() -> Vec<ProcInfo> {
    let mut app = super::tests::shell(100, SEC);
    app.comm = "sleep".into();
    app.exe = "sleep".into();
    let shim = ProcInfo {
        pid: SHIM,
        comm: "containerd-shim".into(),
        ..ProcInfo::default()
    };
    vec![app, shim]
}

fn cat_event(t: u64, user: &str) -> AuditEvent {
    let mut e = exec_event(t, user, "web-0");
    e.request_uri = e
        .request_uri
        .replace("command=sh", "command=cat&command=%2Fetc%2Fshadow");
    e
}

fn core() -> Core {
    let mut c = Core::new(AppState::with_default_cap());
    c.dispatch(Event::Setup(Setup::WallOffset(OFF)));
    c.dispatch(Event::Processes(rows()));
    c
}

#[test]
fn a_process_only_the_kernel_saw_links_exactly_both_ways() {
    let t = 600 * SEC;
    // the record first, the audit event after, and the other order
    let mut a = core();
    a.dispatch(runtime_exec(901, t + 20_000_000, "cat /etc/shadow"));
    a.dispatch(Event::Audit(vec![cat_event(t, "mallory")]));
    let mut b = core();
    b.dispatch(Event::Audit(vec![cat_event(t, "mallory")]));
    assert_eq!(b.state().exec.execs[0].link, ExecLink::None);
    b.dispatch(runtime_exec(901, t + 20_000_000, "cat /etc/shadow"));
    for c in [&a, &b] {
        match &c.state().exec.execs[0].link {
            ExecLink::Exact(x) => {
                assert_eq!(x.pid, 901);
                assert_eq!(x.comm, "cat");
                assert_eq!(x.argv, ["cat", "/etc/shadow"]);
                assert_eq!(x.start_ns as i128, i128::from(t + 20_000_000) + OFF);
            }
            other => panic!("{other:?}"),
        }
        let back: Vec<_> = c.state().exec.of_pid(901).collect();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].user(), "mallory");
        assert_eq!(
            c.state().exec.of_pid(900).count(),
            0,
            "runc is no candidate"
        );
    }
    // /proc seeing the same process later (its fork time) makes no second candidate
    let mut late = rows();
    let mut cat = super::tests::shell(901, t + 10_000_000);
    cat.comm = "cat".into();
    cat.exe = "cat".into();
    late.push(cat);
    a.dispatch(Event::Processes(late));
    assert!(
        matches!(&a.state().exec.execs[0].link, ExecLink::Exact(x) if x.pid == 901),
        "{:?}",
        a.state().exec.execs[0].link
    );
    assert_eq!(a.state().exec.facts(), 2, "the pod's sleep and cat");
}

#[test]
fn overlapping_execs_are_ambiguous_and_other_parents_make_no_fact() {
    let t = 800 * SEC;
    let mut c = core();
    c.dispatch(runtime_exec(901, t, "cat /etc/shadow"));
    c.dispatch(runtime_exec(911, t + SEC, "cat /etc/hostname"));
    c.dispatch(Event::Audit(vec![cat_event(t, "eve")]));
    match &c.state().exec.execs[0].link {
        ExecLink::Ambiguous(cs) => {
            assert_eq!(cs.iter().map(|c| c.pid).collect::<Vec<_>>(), [901, 911])
        }
        other => panic!("{other:?}"),
    }
    let before = c.state().exec.facts();
    // a cat the pod's own shell ran (parent inside the container), one on the host, one in
    // a container no /proc row named, one whose parent is unknown: no facts
    let batch = |events| {
        Event::Kernel(KernelBatch {
            cgroups: vec![CgroupInfo {
                id: 99,
                path: None,
                container_id: Some("unknown".into()),
            }],
            events,
        })
    };
    c.dispatch(batch(vec![
        exec(920, 100, CG, t, "cat /etc/shadow"),
        exec(921, SHIM, 1, t, "cat /etc/shadow"),
        exec(922, SHIM, 99, t, "cat /etc/shadow"),
        exec(923, 4242, CG, t, "cat /etc/shadow"),
    ]));
    assert_eq!(c.state().exec.facts(), before);
    // without a wall offset the fact is kept and linked once the offset is known
    let mut n = Core::new(AppState::with_default_cap());
    n.dispatch(Event::Processes(rows()));
    n.dispatch(runtime_exec(901, t, "cat /etc/shadow"));
    assert_eq!(n.state().exec.facts(), 2);
}

#[test]
fn the_comms_kept_are_bounded() {
    let mut t = ExecTracker::default();
    for pid in 0..(COMMS_CAP as u32 + 50) {
        t.on_exec(&exec(pid + 1, 1, 1, SEC, "sh"), None, |_| None, Some(OFF));
    }
    assert_eq!(t.comms.len(), COMMS_CAP);
    assert_eq!(t.comm_order.len(), COMMS_CAP);
    assert!(!t.comms.contains_key(&1), "the oldest went first");
}

#[test]
fn a_replay_of_the_kernel_records_links_the_same() {
    let t = 700 * SEC;
    let events = vec![
        Event::Setup(Setup::WallOffset(OFF)),
        Event::Processes(rows()),
        runtime_exec(901, t, "cat /etc/shadow"),
        Event::Processes(rows()),
        Event::Audit(vec![cat_event(t, "mallory")]),
    ];
    let replay = super::tests::live_and_replay(events);
    assert!(matches!(
        &replay.state().exec.execs[0].link,
        ExecLink::Exact(x) if x.pid == 901
    ));
}
