//! Falco's rule files load as Falco loads them: the flow-list layouts yaml-cpp accepts, and the three upstream files' targets.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_ktriage");

fn check(files: &[PathBuf]) -> (Option<i32>, serde_json::Value) {
    let out = Command::new(BIN)
        .args(["rules", "check", "--json"])
        .args(files)
        .output()
        .expect("ktriage rules check");
    let v = serde_json::from_slice(&out.stdout).expect("JSON report");
    (out.status.code(), v)
}

#[test]
fn flow_lists_closed_at_the_key_column_load() {
    let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/falco/flow_layout.yaml");
    let (code, v) = check(std::slice::from_ref(&f));
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(v["failed_files"], serde_json::json!([]), "{v:#}");
    assert_eq!(v["totals"]["error_diagnostics"], 0, "{v:#}");
    let rule = &v["rules"][0];
    assert_eq!(rule["status"], "evaluable", "{v:#}");
}

/// Where the incubating and sandbox files are: `KTRIAGE_FALCO_UPSTREAM`, then
/// `tests/fixtures/falco/upstream/`, then the shared folder beside the checkout.
fn upstream_dir() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("KTRIAGE_FALCO_UPSTREAM").map(PathBuf::from),
        Some(root.join("tests/fixtures/falco/upstream")),
        Some(root.join("../shared/falco")),
    ];
    candidates.into_iter().flatten().find(|d| {
        d.join("falco-incubating_rules.yaml").is_file()
            && d.join("falco-sandbox_rules.yaml").is_file()
    })
}

/// The shipped stable file alone: 100% parse, no errors, ≥ 95% of enabled rules evaluable.
#[test]
fn shipped_stable_rules_parse_and_mostly_evaluate() {
    let stable = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/falco_rules.yaml");
    assert_targets(&[stable]);
}

/// Stable + incubating + sandbox loaded together. The two upstream files are not
/// in the repository (their text may not be committed here) and CI cannot fetch
/// them, so this runs on demand:
/// `KTRIAGE_FALCO_UPSTREAM=DIR cargo test --test rules_upstream -- --ignored`.
#[test]
#[ignore = "needs falco-incubating_rules.yaml and falco-sandbox_rules.yaml (KTRIAGE_FALCO_UPSTREAM=DIR)"]
fn upstream_stable_incubating_sandbox_parse_and_mostly_evaluate() {
    let dir = upstream_dir().expect(
        "falco-incubating_rules.yaml and falco-sandbox_rules.yaml not found \
         (KTRIAGE_FALCO_UPSTREAM, tests/fixtures/falco/upstream/, ../shared/falco/)",
    );
    let stable = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/falco_rules.yaml");
    let files = [
        stable,
        dir.join("falco-incubating_rules.yaml"),
        dir.join("falco-sandbox_rules.yaml"),
    ];
    let v = assert_targets(&files);
    let rules = v["rules"].as_array().expect("rules");
    for name in [
        "Program run with disallowed http proxy env",
        "Launch Excessively Capable Container",
        "Basic Interactive Reconnaissance",
    ] {
        let r = rules
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("{name} listed"));
        assert_eq!(r["status"], "evaluable", "{r:#}");
    }
}

/// 100% parse, no error diagnostics, exit 0, ≥ 95% of the enabled rules evaluable.
fn assert_targets(files: &[PathBuf]) -> serde_json::Value {
    let (code, v) = check(files);
    assert_eq!(
        v["failed_files"],
        serde_json::json!([]),
        "100% parse: {v:#}"
    );
    let yaml_errors: Vec<_> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| {
            d["message"]
                .as_str()
                .unwrap_or_default()
                .contains("invalid YAML")
        })
        .collect();
    assert!(yaml_errors.is_empty(), "100% parse: {yaml_errors:#?}");
    let t = &v["totals"];
    assert_eq!(t["error_diagnostics"], 0, "{:#}", v["diagnostics"]);
    assert_eq!(code, Some(0));
    let pct = t["enabled_evaluable_pct"].as_f64().expect("pct");
    eprintln!("upstream rules: {t}");
    assert!(pct >= 95.0, "≥ 95% of the enabled rules evaluable: {t}");
    v
}
