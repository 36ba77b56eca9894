//! The terminal edge: a key becomes an [`Input`] (a keymap action or a line edit) before it reaches the core.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::keymap::Keymap;
use crate::app::input::{Edit, Input, InputTarget};

/// What `key` means for a core whose next key goes to `target` (`None`: nothing).
pub fn translate(target: InputTarget, keymap: &Keymap, key: &KeyEvent) -> Option<Input> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    match target {
        InputTarget::Keys(context) => keymap.action(context, key).map(Input::Action),
        InputTarget::Line => line_edit(key).map(Input::Edit),
        InputTarget::Finder => finder_edit(key).map(Input::Edit),
    }
}

fn line_edit(key: &KeyEvent) -> Option<Edit> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        KeyCode::Esc => Edit::Cancel,
        KeyCode::Enter => Edit::Submit,
        KeyCode::Backspace => Edit::Backspace,
        KeyCode::Char('u') if ctrl => Edit::ClearLine,
        KeyCode::Char(c) if !ctrl && !c.is_control() => Edit::Char(c),
        _ => Edit::Move,
    })
}

fn finder_edit(key: &KeyEvent) -> Option<Edit> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        KeyCode::Up => Edit::Up,
        KeyCode::Char('p' | 'k') if ctrl => Edit::Up,
        KeyCode::Down => Edit::Down,
        KeyCode::Char('n' | 'j') if ctrl => Edit::Down,
        KeyCode::PageUp => Edit::PageUp,
        KeyCode::PageDown => Edit::PageDown,
        _ => return line_edit(key),
    })
}
