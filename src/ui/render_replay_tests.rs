//! The replay bar and the replay keys: marks on the timeline, play/pause, speed, jumps to alerts and actions, `:seek` (snapshots at 80×24).

use super::test_support::{self as ts, draw, dump, press, text};
use crate::app::replay::{Mark, MarkKind, ReplayCmd, ReplayStatus, Speed};
use crate::app::{Effect, Event, update};

const S: u64 = 1_000_000_000;

fn replaying() -> crate::app::AppState {
    let mut s = ts::state();
    let mark = |ts_ns, kind, label: &str| Mark {
        ts_ns,
        kind,
        label: label.into(),
    };
    let opened = ReplayStatus::Opened {
        file: "/tmp/incident.ktr".into(),
        start_ns: ts::T0,
        end_ns: ts::T0 + 60 * S,
        marks: vec![
            mark(
                ts::T0 + 10 * S,
                MarkKind::Alert,
                "Read sensitive file untrusted",
            ),
            mark(ts::T0 + 20 * S, MarkKind::Action, "pivot"),
            mark(ts::T0 + 30 * S, MarkKind::Note, "curl came first"),
            mark(
                ts::T0 + 50 * S,
                MarkKind::Alert,
                "Terminal shell in container",
            ),
        ],
    };
    update(&mut s, Event::Replay(opened));
    let at = ReplayStatus::At {
        pos_ns: ts::T0 + 25 * S,
        speed: Speed::X10,
        paused: false,
    };
    update(&mut s, Event::Replay(at));
    s
}

#[test]
fn replay_bar_shows_position_speed_and_marks() {
    let s = replaying();
    let t = draw(&s, &ts::theme("dark"), 80, 24);
    let shown = text(t.backend().buffer());
    assert!(shown.contains("▶ 10×"), "{shown}");
    assert!(shown.contains('A') && shown.contains('●'), "{shown}");
    insta::assert_snapshot!("replay_bar_80x24_dark", dump(&t));
    let mono = draw(&s, &ts::theme("mono"), 80, 24);
    insta::assert_snapshot!("replay_bar_80x24_mono", dump(&mono));
}

#[test]
fn replay_keys_steer_the_player() {
    let mut s = replaying();
    assert_eq!(
        ts::send_key(&mut s, key(' ')),
        vec![Effect::Replay(ReplayCmd::Pause)]
    );
    assert!(s.replay.as_ref().unwrap().paused);
    assert_eq!(
        ts::send_key(&mut s, key('>')),
        vec![Effect::Replay(ReplayCmd::Speed(Speed::Max))]
    );
    assert_eq!(
        ts::send_key(&mut s, key(']')),
        vec![Effect::Replay(ReplayCmd::Seek(ts::T0 + 50 * S))],
        "next alert after 25 s"
    );
    assert_eq!(
        ts::send_key(&mut s, key('[')),
        vec![Effect::Replay(ReplayCmd::Seek(ts::T0 + 10 * S))]
    );
    assert_eq!(
        ts::send_key(&mut s, key('}')),
        vec![Effect::Replay(ReplayCmd::Seek(ts::T0 + 30 * S))],
        "the note is the operator's next mark"
    );
    assert_eq!(
        ts::send_key(&mut s, key('{')),
        vec![Effect::Replay(ReplayCmd::Seek(ts::T0 + 20 * S))]
    );
    press(&mut s, ":seek +5\n");
    assert_eq!(s.message, None);
    let fx = ts::send_key(&mut s, key(':'));
    assert!(fx.is_empty());
    for c in "seek 99:00".chars() {
        ts::send_key(&mut s, key(c));
    }
    ts::send_key(
        &mut s,
        crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Enter),
    );
    let (_, msg) = s.message.clone().expect("a bad time is refused");
    assert!(msg.contains("expected HH:MM:SS"), "{msg}");
}

#[test]
fn replay_keys_outside_a_replay_say_so() {
    let mut s = ts::state();
    assert!(ts::send_key(&mut s, key(' ')).is_empty());
    let (_, msg) = s.message.clone().expect("a message");
    assert!(msg.contains("only while replaying"), "{msg}");
    let help = crate::app::help::content(&s);
    assert!(
        help.iter().all(|l| !l.text.starts_with("Replay")),
        "no replay keys in live help"
    );
}

fn key(c: char) -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char(c))
}
