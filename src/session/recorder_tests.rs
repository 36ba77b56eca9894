//! The recorder as the core's tap: every event and fact reaches the file, secrets are redacted (names kept) unless kept on purpose, and replaying the file through a new core gives the same state.

use crate::app::event::{EffectError, EffectErrorKind, Setup};
use crate::app::input::{Edit, Input};
use crate::app::{Action, AppState, Core, Event};
use crate::model::{Captured, EventKind, KernelBatch, SysEvent};

use super::tests::header;
use super::*;

const SECRET: &str = "hunter2hunter2";

fn exec_with_secret() -> KernelBatch {
    let mut comm = [0u8; 16];
    comm[..5].copy_from_slice(b"mysql");
    KernelBatch {
        cgroups: Vec::new(),
        events: vec![SysEvent {
            ts_ns: 42_000,
            cgroup_id: 1,
            duration_ns: 0,
            ret: 0,
            args: [0; 6],
            kind: EventKind::Exec,
            nr: 59,
            pid: 4242,
            tid: 4242,
            ppid: 1,
            uid: 0,
            comm,
            bufs: [
                Captured {
                    bytes: b"/usr/bin/mysql\0".to_vec(),
                    truncated: false,
                },
                Captured {
                    bytes: format!("mysql\0-uroot\0-p{SECRET}\0").into_bytes(),
                    truncated: false,
                },
            ],
        }],
    }
}

fn session(core: &mut Core) -> Vec<Event> {
    let evs = vec![
        Event::Setup(Setup::Filter("comm:mysql".into())),
        Event::Tick(5),
        Event::Kernel(exec_with_secret()),
        Event::Inspected {
            pid: 4242,
            result: Err(EffectError {
                kind: EffectErrorKind::Exited,
                message: "pid 4242: exited".into(),
            }),
        },
        Event::Input(Input::Action(Action::OpenCommand)),
    ];
    let mut all = evs.clone();
    for e in evs {
        core.dispatch(e);
    }
    for c in "note mysql ran as root".chars() {
        all.push(Event::Input(Input::Edit(Edit::Char(c))));
    }
    all.push(Event::Input(Input::Edit(Edit::Submit)));
    for e in all[5..].iter().cloned() {
        core.dispatch(e);
    }
    all
}

fn record(secrets_kept: bool) -> (Vec<Record>, Vec<Event>, AppState) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.ktr");
    let w = SessionWriter::create(&p, header(), WriterOpts::default()).unwrap();
    let (rec, handle) = Recorder::new(w, secrets_kept);
    let mut core = Core::new(AppState::with_default_cap());
    core.set_tap(Box::new(rec));
    let sent = session(&mut core);
    handle.finish().expect("finished");
    assert!(handle.error().is_none());
    let recs: Vec<Record> = SessionReader::open(&p)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    (recs, sent, core.into_state())
}

fn has_secret(recs: &[Record]) -> bool {
    recs.iter().any(|r| format!("{r:?}").contains(SECRET))
        || recs.iter().any(|r| match r {
            Record::Kernel(b) => b
                .events
                .iter()
                .any(|e| String::from_utf8_lossy(&e.bufs[1].bytes).contains(SECRET)),
            _ => false,
        })
}

#[test]
fn a_recorded_core_session_replays_to_the_same_state_with_secrets_redacted() {
    let (recs, sent, live) = record(false);
    assert!(!has_secret(&recs), "the secret never reaches the file");
    let redacted: Vec<&Vec<String>> = recs
        .iter()
        .filter_map(|r| match r {
            Record::Redacted { names, .. } => Some(names),
            _ => None,
        })
        .collect();
    assert_eq!(redacted, vec![&vec!["argv of pid 4242".to_string()]]);
    let facts: Vec<_> = recs.iter().filter_map(|r| r.to_fact().unwrap()).collect();
    assert_eq!(
        facts,
        vec![crate::app::Fact::Note {
            text: "mysql ran as root".into()
        }]
    );
    let events: Vec<Event> = recs
        .into_iter()
        .filter_map(|r| r.into_event().unwrap())
        .collect();
    assert_eq!(events.len(), sent.len(), "every event recorded");
    for (a, b) in events.iter().zip(&sent) {
        if !matches!(a, Event::Kernel(_)) {
            assert_eq!(
                serde_json::to_string(a).unwrap(),
                serde_json::to_string(b).unwrap()
            );
        }
    }
    let mut replay = Core::new(AppState::with_default_cap());
    for e in events {
        replay.dispatch(e);
    }
    assert_eq!(replay.state().notes, live.notes);
    assert_eq!(replay.state().notes, vec!["mysql ran as root"]);
}

#[test]
fn secrets_kept_on_purpose_reach_the_file() {
    let (recs, _, _) = record(true);
    assert!(has_secret(&recs));
    assert!(!recs.iter().any(|r| matches!(r, Record::Redacted { .. })));
}
