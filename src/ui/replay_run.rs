//! The TUI over a recording: the player's items go through a core as they did live, the replay keys steer the player, nothing live is read (the viewer's own inspections are answered "not in the recording").

use std::path::Path;
use std::time::{Duration, Instant};

use crossterm::event::{Event as TermEvent, EventStream};
use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};

use super::keymap::Keymap;
use super::terminal::TerminalGuard;
use super::theme::Theme;
use crate::app::event::{EffectError, EffectErrorKind, Setup};
use crate::app::replay::ReplayStatus;
use crate::app::{AppState, Core, Effect, Event};
use crate::session::Item;
use crate::session::player::Player;

const FRAME: Duration = Duration::from_millis(33);
/// Items handed to the core per frame at most (as fast as possible still draws).
const BUDGET: usize = 200_000;

/// Plays the recording at `path` until the user quits.
pub fn run(path: &Path, keymap: Keymap, theme: Theme, buffer_cap: usize) -> Result<(), String> {
    // a scap capture plays like a session (told by its first bytes)
    let opened = Player::open_with(path, Some(crate::scap::read::feed::replay_source))
        .map_err(|e| crate::session::located(path, &e))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    rt.block_on(play(opened, keymap, theme, buffer_cap))
        .map_err(|e| format!("terminal: {e}"))
}

fn fresh_core(cap: usize, keymap: &Keymap, opened: &ReplayStatus, size: (u16, u16)) -> Core {
    let mut core = Core::new(AppState::new(cap));
    core.dispatch(Event::Setup(Setup::KeyHelp(keymap.key_help())));
    core.dispatch(Event::Resize(size.0, size.1));
    core.dispatch(Event::Replay(opened.clone()));
    core
}

/// What the viewer's own effects get: nothing live is read during a replay.
fn not_recorded(effect: &Effect) -> Option<Event> {
    let err = || {
        EffectError::new(
            EffectErrorKind::Refused,
            crate::strings::REPLAY_NOT_RECORDED,
        )
    };
    match effect {
        Effect::Inspect(pid) => Some(Event::Inspected {
            pid: *pid,
            result: Err(err()),
        }),
        Effect::ListRoot(pid, path) => Some(Event::RootListed {
            pid: *pid,
            path: path.clone(),
            result: Err(err()),
        }),
        Effect::ReadRoot(pid, path) => Some(Event::RootFile {
            pid: *pid,
            path: path.clone(),
            result: Err(err()),
        }),
        Effect::DrillGrade { .. } => Some(Event::Drill(
            crate::app::drill_task::DrillEvent::Graded(Err(err().message)),
        )),
        _ => None,
    }
}

async fn play(
    opened: crate::session::player::Opened,
    keymap: Keymap,
    theme: Theme,
    cap: usize,
) -> std::io::Result<()> {
    let crate::session::player::Opened {
        mut player,
        header,
        status,
    } = opened;
    let clock = header.wall_clock();
    let mut guard = TerminalGuard::enter()?;
    let size = guard.terminal.size()?;
    let mut size = (size.width, size.height);
    let mut core = fresh_core(cap, &keymap, &status, size);
    let mut keys = EventStream::new();
    let mut frame = tokio::time::interval(FRAME);
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    let mut int = signal(SignalKind::interrupt())?;
    // drawn only when something changed (a paused replay costs no frames)
    let mut dirty = true;
    let mut last = None;
    loop {
        if std::mem::take(&mut dirty) {
            guard
                .terminal
                .draw(|f| super::render::render(f, &core.state().view(), &theme, &clock))?;
        }
        let input = tokio::select! {
            _ = frame.tick() => None,
            k = keys.next() => match k {
                Some(Ok(TermEvent::Key(k))) => {
                    super::input::translate(core.state().input_target(), &keymap, &k)
                        .map(Event::Input)
                }
                Some(Ok(TermEvent::Resize(w, h))) => {
                    size = (w, h);
                    Some(Event::Resize(w, h))
                }
                Some(Ok(_)) => None,
                Some(Err(_)) | None => break,
            },
            _ = term.recv() => break,
            _ = hup.recv() => break,
            _ = int.recv() => break,
        };
        if let Some(ev) = input {
            dirty = true;
            let mut queue = core.dispatch(ev);
            let mut rebuild = false;
            while let Some(e) = queue.pop() {
                match e {
                    Effect::Quit => return Ok(()),
                    Effect::Replay(cmd) => match player.command(cmd) {
                        Ok(r) => rebuild |= r,
                        Err(err) => {
                            core.dispatch(Event::Replay(ReplayStatus::Damaged(err.to_string())));
                        }
                    },
                    other => {
                        if let Some(answer) = not_recorded(&other) {
                            queue.extend(core.dispatch(answer));
                        }
                    }
                }
            }
            if rebuild {
                core = fresh_core(cap, &keymap, &status, size);
                last = None;
            }
        }
        let (items, end) = player.due(Instant::now(), BUDGET);
        dirty |= !items.is_empty() || end.is_some();
        for it in items {
            if let Item::Event { event, .. } = it {
                // the recorder's terminal size and keys are not the viewer's
                if matches!(event, Event::Resize(..) | Event::Setup(Setup::KeyHelp(_))) {
                    continue;
                }
                // effects of replayed events are not carried out: their results are in the file
                let _ = core.dispatch(event);
            }
        }
        if let Some(s) = end {
            core.dispatch(Event::Replay(s));
        }
        let now = player.status();
        if last.as_ref() != Some(&now) {
            dirty = true;
            core.dispatch(Event::Replay(now.clone()));
            last = Some(now);
        }
    }
    Ok(())
}
