//! The layering of `src/` (shared/docs/design.md): a module imports only the
//! modules below it. Every `src/**/*.rs` is read, comments and literals are
//! dropped, and each `crate::X` path, and each `super::` path that climbs out of
//! its top-level module, is checked against [`ORDER`].

#[path = "layering/scan.rs"]
mod scan;

use std::collections::BTreeSet;
use std::path::Path;

use scan::{check_file, check_tree, module_of};

/// The layers, lowest first. A module may import modules of lower layers only.
///
/// Where this differs from design.md's list, the code was read and the honest
/// place chosen:
/// - `strings` (every UI string) only imports `sanitize`: it sits just above
///   the leaves, so the core can word its messages with it.
/// - `kube` (the pod-spec watcher) imports only `sanitize`, and `posture`'s
///   level is the highest it could sit at; it is a client like `identity`'s
///   CRI client, so it sits just above the leaves.
/// - `identity` sits below `collector`: the collector's reader resolves cgroup
///   ids with `identity::cgroup`, and `identity` imports nothing but `model`.
const ORDER: &[&[&str]] = &[
    // the leaf and the leaf utilities next to it
    &["model", "sanitize", "redact", "safe_fs"],
    &["strings", "kube"],
    &["identity"],
    &["collector"],
    &["inspect"],
    &["rules"],
    &["alerts"],
    &["posture"],
    &["app"],
    &["runtime"],
    &["session"],
    &["scap"],
    &["drill"],
    &["ui"],
    &["cli", "headless"],
];

/// KNOWN EXCEPTIONS (file, module it imports upward), printed when the test
/// runs. Empty: keep it so. An entry that no longer happens fails the test,
/// so the list can only shrink.
const KNOWN: &[(&str, &str)] = &[];

/// Layer of a top-level module, `None` when [`ORDER`] does not list it.
fn layer(module: &str) -> Option<usize> {
    ORDER.iter().position(|l| l.contains(&module))
}

#[test]
fn every_top_level_module_has_a_layer() {
    let (_, tops) = check_tree(Path::new(env!("CARGO_MANIFEST_DIR")));
    let missing: Vec<&String> = tops.iter().filter(|t| layer(t).is_none()).collect();
    assert!(
        missing.is_empty(),
        "src/ has top-level modules tests/layering.rs does not place: {missing:?} (add them to ORDER)"
    );
}

#[test]
fn imports_point_down() {
    let (found, _) = check_tree(Path::new(env!("CARGO_MANIFEST_DIR")));
    let known: BTreeSet<(&str, &str)> = KNOWN.iter().copied().collect();
    let mut seen: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut bad = Vec::new();
    let mut in_tests = BTreeSet::new();
    for v in &found {
        if v.test {
            in_tests.insert(format!("{} → {} ({})", v.from, v.to, v.file));
            continue;
        }
        let key = (v.file.as_str(), v.to.as_str());
        if known.contains(&key) {
            if seen.insert(key) {
                eprintln!(
                    "KNOWN layering exception: {}:{} ({} imports {})",
                    v.file, v.line, v.from, v.to
                );
            }
        } else {
            bad.push(format!(
                "{}:{}: {} imports {}",
                v.file, v.line, v.from, v.to
            ));
        }
    }
    // Test code may use fixtures from above (ui::test_support builds states
    // through `update` and draws them): shown, not counted.
    for t in &in_tests {
        eprintln!("test code only: {t}");
    }
    let stale: Vec<_> = known.difference(&seen).collect();
    assert!(
        bad.is_empty(),
        "imports that point up (design.md: model ← … ← ui):\n{}",
        bad.join("\n")
    );
    assert!(
        stale.is_empty(),
        "KNOWN exceptions that no longer happen (remove them from tests/layering.rs): {stale:?}"
    );
}

fn tops() -> BTreeSet<String> {
    [
        "model",
        "app",
        "ui",
        "collector",
        "rules",
        "alerts",
        "sanitize",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

fn check(rel: &str, src: &str) -> Vec<(String, String)> {
    let m = module_of(Path::new(rel));
    check_file(rel, src, &m, false, &tops())
        .into_iter()
        .filter(|v| !v.test)
        .map(|v| (v.from, v.to))
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

#[test]
fn the_checker_catches_upward_imports() {
    // direct, grouped, nested in an expression, and through `super::`
    assert_eq!(
        check("src/rules/x.rs", "use crate::app::Event;"),
        vec![pair("rules", "app")]
    );
    assert_eq!(
        check(
            "src/collector/x.rs",
            "use crate::{model::SysEvent, ui::panes::errno};"
        ),
        vec![pair("collector", "ui")]
    );
    assert_eq!(
        check("src/alerts/x.rs", "fn f() { let _ = crate::ui::x(); }"),
        vec![pair("alerts", "ui")]
    );
    assert_eq!(
        check("src/rules/mod.rs", "use super::app::Event;"),
        vec![pair("rules", "app")]
    );
    assert_eq!(
        check("src/rules/a/b.rs", "use super::super::super::ui::X;"),
        vec![pair("rules", "ui")]
    );
    // the leaf imports nothing, not even another leaf
    assert_eq!(
        check("src/model/x.rs", "use crate::sanitize::sanitize;"),
        vec![pair("model", "sanitize")]
    );
}

#[test]
fn the_checker_lets_the_rest_pass() {
    // down, within the module, comments, strings, doc links, `$crate`, inline `mod tests`
    let ok = r#"
        use crate::model::SysEvent;
        use super::sibling;
        // use crate::app::Event;
        /* crate::ui:: */
        /// See [`crate::app::Event`].
        const S: &str = "crate::ui::x";
        const R: &str = r"crate::app";
        const C: char = '"';
        fn f<'a>(x: &'a str) -> &'a str { x }
        macro_rules! m { () => { $crate::ui::x() } }
        mod tests { use super::super::ok; }
        #[cfg(test)]
        mod more_tests { use crate::ui::test_support::state; }
        #[cfg(test)]
        use crate::app::Event;
    "#;
    assert_eq!(check("src/rules/x.rs", ok), vec![]);
    assert_eq!(check("src/app/x.rs", "use crate::rules::Env;"), vec![]);
    assert_eq!(
        check("src/ui/x.rs", "use crate::{app::Event, model::SysEvent};"),
        vec![]
    );
}
