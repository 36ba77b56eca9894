//! Tests of `update` for alerts: the pane (counts, filter, keys), the pivot, and the flight recorder on a real process that exits.

use std::process::{Command, Stdio};
use std::sync::Arc;

use super::Event;
use super::flight::SnapshotStatus;
use super::state::{Mode, Pane, Severity};
use super::update::{Effect, update};
use crate::alerts::Priority;
use crate::inspect::environ::MASK;
use crate::ui::test_support::alerts::{WALL_OFFSET, alerts, alerts_state, intake_reports, wall};
use crate::ui::test_support::{press, state};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn key(s: &mut super::AppState, code: KeyCode) -> Vec<Effect> {
    crate::ui::test_support::send_key(s, KeyEvent::new(code, KeyModifiers::NONE))
}

#[test]
fn alerts_are_listed_counted_and_snapshots_asked_once_per_pid() {
    let mut s = state();
    let effects = update(&mut s, Event::Alerts(alerts()));
    // Pids 4300, 4301, 4302, 4242: one snapshot each; the container-only alert asks none.
    assert_eq!(
        effects,
        [4300, 4301, 4302, 4242].map(Effect::Snapshot).to_vec()
    );
    assert_eq!(s.alerts.received(), 5);
    assert_eq!(s.alerts.count(Priority::Notice), 1);
    assert_eq!(s.alerts.worst(), Some(Priority::Critical));
    assert_eq!(s.alerts.by_rule["Privileged container started"], 1);
    // Following: the newest alert is selected.
    assert_eq!(s.alerts.selected_entry().map(|e| e.seq), Some(4));
    // A second alert for the same pid soon after reuses the pending snapshot.
    let mut again = alerts()[0].clone();
    again.time_ns += 1_000_000_000;
    assert!(update(&mut s, Event::Alerts(vec![again])).is_empty());
    assert_eq!(s.flight.status(4300), SnapshotStatus::Pending);
}

#[test]
fn intake_reports_keep_malformed_lines() {
    let mut s = alerts_state();
    assert_eq!(s.alerts.malformed_total(), 2);
    assert_eq!(s.alerts.malformed.len(), 2);
    let mut r = intake_reports().remove(0);
    r.malformed = 3;
    r.samples.truncate(1);
    update(&mut s, Event::AlertIntake(r));
    assert_eq!(
        s.alerts.malformed_total(),
        3,
        "counters are replaced, not added"
    );
    assert_eq!(s.alerts.malformed.len(), 3, "samples are kept");
    assert!(
        s.alerts.intakes["file:/var/log/falco.json"]
            .samples
            .is_empty()
    );
}

#[test]
fn pane_keys_move_filter_and_follow() {
    let mut s = alerts_state();
    press(&mut s, "a");
    assert_eq!(s.focus, Pane::Alerts);
    press(&mut s, "kk");
    assert_eq!(s.alerts.pos(), Some(2));
    assert!(!s.alerts.follow);
    press(&mut s, "/priority:warning\n");
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(s.alerts.filter.to_string(), "priority:warning");
    assert_eq!(s.alerts.len(), 3, "critical, error and warning");
    assert!(s.stream.filter.is_empty(), "the stream filter is untouched");
    press(&mut s, "/priority:loud\n");
    assert!(matches!(&s.message, Some((Severity::Error, m)) if m.contains("unknown priority")));
    key(&mut s, KeyCode::Esc);
    assert!(s.message.is_none());
    key(&mut s, KeyCode::Esc);
    assert!(s.alerts.filter.is_empty(), "esc clears the alerts filter");
    assert_eq!(s.alerts.len(), 5);
    press(&mut s, "\t");
    assert_eq!(s.focus, Pane::Stream, "tab cycles through the alerts pane");
    press(&mut s, ":alerts\n");
    assert_eq!(s.focus, Pane::Alerts);
}

#[test]
fn pivot_filters_the_stream_around_the_alert_and_opens_the_process() {
    let mut s = alerts_state();
    press(&mut s, "a");
    press(&mut s, "kkk");
    let alert = s
        .alerts
        .selected_entry()
        .map(|e| e.alert.clone())
        .expect("selected");
    assert_eq!(alert.pid, Some(4301));
    let effects = key(&mut s, KeyCode::Enter);
    let fact = Effect::Fact(super::Fact::Pivot {
        rule: alert.rule.clone(),
        pid: Some(4301),
    });
    assert_eq!(effects, vec![fact, Effect::Inspect(4301)]);
    assert_eq!(s.stream.filter.to_string(), "pid:4301");
    assert_eq!(s.focus, Pane::Stream);
    assert!(!s.stream.follow, "paused at the alert's time");
    let sel = s
        .stream
        .selected
        .and_then(|q| s.buffer.get(q))
        .expect("a record");
    assert_eq!(
        (sel.pid(), sel.nr()),
        (4301, 257),
        "the openat of /etc/shadow at +7 ms"
    );
    assert_eq!(
        i128::from(sel.ts_ns()) + WALL_OFFSET,
        i128::from(wall(7)) + 123_000
    );
    let view = s.inspect.as_ref().expect("inspect view open");
    assert_eq!(view.pid, 4301);
    let msg = s.message.as_ref().map(|m| m.1.clone()).unwrap_or_default();
    assert!(msg.contains("pod team-a/web-0"), "{msg}");
    assert!(msg.contains("container 3f2a9c1b7d4e"), "{msg}");
}

#[test]
fn pivot_on_a_container_alert_uses_the_container() {
    let mut s = alerts_state();
    // The seeds' "Privileged container started" names only a container.
    press(&mut s, "a");
    press(&mut s, "kk");
    assert_eq!(s.alerts.selected_entry().and_then(|e| e.alert.pid), None);
    let effects = key(&mut s, KeyCode::Char('p'));
    assert!(
        effects.iter().all(|e| matches!(e, Effect::Fact(_))),
        "no process of fae86fdf29be here: {effects:?}"
    );
    assert_eq!(s.stream.filter.to_string(), "container:fae86fdf29be");
    // The fixture's container: its oldest process is inspected.
    let mut s = alerts_state();
    let mut a = alerts()[1].clone();
    a.pid = None;
    update(&mut s, Event::Alerts(vec![a]));
    press(&mut s, "p");
    assert_eq!(s.inspect.as_ref().map(|v| v.pid), Some(4300));
}

#[test]
fn pivot_with_nothing_selected_says_so() {
    let mut s = state();
    assert!(key(&mut s, KeyCode::Char('p')).is_empty());
    assert!(matches!(&s.message, Some((Severity::Error, m)) if m == "no alert selected"));
}

#[test]
fn flight_seconds_expire_old_events_from_the_buffer() {
    use crate::ui::test_support::sys;
    let mut s = state();
    s.flight.seconds = Some(1);
    let chunk = super::buffer::CHUNK as u64;
    let old: Vec<_> = (0..chunk)
        .map(|i| sys(i / 1000, 10, b"old", 0, 0))
        .collect();
    update(
        &mut s,
        Event::Kernel(super::event::KernelBatch {
            cgroups: vec![],
            events: old,
        }),
    );
    let before = s.buffer.len();
    let new = vec![sys(5_000, 11, b"new", 0, 0)];
    update(
        &mut s,
        Event::Kernel(super::event::KernelBatch {
            cgroups: vec![],
            events: new,
        }),
    );
    assert!(s.buffer.expired() > 0, "events older than 1 s went");
    assert!(s.buffer.len() < before);
    assert_eq!(s.buffer.dropped(), 0, "expiry is not a drop");
    assert!(super::flight::held_seconds(&s) < 5.0);
}

/// A real process named by an alert exits before the pivot: the snapshot taken
/// when the alert arrived is what the inspect view shows, with secrets masked.
#[test]
fn snapshot_outlives_the_process() {
    let mut child = Command::new("sleep")
        .arg("30")
        .env("DB_PASSWORD", "hunter2-do-not-show")
        .env("GREETING", "hello")
        .stdout(Stdio::null())
        .spawn()
        .expect("sleep runs");
    let pid = child.id();
    // Right after exec the kernel may not have laid out the new argv yet
    // (cmdline reads empty): wait until it has, as an alert would come later.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c.is_empty())
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let mut s = state();
    let mut a = alerts()[0].clone();
    a.pid = Some(pid);
    a.time_ns = wall(40);
    let effects = update(&mut s, Event::Alerts(vec![a]));
    assert_eq!(effects, vec![Effect::Snapshot(pid)]);
    // The runtime carries the effect out for real.
    let ev = crate::runtime::Runtime::new(None, false)
        .effects()
        .run(Effect::Snapshot(pid))
        .expect("an event");
    update(&mut s, ev);
    assert_eq!(s.flight.status(pid), SnapshotStatus::Taken);
    child.kill().expect("kill");
    child.wait().expect("reaped");

    press(&mut s, "p");
    let live = crate::runtime::Runtime::new(None, false)
        .effects()
        .run(Effect::Inspect(pid))
        .expect("an event");
    assert!(
        matches!(&live, Event::Inspected { result: Err(_), .. }),
        "the process is gone"
    );
    update(&mut s, live);
    let view = s.inspect.as_ref().expect("inspect view");
    assert!(view.from_snapshot);
    let ins: Arc<crate::inspect::Inspection> = match &view.data {
        Some(Ok(i)) => i.clone(),
        other => panic!("no snapshot shown: {other:?}"),
    };
    assert_eq!(ins.pid, pid);
    assert_eq!(ins.overview.cmdline, ["sleep", "30"]);
    let env = ins.environ.as_ref().expect("environ read");
    let secret = env
        .iter()
        .find(|e| e.name == "DB_PASSWORD")
        .expect("present");
    assert_eq!(secret.value, MASK, "stored masked for good");
    assert!(secret.masked);
    let plain = env.iter().find(|e| e.name == "GREETING").expect("present");
    assert_eq!(plain.value, "hello");
    assert!(ins.fds.is_some() && ins.overview.exe.is_some() && ins.overview.cwd.is_some());
}

#[test]
fn snapshots_are_capped_and_throttled() {
    let mut s = state();
    s.flight.cap = 3;
    for pid in 100..110 {
        let mut a = alerts()[0].clone();
        a.pid = Some(pid);
        update(&mut s, Event::Alerts(vec![a]));
        update(
            &mut s,
            Event::Snapshot {
                pid,
                result: Err("gone".into()),
            },
        );
    }
    assert_eq!(s.flight.snapshots.len(), 3);
    assert_eq!(s.flight.status(100), SnapshotStatus::None);
    assert_eq!(s.flight.status(109), SnapshotStatus::Failed("gone".into()));
    // A storm of alerts for new pids: only MAX_PENDING snapshots run at once.
    let mut s = state();
    let storm: Vec<_> = (1000..1100)
        .map(|pid| {
            let mut a = alerts()[0].clone();
            a.pid = Some(pid);
            a
        })
        .collect();
    let effects = update(&mut s, Event::Alerts(storm));
    assert_eq!(effects.len(), super::flight::MAX_PENDING);
}

#[test]
fn rule_counts_are_capped() {
    let mut s = state();
    let many: Vec<_> = (0..super::alerts_view::RULES_CAP + 5)
        .map(|i| {
            let mut a = alerts()[2].clone();
            a.rule = format!("rule {i}");
            a
        })
        .collect();
    update(&mut s, Event::Alerts(many));
    assert_eq!(s.alerts.by_rule.len(), super::alerts_view::RULES_CAP + 1);
    assert_eq!(s.alerts.by_rule[super::alerts_view::OTHER_RULES], 5);
}

#[test]
fn hostile_container_ids_do_not_panic() {
    let mut s = state();
    let mut a = alerts()[2].clone();
    a.container_id = Some("ééééééééééééééé\u{1b}[2J".into());
    a.pid = None;
    update(&mut s, Event::Alerts(vec![a]));
    press(&mut s, "ap");
    assert!(s.stream.filter.to_string().starts_with("container:éééééé"));
    let _ = crate::ui::test_support::draw(&s, &crate::ui::test_support::theme("mono"), 80, 24);
}
