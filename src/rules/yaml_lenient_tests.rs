//! Unit tests of the yaml-cpp leniencies: flow collections under-indented, per-item splitting.

use super::*;
use crate::rules::yaml::{self, Node};

fn items_of(text: &str) -> Vec<String> {
    let docs = yaml::parse(&relax_flow_indent(text)).expect("parses once relaxed");
    let Node::Seq(items) = &docs[0].node else {
        panic!("seq")
    };
    let Some(Node::Seq(l)) = items[0].get("items").map(|n| &n.node) else {
        panic!("items seq")
    };
    l.iter()
        .map(|s| s.as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn closing_bracket_at_the_key_column_loads() {
    for text in [
        "- list: a\n  items: [\n    x, y\n]\n",
        "- list: a\n  items: [\n  x, y\n  ]\n",
        "- list: a\n  items: [ x,\n y ]\n",
    ] {
        assert!(yaml::parse(text).is_err(), "strict YAML rejects {text:?}");
        assert_eq!(items_of(text), ["x", "y"], "{text:?}");
    }
    // quotes and brackets inside quoted items do not end the collection
    let text = "- list: a\n  items: [x, \"y, ]\",\n'z'' ]'\n  ]\n- list: b\n  items: []\n";
    assert_eq!(items_of(text), ["x", "y, ]", "z' ]"]);
}

#[test]
fn lines_keep_their_numbers_and_clean_text_is_untouched() {
    let ok = "- macro: m\n  condition: >\n    (a and [\n  b)\n- list: a\n  items: [x,\n    y]\n";
    assert!(matches!(relax_flow_indent(ok), Cow::Borrowed(_)));
    let bad = "- list: a\n  items: [\n    x,\n  y\n  ]\n- rule: r\n";
    let fixed = relax_flow_indent(bad);
    assert_eq!(fixed.lines().count(), bad.lines().count());
    let docs = yaml::parse(&fixed).expect("parses");
    let Node::Seq(items) = &docs[0].node else {
        panic!("seq")
    };
    assert_eq!(items[1].line, 6);
}

#[test]
fn splits_at_top_level_items_with_line_numbers() {
    let text = "# head\n- a: 1\n  b: [\n- c: 2\n\n-\n  d: 3\n";
    let parts = split_top_level(text);
    assert_eq!(
        parts,
        vec![
            (1, "# head\n- a: 1\n  b: [\n"),
            (4, "- c: 2\n\n"),
            (6, "-\n  d: 3\n")
        ]
    );
}
