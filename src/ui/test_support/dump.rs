//! Drawing a state on a `TestBackend` and dumping the screen as text plus a compact style listing.

use std::fmt::Write as _;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use crate::app::AppState;
use crate::ui::render::render;
use crate::ui::theme::Theme;

/// Renders `state` on a `width`×`height` test terminal.
pub fn draw(state: &AppState, theme: &Theme, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    let clock = super::clock();
    t.draw(|f| render(f, &state.view(), theme, &clock))
        .expect("draw");
    t
}

/// Whether any cell of `buf` holds a control character (a terminal escape that reached the screen).
pub fn has_control(buf: &Buffer) -> bool {
    buf.content
        .iter()
        .any(|c| c.symbol().chars().any(char::is_control))
}

/// The screen as text (trailing blanks trimmed).
pub fn text(buf: &Buffer) -> String {
    let (w, h) = (buf.area.width, buf.area.height);
    let mut out = String::new();
    for y in 0..h {
        let row: String = (0..w).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

fn color(c: Color) -> String {
    if c == Color::Reset {
        "-".into()
    } else {
        format!("{c:?}")
    }
}

/// Styles as runs of equal cells per row, `row: x0-x1 fg/bg/modifiers`;
/// unstyled runs are left out.
pub fn styles(buf: &Buffer) -> String {
    let (w, h) = (buf.area.width, buf.area.height);
    let mut out = String::new();
    for y in 0..h {
        let mut runs = Vec::new();
        let mut x = 0;
        while x < w {
            let key = |x| {
                let c = &buf[(x, y)];
                (c.fg, c.bg, c.modifier)
            };
            let k = key(x);
            let start = x;
            while x < w && key(x) == k {
                x += 1;
            }
            if k != (Color::Reset, Color::Reset, Modifier::empty()) {
                let mods = if k.2.is_empty() {
                    String::new()
                } else {
                    format!("/{:?}", k.2)
                };
                runs.push(format!(
                    "{start}-{} {}/{}{mods}",
                    x - 1,
                    color(k.0),
                    color(k.1)
                ));
            }
        }
        if !runs.is_empty() {
            let _ = writeln!(out, "{y:02}: {}", runs.join(", "));
        }
    }
    out
}

/// Text, styles and cursor of a rendered screen, for snapshots.
pub fn dump(t: &Terminal<TestBackend>) -> String {
    let b = t.backend();
    let mut out = text(b.buffer());
    if b.cursor_visible() {
        let p = b.cursor_position();
        let _ = writeln!(out, "cursor: {},{}", p.x, p.y);
    }
    out.push_str("--- styles ---\n");
    out.push_str(&styles(b.buffer()));
    out
}
