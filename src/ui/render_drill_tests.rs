//! The drill task panel at 80×24: the statement and clock, hints revealed with `H`, `:answer` and a graded result with a failure reason, hostile drill text (snapshots).

use super::test_support::{self as ts, draw, dump, press, text};
use crate::app::drill_task::{DrillEvent, DrillGrade, DrillTask, GradeLine};
use crate::app::{Effect, Event, update};

fn task(statement: &str) -> DrillTask {
    DrillTask {
        name: "env-secret".into(),
        title: "A secret passed as an environment variable to a web pod".into(),
        statement: statement.into(),
        time_limit: 300,
        elapsed_at_start: 42,
        hints: vec![
            "`ktriage ps --containers-only` lists the lab's processes with their pod.".into(),
            "`ktriage inspect PID --reveal-secrets` shows a process's environment unmasked.".into(),
        ],
        hints_shown: 0,
        answer: None,
    }
}

const STATEMENT: &str = "A web frontend runs in pod `web-frontend` (namespace `shop`). The team passed\nits database password to it as an environment variable.\n\nFind the value of `DB_PASSWORD` of the process running in that pod.\n";

fn drilling(statement: &str) -> crate::app::AppState {
    let mut s = ts::state();
    update(&mut s, Event::Drill(DrillEvent::Task(task(statement))));
    s
}

#[test]
fn statement_and_clock() {
    let mut s = drilling(STATEMENT);
    update(&mut s, Event::Tick(2_000_000_000));
    update(&mut s, Event::Tick(12_000_000_000));
    let t = draw(&s, &ts::theme("mono"), 80, 24);
    let screen = text(t.backend().buffer());
    assert!(screen.contains("04:08 left"), "{screen}");
    assert!(screen.contains("DB_PASSWORD"), "{screen}");
    insta::assert_snapshot!("drill_statement_80x24", dump(&t));
}

#[test]
fn hints_one_by_one_then_answer() {
    let mut s = drilling(STATEMENT);
    press(&mut s, "H");
    let screen = text(draw(&s, &ts::theme("mono"), 80, 24).backend().buffer());
    assert!(
        screen.contains("hint 1:") && !screen.contains("hint 2:"),
        "{screen}"
    );
    press(&mut s, "H");
    press(&mut s, ":answer pw-1234\n");
    let t = draw(&s, &ts::theme("mono"), 80, 24);
    let screen = text(t.backend().buffer());
    assert!(
        screen.contains("hint 2:") && screen.contains("answer: pw-1234"),
        "{screen}"
    );
    insta::assert_snapshot!("drill_hints_answer_80x24", dump(&t));
}

#[test]
fn graded_result_with_a_failure_reason() {
    let mut s = drilling(STATEMENT);
    press(&mut s, ":answer wrong\n");
    let mut effects = Vec::new();
    for c in ":grade\n".chars() {
        effects = super::test_support::send_key(
            &mut s,
            crossterm::event::KeyEvent::new(
                match c {
                    '\n' => crossterm::event::KeyCode::Enter,
                    c => crossterm::event::KeyCode::Char(c),
                },
                crossterm::event::KeyModifiers::NONE,
            ),
        );
    }
    assert!(
        matches!(&effects[..], [Effect::DrillGrade { answer: Some(a), .. }] if a == "wrong"),
        "{effects:?}"
    );
    let g = DrillGrade {
        passed: false,
        elapsed_secs: 95,
        checks: vec![
            GradeLine {
                what: "the value of DB_PASSWORD in web-frontend/web".into(),
                passed: false,
                why: "the answer does not hold the value of DB_PASSWORD in web-frontend/web".into(),
            },
            GradeLine {
                what: "pod web-frontend still runs".into(),
                passed: true,
                why: String::new(),
            },
        ],
    };
    update(&mut s, Event::Drill(DrillEvent::Graded(Ok(g))));
    let t = draw(&s, &ts::theme("mono"), 80, 24);
    let screen = text(t.backend().buffer());
    assert!(screen.contains("FAIL in 01:35"), "{screen}");
    assert!(screen.contains("the answer does not hold"), "{screen}");
    insta::assert_snapshot!("drill_graded_fail_80x24", dump(&t));
}

#[test]
fn hostile_drill_text_is_escaped() {
    let mut s = drilling("Find \u{1b}[2J the \u{202e}secret\u{200b} now\u{7}\n");
    let mut t = task("x");
    t.name = "evil\u{1b}]0;pwned\u{7}".into();
    update(&mut s, Event::Drill(DrillEvent::Task(t.clone())));
    update(
        &mut s,
        Event::Drill(DrillEvent::Task(DrillTask {
            statement: "Find \u{1b}[2J the \u{202e}secret\u{200b} now\u{7}\n".into(),
            ..t
        })),
    );
    press(&mut s, ":answer \u{202e}gpj.exe\n");
    let t = draw(&s, &ts::theme("mono"), 80, 24);
    let raw = t.backend().buffer().content.iter().any(|c| {
        c.symbol().chars().any(|ch| {
            ch.is_control()
                || matches!(ch, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{feff}')
        })
    });
    assert!(!raw, "an escape or reordering character reached the screen");
    let screen = text(t.backend().buffer());
    assert!(screen.contains(r"\x1b[2J"), "{screen}");
    insta::assert_snapshot!("drill_hostile_80x24", dump(&t));
}
