//! Unit tests of the rule engine over synthetic events.

use super::*;

fn shipped() -> (Engine, Coverage) {
    let mut set = RuleSet::default();
    set.load_str(DEFAULT_RULES_NAME, DEFAULT_RULES);
    Engine::build(
        &set,
        ProcTable::new(None),
        Env::empty("node-1"),
        crate::collector::clock::WallClock::with_offset(0),
    )
}

#[test]
fn shipped_rules_coverage() {
    let (_, cov) = shipped();
    println!("{}", cov.to_text());
    let t = cov.totals();
    assert!(cov.files_ok());
    assert_eq!(cov.error_count(), 0, "{}", cov.to_text());
    assert!(t.enabled_evaluable_pct() >= 90.0, "{t:?}");
}
