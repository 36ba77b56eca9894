//! Tests of the `Core`: events and facts reach the tap, and every kind of `Event` survives serde (a recording's round trip).

use std::sync::{Arc, Mutex};

use super::event::{EffectError, EffectErrorKind, Event, Setup};
use super::input::{Edit, Input};
use super::{Action, AppState, Core, Fact, Tap};
use crate::ui::test_support as ts;

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<(Vec<String>, Vec<Fact>)>>);

impl Tap for Seen {
    fn event(&mut self, event: &Event) {
        let name = format!("{event:?}");
        let name = name.split(['(', ' ', '{']).next().unwrap_or("").to_string();
        self.0.lock().unwrap().0.push(name);
    }
    fn fact(&mut self, fact: &Fact) {
        self.0.lock().unwrap().1.push(fact.clone());
    }
}

fn type_line(core: &mut Core, text: &str) {
    for c in text.chars() {
        core.dispatch(Event::Input(Input::Edit(Edit::Char(c))));
    }
    core.dispatch(Event::Input(Input::Edit(Edit::Submit)));
}

#[test]
fn the_tap_sees_every_event_first_and_the_facts_not_the_runtime() {
    let seen = Seen::default();
    let mut core = Core::new(ts::state());
    core.set_tap(Box::new(seen.clone()));
    core.dispatch(Event::Tick(5));
    assert!(
        core.dispatch(Event::Input(Input::Action(Action::OpenCommand)))
            .is_empty()
    );
    type_line(&mut core, "note the curl came first");
    let effects = core.dispatch(Event::Input(Input::Action(Action::OpenCommand)));
    assert!(effects.is_empty(), "{effects:?}");
    let (events, facts) = seen.0.lock().unwrap().clone();
    assert_eq!(events[0], "Tick");
    assert!(events[1..].iter().all(|e| e == "Input"), "{events:?}");
    assert_eq!(
        facts,
        vec![Fact::Note {
            text: "the curl came first".into()
        }]
    );
    assert_eq!(core.state().notes, vec!["the curl came first"]);
}

#[test]
fn a_note_needs_text() {
    let mut core = Core::new(AppState::with_default_cap());
    core.dispatch(Event::Input(Input::Action(Action::OpenCommand)));
    type_line(&mut core, "note");
    assert!(core.state().notes.is_empty());
    let (_, msg) = core.state().message.clone().expect("an error");
    assert!(msg.contains("expected the note's text"), "{msg}");
}

#[test]
fn setup_sets_what_was_set_from_outside_update() {
    let mut core = Core::new(AppState::with_default_cap());
    core.dispatch(Event::Setup(Setup::WallOffset(42)));
    core.dispatch(Event::Setup(Setup::FlightSeconds(Some(30))));
    core.dispatch(Event::Setup(Setup::Filter("pid:7".into())));
    assert_eq!(core.state().alerts.wall_offset_ns, Some(42));
    assert_eq!(core.state().flight.seconds, Some(30));
    assert_eq!(core.state().stream.filter.to_string(), "pid:7");
    core.dispatch(Event::Setup(Setup::Filter("pid:".into())));
    assert!(core.state().message.is_some(), "a bad filter is reported");
}

/// Every payload type goes through JSON and back unchanged (compared by Debug, as not all derive PartialEq).
#[test]
fn events_round_trip_through_serde() {
    let ins = Arc::new(ts::inspection(ts::INSPECT_PID));
    let events = vec![
        Event::Setup(Setup::KeyHelp(
            crate::ui::keymap::Keymap::default().key_help(),
        )),
        Event::Kernel(crate::model::KernelBatch {
            cgroups: vec![],
            events: ts::events(),
        }),
        Event::Summary(ts::agg()),
        Event::Processes(ts::processes()),
        Event::Input(Input::Edit(Edit::Char('é'))),
        Event::Inspected {
            pid: 1,
            result: Ok(ins.clone()),
        },
        Event::Snapshot {
            pid: 2,
            result: Err(EffectError::new(
                EffectErrorKind::Exited,
                "process 2 exited",
            )),
        },
        Event::Alerts(crate::ui::test_support::alerts::alerts()),
        Event::AlertIntake(crate::ui::test_support::alerts::intake_reports()[0].clone()),
    ];
    for ev in events {
        let json = serde_json::to_string(&ev).expect("serialize");
        let back: Event = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(format!("{back:?}"), format!("{ev:?}"));
    }
}

#[test]
fn a_recorded_inspection_or_exec_keeps_no_secret_value_only_names() {
    use super::redact_event::redacted;
    let ins = Arc::new(ts::inspection(ts::INSPECT_PID));
    let ev = Event::Inspected {
        pid: ts::INSPECT_PID,
        result: Ok(ins),
    };
    let (out, names) = redacted(&ev).expect("the fixture has secrets");
    let json = serde_json::to_string(&out).unwrap();
    for secret in [
        "hunter2",
        "s3cr3tpw",
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_16C7e42F",
    ] {
        assert!(!json.contains(secret), "{secret} in {json}");
    }
    assert!(names.iter().any(|n| n.contains("DB_PASSWORD")), "{names:?}");
    assert!(names.iter().all(|n| !n.contains("hunter2")));

    let mut exec = ts::events()
        .into_iter()
        .find(|e| e.kind == crate::model::EventKind::Exec)
        .expect("an exec in the fixture");
    exec.bufs[1].bytes = b"mysql\0--password=hunter2\0-h\0db\0".to_vec();
    let batch = crate::model::KernelBatch {
        cgroups: vec![],
        events: vec![exec],
    };
    let (out, names) = redacted(&Event::Kernel(batch)).expect("a secret argument");
    let Event::Kernel(b) = out else { panic!() };
    let argv = String::from_utf8_lossy(&b.events[0].bufs[1].bytes).into_owned();
    assert!(
        !argv.contains("hunter2") && argv.starts_with("mysql\0"),
        "{argv:?}"
    );
    assert_eq!(names.len(), 1);
    assert!(redacted(&Event::Tick(1)).is_none());
}
