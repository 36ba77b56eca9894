//! Snapshot tests of the audit view's detail naming the process an exec event started: exact (pid, comm, command line, the pivot key), ambiguous (every candidate), none yet; hostile user and command text escaped, secrets in argv masked.

use super::test_support::{self as ts, draw, dump, press, text};
use crate::app::event::Setup;
use crate::app::exec_track::tests::{exec_event, shell};
use crate::app::{AppState, Event, update};
use crate::ui::strings as s;

const OFF: i128 = 1_700_000_000_000_000_000;
const T: u64 = 1_000_000_000_000;

/// Shells `pids` the shim started in web-0, then one exec event by `user`, the audit view shown.
fn linked(pids: &[u32], user: &str) -> AppState {
    let mut st = ts::state();
    update(&mut st, Event::Setup(Setup::WallOffset(OFF)));
    let rows = pids
        .iter()
        .map(|p| {
            let mut sh = shell(*p, T);
            sh.exe = "/bin/sh\u{1b}]0;pwned\u{7}".into();
            sh
        })
        .collect();
    update(&mut st, Event::Processes(rows));
    update(&mut st, Event::Audit(vec![exec_event(T, user, "web-0")]));
    press(&mut st, "A");
    st
}

fn clean(screen: &str) {
    assert!(
        !screen
            .lines()
            .any(|l| l.chars().any(|c| c.is_control() || c == '\u{202e}')),
        "{screen:?}"
    );
}

#[test]
fn the_detail_names_the_linked_process_and_the_pivot_key() {
    let evil = "mal\u{1b}[2Jlory\u{202e}";
    let st = linked(&[4242], evil);
    for (w, h) in [(80, 24), (200, 50)] {
        let t = draw(&st, &ts::theme("mono"), w, h);
        let screen = text(t.backend().buffer());
        clean(&screen);
        assert!(screen.contains("process: pid 4242 sh"), "{screen}");
        assert!(screen.contains("· exact"), "{screen}");
        assert!(screen.contains(&s::audit_pivot_hint("p")), "{screen}");
        assert!(screen.contains("\\x1b]0;pwned\\x07"), "escaped: {screen}");
        insta::assert_snapshot!(format!("audit_linked_{w}x{h}_mono"), dump(&t));
    }
}

#[test]
fn ambiguous_and_missing_links_say_so() {
    let st = linked(&[4242, 4243], "eve");
    let t = draw(&st, &ts::theme("mono"), 80, 24);
    let screen = text(t.backend().buffer());
    assert!(
        screen.contains("process: ambiguous: pids 4242, 4243"),
        "{screen}"
    );
    assert!(
        !screen.contains(&s::audit_pivot_hint("p")),
        "no pivot offered: {screen}"
    );
    insta::assert_snapshot!("audit_ambiguous_80x24_mono", dump(&t));
    let st = linked(&[], "eve");
    let t = draw(&st, &ts::theme("mono"), 80, 24);
    let screen = text(t.backend().buffer());
    assert!(screen.contains("process: none yet"), "{screen}");
}
