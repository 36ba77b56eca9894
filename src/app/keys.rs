//! Inputs: actions (moves, focus, drill-in) and edits of the typed lines (filter, command, finder).

use super::action::Action;
use super::command::{Command, parse_command};
use super::filter::Filter;
use super::finder::{Finder, Target, candidates};
use super::input::{Edit, Input};
use super::inspect_view::{InspectState, Tab};
use super::state::{AppState, Mode, Pane, Severity, SummaryScope};
use super::update::{Effect, Fact, refresh_summary, set_filter};

pub(super) fn on_input(state: &mut AppState, input: Input) -> Vec<Effect> {
    match (state.mode.clone(), input) {
        (Mode::Filter(text), Input::Edit(e)) => match edit(selected_input(state, text, e), e) {
            Line::Edit(t) => state.mode = Mode::Filter(t),
            Line::Cancel => state.mode = Mode::Normal,
            Line::Submit(t) => {
                state.mode = Mode::Normal;
                return apply_filter(state, &t);
            }
            Line::Other => {}
        },
        (Mode::Command(text), Input::Edit(e)) => match edit(text, e) {
            Line::Edit(t) => state.mode = Mode::Command(t),
            Line::Cancel => state.mode = Mode::Normal,
            Line::Submit(t) => {
                state.mode = Mode::Normal;
                return run_command(state, &t);
            }
            Line::Other => {}
        },
        (Mode::Finder, Input::Edit(e)) => return on_finder_edit(state, e),
        (Mode::Normal | Mode::Help, Input::Action(a)) => {
            if state.inspect.is_some() && state.mode == Mode::Normal {
                return on_inspect_action(state, a);
            }
            let effects = on_action(state, a);
            // `/` opens with the current filter selected: typing replaces it.
            state.input_selected = matches!(&state.mode, Mode::Filter(t) if !t.is_empty());
            return effects;
        }
        // An input meant for another mode (the mode changed since the key was mapped): ignored.
        _ => {}
    }
    Vec::new()
}

/// The text an edit applies to: a selected (just opened) text is replaced by typing or erased by backspace.
fn selected_input(state: &mut AppState, text: String, e: Edit) -> String {
    if !std::mem::take(&mut state.input_selected) {
        return text;
    }
    match e {
        Edit::Char(_) | Edit::Backspace => String::new(),
        _ => text,
    }
}

/// What an edit does to a line being typed.
enum Line {
    Edit(String),
    Submit(String),
    Cancel,
    Other,
}

fn edit(mut text: String, e: Edit) -> Line {
    match e {
        Edit::Cancel => Line::Cancel,
        Edit::Submit => Line::Submit(text),
        Edit::Backspace => {
            text.pop();
            Line::Edit(text)
        }
        Edit::ClearLine => Line::Edit(String::new()),
        Edit::Char(c) if !c.is_control() => {
            text.push(c);
            Line::Edit(text)
        }
        _ => Line::Other,
    }
}

fn on_finder_edit(state: &mut AppState, e: Edit) -> Vec<Effect> {
    let Some(finder) = state.finder.as_mut() else {
        state.mode = Mode::Normal;
        return Vec::new();
    };
    match e {
        Edit::Up => finder.step(-1),
        Edit::Down => finder.step(1),
        Edit::PageUp => finder.step(-10),
        Edit::PageDown => finder.step(10),
        _ => match edit(finder.query.clone(), e) {
            Line::Edit(q) => finder.set_query(q),
            Line::Cancel => close_finder(state),
            Line::Submit(_) => {
                let target = finder.chosen().map(|c| c.target.clone());
                close_finder(state);
                if let Some(t) = target {
                    return pivot(state, t);
                }
            }
            Line::Other => {}
        },
    }
    Vec::new()
}

fn close_finder(state: &mut AppState) {
    state.finder = None;
    state.mode = Mode::Normal;
}

/// Goes where a finder result points: a process (its inspect view, over the
/// stream filtered to it), a container's or a pod's events.
fn pivot(state: &mut AppState, target: Target) -> Vec<Effect> {
    let filter = match &target {
        Target::Pid(p) => {
            super::procview::select_pid(state, Some(*p));
            format!("pid:{p}")
        }
        Target::Container(id) => format!("container:{}", &id[..id.len().min(12)]),
        Target::Pod(ns, name) => {
            let mut ids: Vec<&str> = state
                .processes
                .iter()
                .filter(|p| {
                    p.pod_namespace.as_deref() == Some(ns) && p.pod_name.as_deref() == Some(name)
                })
                .filter_map(|p| p.container_id.as_deref())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids.iter()
                .map(|id| format!("container:{}", &id[..id.len().min(12)]))
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    if let Ok(f) = Filter::parse(&filter) {
        set_filter(state, f);
    }
    match target {
        Target::Pid(pid) => {
            state.focus = Pane::Processes;
            let (view, effect) = InspectState::open(pid);
            state.inspect = Some(view);
            vec![effect]
        }
        _ => {
            state.focus = Pane::Stream;
            Vec::new()
        }
    }
}

fn apply_filter(state: &mut AppState, text: &str) -> Vec<Effect> {
    if state.focus == Pane::Alerts && state.audit.shown {
        return super::alerts_update::apply_audit_filter(state, text);
    }
    if state.focus == Pane::Alerts {
        return super::alerts_update::apply_filter(state, text);
    }
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
        Ok(Command::SummaryContainer(id)) => set_scope(state, SummaryScope::Container(id)),
        Ok(Command::SummaryPod(ns, name)) => set_scope(state, SummaryScope::Pod(ns, name)),
        Ok(Command::Help) => {
            state.mode = Mode::Help;
            state.help_scroll = 0;
        }
        Ok(Command::Pane(p)) => state.focus = p,
        Ok(Command::Seek(arg)) => return super::replay_update::seek(state, &arg),
        Ok(Command::Note(text)) => {
            state.notes.push(text.clone());
            state.message = Some((Severity::Info, crate::strings::note_kept(&text)));
            return vec![Effect::Fact(Fact::Note { text })];
        }
        Ok(Command::Answer(text)) => return super::drill_task::answer(state, text),
        Ok(Command::Grade) => return super::drill_task::grade(state),
        Ok(Command::Hint) => return super::drill_task::hint(state),
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
        match action {
            Action::Back | Action::ToggleHelp => state.mode = Mode::Normal,
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => scroll_help(state, action),
            _ => {}
        }
        return Vec::new();
    }
    if super::replay_update::is_replay_action(action) {
        return super::replay_update::on_action(state, action);
    }
    if let Some(effects) = super::alerts_update::on_action(state, action) {
        return effects;
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
                let was = state.stream.filter.to_string();
                set_filter(state, Filter::default());
                state.message = Some((Severity::Info, format!("filter `{was}` cleared")));
            }
        }
        Action::OpenFilter => state.mode = Mode::Filter(state.stream.filter.to_string()),
        Action::OpenCommand => state.mode = Mode::Command(String::new()),
        Action::ToggleHelp => {
            state.mode = Mode::Help;
            state.help_scroll = 0;
        }
        Action::Enter => return drill_in(state),
        Action::RevealSecrets
        | Action::FileView
        | Action::Pivot
        | Action::FocusAlerts
        | Action::ToggleAudit => {}
        // replay keys were taken above (listed here so a new action is not forgotten)
        Action::ReplayPause
        | Action::ReplayFaster
        | Action::ReplaySlower
        | Action::ReplayNextAlert
        | Action::ReplayPrevAlert
        | Action::ReplayNextAction
        | Action::ReplayPrevAction => {}
        Action::DrillHint => return super::drill_task::hint(state),
        Action::ToggleFollow => {
            state.stream.follow = !state.stream.follow;
            if state.stream.follow {
                move_stream(state, isize::MAX);
            }
        }
        Action::NextPane | Action::PrevPane => cycle_focus(state, action == Action::NextPane),
        Action::ToggleSummaryScope => {
            let scope = match (&state.summary_scope, selected_scope(state)) {
                (SummaryScope::All, Some(s)) => s,
                _ => SummaryScope::All,
            };
            set_scope(state, scope);
        }
        Action::ToggleTiming => {
            state.timing = !state.timing;
            refresh_summary(state);
            return vec![Effect::SetTiming(state.timing)];
        }
        Action::ClearFilter => set_filter(state, Filter::default()),
        Action::OpenFinder => {
            state.finder = Some(Finder::new(candidates(&state.processes)));
            state.mode = Mode::Finder;
        }
        Action::ToggleTree => {
            state.process_view.tree = !state.process_view.tree;
            super::procview::refresh(state);
        }
        Action::CycleSort if state.focus == Pane::Pods => super::podview::cycle_sort(state),
        Action::CycleSort => {
            state.process_view.sort = state.process_view.sort.next();
            super::procview::refresh(state);
        }
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
                Pane::Processes => super::procview::step(state, delta),
                Pane::Pods => super::podview::step(state, delta),
                Pane::Alerts => state.alerts.step(delta),
            }
        }
    }
    Vec::new()
}

/// Scrolls the help overlay, clamped to its content at the terminal's height.
fn scroll_help(state: &mut AppState, action: Action) {
    let total = super::help::content(&state.view()).len();
    let (visible, max_off) = super::help::fit_rows(total, state.size.1);
    let page = visible.max(1) as isize;
    let delta = match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -page,
        Action::PageDown => page,
        Action::Top => isize::MIN / 2,
        _ => isize::MAX / 2,
    };
    state.help_scroll = (state.help_scroll.min(max_off) as isize)
        .saturating_add(delta)
        .clamp(0, max_off as isize) as usize;
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
        Pane::Processes => state.selected_process().map(|p| p.pid),
        Pane::Pods => super::podview::selected_pid(state),
        Pane::Alerts => state.alerts.selected_entry().and_then(|e| e.alert.pid),
        _ => state
            .stream
            .selected
            .and_then(|s| state.buffer.get(s))
            .map(|e| e.pid()),
    }
}

/// The summary scope of the selected row: its process, or in the pods pane its container or pod.
fn selected_scope(state: &AppState) -> Option<SummaryScope> {
    if state.focus == Pane::Pods {
        return super::podview::selected_scope(state);
    }
    selected_pid(state).map(SummaryScope::Pid)
}

/// Enter: a stream row or a process opens the inspect view; a summary row filters the stream to that syscall.
fn drill_in(state: &mut AppState) -> Vec<Effect> {
    if state.focus == Pane::Pods {
        return super::podview::enter(state);
    }
    if state.focus == Pane::Summary {
        let Some(row) = state.summary.get(state.summary_selected) else {
            return Vec::new();
        };
        let name = crate::collector::syscalls::name(row.nr).unwrap_or("?");
        if let Ok(f) = Filter::parse(&format!("syscall:{name}")) {
            set_filter(state, f);
            state.focus = Pane::Stream;
        }
        return Vec::new();
    }
    let Some(pid) = selected_pid(state) else {
        return Vec::new();
    };
    let (view, effect) = InspectState::open(pid);
    state.inspect = Some(view);
    vec![effect]
}

/// Actions while the inspect view is open.
fn on_inspect_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    if super::replay_update::is_replay_action(action) {
        return super::replay_update::on_action(state, action);
    }
    match action {
        Action::Quit => return on_action(state, Action::Quit),
        Action::DrillHint => return super::drill_task::hint(state),
        Action::ToggleHelp | Action::OpenFinder | Action::OpenCommand => {
            if action == Action::OpenFinder {
                state.inspect = None;
            }
            return on_action(state, action);
        }
        Action::RevealSecrets => {
            if let Some(v) = state
                .inspect
                .as_mut()
                .filter(|v| matches!(v.tab, Tab::Environ | Tab::Overview))
            {
                v.reveal = !v.reveal;
                if v.reveal {
                    let pid = v.pid;
                    let names = v.masked_names();
                    let note = format!("secrets of pid {pid} revealed on screen");
                    state.notes.push(note.clone());
                    state.message = Some((Severity::Info, note));
                    return vec![Effect::Fact(Fact::Revealed { pid, names })];
                }
            }
            return Vec::new();
        }
        _ => {}
    }
    let page = state.page_rows();
    let Some(v) = state.inspect.as_mut() else {
        return Vec::new();
    };
    let (effect, keep) = v.on_action(action, page);
    if !keep {
        state.inspect = None;
    }
    effect.into_iter().collect()
}
