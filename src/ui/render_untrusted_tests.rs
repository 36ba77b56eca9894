//! Untrusted argv on screen: bidi overrides, zero-width characters and backslashes shown escaped, arguments quoted, secrets masked until `R`.

use super::test_support::{self as ts, draw, dump, press, text};
use crate::app::inspect_view::Tab;

/// Overview of a process whose argv tries to pass for something else.
fn hostile_argv_state() -> crate::app::state::AppState {
    let mut ins = ts::inspection(ts::INSPECT_PID);
    ins.overview.cmdline = [
        "sh",
        "evil\u{202e}gpj.exe",
        "\\x1b[2J",
        "a b",
        "",
        "zero\u{200b}width\u{feff}",
        "--password=hunter2",
    ]
    .map(String::from)
    .to_vec();
    ts::inspect_state(ts::INSPECT_PID, Tab::Overview, Some(Ok(ins)))
}

#[test]
fn hostile_argv_on_the_overview() {
    let mut s = hostile_argv_state();
    let t = draw(&s, &ts::theme("mono"), 80, 24);
    let screen = text(t.backend().buffer());
    for want in [
        r"evil\u{202e}gpj.exe",
        r"\\x1b[2J",
        "'a b'",
        "''",
        r"zero\u{200b}width\u{feff}",
        "--password=••••••••",
    ] {
        assert!(screen.contains(want), "{want} in:\n{screen}");
    }
    assert!(!screen.contains("hunter2"), "{screen}");
    let raw = t.backend().buffer().content.iter().any(|c| {
        c.symbol().chars().any(|ch| {
            ch.is_control()
                || matches!(ch, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{feff}')
        })
    });
    assert!(
        !raw,
        "an invisible or reordering character reached the screen"
    );
    for theme in ["dark", "mono"] {
        let t = draw(&s, &ts::theme(theme), 80, 24);
        insta::assert_snapshot!(format!("inspect_hostile_argv_80x24_{theme}"), dump(&t));
    }
    // R reveals the argv secret (and says so)
    press(&mut s, "R");
    let t = draw(&s, &ts::theme("mono"), 80, 24);
    assert!(text(t.backend().buffer()).contains("--password=hunter2"));
}
