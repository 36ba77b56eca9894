//! The replay keys and `:seek`: what they change in the replay bar and what they ask the player.

use super::action::Action;
use super::replay::{MarkKind, ReplayCmd};
use super::state::{AppState, Severity};
use super::update::Effect;

/// Whether `action` is one of the replay keys.
pub fn is_replay_action(action: Action) -> bool {
    matches!(
        action,
        Action::ReplayPause
            | Action::ReplayFaster
            | Action::ReplaySlower
            | Action::ReplayNextAlert
            | Action::ReplayPrevAlert
            | Action::ReplayNextAction
            | Action::ReplayPrevAction
    )
}

/// A replay key: steers the player (outside a replay: says so).
pub fn on_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(v) = state.replay.as_mut() else {
        state.message = Some((Severity::Info, crate::strings::REPLAY_ONLY.into()));
        return Vec::new();
    };
    let cmd = match action {
        Action::ReplayPause => {
            v.paused = !v.paused;
            if v.paused {
                ReplayCmd::Pause
            } else {
                ReplayCmd::Play
            }
        }
        Action::ReplayFaster | Action::ReplaySlower => {
            v.speed = if action == Action::ReplayFaster {
                v.speed.faster()
            } else {
                v.speed.slower()
            };
            ReplayCmd::Speed(v.speed)
        }
        _ => {
            let (kinds, forward): (&[MarkKind], bool) = match action {
                Action::ReplayNextAlert => (&[MarkKind::Alert], true),
                Action::ReplayPrevAlert => (&[MarkKind::Alert], false),
                Action::ReplayNextAction => (&[MarkKind::Action, MarkKind::Note], true),
                _ => (&[MarkKind::Action, MarkKind::Note], false),
            };
            match v.next_mark(kinds, forward) {
                Some(m) => ReplayCmd::Seek(m.ts_ns),
                None => {
                    state.message = Some((Severity::Info, crate::strings::REPLAY_NO_MARK.into()));
                    return Vec::new();
                }
            }
        }
    };
    vec![Effect::Replay(cmd)]
}

/// `:seek HH:MM:SS` (wall clock of the recording) or `:seek +S` / `:seek -S` (seconds from the position).
pub fn seek(state: &mut AppState, arg: &str) -> Vec<Effect> {
    let Some(v) = state.replay.as_ref() else {
        state.message = Some((Severity::Info, crate::strings::REPLAY_ONLY.into()));
        return Vec::new();
    };
    let target = seek_target(arg, v.pos_ns, state.alerts.wall_offset_ns);
    match target {
        Some(t) => vec![Effect::Replay(ReplayCmd::Seek(
            t.clamp(v.start_ns, v.end_ns),
        ))],
        None => {
            let msg = crate::strings::replay_bad_seek(arg);
            state.message = Some((Severity::Error, msg));
            Vec::new()
        }
    }
}

/// The boot-clock time `arg` names.
fn seek_target(arg: &str, pos_ns: u64, wall_offset_ns: Option<i128>) -> Option<u64> {
    let arg = arg.trim();
    if let Some(rel) = arg.strip_prefix('+').or_else(|| arg.strip_prefix('-')) {
        let secs: f64 = rel.trim_end_matches('s').parse().ok()?;
        let d = (secs * 1e9) as u64;
        return Some(if arg.starts_with('+') {
            pos_ns.saturating_add(d)
        } else {
            pos_ns.saturating_sub(d)
        });
    }
    // HH:MM:SS in UTC on the day of the position
    let mut parts = arg.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, s) = (
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    );
    if parts.next().is_some() || h > 23 || m > 59 || s > 59 {
        return None;
    }
    let offset = wall_offset_ns?;
    let wall_pos = i128::from(pos_ns) + offset;
    let day_ns = 86_400 * 1_000_000_000i128;
    let midnight = wall_pos - wall_pos.rem_euclid(day_ns);
    let wall = midnight + i128::from((h * 3600 + m * 60 + s) * 1_000_000_000);
    u64::try_from(wall - offset).ok()
}
