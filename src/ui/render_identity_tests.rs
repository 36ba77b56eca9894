//! Snapshot tests of identity on screen: the "entered from the host" marks (inspect overview, processes pane) and the inspect view built from an alert's record.

use std::sync::Arc;

use super::test_support::{self as ts, draw, dump, text};
use crate::alerts::{Ancestor, ProcFacts};
use crate::app::inspect_view::Tab;
use crate::inspect::overview::Boundary;
use crate::ui::strings as s;

#[test]
fn inspect_marks_a_process_entered_from_the_host() {
    let mut ins = ts::inspection(ts::INSPECT_PID);
    ins.identity.entered_from_host = true;
    ins.overview.parents[0].boundary = Some(Boundary::EnteredFromHost);
    ins.overview.parents[0].pidns_init = false;
    ins.overview.parents[1].name = "nsenter".into();
    let st = ts::inspect_state(ts::INSPECT_PID, Tab::Overview, Some(Ok(ins)));
    for theme in ["dark", "mono"] {
        let t = draw(&st, &ts::theme(theme), 80, 24);
        let screen = text(t.backend().buffer());
        assert!(screen.contains(s::OV_NS_ENTERED), "{screen}");
        assert!(!screen.contains(s::OV_NS_INIT), "{screen}");
        insta::assert_snapshot!(format!("inspect_entered_80x24_{theme}"), dump(&t));
    }
}

#[test]
fn processes_pane_marks_a_process_entered_from_the_host() {
    let mut st = ts::state();
    let mut procs = ts::processes();
    let p = procs
        .iter_mut()
        .find(|p| p.pid == 1)
        .expect("fixture pid 1");
    p.entered_from_host = true;
    crate::app::update(&mut st, crate::app::Event::Processes(procs));
    let t = draw(&st, &ts::theme("dark"), 80, 24);
    let screen = text(t.backend().buffer());
    assert!(
        screen.contains(&format!("{} systemd", s::PROC_ENTERED_MARK)),
        "{screen}"
    );
    insta::assert_snapshot!("processes_entered_80x24_dark", dump(&t));
}

#[test]
fn inspect_of_a_gone_process_from_the_alert_record() {
    let f = ProcFacts {
        pid: 5150,
        ppid: 4100,
        vpid: 9,
        comm: "cat".into(),
        exepath: "/bin/cat".into(),
        argv: vec!["cat".into(), "/etc/shadow".into()],
        cwd: Some("/".into()),
        user: Some("root".into()),
        cap_eff: 0x400,
        ancestors: vec![
            Ancestor {
                pid: 4100,
                comm: "containerd-shim".into(),
                vpid: 4100,
            },
            Ancestor {
                pid: 1,
                comm: "systemd".into(),
                vpid: 1,
            },
        ],
        identity: ts::nginx_identity(),
        ..ProcFacts::default()
    };
    let ins = crate::app::flight::from_facts(&Arc::new(f));
    let st = ts::inspect_state(5150, Tab::Overview, Some(Ok(ins)));
    let t = draw(&st, &ts::theme("dark"), 80, 24);
    let screen = text(t.backend().buffer());
    assert!(screen.contains(s::OV_FROM_ALERT), "{screen}");
    assert!(screen.contains(s::OV_NS_RUNTIME_EXEC), "{screen}");
    assert!(screen.contains("shop/web-7c5b9f6d4-x2x9k"), "{screen}");
    assert!(!screen.contains(s::INSPECT_HOST), "{screen}");
    insta::assert_snapshot!("inspect_recorded_80x24_dark", dump(&t));
}
