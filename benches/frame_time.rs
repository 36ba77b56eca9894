//! TUI frame time: `Terminal<TestBackend>::draw` (render + diff) of
//! `ktriage::ui::render::render` at 200×50, with 1 M buffered events versus
//! 1 K, in follow mode, paused at the middle, and with a filter active.
//! One new event arrives between frames (untimed), as in a live session.
//! Cells are interleaved in rounds; p50/p99 are over all frames of a cell.
//!
//! `cargo bench --bench frame_time`. Environment: `KT_FRAMES` (per cell,
//! default 500), `KT_ROUNDS` (default 5).

mod common;

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ktriage::app::event::Setup;
use ktriage::app::event::{AggRow, CollectorState, CollectorStats, ProcInfo};
use ktriage::app::input::Input;
use ktriage::app::{Action, AppState, Core, Event};
use ktriage::collector::clock::WallClock;
use ktriage::ui::keymap::Keymap;
use ktriage::ui::render::render;
use ktriage::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::{CONTAINERS, Mix, fill, percentile};

const W: u16 = 200;
const H: u16 = 50;
const FILTER: &str = "syscall:connect";
/// Frames drawn at the start of each segment and not counted (the first one
/// after switching cells diffs against a stale screen).
const SEGMENT_WARMUP: usize = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Follow,
    Paused,
    Filter,
}

const MODES: [Mode; 3] = [Mode::Follow, Mode::Paused, Mode::Filter];

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Follow => "follow",
            Mode::Paused => "paused at middle",
            Mode::Filter => "filter syscall:connect",
        }
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn key(core: &mut Core, code: KeyCode, mods: KeyModifiers) {
    let keymap = Keymap::default();
    let target = core.state().input_target();
    if let Some(i) = ktriage::ui::input::translate(target, &keymap, &KeyEvent::new(code, mods)) {
        core.dispatch(Event::Input(i));
    }
}

/// Types a filter the way a user does: `/`, ctrl-u, the text, enter. Returns the time `update` took on enter.
fn type_filter(state: &mut Core, text: &str) -> f64 {
    key(state, KeyCode::Char('/'), KeyModifiers::NONE);
    key(state, KeyCode::Char('u'), KeyModifiers::CONTROL);
    for c in text.chars() {
        key(state, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let t = Instant::now();
    key(state, KeyCode::Enter, KeyModifiers::NONE);
    t.elapsed().as_secs_f64() * 1e3
}

/// A state as a live session has it: `n` buffered events, a summary, a process table, stats.
fn build_state(n: usize, mix: &mut Mix) -> Core {
    let mut s = Core::new(AppState::new(1_000_000));
    s.dispatch(Event::Setup(Setup::KeyHelp(Keymap::default().key_help())));
    s.dispatch(Event::Resize(W, H));
    s.dispatch(Event::Tick(0));
    s.dispatch(Event::Collector(CollectorState::Running));
    fill(&mut s, mix, n);
    let agg: Vec<AggRow> = (0..500u32)
        .flat_map(|p| {
            [0u32, 1, 3, 42, 59, 257, 262, 9]
                .into_iter()
                .map(move |nr| AggRow {
                    tgid: 1000 + p,
                    nr,
                    calls: u64::from(p * 7 + nr + 1),
                    errors: u64::from(nr % 3),
                    time_ns: u64::from(p + 1) * 1_000 * u64::from(nr + 1),
                })
        })
        .collect();
    s.dispatch(Event::Summary(agg));
    let procs: Vec<ProcInfo> = (0..500u32)
        .map(|p| ProcInfo {
            pid: 1000 + p,
            ppid: 1 + p / 10,
            uid: if p % 3 == 0 { 0 } else { 1000 },
            comm: format!("proc-{p}"),
            container_id: (p % 4 != 0).then(|| CONTAINERS[(p % 3) as usize].to_string()),
            ..ProcInfo::default()
        })
        .collect();
    s.dispatch(Event::Processes(procs));
    let stats = CollectorStats {
        attempted: n as u64,
        received: n as u64,
        ..CollectorStats::default()
    };
    s.dispatch(Event::Stats(stats));
    s.dispatch(Event::Tick(1_000_000_000));
    s
}

/// Puts `state` in `mode`; returns the filter apply time (ms) when a filter was set.
fn enter_mode(core: &mut Core, mode: Mode) -> Option<f64> {
    let filtered = !core.state().stream.filter.is_empty();
    let act = |core: &mut Core, a: Action| {
        core.dispatch(Event::Input(Input::Action(a)));
    };
    match mode {
        Mode::Filter => {
            if !filtered {
                return Some(type_filter(core, FILTER));
            }
            act(core, Action::Bottom);
        }
        Mode::Follow | Mode::Paused => {
            if filtered {
                type_filter(core, "");
            }
            act(core, Action::Bottom);
            if mode == Mode::Paused {
                // paused half a buffer back: page up from the newest row
                act(core, Action::ToggleFollow);
                let pages = core.state().stream_len() / 2 / core.state().page_rows().max(1);
                for _ in 0..pages.min(10_000) {
                    act(core, Action::PageUp);
                }
            }
        }
    }
    None
}

struct Cell {
    size: usize,
    mode: Mode,
    term: Terminal<TestBackend>,
    frames_ms: Vec<f64>,
}

fn main() {
    let frames = env_u64("KT_FRAMES", 500) as usize;
    let rounds = (env_u64("KT_ROUNDS", 5) as usize).max(1);
    let per_segment = frames.div_ceil(rounds);
    let theme = Theme::default();
    let clock = WallClock::now();

    let sizes = [1_000usize, 1_000_000];
    let mut mixes: Vec<Mix> = (0..sizes.len()).map(|i| Mix::new(42 + i as u64)).collect();
    let mut states: Vec<Core> = Vec::new();
    for (i, n) in sizes.iter().enumerate() {
        let t = Instant::now();
        states.push(build_state(*n, &mut mixes[i]));
        println!(
            "built a state with {n} events in {:.0} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    println!(
        "frame_time: {W}x{H} TestBackend, theme {}, {frames} frames per cell in {rounds} interleaved rounds, one new event between frames",
        theme.name()
    );

    let mut cells: Vec<Cell> = Vec::new();
    for size in &sizes {
        for mode in MODES {
            cells.push(Cell {
                size: *size,
                mode,
                term: Terminal::new(TestBackend::new(W, H)).expect("test terminal"),
                frames_ms: Vec::new(),
            });
        }
    }
    let mut apply_ms: Vec<(usize, f64)> = Vec::new();
    for round in 0..rounds {
        let mut order: Vec<usize> = (0..cells.len()).collect();
        order.rotate_left(round % cells.len());
        for ci in order {
            let cell = &mut cells[ci];
            let si = sizes.iter().position(|s| *s == cell.size).expect("size");
            let state = &mut states[si];
            if let Some(ms) = enter_mode(state, cell.mode) {
                apply_ms.push((cell.size, ms));
            }
            for f in 0..per_segment + SEGMENT_WARMUP {
                state.dispatch(Event::Kernel(mixes[si].batch(1)));
                let t = Instant::now();
                cell.term
                    .draw(|fr| render(fr, &state.state().view(), &theme, &clock))
                    .expect("draw");
                let ms = t.elapsed().as_secs_f64() * 1e3;
                if f >= SEGMENT_WARMUP {
                    cell.frames_ms.push(ms);
                }
            }
        }
    }

    if std::env::var_os("KT_SHOW").is_some() {
        for c in &cells {
            println!("--- last frame: {} events, {} ---", c.size, c.mode.name());
            let buf = c.term.backend().buffer();
            for y in 0..buf.area.height.min(12) {
                let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
                println!("{}", row.trim_end());
            }
        }
    }
    for (size, st) in sizes.iter().zip(&states) {
        println!(
            "state {size}: buffer len {}, stream rows listed {}",
            st.state().buffer.len(),
            st.state().stream_len()
        );
    }
    println!();
    println!(
        "{:<24} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>11} {:>11}",
        "mode",
        "1K p50",
        "1K p99",
        "1K max",
        "1M p50",
        "1M p99",
        "1M max",
        "p50 1M/1K",
        "p99 1M/1K"
    );
    let mut worst_p99: f64 = 0.0;
    let mut worst_ratio: f64 = 0.0;
    for mode in MODES {
        let get = |size: usize| {
            let c = cells
                .iter()
                .find(|c| c.size == size && c.mode == mode)
                .expect("cell");
            let max = c.frames_ms.iter().copied().fold(0.0, f64::max);
            (
                percentile(&c.frames_ms, 50.0),
                percentile(&c.frames_ms, 99.0),
                max,
            )
        };
        let (k50, k99, kmax) = get(1_000);
        let (m50, m99, mmax) = get(1_000_000);
        worst_p99 = worst_p99.max(m99);
        worst_ratio = worst_ratio.max(m99 / k99);
        println!(
            "{:<24} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>10.2}x {:>10.2}x",
            mode.name(),
            k50,
            k99,
            kmax,
            m50,
            m99,
            mmax,
            m50 / k50,
            m99 / k99
        );
    }
    println!(
        "(ms per draw; each cell {} frames)",
        cells[0].frames_ms.len()
    );
    for size in sizes {
        let v: Vec<f64> = apply_ms
            .iter()
            .filter(|(s, _)| *s == size)
            .map(|(_, ms)| *ms)
            .collect();
        println!(
            "applying the filter `{FILTER}` (update on enter, rescans the buffer) with {size} events: median {:.2} ms over {} applies",
            common::median(&v),
            v.len()
        );
    }
    println!();
    println!(
        "worst 1M p99 {worst_p99:.3} ms (target <= 8 ms: {}); worst p99 1M/1K {worst_ratio:.2}x (target <= 1.2x: {})",
        verdict(worst_p99 <= 8.0),
        verdict(worst_ratio <= 1.2)
    );
}

fn verdict(ok: bool) -> &'static str {
    if ok { "MET" } else { "MISSED" }
}
