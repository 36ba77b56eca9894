//! Unit tests of the flight recorder's snapshots built from an alert's record when /proc is gone.

use std::sync::Arc;

use super::*;
use crate::alerts::ProcFacts;
use crate::identity::{ContainerInfo, Identity};

fn facts(pid: u32) -> Arc<ProcFacts> {
    Arc::new(ProcFacts {
        pid,
        comm: "cat".into(),
        argv: vec!["cat".into(), "/etc/shadow".into()],
        identity: Identity {
            container: Some(ContainerInfo {
                id: "ab".repeat(32),
                name: Some("web".into()),
                ..ContainerInfo::default()
            }),
            ..Identity::default()
        },
        ..ProcFacts::default()
    })
}

fn live(pid: u32, exited: bool) -> Arc<Inspection> {
    let mut ins = from_facts(&ProcFacts {
        pid,
        comm: "live".into(),
        ..ProcFacts::default()
    });
    ins.recorded = false;
    ins.exited = exited;
    Arc::new(ins)
}

#[test]
fn a_gone_process_gets_the_alert_record() {
    let mut f = FlightRecorder::default();
    assert!(f.want(10, 1, Some(facts(10))));
    f.store(10, Err("process 10 exited".into()));
    assert_eq!(f.status(10), SnapshotStatus::Taken);
    let s = f.snapshot(10).expect("snapshot");
    assert!(s.recorded && s.exited);
    assert_eq!(s.overview.cmdline, ["cat", "/etc/shadow"]);
    let c = s.identity.container.as_ref().expect("container kept");
    assert_eq!(c.name.as_deref(), Some("web"));
}

#[test]
fn a_zombie_gets_the_alert_record_and_a_host_read_keeps_the_container() {
    let mut f = FlightRecorder::default();
    f.want(11, 1, Some(facts(11)));
    f.store(11, Ok(live(11, true)));
    assert!(f.snapshot(11).is_some_and(|s| s.recorded));
    // a live read that found no container (entered from the host) keeps the alert's
    f.want(12, 1, Some(facts(12)));
    f.store(12, Ok(live(12, false)));
    let s = f.snapshot(12).expect("snapshot");
    assert!(!s.recorded);
    assert_eq!(s.status.name, "live");
    assert!(s.identity.container.is_some());
    // the pivot's live read of a zombie shows the snapshot
    let (r, used) = f.live_or_snapshot(11, Ok(live(11, true)));
    assert!(used && r.is_ok_and(|i| i.recorded));
}

#[test]
fn without_a_record_a_gone_process_stays_failed() {
    let mut f = FlightRecorder::default();
    f.want(13, 1, None);
    f.store(13, Err("gone".into()));
    assert_eq!(f.status(13), SnapshotStatus::Failed("gone".into()));
}

#[test]
fn a_pivot_before_the_snapshot_shows_it_when_it_comes() {
    use crate::app::Event;
    use crate::app::update::{Effect, update};
    let mut s = crate::ui::test_support::state();
    let mut a = crate::ui::test_support::alerts::alerts()[0].clone();
    a.pid = Some(5150);
    a.facts = Some(facts(5150));
    assert_eq!(
        update(&mut s, Event::Alerts(vec![a])),
        vec![Effect::Snapshot(5150)]
    );
    crate::ui::test_support::press(&mut s, "p");
    update(
        &mut s,
        Event::Inspected {
            pid: 5150,
            result: Err("process 5150 exited".into()),
        },
    );
    assert!(matches!(
        s.inspect.as_ref().and_then(|v| v.data.as_ref()),
        Some(Err(_))
    ));
    update(
        &mut s,
        Event::Snapshot {
            pid: 5150,
            result: Err("process 5150 exited".into()),
        },
    );
    let v = s.inspect.as_ref().expect("view");
    assert!(v.from_snapshot);
    let Some(Ok(ins)) = &v.data else {
        panic!("{:?}", v.data)
    };
    assert!(ins.recorded);
    assert_eq!(
        ins.identity
            .container
            .as_ref()
            .and_then(|c| c.name.as_deref()),
        Some("web")
    );
}
