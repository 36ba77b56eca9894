//! A scap capture replayed: its events in the stream pane with their capture times, identities and arguments (mapped syscalls decoded as live ones, the others as the capture's parameters), and its summary (snapshots at 80×24).

use super::test_support::{self as ts, dump, text};
use crate::app::event::Setup;
use crate::app::{AppState, Event, update};
use crate::collector::clock::WallClock;

/// The curl sample capture fed to a state, with the stream filtered by `filter`.
fn replayed(filter: &str) -> AppState {
    let mut s = ts::empty_state();
    update(&mut s, Event::Setup(Setup::Filter(filter.into())));
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/scap/curl_google.scap"
    );
    let mut feed = crate::scap::read::feed::Feed::open(std::path::Path::new(path)).expect("opens");
    while let Some(it) = feed.next_item() {
        update(&mut s, it.expect("reads").1);
    }
    s
}

fn draw(s: &AppState, width: u16) -> ratatui::Terminal<ratatui::backend::TestBackend> {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, 24)).unwrap();
    // capture times are wall-clock times already
    let clock = WallClock::with_offset(0);
    t.draw(|f| super::render::render(f, &s.view(), &ts::theme("dark"), &clock))
        .unwrap();
    t
}

#[test]
fn a_captures_connects_show_with_their_peers_and_capture_times() {
    let s = replayed("syscall:connect");
    let t = draw(&s, 80);
    let shown = text(t.backend().buffer());
    assert!(
        shown.contains("17:35:48.547   17497 curl       connect  -115 EINPRO"),
        "{shown}"
    );
    insta::assert_snapshot!("capture_connects_80x24", dump(&t));
    // the arguments the row is drawn from (cut at 80 columns)
    let rows: Vec<String> = s
        .stream
        .matched
        .iter()
        .filter_map(|q| s.buffer.get(*q))
        .map(|e| crate::app::describe::args_line(&e))
        .collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows[3],
        "fd=4 addr=[2607:f8b0:4004:802::2004]:80 family=AF_INET6"
    );
    assert_eq!(rows[0], "fd=4 addr=/var/run/nscd/socket family=AF_UNIX");
}

#[test]
fn a_captures_other_events_show_their_parameters() {
    let s = replayed("syscall:mmap pid:17497");
    let t = draw(&s, 80);
    insta::assert_snapshot!("capture_mmap_80x24", dump(&t));
    let shown = text(t.backend().buffer());
    assert!(shown.contains("17497 curl       mmap     140"), "{shown}");
    let last = s
        .stream
        .matched
        .back()
        .and_then(|q| s.buffer.get(*q))
        .expect("a row");
    let args = crate::app::describe::args_line(&last);
    assert!(
        args.starts_with("addr=7F") && args.contains(" res=7F"),
        "{args}"
    );
}
