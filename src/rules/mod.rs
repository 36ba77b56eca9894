//! Falco-compatible rules: rule-file loader, condition parser and compiler, fields over ktriage events, engine.
//!
//! Flow: [`RuleSet::load_str`] / [`RuleSet::load_file`] read YAML files in order
//! (later files override), [`Engine::build`] compiles every condition once
//! (macros expanded, lists as hash sets, fields resolved) and indexes rules by
//! event type; [`Engine::process_batch`] runs each event through the rules that
//! can match it and returns [`Alert`](crate::model::alert::Alert)s in Falco's shapes.

pub mod append;
mod ast;
mod audit;
mod audit_req;
mod compile;
mod compile_rule;
mod ctx;
pub mod diag;
mod dns;
mod engine;
mod engine_update;
mod entered;
mod env;
mod eval;
mod evtypes;
mod expr;
mod extract;
mod facts;
mod fdtable;
mod fields;
pub mod live;
mod loader;
pub use loader::ENGINE_VERSION;
mod loader_rule;
mod model;
mod optimize;
mod output;
mod parser;
mod position;
mod procread;
pub mod procshared;
mod proctable;
mod report;
mod rhs;
pub mod setup;
pub mod syscall_set;
mod yaml;
mod yaml_lenient;

pub use diag::{Diagnostic, Location, Severity};
pub use engine::{AUDIT_SOURCE, Engine, EngineStats};
pub use engine_update::{EXEC_EXT, EXEC_MEMFD};
pub use env::{CgroupOnly, ContainerLookup, ContainerMeta, CriLookup, Env};
pub use evtypes::TypeSet;
pub use fdtable::{FdEntry, FdKind, L4};
pub use model::RuleSet;
pub use procshared::SharedProcs;
pub use proctable::{Proc, ProcTable};
pub use report::{Coverage, RuleReport, RuleStatus, Totals};

/// The upstream Falco rules shipped as ktriage's default rules (Apache-2.0).
pub const DEFAULT_RULES: &str = include_str!("../../rules/falco_rules.yaml");
/// Name under which the shipped rules are reported.
pub const DEFAULT_RULES_NAME: &str = "falco_rules.yaml (shipped)";
/// ktriage's Kubernetes audit rules (`source: k8s_audit`, in the style of Falco's k8s_audit_rules.yaml).
pub const AUDIT_RULES: &str = include_str!("../../rules/k8s_audit_rules.yaml");
/// Name under which the shipped audit rules are reported.
pub const AUDIT_RULES_NAME: &str = "k8s_audit_rules.yaml (shipped)";
/// Local overrides Falco loads after its rules, loaded too when present.
pub const LOCAL_RULES: &str = "/etc/falco/falco_rules.local.yaml";

/// The rules ktriage runs: the shipped file (unless `defaults` is false), then
/// [`LOCAL_RULES`] when present, then `extra` in order (later files override).
pub fn load_set(extra: &[std::path::PathBuf], defaults: bool) -> RuleSet {
    let mut set = RuleSet::default();
    if defaults {
        set.load_str(DEFAULT_RULES_NAME, DEFAULT_RULES);
        let local = std::path::Path::new(LOCAL_RULES);
        if local.exists() {
            set.load_file(local);
        }
    }
    for f in extra {
        set.load_file(f);
    }
    set
}

#[cfg(test)]
mod tests;
