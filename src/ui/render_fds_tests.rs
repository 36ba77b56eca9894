//! The inspect view's Fds tab: rows are selectable, enter previews the target (a file read through the process's root, a socket's details), esc goes back.

use std::sync::Arc;

use super::test_support::{self as ts, draw, dump, press, text};
use crate::app::inspect_view::Tab;
use crate::app::{Effect, Event, update};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn enter(s: &mut crate::app::AppState) -> Vec<Effect> {
    crate::ui::test_support::send_key(s, KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
}

#[test]
fn fds_rows_select_and_preview_a_file_through_the_root() {
    let mut s = ts::inspect_state(
        ts::INSPECT_PID,
        Tab::Fds,
        Some(Ok(ts::inspection(ts::INSPECT_PID))),
    );
    // fd 9 is /var/log/nginx/access.log (the 10th row).
    press(&mut s, &"j".repeat(9));
    let list = draw(&s, &ts::theme("dark"), 80, 24);
    insta::assert_snapshot!("inspect_fds_selected_80x24_dark", dump(&list));
    let path = "/var/log/nginx/access.log".to_string();
    assert_eq!(
        enter(&mut s),
        vec![Effect::ReadRoot(ts::INSPECT_PID, path.clone())]
    );
    update(
        &mut s,
        Event::RootFile {
            pid: ts::INSPECT_PID,
            path,
            result: Ok(Arc::new(ts::text_file())),
        },
    );
    let t = draw(&s, &ts::theme("dark"), 80, 24);
    insta::assert_snapshot!("inspect_fd_preview_file_80x24_dark", dump(&t));
    let v = s.inspect.as_ref().expect("open");
    assert!(
        v.root.file.is_none(),
        "the Root tab's own file is untouched"
    );
    // esc closes the preview, not the view; the selection stays.
    crate::ui::test_support::send_key(&mut s, KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    let v = s.inspect.as_ref().expect("still open");
    assert!(!v.fd_open);
    assert_eq!(v.fd_selected, 9);
}

#[test]
fn fds_preview_of_a_socket_shows_its_details_and_deleted_stays_visible() {
    let mut s = ts::inspect_state(
        ts::INSPECT_PID,
        Tab::Fds,
        Some(Ok(ts::inspection(ts::INSPECT_PID))),
    );
    // The memfd row: `(deleted)` is never cut, even at 40 columns.
    press(&mut s, &"j".repeat(8));
    let narrow = text(draw(&s, &ts::theme("mono"), 40, 24).backend().buffer());
    assert!(narrow.contains("(deleted)"), "{narrow}");
    // fd 3: a socket.
    press(&mut s, &"k".repeat(5));
    assert!(enter(&mut s).is_empty(), "a socket needs no read");
    let t = draw(&s, &ts::theme("dark"), 80, 24);
    insta::assert_snapshot!("inspect_fd_preview_socket_80x24_dark", dump(&t));
    let screen = text(t.backend().buffer());
    assert!(screen.contains("fd 3 → socket:[31001]"), "{screen}");
    assert!(screen.contains("state"), "{screen}");
}
