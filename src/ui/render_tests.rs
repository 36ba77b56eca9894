//! Snapshot tests of every screen (text + styles) at 80×24 and 200×50 in the dark and mono themes, plus virtualization and tiny-terminal checks.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::test_support::{self as ts, draw, dump, press, text};
use crate::app::event::{CollectorState, KernelBatch};
use crate::app::state::{AppState, Mode, Pane};
use crate::app::{Event, update};
use crate::ui::render::layout;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];
const THEMES: [&str; 2] = ["dark", "mono"];

fn snapshot_all(screen: &str, state: &AppState) {
    for (w, h) in SIZES {
        for theme in THEMES {
            let t = draw(state, &ts::theme(theme), w, h);
            insta::assert_snapshot!(format!("{screen}_{w}x{h}_{theme}"), dump(&t));
        }
    }
}

#[test]
fn main_screen() {
    snapshot_all("main", &ts::state());
}

#[test]
fn help_overlay() {
    let mut s = ts::state();
    press(&mut s, "?");
    assert_eq!(s.mode, Mode::Help);
    snapshot_all("help", &s);
}

#[test]
fn help_overlay_scrolls_and_lists_every_binding_of_the_context() {
    let mut s = ts::state();
    press(&mut s, "?");
    let top = text(draw(&s, &ts::theme("mono"), 80, 24).backend().buffer());
    assert!(top.contains("help 1-22 of "), "{top}");
    assert!(!top.contains("(unbound)"), "{top}");
    for full in [
        "Alert → its process, events at that time, its pod",
        "Summary: selected process, container or pod / all",
    ] {
        assert!(top.contains(full), "nothing cut at 80 columns:\n{top}");
    }
    for _ in 0..40 {
        update(
            &mut s,
            Event::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)),
        );
    }
    let t = draw(&s, &ts::theme("mono"), 80, 24);
    insta::assert_snapshot!("help_scrolled_80x24_mono", dump(&t));
    let end = text(t.backend().buffer());
    for want in [
        ":summary container:ID",
        ":summary pod:NS/NAME",
        "pid:N comm:NAME",
        ":filter EXPR",
    ] {
        assert!(end.contains(want), "{want}:\n{end}");
    }
    assert!(
        end.contains("summary of a pod; :summary all: every process"),
        "{end}"
    );
    // Up goes back up right away (the offset is clamped, not past the end).
    update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::Up, KeyModifiers::NONE)),
    );
    let up = text(draw(&s, &ts::theme("mono"), 80, 24).backend().buffer());
    assert_ne!(up, end);
    // The inspect view's own keys are listed there (not "(unbound)").
    update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    press(&mut s, "\n?");
    assert!(s.inspect.is_some());
    let insp = text(draw(&s, &ts::theme("mono"), 80, 24).backend().buffer());
    assert!(
        insp.contains("Inspect: show / hide masked secrets"),
        "{insp}"
    );
    assert!(!insp.contains("(unbound)"), "{insp}");
    // The alerts pane lists its own filter syntax.
    update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    press(&mut s, "a?");
    for _ in 0..40 {
        update(
            &mut s,
            Event::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)),
        );
    }
    let al = text(draw(&s, &ts::theme("mono"), 80, 24).backend().buffer());
    assert!(al.contains("priority:P rule:TEXT"), "{al}");
}

#[test]
fn filter_input() {
    let mut s = ts::state();
    press(&mut s, "/pid:4300\n/");
    // The old filter opens selected; a move keeps it and typing appends.
    update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::End, KeyModifiers::NONE)),
    );
    press(&mut s, " conn");
    assert_eq!(s.mode, Mode::Filter("pid:4300 conn".into()));
    snapshot_all("filter", &s);
}

#[test]
fn finder_overlay() {
    let mut s = ts::state();
    let ctrl_p = KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL);
    update(&mut s, Event::Key(ctrl_p));
    assert_eq!(s.mode, Mode::Finder);
    press(&mut s, "web");
    snapshot_all("finder", &s);
}

#[test]
fn process_tree_sorted_by_calls() {
    let mut s = ts::state();
    press(&mut s, "\t\tto");
    assert_eq!(s.focus, Pane::Processes);
    assert!(s.process_view.tree);
    snapshot_all("process_tree", &s);
}

#[test]
fn degraded_banner() {
    let mut s = ts::empty_state();
    let reason = "not running as root".to_string();
    let fix = "run as root: sudo ktriage".to_string();
    update(
        &mut s,
        Event::Collector(CollectorState::Degraded { reason, fix }),
    );
    update(&mut s, Event::Processes(ts::processes()));
    snapshot_all("degraded", &s);
}

#[test]
fn summary_for_one_process_focused() {
    let mut s = ts::state();
    // Select the curl row of the stream (the exec), scope the summary to it, focus it.
    press(&mut s, "kkkkkkks\t");
    assert_eq!(s.focus, Pane::Summary);
    let t = draw(&s, &ts::theme("dark"), 80, 24);
    insta::assert_snapshot!("summary_pid_80x24_dark", dump(&t));
}

#[test]
fn untrusted_text_is_escaped() {
    let t = draw(&ts::state(), &ts::theme("mono"), 200, 50);
    let screen = text(t.backend().buffer());
    assert!(screen.contains(r"evil\x1b[2J\x07"), "{screen}");
    assert!(screen.contains(r"/tmp/.x\x1b]0;pwned\x07"), "{screen}");
    let raw = t
        .backend()
        .buffer()
        .content
        .iter()
        .any(|c| c.symbol().chars().any(char::is_control));
    assert!(!raw, "a control character reached the screen");
}

#[test]
fn focused_pane_is_always_visible() {
    for (w, h) in [(80, 24), (60, 20), (50, 14), (40, 10), (200, 50), (20, 6)] {
        for pane in Pane::ORDER {
            let mut s = ts::state();
            s.focus = pane;
            let a = layout(ratatui::layout::Rect::new(0, 0, w, h), &s);
            let shown = match pane {
                Pane::Stream => a.stream,
                Pane::Summary => a.summary,
                Pane::Processes | Pane::Pods => a.processes,
                Pane::Alerts => a.alerts,
            };
            assert!(
                shown.is_some_and(|r| r.height >= 3),
                "{pane:?} hidden at {w}x{h}: {a:?}"
            );
        }
    }
}

#[test]
fn tiny_terminals_do_not_panic() {
    let mut states = vec![ts::state()];
    for keys in ["?", "/pid:1", ":summary 4300", "\t", "\t\t"] {
        let mut s = ts::state();
        press(&mut s, keys);
        states.push(s);
    }
    let mut degraded = ts::state();
    let why = CollectorState::Degraded {
        reason: "x".repeat(300),
        fix: "y".repeat(300),
    };
    update(&mut degraded, Event::Collector(why));
    degraded.message = Some((crate::app::state::Severity::Error, "e".repeat(500)));
    states.push(degraded);
    for s in &states {
        for theme in THEMES {
            for (w, h) in [(1, 1), (10, 5), (2, 30), (120, 2), (30, 3), (0, 0), (81, 7)] {
                draw(s, &ts::theme(theme), w, h);
            }
        }
    }
}

fn big_state(n: u32) -> AppState {
    let mut s = AppState::new(n as usize, crate::ui::keymap::Keymap::default());
    let events = (0..n)
        .map(|i| ts::sys(u64::from(i), 1_000_000 + i, b"load", 0, 1))
        .collect();
    update(
        &mut s,
        Event::Kernel(KernelBatch {
            cgroups: Vec::new(),
            events,
        }),
    );
    s
}

#[test]
fn stream_builds_only_visible_rows() {
    let mut s = big_state(200_000);
    assert_eq!(s.stream_len(), 200_000);
    let theme = ts::theme("dark");
    draw(&s, &theme, 80, 24); // warm-up
    let start = Instant::now();
    let t = draw(&s, &theme, 80, 24);
    let took = start.elapsed();
    eprintln!("80x24 render over 200k buffered events: {took:?}");
    assert!(took < Duration::from_millis(50), "render took {took:?}");
    let screen = text(t.backend().buffer());
    assert!(
        screen.contains("1199999"),
        "newest row missing when following:\n{screen}"
    );
    assert!(!screen.contains("1000000"), "{screen}");

    update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE)),
    );
    assert!(!s.stream.follow);
    assert_eq!(s.stream_pos(), Some(0));
    let t = draw(&s, &theme, 80, 24);
    let screen = text(t.backend().buffer());
    assert!(screen.contains("[paused]"), "{screen}");
    let buf = t.backend().buffer();
    let row = (0..24)
        .find(|y| text_row(buf, *y).contains("1000000"))
        .expect("selected row shown");
    let selected = ts::theme("dark").style(crate::ui::theme::Role::Selected);
    assert_eq!(
        buf[(5, row)].bg,
        selected.bg.expect("selected bg"),
        "selected row highlighted"
    );
    assert!(!screen.contains("1199999"), "{screen}");
}

fn text_row(buf: &ratatui::buffer::Buffer, y: u16) -> String {
    (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
}

// ---- Inspect view ----

use crate::app::inspect_view::Tab;
use crate::ui::theme::Role;

/// Snapshots an inspect screen at 80×24 in both themes, and at 200×50 too when `wide`.
fn snapshot_inspect(screen: &str, state: &AppState, wide: bool) {
    for (w, h) in SIZES {
        if (w, h) != SIZES[0] && !wide {
            continue;
        }
        for theme in THEMES {
            let t = draw(state, &ts::theme(theme), w, h);
            insta::assert_snapshot!(format!("inspect_{screen}_{w}x{h}_{theme}"), dump(&t));
        }
    }
}

fn inspected(tab: Tab) -> AppState {
    ts::inspect_state(
        ts::INSPECT_PID,
        tab,
        Some(Ok(ts::inspection(ts::INSPECT_PID))),
    )
}

#[test]
fn inspect_tabs() {
    for (tab, name, wide) in [
        (Tab::Overview, "overview", true),
        (Tab::Fds, "fds", true),
        (Tab::Environ, "environ", false),
        (Tab::Root, "root", true),
        (Tab::Mounts, "mounts", true),
        (Tab::Security, "security", true),
    ] {
        let s = inspected(tab);
        assert_eq!(s.inspect.as_ref().map(|v| v.tab), Some(tab));
        snapshot_inspect(name, &s, wide);
    }
}

#[test]
fn inspect_environ_revealed() {
    let mut s = inspected(Tab::Environ);
    press(&mut s, "R");
    assert!(s.inspect.as_ref().is_some_and(|v| v.reveal));
    snapshot_inspect("environ_revealed", &s, true);
}

#[test]
fn inspect_root_file_previews() {
    let s = ts::root_file_state("shadow-link", ts::text_file());
    snapshot_inspect("root_text", &s, false);
    let mut s = ts::root_file_state("suid-helper", ts::binary_file());
    snapshot_inspect("root_strings", &s, false);
    press(&mut s, "v");
    snapshot_inspect("root_hex", &s, true);
}

#[test]
fn inspect_loading_exited_and_zombie() {
    let s = ts::inspect_state(ts::INSPECT_PID, Tab::Overview, None);
    snapshot_inspect("loading", &s, false);
    let gone = Err(format!("process {} exited", ts::INSPECT_PID));
    let s = ts::inspect_state(ts::INSPECT_PID, Tab::Overview, Some(gone));
    snapshot_inspect("exited", &s, false);
    let z = ts::inspection(ts::ZOMBIE_PID);
    assert!(z.exited);
    let s = ts::inspect_state(ts::ZOMBIE_PID, Tab::Overview, Some(Ok(z)));
    let t = draw(&s, &ts::theme("dark"), 80, 24);
    insta::assert_snapshot!("inspect_zombie_80x24_dark", dump(&t));
}

#[test]
fn inspect_help_draws_on_top() {
    let mut s = inspected(Tab::Fds);
    press(&mut s, "?");
    assert_eq!(s.mode, Mode::Help);
    let t = draw(&s, &ts::theme("dark"), 80, 24);
    let screen = text(t.backend().buffer());
    assert!(screen.contains(crate::ui::strings::HELP_TITLE), "{screen}");
    assert!(s.inspect.is_some(), "help leaves the view open under it");
}

/// Where `needle` starts on screen, if it is there.
fn find(buf: &ratatui::buffer::Buffer, needle: &str) -> Option<(u16, u16)> {
    (0..buf.area.height).find_map(|y| {
        let row = text_row(buf, y);
        let i = row.find(needle)?;
        Some((row[..i].chars().count() as u16, y))
    })
}

#[test]
fn masked_environ_values_never_reach_the_screen() {
    let secrets = [
        "hunter2",
        "s3cr3tpw",
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_16C7",
        "xoxb-",
        "PRIVATE KEY",
        "q8Zr2L",
        "api_token=abc",
    ];
    let s = inspected(Tab::Environ);
    for theme in THEMES {
        for (w, h) in [(80, 24), (200, 50), (300, 80), (40, 60), (10, 5)] {
            let t = draw(&s, &ts::theme(theme), w, h);
            let screen = text(t.backend().buffer());
            for secret in secrets {
                assert!(
                    !screen.contains(secret),
                    "{secret} drawn at {w}x{h}:\n{screen}"
                );
            }
        }
    }
    let t = draw(&s, &ts::theme("dark"), 200, 50);
    let screen = text(t.backend().buffer());
    assert!(
        screen.contains("DB_PASSWORD=••••••••  (masked: R to reveal)"),
        "{screen}"
    );
    assert!(screen.contains("NGINX_VERSION=1.25.3"), "{screen}");

    let mut s = s;
    press(&mut s, "R");
    let theme = ts::theme("dark");
    let t = draw(&s, &theme, 200, 50);
    let buf = t.backend().buffer();
    let screen = text(buf);
    assert!(screen.contains("DB_PASSWORD=hunter2"), "{screen}");
    assert!(
        screen.contains(crate::ui::strings::INSPECT_REVEALED),
        "{screen}"
    );
    let (x, y) = find(buf, "hunter2").expect("revealed value shown");
    let warning = theme.style(Role::Warning).fg.expect("warning colour");
    assert_eq!(
        buf[(x, y)].fg,
        warning,
        "revealed value in the warning role"
    );

    press(&mut s, "R");
    let t = draw(&s, &ts::theme("dark"), 200, 50);
    assert!(
        !text(t.backend().buffer()).contains("hunter2"),
        "masked again"
    );
}

#[test]
fn inspect_escapes_hostile_process_text() {
    let ins = ts::inspection(ts::HOSTILE_PID);
    for tab in Tab::ALL {
        let s = ts::inspect_state(ts::HOSTILE_PID, tab, Some(Ok(ins.clone())));
        let t = draw(&s, &ts::theme("mono"), 200, 50);
        let raw = t
            .backend()
            .buffer()
            .content
            .iter()
            .any(|c| c.symbol().chars().any(char::is_control));
        assert!(!raw, "a control character reached the screen on {tab:?}");
        if tab == Tab::Overview {
            let screen = text(t.backend().buffer());
            assert!(screen.contains(r"ev\x1b[31mil\x0aname"), "{screen}");
            assert!(screen.contains("deleted since exec"), "{screen}");
        }
    }
    for s in [
        ts::root_file_state("shadow-link", ts::text_file()),
        inspected(Tab::Root),
    ] {
        let t = draw(&s, &ts::theme("mono"), 200, 50);
        let raw = t
            .backend()
            .buffer()
            .content
            .iter()
            .any(|c| c.symbol().chars().any(char::is_control));
        assert!(!raw, "{}", text(t.backend().buffer()));
    }
}

#[test]
fn inspect_tiny_terminals_do_not_panic() {
    let ins = ts::inspection(ts::INSPECT_PID);
    let mut states: Vec<AppState> = Tab::ALL
        .iter()
        .map(|t| ts::inspect_state(ts::INSPECT_PID, *t, Some(Ok(ins.clone()))))
        .collect();
    states.push(ts::inspect_state(ts::INSPECT_PID, Tab::Overview, None));
    states.push(ts::inspect_state(ts::INSPECT_PID, Tab::Root, None));
    states.push(ts::inspect_state(
        ts::INSPECT_PID,
        Tab::Fds,
        Some(Err("e".repeat(500))),
    ));
    let mut revealed = inspected(Tab::Environ);
    press(&mut revealed, "R");
    states.push(revealed);
    states.push(ts::root_file_state("shadow-link", ts::text_file()));
    let mut hex = ts::root_file_state("suid-helper", ts::binary_file());
    states.push(ts::root_file_state("suid-helper", ts::binary_file()));
    press(&mut hex, "v");
    states.push(hex);
    let mut scrolled = inspected(Tab::Mounts);
    press(&mut scrolled, "G");
    states.push(scrolled);
    for s in &states {
        for theme in THEMES {
            for (w, h) in [
                (1, 1),
                (10, 5),
                (2, 30),
                (120, 2),
                (30, 3),
                (0, 0),
                (81, 7),
                (12, 4),
            ] {
                draw(s, &ts::theme(theme), w, h);
            }
        }
    }
}

#[test]
fn inspect_builds_only_visible_rows() {
    use crate::inspect::environ::EnvEntry;
    use crate::inspect::fds::{Fd, FdKind};

    let mut ins = ts::inspection(ts::INSPECT_PID);
    let n = 200_000u32;
    ins.environ = Some(
        (0..n)
            .map(|i| EnvEntry::new(format!("VAR_{i}"), "x".repeat(64)))
            .collect(),
    );
    ins.fds = Some(
        (0..n)
            .map(|i| Fd {
                fd: i,
                target: format!("/data/file-{i}"),
                kind: FdKind::File,
                flags: Some(0o2),
                pos: Some(0),
                socket: None,
            })
            .collect(),
    );
    let theme = ts::theme("dark");
    for tab in [Tab::Environ, Tab::Fds] {
        let mut s = ts::inspect_state(ts::INSPECT_PID, tab, Some(Ok(ins.clone())));
        press(&mut s, "G");
        draw(&s, &theme, 80, 24); // warm-up
        let start = Instant::now();
        let t = draw(&s, &theme, 80, 24);
        let took = start.elapsed();
        eprintln!("{tab:?} over {n} rows: {took:?}");
        assert!(took < Duration::from_millis(50), "render took {took:?}");
        let screen = text(t.backend().buffer());
        assert!(screen.contains("199999"), "last row shown:\n{screen}");
        assert!(
            screen.contains("–200,000/200,000"),
            "position shown:\n{screen}"
        );
    }
}

#[test]
fn inspect_root_loading_and_errors() {
    use std::sync::Arc;

    let screen = |s: &AppState| text(draw(s, &ts::theme("dark"), 80, 24).backend().buffer());
    let mut s = inspected(Tab::Root);
    s.inspect.as_mut().expect("open").root.entries = None;
    assert!(screen(&s).contains("listing /…"), "{}", screen(&s));

    let denied = "/root: permission denied".to_string();
    update(
        &mut s,
        Event::RootListed {
            pid: ts::INSPECT_PID,
            path: "/root".into(),
            result: Err(denied.clone()),
        },
    );
    let t = draw(&s, &ts::theme("dark"), 80, 24);
    let (x, y) = find(t.backend().buffer(), &denied).expect("listing error shown");
    let error = ts::theme("dark")
        .style(Role::Error)
        .fg
        .expect("error colour");
    assert_eq!(t.backend().buffer()[(x, y)].fg, error);

    let mut s = inspected(Tab::Root);
    let refused = "/dev/sda: is a block device, not a regular file; refusing to read it";
    update(
        &mut s,
        Event::RootFile {
            pid: ts::INSPECT_PID,
            path: "/dev/sda".into(),
            result: Err(refused.to_string()),
        },
    );
    let shown = screen(&s);
    assert!(shown.contains("root: /dev/sda"), "{shown}");
    assert!(shown.contains("refusing to read"), "{shown}");

    // A listing that arrives while the inspection is still loading is shown.
    let mut s = ts::inspect_state(ts::INSPECT_PID, Tab::Root, None);
    update(
        &mut s,
        Event::RootListed {
            pid: ts::INSPECT_PID,
            path: "/etc".into(),
            result: Ok(Arc::new(ts::root_entries())),
        },
    );
    let shown = screen(&s);
    assert!(shown.contains("root: /etc"), "{shown}");
    assert!(shown.contains("suid-helper"), "{shown}");
}
