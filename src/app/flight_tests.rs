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
