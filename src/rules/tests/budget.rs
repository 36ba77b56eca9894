//! The evaluation budget: conditions that expand past `MAX_NODES` (doubling macros, nested lists) are refused at load with a located error, quickly, and the rest still loads.

use super::*;
use crate::rules::compile::{MAX_NODES, nodes};
use std::time::{Duration, Instant};

fn doubling_macros(levels: usize) -> String {
    let mut y = String::from("- macro: m0\n  condition: proc.name = a\n");
    for i in 1..=levels {
        y += &format!("- macro: m{i}\n  condition: (m{p} or m{p})\n", p = i - 1);
    }
    y += &format!(
        "- rule: bomb\n  desc: d\n  condition: evt.type = open and m{levels}\n  output: o\n  priority: INFO\n"
    );
    y += "- rule: fine\n  desc: d\n  condition: evt.type = open and m3\n  output: o\n  priority: INFO\n";
    y
}

#[test]
fn doubling_macros_are_refused_at_load_with_a_location() {
    let t0 = Instant::now();
    // 2^60 checks if expanded: loading must stop at the budget, not try.
    let (engine, cov) = build(&[("bomb.yaml", &doubling_macros(60))]);
    let took = t0.elapsed();
    assert!(took < Duration::from_secs(5), "loading took {took:?}");
    let msgs: Vec<String> = cov.diagnostics.iter().map(ToString::to_string).collect();
    let first = msgs
        .iter()
        .find(|m| m.contains("too costly"))
        .unwrap_or_else(|| panic!("a too-costly error: {msgs:#?}"));
    // m_k has 2^(k+1) - 1 nodes: the first past the budget is where it is refused.
    let k = (1..)
        .find(|k| (1usize << (k + 1)) - 1 > MAX_NODES)
        .expect("k");
    assert!(
        first.starts_with("bomb.yaml:") && first.contains(&format!("macro \"m{k}\"")),
        "located at m{k}, the first macro past the budget: {first}"
    );
    let bomb = cov.rules.iter().find(|r| r.name == "bomb").expect("bomb");
    assert_eq!(bomb.status, RuleStatus::Error);
    let fine = cov.rules.iter().find(|r| r.name == "fine").expect("fine");
    assert_eq!(fine.status, RuleStatus::Evaluable, "the rest still loads");
    assert_eq!(engine.rule_count(), 1);
}

#[test]
fn exceptions_count_towards_the_budget() {
    let mut y = String::from("- macro: m0\n  condition: proc.name = a\n");
    for i in 1..=11 {
        y += &format!("- macro: m{i}\n  condition: (m{p} or m{p})\n", p = i - 1);
    }
    // m11 alone fits (2^12 - 1 nodes); with an exception of as many values it does not.
    let values: Vec<String> = (0..2_000).map(|i| format!("[x{i}]")).collect();
    y += &format!(
        "- rule: heavy\n  desc: d\n  condition: evt.type = open and m11\n  output: o\n  priority: INFO\n  exceptions:\n    - name: e\n      fields: [proc.name]\n      comps: [=]\n      values: [{}]\n",
        values.join(",")
    );
    let (_, cov) = build(&[("heavy.yaml", &y)]);
    let r = cov.rules.iter().find(|r| r.name == "heavy").expect("heavy");
    let msgs: Vec<String> = cov.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(r.status, RuleStatus::Error, "{msgs:#?}");
    assert!(
        msgs.iter().any(|m| m.starts_with("heavy.yaml:")
            && m.contains("rule \"heavy\"")
            && m.contains("with its exceptions")),
        "{msgs:#?}"
    );
}

#[test]
fn nested_lists_are_capped() {
    let mut y = String::from("- list: l0\n  items: [a, b]\n");
    for i in 1..=40 {
        y += &format!("- list: l{i}\n  items: [l{p}, l{p}]\n", p = i - 1);
    }
    y += "- rule: wide\n  desc: d\n  condition: evt.type = open and proc.name in (l40)\n  output: o\n  priority: INFO\n";
    let t0 = Instant::now();
    let (_, cov) = build(&[("lists.yaml", &y)]);
    assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());
    let msgs: Vec<String> = cov.diagnostics.iter().map(ToString::to_string).collect();
    assert!(
        msgs.iter().any(|m| m.starts_with("lists.yaml:")
            && m.contains("rule \"wide\"")
            && m.contains("items or more")),
        "{msgs:#?}"
    );
}

#[test]
fn shipped_rules_are_far_below_the_budget() {
    let mut set = RuleSet::default();
    set.load_str(DEFAULT_RULES_NAME, DEFAULT_RULES);
    let mut comp = super::super::compile::Compiler::new(&set);
    let mut largest = (0, String::new());
    for (i, def) in set.rules.iter().enumerate() {
        if let Some(r) = comp.rule(i).rule {
            let n = nodes(&r.expr, usize::MAX);
            if n > largest.0 {
                largest = (n, def.name.clone());
            }
        }
    }
    eprintln!("largest shipped rule: {} nodes ({})", largest.0, largest.1);
    assert!(largest.0 > 0);
    assert!(largest.0 * 10 < MAX_NODES, "{largest:?}");
}
