//! Tests of the exec links the core keeps: through `Core::dispatch`, linked when the process comes first or the event does, kept after the process exits, bounded, replayed the same from serde (a recording's encoding).

use super::*;
use crate::app::event::{Event, Setup};
use crate::app::{AppState, Core};
use crate::model::audit::ObjectRef;

const OFF: i128 = 1_700_000_000_000_000_000;
const SEC: u64 = 1_000_000_000;

/// An exec event at boot time `t` (wall time `t + OFF`).
pub(crate) fn exec_event(t_boot: u64, user: &str, pod: &str) -> AuditEvent {
    AuditEvent {
        stage: "ResponseStarted".into(),
        verb: "create".into(),
        request_uri: format!(
            "/api/v1/namespaces/team-a/pods/{pod}/exec?command=sh&container=web&stdin=true&tty=true"
        ),
        user: crate::model::audit::AuditUser {
            username: user.into(),
            ..Default::default()
        },
        object_ref: Some(ObjectRef {
            resource: "pods".into(),
            subresource: "exec".into(),
            namespace: "team-a".into(),
            name: pod.into(),
            ..Default::default()
        }),
        time_ns: (i128::from(t_boot) + OFF) as u64,
        ..Default::default()
    }
}

/// A shell the shim started in pod `web-0` at boot time `start`.
pub(crate) fn shell(pid: u32, start: u64) -> ProcInfo {
    ProcInfo {
        pid,
        ppid: 800,
        comm: "sh".into(),
        exe: "/bin/sh".into(),
        parent_comm: "containerd-shim".into(),
        start_ns: start,
        container_id: Some("c0ffee".into()),
        container_name: Some("web".into()),
        pod_name: Some("web-0".into()),
        pod_namespace: Some("team-a".into()),
        ..ProcInfo::default()
    }
}

fn core() -> Core {
    let mut core = Core::new(AppState::with_default_cap());
    core.dispatch(Event::Setup(Setup::WallOffset(OFF)));
    core
}

#[test]
fn the_process_first_or_the_event_first_both_link() {
    let t = 500 * SEC;
    let mut a = core();
    a.dispatch(Event::Processes(vec![shell(10, t - SEC)]));
    a.dispatch(Event::Audit(vec![exec_event(t, "mallory", "web-0")]));
    let mut b = core();
    b.dispatch(Event::Audit(vec![exec_event(t, "mallory", "web-0")]));
    assert_eq!(b.state().exec.execs[0].link, ExecLink::None, "nothing yet");
    b.dispatch(Event::Processes(vec![shell(10, t - SEC)]));
    for c in [&a, &b] {
        let l: Vec<_> = c.state().exec.of_pid(10).collect();
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].user(), "mallory");
        assert_eq!(l[0].command(), ["sh"]);
        match &l[0].link {
            ExecLink::Exact(cand) => {
                assert_eq!(cand.pid, 10);
                assert_eq!(cand.start_ns as i128, i128::from(t - SEC) + OFF, "wall");
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(a.state().exec.of_pid(11).count(), 0);
}

#[test]
fn an_exited_process_stays_linked_and_overlaps_are_ambiguous() {
    let t = 900 * SEC;
    let mut c = core();
    c.dispatch(Event::Processes(vec![shell(20, t)]));
    // it exits before the event is read
    c.dispatch(Event::Processes(vec![]));
    c.dispatch(Event::Audit(vec![exec_event(t, "eve", "web-0")]));
    assert!(
        matches!(&c.state().exec.execs[0].link, ExecLink::Exact(x) if x.pid == 20),
        "{:?}",
        c.state().exec.execs[0].link
    );
    // a second shell within the window: both events now list both, none chosen
    c.dispatch(Event::Processes(vec![shell(21, t + SEC)]));
    c.dispatch(Event::Audit(vec![exec_event(t + SEC, "bob", "web-0")]));
    for l in &c.state().exec.execs {
        match &l.link {
            ExecLink::Ambiguous(cs) => {
                assert_eq!(cs.iter().map(|c| c.pid).collect::<Vec<_>>(), [20, 21])
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(c.state().exec.of_pid(21).count(), 2);
    // another pod's exec does not link
    c.dispatch(Event::Audit(vec![exec_event(t, "eve", "db-0")]));
    assert_eq!(c.state().exec.execs[2].link, ExecLink::None);
}

#[test]
fn without_a_wall_offset_nothing_is_guessed_and_the_facts_are_bounded() {
    let mut c = Core::new(AppState::with_default_cap());
    c.dispatch(Event::Processes(vec![shell(30, 5 * SEC)]));
    c.dispatch(Event::Audit(vec![exec_event(5 * SEC, "eve", "web-0")]));
    assert_eq!(c.state().exec.execs[0].link, ExecLink::None);
    let mut t = ExecTracker::default();
    for i in 0..(FACTS_CAP as u32 + 10) {
        t.on_processes(&[shell(i + 1, u64::from(i) + 1)], Some(OFF));
    }
    assert!(t.facts() <= FACTS_CAP, "{}", t.facts());
    let many = vec![exec_event(SEC, "eve", "web-0"); EXECS_CAP + 3];
    t.on_audit(&many, Some(OFF));
    assert_eq!(t.execs.len(), EXECS_CAP);
    // a host process (no pod) or one the shim did not start is no fact
    let mut host = shell(40, SEC);
    host.pod_name = None;
    let mut child = shell(41, SEC);
    child.parent_comm = "sh".into();
    let mut u = ExecTracker::default();
    u.on_processes(&[host, child], Some(OFF));
    assert_eq!(u.facts(), 0);
}

#[test]
fn a_replay_of_the_same_events_links_the_same() {
    let t = 700 * SEC;
    let events = vec![
        Event::Setup(Setup::WallOffset(OFF)),
        Event::Processes(vec![shell(50, t)]),
        Event::Processes(vec![]),
        Event::Audit(vec![exec_event(t, "mallory", "web-0")]),
    ];
    let replay = live_and_replay(events);
    assert!(matches!(
        &replay.state().exec.execs[0].link,
        ExecLink::Exact(x) if x.pid == 50
    ));
}

/// `events` into a core and, through serde (a recording's encoding), into another: asserts
/// both keep the same exec links; the replayed core.
pub(crate) fn live_and_replay(events: Vec<Event>) -> Core {
    let mut live = Core::new(AppState::with_default_cap());
    let mut replay = Core::new(AppState::with_default_cap());
    for e in events {
        let json = serde_json::to_vec(&e).expect("encodes");
        live.dispatch(e);
        replay.dispatch(serde_json::from_slice(&json).expect("decodes"));
    }
    assert_eq!(live.state().exec.execs, replay.state().exec.execs);
    replay
}
