//! Unit tests of the inspect view's text helpers (the screens are snapshot-tested in `ui::render_tests`).

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::*;

fn text(line: &Line) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

#[test]
fn spans_are_cut_with_an_ellipsis() {
    let spans = || vec![Span::raw("abc"), Span::raw("def")];
    assert_eq!(text(&fit_spans(spans(), 6)), "abcdef");
    assert_eq!(text(&fit_spans(spans(), 5)), "abcd…");
    assert_eq!(text(&fit_spans(spans(), 3)), "ab…");
    assert_eq!(text(&fit_spans(spans(), 1)), "…");
    assert_eq!(text(&fit_spans(spans(), 0)), "");
}

#[test]
fn items_wrap_and_long_ones_are_cut() {
    let items = ["CAP_CHOWN", "CAP_KILL", "CAP_SYS_ADMIN", "X"]
        .map(|t| Span::styled(t.to_string(), Style::new()))
        .to_vec();
    let lines: Vec<String> = wrap(items.clone(), 20)
        .iter()
        .map(|l| l.iter().map(|s| s.content.as_ref()).collect())
        .collect();
    assert_eq!(lines, ["CAP_CHOWN CAP_KILL", "CAP_SYS_ADMIN X"]);
    let narrow = wrap(items, 5);
    assert!(
        narrow
            .iter()
            .all(|l| l.iter().map(Span::width).sum::<usize>() <= 5)
    );
}

#[test]
fn untrusted_text_is_cut_before_it_is_escaped() {
    let long = "\x1b".repeat(1_000_000);
    let c = clean(&long, 10);
    assert!(c.len() < 400, "{}", c.len());
    assert!(c.starts_with("\\x1b"));
    assert_eq!(head("héllo", 2), "hé");
}

#[test]
fn scroll_is_clamped_to_the_end() {
    assert_eq!(scrolled(100, 10, 0), 0..10);
    assert_eq!(scrolled(100, 10, 95), 90..100);
    assert_eq!(scrolled(5, 10, 3), 0..5);
    assert_eq!(scrolled(0, 10, 3), 0..0);
    assert_eq!(scrolled(10, 0, 3), 3..3);
}
