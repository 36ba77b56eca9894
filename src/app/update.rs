//! `update`: the only function that changes [`AppState`]; returns the effects the runtime must carry out.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::command::{Command, parse_command};
use super::describe;
use super::event::{Event, KernelBatch};
use super::filter::Filter;
use super::state::{AppState, Mode, Pane, Severity, SummaryScope};
use super::summary::summarize;

/// Work for the runtime (I/O lives there, never in `update`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Restore the terminal and exit.
    Quit,
}

/// Applies one event to the state.
pub fn update(state: &mut AppState, event: Event) -> Vec<Effect> {
    match event {
        Event::Kernel(batch) => on_kernel(state, batch),
        Event::Stats(s) => state.stats = s,
        Event::Collector(c) => state.collector = c,
        Event::Summary(rows) => {
            state.process_calls.clear();
            for r in &rows {
                *state.process_calls.entry(r.tgid).or_default() += r.calls;
            }
            state.agg = rows;
            refresh_summary(state);
        }
        Event::Processes(p) => {
            state.processes = p;
            state.process_selected = state
                .process_selected
                .min(state.processes.len().saturating_sub(1));
        }
        Event::Key(k) => return on_key(state, k),
        Event::Resize(w, h) => state.size = (w, h),
        Event::Tick(now) => on_tick(state, now),
    }
    Vec::new()
}

fn on_kernel(state: &mut AppState, batch: KernelBatch) {
    for cg in batch.cgroups {
        state.cgroups.insert(cg.id, cg);
    }
    for ev in &batch.events {
        state.buffer.push(ev);
    }
    rescan_filter(state);
    if state.stream.follow {
        state.stream.selected = state
            .stream_len()
            .checked_sub(1)
            .and_then(|i| state.stream_seq(i));
    }
}

/// Extends the filtered index over records not yet looked at and forgets dropped ones.
fn rescan_filter(state: &mut AppState) {
    let first = state.buffer.first_seq();
    while state.stream.matched.front().is_some_and(|s| *s < first) {
        state.stream.matched.pop_front();
    }
    let from = state.stream.scanned.max(first);
    let to = state.buffer.next_seq();
    state.stream.scanned = to;
    if state.stream.filter.is_empty() {
        return;
    }
    let filter = &state.stream.filter;
    for ev in state.buffer.range(from, to) {
        let name = describe::syscall_name(&ev);
        let ctr = state
            .cgroups
            .get(&ev.cgroup_id())
            .and_then(|c| c.container_id.as_deref());
        if filter.matches(&ev, &name, ctr, || describe::args_line(&ev)) {
            state.stream.matched.push_back(ev.seq);
        }
    }
}

fn set_filter(state: &mut AppState, filter: Filter) {
    state.stream.filter = filter;
    state.stream.matched.clear();
    state.stream.scanned = 0;
    rescan_filter(state);
    let last = state
        .stream_len()
        .checked_sub(1)
        .and_then(|i| state.stream_seq(i));
    state.stream.selected = last;
    state.stream.follow = true;
}

fn refresh_summary(state: &mut AppState) {
    let scope = state.summary_scope;
    state.summary = summarize(&state.agg, |tgid| match scope {
        SummaryScope::All => true,
        SummaryScope::Pid(p) => p == tgid,
    });
    state.summary_selected = state
        .summary_selected
        .min(state.summary.len().saturating_sub(1));
}

fn on_tick(state: &mut AppState, now: u64) {
    let count = state.buffer.next_seq();
    if let Some(last) = state.rate.last_tick_ns {
        let dt = now.saturating_sub(last);
        if dt >= 500_000_000 {
            state.rate.per_sec = (count - state.rate.last_count) as f64 * 1e9 / dt as f64;
            state.rate.last_tick_ns = Some(now);
            state.rate.last_count = count;
        }
    } else {
        state.rate.last_tick_ns = Some(now);
        state.rate.last_count = count;
    }
}

fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    match state.mode.clone() {
        Mode::Filter(text) => on_input(state, key, text, true),
        Mode::Command(text) => on_input(state, key, text, false),
        Mode::Normal | Mode::Help => match state.keymap.action(state.focus, &key) {
            Some(a) => on_action(state, a),
            None => Vec::new(),
        },
    }
}

fn on_input(state: &mut AppState, key: KeyEvent, mut text: String, filter: bool) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => state.mode = Mode::Normal,
        KeyCode::Enter => {
            state.mode = Mode::Normal;
            return if filter {
                apply_filter(state, &text)
            } else {
                run_command(state, &text)
            };
        }
        KeyCode::Backspace => {
            text.pop();
            state.mode = if filter {
                Mode::Filter(text)
            } else {
                Mode::Command(text)
            };
        }
        KeyCode::Char('u') if ctrl => {
            state.mode = if filter {
                Mode::Filter(String::new())
            } else {
                Mode::Command(String::new())
            };
        }
        KeyCode::Char(c) if !ctrl && !c.is_control() => {
            text.push(c);
            state.mode = if filter {
                Mode::Filter(text)
            } else {
                Mode::Command(text)
            };
        }
        _ => {}
    }
    Vec::new()
}

fn apply_filter(state: &mut AppState, text: &str) -> Vec<Effect> {
    match Filter::parse(text) {
        Ok(f) => {
            state.message = None;
            set_filter(state, f);
        }
        Err(e) => state.message = Some((Severity::Error, format!("filter: {e}"))),
    }
    Vec::new()
}

fn run_command(state: &mut AppState, text: &str) -> Vec<Effect> {
    match parse_command(text) {
        Ok(Command::Quit) => return on_action(state, Action::Quit),
        Ok(Command::Filter(f)) => return apply_filter(state, &f),
        Ok(Command::Follow) => on_action_unit(state, Action::Bottom),
        Ok(Command::SummaryAll) => set_scope(state, SummaryScope::All),
        Ok(Command::SummaryPid(p)) => set_scope(state, SummaryScope::Pid(p)),
        Ok(Command::Help) => state.mode = Mode::Help,
        Ok(Command::Pane(p)) => state.focus = p,
        Err(e) => state.message = Some((Severity::Error, e.to_string())),
    }
    Vec::new()
}

fn set_scope(state: &mut AppState, scope: SummaryScope) {
    state.summary_scope = scope;
    state.summary_selected = 0;
    refresh_summary(state);
}

fn on_action_unit(state: &mut AppState, a: Action) {
    let _ = on_action(state, a);
}

fn on_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    if state.mode == Mode::Help && !matches!(action, Action::Quit) {
        if matches!(action, Action::Back | Action::ToggleHelp) {
            state.mode = Mode::Normal;
        }
        return Vec::new();
    }
    match action {
        Action::Quit => {
            state.quit = true;
            return vec![Effect::Quit];
        }
        Action::Back => {
            if state.message.is_some() {
                state.message = None;
            } else if !state.stream.filter.is_empty() {
                set_filter(state, Filter::default());
            }
        }
        Action::OpenFilter => state.mode = Mode::Filter(state.stream.filter.to_string()),
        Action::OpenCommand => state.mode = Mode::Command(String::new()),
        Action::ToggleHelp => state.mode = Mode::Help,
        Action::Enter => drill_in(state),
        Action::ToggleFollow => {
            state.stream.follow = !state.stream.follow;
            if state.stream.follow {
                move_stream(state, isize::MAX);
            }
        }
        Action::NextPane | Action::PrevPane => cycle_focus(state, action == Action::NextPane),
        Action::ToggleSummaryScope => {
            let scope = match (state.summary_scope, selected_pid(state)) {
                (SummaryScope::All, Some(p)) => SummaryScope::Pid(p),
                _ => SummaryScope::All,
            };
            set_scope(state, scope);
        }
        Action::ClearFilter => set_filter(state, Filter::default()),
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => {
            let page = state.page_rows() as isize;
            let delta = match action {
                Action::Up => -1,
                Action::Down => 1,
                Action::PageUp => -page,
                Action::PageDown => page,
                Action::Top => isize::MIN,
                _ => isize::MAX,
            };
            match state.focus {
                Pane::Stream => move_stream(state, delta),
                Pane::Summary => {
                    state.summary_selected =
                        step(state.summary_selected, delta, state.summary.len())
                }
                Pane::Processes => {
                    state.process_selected =
                        step(state.process_selected, delta, state.processes.len())
                }
            }
        }
    }
    Vec::new()
}

fn step(cur: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    (cur as isize)
        .saturating_add(delta)
        .clamp(0, len as isize - 1) as usize
}

fn move_stream(state: &mut AppState, delta: isize) {
    let len = state.stream_len();
    if len == 0 {
        state.stream.selected = None;
        return;
    }
    let cur = state.stream_pos().unwrap_or(len - 1);
    let next = step(cur, delta, len);
    state.stream.selected = state.stream_seq(next);
    state.stream.follow = next == len - 1 && delta > 0;
}

fn cycle_focus(state: &mut AppState, forward: bool) {
    let n = Pane::ORDER.len();
    let i = Pane::ORDER
        .iter()
        .position(|p| *p == state.focus)
        .unwrap_or(0);
    let j = if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    };
    state.focus = Pane::ORDER[j];
}

/// The pid the user is pointing at in the focused pane.
pub fn selected_pid(state: &AppState) -> Option<u32> {
    match state.focus {
        Pane::Processes => state.processes.get(state.process_selected).map(|p| p.pid),
        _ => state
            .stream
            .selected
            .and_then(|s| state.buffer.get(s))
            .map(|e| e.pid()),
    }
}

fn drill_in(state: &mut AppState) {
    let Some(pid) = selected_pid(state) else {
        return;
    };
    match state.focus {
        Pane::Processes => {
            if let Ok(f) = Filter::parse(&format!("pid:{pid}")) {
                set_filter(state, f);
                state.focus = Pane::Stream;
            }
        }
        _ => {
            set_scope(state, SummaryScope::Pid(pid));
            state.focus = Pane::Summary;
        }
    }
}
