//! Snapshot tests of the alerts pane's audit view: the fixture trail at 80x24, filtered, and hostile text from the cluster sanitized.

use super::test_support::{self as ts, draw, dump, press, text};
use crate::app::Event;
use crate::app::state::Pane;
use crate::model::audit::AuditEvent;

/// The state with the audit fixture (tests/fixtures/audit/audit.log) received.
fn audit_state() -> crate::app::AppState {
    let mut s = ts::state();
    let log = include_str!("../../tests/fixtures/audit/audit.log");
    let batch: Vec<AuditEvent> = log
        .lines()
        .map(|l| crate::alerts::intake::audit::parse_line(l).expect("fixture line"))
        .collect();
    crate::app::update(&mut s, Event::Audit(batch));
    s
}

#[test]
fn audit_view_of_the_alerts_pane() {
    let mut s = audit_state();
    press(&mut s, "A");
    assert_eq!(s.focus, Pane::Alerts);
    assert!(s.audit.shown);
    for theme in ["dark", "mono"] {
        let t = draw(&s, &ts::theme(theme), 80, 24);
        insta::assert_snapshot!(format!("audit_80x24_{theme}"), dump(&t));
    }
}

#[test]
fn who_execd_into_web_in_a_few_keys() {
    let mut s = audit_state();
    press(&mut s, "A/resource:pods/exec pod:web\n");
    let t = draw(&s, &ts::theme("mono"), 80, 24);
    let screen = text(t.backend().buffer());
    assert!(screen.contains("mallory"), "{screen}");
    assert!(!screen.contains("alice"), "{screen}");
    assert!(
        screen.contains("exec: sh -c id"),
        "the exec's command in the detail: {screen}"
    );
    insta::assert_snapshot!("audit_filtered_80x24_mono", dump(&t));
    // A again: back to the alerts.
    press(&mut s, "A");
    assert!(!s.audit.shown);
}

#[test]
fn hostile_audit_text_is_sanitized() {
    let mut s = ts::state();
    let mut e = crate::alerts::intake::audit::parse_line(
        r#"{"auditID":"h","stage":"ResponseComplete","verb":"get\u001b[2J","requestURI":"/api/v1/namespaces/x/secrets/a\u0007b?x=\u001b]0;pwned\u0007","stageTimestamp":"2026-11-30T10:00:00Z","objectRef":{"resource":"secrets\r\nfake row","namespace":"x","name":"\u202eevil"}}"#,
    )
    .expect("parses");
    e.user.username = "eve\u{1b}[31m\tred".into();
    e.user_agent = "\u{0}\u{7f}agent".into();
    crate::app::update(&mut s, Event::Audit(vec![e]));
    press(&mut s, "A");
    let t = draw(&s, &ts::theme("mono"), 80, 24);
    let screen = text(t.backend().buffer());
    assert!(
        !screen
            .lines()
            .any(|l| l.chars().any(|c| c.is_control() || c == '\u{202e}')),
        "{screen:?}"
    );
    assert!(
        screen.contains("eve\\x1b[31m"),
        "escapes shown, not run: {screen}"
    );
    insta::assert_snapshot!("audit_hostile_80x24_mono", dump(&t));
}

#[test]
fn audit_rule_alerts_show_their_source() {
    let mut s = ts::state();
    let log = include_str!("../../tests/fixtures/audit/audit.log");
    let mut engine = crate::rules::setup::build_audit_engine(&[], true).expect("audit rules");
    let mut alerts = Vec::new();
    for l in log.lines() {
        let e = crate::alerts::intake::audit::parse_line(l).expect("fixture line");
        engine.process_audit(&e, &mut alerts);
    }
    assert_eq!(alerts.len(), 5);
    // the machine's name is not the snapshot's
    alerts.iter_mut().for_each(|a| a.hostname = "node-1".into());
    crate::app::update(&mut s, Event::Alerts(alerts));
    press(&mut s, "a");
    let t = draw(&s, &ts::theme("mono"), 80, 24);
    let screen = text(t.backend().buffer());
    assert!(screen.contains("k8s_audit"), "{screen}");
    insta::assert_snapshot!("audit_alerts_80x24_mono", dump(&t));
}
