//! Tests of the pivot from the audit view: an exact link opens the process (inspect, the stream filtered to it, the fact recorded); an ambiguous or missing one is said and nothing is opened.

use crate::app::action::Action;
use crate::app::event::{Event, Setup};
use crate::app::exec_track::tests::{exec_event, shell};
use crate::app::input::Input;
use crate::app::state::{Pane, Severity};
use crate::app::update::{Effect, Fact};
use crate::app::{AppState, Core};

const OFF: i128 = 1_700_000_000_000_000_000;
const SEC: u64 = 1_000_000_000;

fn core(shells: &[u32]) -> Core {
    let t = 300 * SEC;
    let mut c = Core::new(AppState::with_default_cap());
    c.dispatch(Event::Setup(Setup::WallOffset(OFF)));
    let rows = shells.iter().map(|p| shell(*p, t)).collect();
    c.dispatch(Event::Processes(rows));
    c.dispatch(Event::Audit(vec![exec_event(t, "mallory", "web-0")]));
    c.dispatch(Event::Input(Input::Action(Action::ToggleAudit)));
    assert_eq!(c.state().focus, Pane::Alerts);
    assert!(c.state().audit.shown);
    c
}

#[test]
fn an_exact_link_pivots_to_its_process() {
    for action in [Action::Pivot, Action::Enter] {
        // `update` itself: the core hands facts to its taps
        let mut st = core(&[10]).into_state();
        let effects = crate::app::update(&mut st, Event::Input(Input::Action(action)));
        assert!(effects.contains(&Effect::Inspect(10)), "{effects:?}");
        assert!(effects.contains(&Effect::Fact(Fact::Pivot {
            rule: "pods/exec by mallory".into(),
            pid: Some(10),
        })));
        assert_eq!(st.focus, Pane::Stream);
        assert_eq!(st.stream.filter.to_string(), "pid:10");
        assert_eq!(st.inspect.as_ref().map(|v| v.pid), Some(10));
    }
}

#[test]
fn an_ambiguous_or_missing_link_opens_nothing() {
    for (shells, want) in [
        (&[10u32, 11][..], "ambiguous: pids 10, 11"),
        (&[], "no process"),
    ] {
        let mut c = core(shells);
        let effects = c.dispatch(Event::Input(Input::Action(Action::Pivot)));
        assert!(effects.is_empty(), "{effects:?}");
        let st = c.state();
        assert!(st.inspect.is_none());
        assert_eq!(st.focus, Pane::Alerts, "stays");
        match &st.message {
            Some((Severity::Error, m)) => assert!(m.contains(want), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
