//! Root tab, end to end: the real root-reading effect on a pseudo-filesystem file, drawn as a refusal (snapshot).

use super::test_support::{self as ts, draw, dump, text};
use crate::app::inspect_view::Tab;
use crate::app::{Effect, Event, update};

#[test]
fn root_tab_refuses_pseudo_filesystem_files() {
    // Our own root has procfs at /proc: /proc/self/environ there is our environment.
    let own = std::process::id();
    let ev = crate::runtime::Runtime::new(None, false)
        .effects()
        .run(Effect::ReadRoot(own, "/proc/self/environ".into()));
    let Some(Event::RootFile { path, result, .. }) = ev else {
        panic!("unexpected {ev:?}");
    };
    let msg = result.as_ref().expect_err("refused");
    assert_eq!(
        msg.message,
        "/proc/self/environ: on a pseudo-filesystem (proc), not read"
    );
    let mut s = ts::inspect_state(
        ts::INSPECT_PID,
        Tab::Root,
        Some(Ok(ts::inspection(ts::INSPECT_PID))),
    );
    let pid = ts::INSPECT_PID;
    update(&mut s, Event::RootFile { pid, path, result });
    let t = draw(&s, &ts::theme("dark"), 80, 24);
    let shown = text(t.backend().buffer());
    assert!(
        shown.contains("pseudo-filesystem (proc), not read"),
        "{shown}"
    );
    assert!(!shown.contains("PATH="), "{shown}");
    insta::assert_snapshot!("inspect_root_pseudo_fs_80x24_dark", dump(&t));
}
