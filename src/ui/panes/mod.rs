//! The panes the screen is made of, and the small helpers they share (columns, windows, numbers).

pub mod alerts;
pub mod alerts_detail;
pub mod audit;
/// Moved to the leaf [`crate::model::errno`] (shared with the rule engine).
pub use crate::model::errno;
pub mod banner;
pub mod drill;
pub mod exec_by;
pub mod finder;
pub mod help;
pub mod input;
pub mod inspect;
pub mod pods;
pub mod processes;
pub mod replay;
pub mod status;
pub mod stream;
pub mod summary;

use std::ops::Range;

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType};

use crate::ui::theme::{Role, Theme};

/// One table column: its header, its width (minimum width for the flexible one),
/// how it is aligned, and whether it takes the width left over.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// Header text.
    pub header: &'static str,
    /// Width in cells (the minimum, for the flexible column).
    pub width: u16,
    /// Right-aligned (numbers).
    pub right: bool,
    /// Takes whatever width the others leave.
    pub flex: bool,
}

impl Column {
    /// A fixed-width, left-aligned column.
    pub const fn left(header: &'static str, width: u16) -> Self {
        Self {
            header,
            width,
            right: false,
            flex: false,
        }
    }
    /// A fixed-width, right-aligned column.
    pub const fn right(header: &'static str, width: u16) -> Self {
        Self {
            header,
            width,
            right: true,
            flex: false,
        }
    }
    /// The flexible column, at least `min` wide.
    pub const fn flex(header: &'static str, min: u16) -> Self {
        Self {
            header,
            width: min,
            right: false,
            flex: true,
        }
    }
}

/// Chooses the columns that fit `avail` cells, taking them in `priority` order
/// (indices into `cols`) and skipping those that do not fit. Returns (index,
/// width) in display order; the flexible column (else the last) gets the width left over.
pub fn fit_columns(cols: &[Column], priority: &[usize], avail: u16) -> Vec<(usize, u16)> {
    let mut chosen: Vec<usize> = Vec::new();
    let mut used: u16 = 0;
    for &i in priority {
        let Some(c) = cols.get(i) else { continue };
        let gap = u16::from(!chosen.is_empty());
        if used.saturating_add(gap).saturating_add(c.width) <= avail {
            used += gap + c.width;
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    // The spare width goes to the flexible column, else to the last one, so rows span the pane.
    let spare = avail - used;
    let grow = chosen
        .iter()
        .copied()
        .find(|i| cols[*i].flex)
        .or(chosen.last().copied());
    chosen
        .into_iter()
        .map(|i| {
            (
                i,
                if Some(i) == grow {
                    cols[i].width + spare
                } else {
                    cols[i].width
                },
            )
        })
        .collect()
}

/// Display width of `s` in terminal cells.
pub fn width_of(s: &str) -> usize {
    Span::raw(s).width()
}

/// `s` padded or cut (with `…`) to exactly `width` cells.
pub fn fit(s: &str, width: u16, right: bool) -> String {
    let width = usize::from(width);
    let w = width_of(s);
    if w <= width {
        let pad = " ".repeat(width - w);
        return if right {
            format!("{pad}{s}")
        } else {
            format!("{s}{pad}")
        };
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    let mut tmp = [0u8; 4];
    for c in s.chars() {
        let cw = width_of(c.encode_utf8(&mut tmp));
        if used + cw > width - 1 {
            break;
        }
        used += cw;
        out.push(c);
    }
    out.push('…');
    out.push_str(&" ".repeat(width - 1 - used));
    out
}

/// The header line of a table with the chosen columns.
pub fn header_line(cols: &[Column], chosen: &[(usize, u16)], style: Style) -> Line<'static> {
    let texts: Vec<(String, Style)> = chosen
        .iter()
        .map(|&(i, w)| (fit(cols[i].header, w, cols[i].right), Style::new()))
        .collect();
    row_line(texts, style, None)
}

/// One table row: cells joined by a space, each in its own style over the row's
/// `base` style; a `selected` style replaces them all (whole-row highlight).
pub fn row_line(
    cells: Vec<(String, Style)>,
    base: Style,
    selected: Option<Style>,
) -> Line<'static> {
    let mut spans = Vec::with_capacity(cells.len() * 2);
    for (n, (text, style)) in cells.into_iter().enumerate() {
        if n > 0 {
            spans.push(Span::raw(" "));
        }
        spans.push(match selected {
            Some(_) => Span::raw(text),
            None => Span::styled(text, style),
        });
    }
    Line::from(spans).style(selected.unwrap_or(base))
}

/// The style of a selected row: the selection role in the focused pane, the
/// row's own style underlined elsewhere (so the selection stays visible).
pub fn selection(theme: &Theme, base: Style, focused: bool) -> Style {
    if focused {
        theme.style(Role::Selected)
    } else {
        base.add_modifier(Modifier::UNDERLINED)
    }
}

/// The indices of a list of `len` rows to show in `height` rows: the newest
/// when following, else a window around `selected` (centred, clamped to the ends).
pub fn window(len: usize, height: usize, selected: Option<usize>, follow: bool) -> Range<usize> {
    if height == 0 || len == 0 {
        return 0..0;
    }
    let max_start = len.saturating_sub(height);
    let start = match selected {
        _ if follow => max_start,
        Some(sel) => sel.saturating_sub(height / 2).min(max_start),
        None => max_start,
    };
    start..(start + height).min(len)
}

/// A pane's frame: borders in the focused or plain role, the title in the title role.
pub fn pane_block<'a>(title: impl Into<Line<'a>>, focused: bool, theme: &Theme) -> Block<'a> {
    let border = if focused {
        Role::BorderFocused
    } else {
        Role::Border
    };
    Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(theme.style(border))
        .title(title.into().style(theme.style(Role::Title)))
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1234567` → `1.2M`, `12345` → `12.3k`, small numbers as they are.
pub fn compact(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{:.1}k", n as f64 / 1e3),
        1_000_000..=999_999_999 => format!("{:.1}M", n as f64 / 1e6),
        _ => format!("{:.1}G", n as f64 / 1e9),
    }
}

/// The area inside a one-cell border (empty when there is no room).
pub fn inner(area: Rect) -> Rect {
    Block::bordered().inner(area)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_and_cuts() {
        assert_eq!(fit("abc", 5, false), "abc  ");
        assert_eq!(fit("abc", 5, true), "  abc");
        assert_eq!(fit("abcdef", 4, false), "abc…");
        assert_eq!(fit("abcdef", 1, false), "…");
        assert_eq!(fit("abc", 0, false), "");
    }

    #[test]
    fn windows() {
        assert_eq!(window(100, 10, Some(0), false), 0..10);
        assert_eq!(window(100, 10, Some(50), false), 45..55);
        assert_eq!(window(100, 10, Some(99), false), 90..100);
        assert_eq!(window(100, 10, Some(0), true), 90..100);
        assert_eq!(window(5, 10, Some(2), false), 0..5);
        assert_eq!(window(5, 0, Some(2), false), 0..0);
    }

    #[test]
    fn columns_by_priority() {
        let cols = [
            Column::left("a", 5),
            Column::flex("b", 4),
            Column::left("c", 5),
        ];
        assert_eq!(
            fit_columns(&cols, &[0, 1, 2], 20),
            vec![(0, 5), (1, 8), (2, 5)]
        );
        assert_eq!(fit_columns(&cols, &[0, 1, 2], 12), vec![(0, 5), (1, 6)]);
        assert_eq!(fit_columns(&cols, &[0, 1, 2], 3), vec![]);
        assert_eq!(fit_columns(&cols, &[0, 2], 14), vec![(0, 5), (2, 8)]);
    }

    #[test]
    fn numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(compact(12_345), "12.3k");
        assert_eq!(compact(1_000_000), "1.0M");
    }
}
