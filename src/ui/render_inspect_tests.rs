//! Snapshot tests of the inspect view (every tab, loading/exited/zombie, revealed and masked environ, hostile text), plus virtualization and tiny-terminal checks.

use std::time::{Duration, Instant};

use super::render_tests::{SIZES, THEMES, text_row};
use super::test_support::{self as ts, draw, dump, press, text};
use crate::app::state::{AppState, Mode};
use crate::app::{Event, update};

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
        let raw = super::test_support::has_control(t.backend().buffer());
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
        let raw = super::test_support::has_control(t.backend().buffer());
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
            result: Err(denied.clone().into()),
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
            result: Err(refused.to_string().into()),
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
