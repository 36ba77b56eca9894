//! Frame time where a pane once did work over a whole data set, small data
//! versus large, side by side in one run: the Root tab's preview of a 1 KiB
//! versus a 1 MiB file (text and strings, scrolled to the end), the alerts
//! pane with 10 versus 1,000 rules, and the inspect header and the container
//! summary's title with 1 K versus 100 K processes. `update` keeps what these
//! need (line index, rule ranking, pid index), so the ratio should stay ~1×.
//!
//! `cargo bench --bench frame_views`. Environment: `KT_FRAMES` (per cell, default 300).

mod common;

use std::sync::Arc;
use std::time::Instant;

use ktriage::alerts::{Alert, AlertOrigin, Priority};
use ktriage::app::event::{AggRow, ProcInfo, Setup};
use ktriage::app::input::{Edit, Input};
use ktriage::app::state::SummaryScope;
use ktriage::app::{Action, AppState, Core, Event};
use ktriage::collector::clock::WallClock;
use ktriage::inspect::rootfs::FileView;
use ktriage::ui::keymap::Keymap;
use ktriage::ui::render::render;
use ktriage::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::percentile;

const W: u16 = 200;
const H: u16 = 50;
const PID: u32 = 1000;
const CONTAINER: &str = "3f2a9c1b7d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4";

fn act(s: &mut Core, a: Action) {
    s.dispatch(Event::Input(Input::Action(a)));
}

fn base(procs: u32) -> Core {
    let mut s = Core::new(AppState::new(1_000));
    s.dispatch(Event::Setup(Setup::KeyHelp(Keymap::default().key_help())));
    s.dispatch(Event::Resize(W, H));
    let p: Vec<ProcInfo> = (0..procs)
        .map(|i| ProcInfo {
            pid: PID + i,
            ppid: 1,
            comm: format!("proc-{i}"),
            // the container's process is the last one: a scan would cross them all
            container_id: (i == procs - 1).then(|| CONTAINER.to_string()),
            ..ProcInfo::default()
        })
        .collect();
    s.dispatch(Event::Processes(p));
    s.dispatch(Event::Summary(vec![AggRow {
        tgid: PID + procs - 1,
        nr: 0,
        calls: 10,
        errors: 0,
        time_ns: 1_000,
    }]));
    s
}

/// The inspect view of the process on the processes pane's first (or last) row.
fn open_inspect(s: &mut Core, last: bool) {
    act(s, Action::NextPane);
    act(s, Action::NextPane);
    if last {
        act(s, Action::Bottom);
    }
    act(s, Action::Enter);
    assert!(s.state().inspect.is_some(), "enter opened the inspect view");
}

/// A text file of `bytes` bytes in 40-byte lines.
fn file(bytes: usize) -> FileView {
    let mut data = Vec::with_capacity(bytes);
    let mut n = 0;
    while data.len() < bytes {
        data.extend_from_slice(format!("line {n:08} some text\tand more here\n").as_bytes());
        n += 1;
    }
    data.truncate(bytes);
    FileView {
        path: "/big".into(),
        resolved: "/big".into(),
        size: data.len() as u64,
        data,
        truncated: false,
    }
}

/// The Root tab with a file of `bytes` open at its end, as text or as strings.
fn preview(bytes: usize, strings: bool) -> Core {
    let mut s = base(10);
    open_inspect(&mut s, false);
    for _ in 0..3 {
        act(&mut s, Action::NextPane);
    }
    s.dispatch(Event::RootFile {
        pid: PID,
        path: "/big".into(),
        result: Ok(Arc::new(file(bytes))),
    });
    if strings {
        act(&mut s, Action::FileView);
    }
    act(&mut s, Action::Bottom);
    s
}

/// The alerts pane with 10,000 alerts over `rules` rules.
fn alerts(rules: usize) -> Core {
    let mut s = base(10);
    let batch: Vec<Alert> = (0..10_000)
        .map(|i| Alert {
            time_ns: 1_700_000_000_000_000_000 + i as u64,
            rule: format!("rule {:04}", (i * 7919) % rules),
            priority: Priority::Warning,
            source: "syscall".into(),
            hostname: "node".into(),
            output: "something happened".into(),
            output_fields: Default::default(),
            tags: Vec::new(),
            origin: AlertOrigin::Engine,
            pid: Some(PID),
            container_id: None,
            facts: None,
        })
        .collect();
    s.dispatch(Event::Alerts(batch));
    act(&mut s, Action::FocusAlerts);
    s
}

/// The inspect view loading (its header names the process from the table).
fn inspect_header(procs: u32) -> Core {
    let mut s = base(procs);
    open_inspect(&mut s, true);
    s
}

/// The summary scoped to the container of the last process.
fn container_summary(procs: u32) -> Core {
    let mut s = base(procs);
    act(&mut s, Action::OpenCommand);
    for c in format!("summary container:{}", &CONTAINER[..12]).chars() {
        s.dispatch(Event::Input(Input::Edit(Edit::Char(c))));
    }
    s.dispatch(Event::Input(Input::Edit(Edit::Submit)));
    assert!(
        matches!(s.state().summary_scope, SummaryScope::Container(_)),
        "the command scoped the summary"
    );
    s
}

fn frames(s: &Core, n: usize, theme: &Theme, clock: &WallClock) -> (f64, f64) {
    let mut term = Terminal::new(TestBackend::new(W, H)).expect("test terminal");
    let mut ms = Vec::with_capacity(n);
    for i in 0..n + 3 {
        let t = Instant::now();
        term.draw(|f| render(f, &s.state().view(), theme, clock))
            .expect("draw");
        if i >= 3 {
            ms.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    (percentile(&ms, 50.0), percentile(&ms, 99.0))
}

fn main() {
    let n = std::env::var("KT_FRAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300usize);
    let theme = Theme::default();
    let clock = WallClock::now();
    type Build = Box<dyn Fn(bool) -> Core>;
    let cases: Vec<(&str, &str, &str, Build)> = vec![
        (
            "root preview, text",
            "1 KiB",
            "1 MiB",
            Box::new(|big| preview(if big { 1 << 20 } else { 1 << 10 }, false)),
        ),
        (
            "root preview, strings",
            "1 KiB",
            "1 MiB",
            Box::new(|big| preview(if big { 1 << 20 } else { 1 << 10 }, true)),
        ),
        (
            "alerts by rule",
            "10",
            "1,000",
            Box::new(|big| alerts(if big { 1_000 } else { 10 })),
        ),
        (
            "inspect header",
            "1K procs",
            "100K procs",
            Box::new(|big| inspect_header(if big { 100_000 } else { 1_000 })),
        ),
        (
            "container summary title",
            "1K procs",
            "100K procs",
            Box::new(|big| container_summary(if big { 100_000 } else { 1_000 })),
        ),
    ];
    println!("frame_views: {W}x{H} TestBackend, {n} frames per cell, ms");
    println!(
        "{:<26} {:>11} {:>8} {:>8} {:>11} {:>8} {:>8} {:>10}",
        "pane", "small", "p50", "p99", "large", "p50", "p99", "p50 ratio"
    );
    for (name, small, large, build) in &cases {
        let (s, l) = (build(false), build(true));
        // interleaved halves, so drift hits both sides alike
        let (s1, s99a) = frames(&s, n / 2, &theme, &clock);
        let (l1, l99a) = frames(&l, n / 2, &theme, &clock);
        let (s2, s99b) = frames(&s, n / 2, &theme, &clock);
        let (l2, l99b) = frames(&l, n / 2, &theme, &clock);
        let (s50, s99) = ((s1 + s2) / 2.0, s99a.max(s99b));
        let (l50, l99) = ((l1 + l2) / 2.0, l99a.max(l99b));
        println!(
            "{name:<26} {small:>11} {s50:>8.3} {s99:>8.3} {large:>11} {l50:>8.3} {l99:>8.3} {:>9.2}x",
            l50 / s50
        );
    }
}
