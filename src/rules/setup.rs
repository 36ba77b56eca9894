//! Building the engine a session runs: rule files loaded in order, compiled, with CRI names and DNS.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Coverage, CriLookup, Engine, Env, ProcTable, Severity, load_set};
use crate::collector::clock::WallClock;
use crate::identity::cri::SharedCri;
use crate::identity::resolve::Resolver;
use crate::sanitize::sanitize;

/// Which rules to run and how to name containers.
#[derive(Clone, Debug, Default)]
pub struct EngineOpts {
    /// Extra rule files after the defaults, in order.
    pub rules: Vec<PathBuf>,
    /// Load the shipped rules and /etc/falco/falco_rules.local.yaml.
    pub defaults: bool,
    /// Ask the container runtime for names through this cache (a session shares one).
    pub cri: Option<SharedCri>,
    /// Identity appended to every alert (`None`: the rules' output only).
    pub append: Option<super::append::Append>,
}

/// The compiled engine, or the located errors of the files that could not be loaded.
/// Errors of single rules are not fatal: they are in the coverage's diagnostics.
pub fn build_engine(opts: &EngineOpts) -> Result<(Engine, Coverage), String> {
    let set = load_set(&opts.rules, opts.defaults);
    let mut env = Env::host();
    if let Some(cri) = &opts.cri {
        env.lookup = Box::new(CriLookup(Resolver::shared(
            Path::new("/proc"),
            Some(cri.clone()),
        )));
    }
    let (mut engine, cov) = Engine::build(
        &set,
        ProcTable::new(Some("/proc".into())),
        env,
        WallClock::now(),
    );
    if !cov.files_ok() {
        return Err(format!(
            "a rules file could not be loaded:\n{}",
            rule_errors(&cov).join("\n")
        ));
    }
    engine.append = opts.append.clone();
    engine.start_dns(Duration::from_secs(300));
    Ok((engine, cov))
}

/// The engine for audit events: the shipped `k8s_audit` rules (unless `defaults` is
/// false), then `extra` (their `k8s_audit` rules run; syscall rules never see audit events).
pub fn build_audit_engine(extra: &[std::path::PathBuf], defaults: bool) -> Result<Engine, String> {
    let mut set = super::RuleSet::default();
    if defaults {
        set.load_str(super::AUDIT_RULES_NAME, super::AUDIT_RULES);
    }
    for f in extra {
        set.load_file(f);
    }
    let (engine, cov) = Engine::build(&set, ProcTable::new(None), Env::host(), WallClock::now());
    if !cov.files_ok() {
        return Err(format!(
            "a rules file could not be loaded:\n{}",
            rule_errors(&cov).join("\n")
        ));
    }
    Ok(engine)
}

/// The engine run over a recording (`alerts --from`): no /proc, no DNS, no runtime; the
/// host name is the recording's, the clock the recording's, containers named by `lookup`.
pub fn build_replay_engine(
    opts: &EngineOpts,
    hostname: &str,
    clock: WallClock,
    lookup: Box<dyn super::ContainerLookup>,
) -> Result<(Engine, Coverage), String> {
    let set = load_set(&opts.rules, opts.defaults);
    let mut env = Env::empty(hostname);
    env.lookup = lookup;
    let (mut engine, cov) = Engine::build(&set, ProcTable::new(None), env, clock);
    if !cov.files_ok() {
        return Err(format!(
            "a rules file could not be loaded:\n{}",
            rule_errors(&cov).join("\n")
        ));
    }
    engine.append = opts.append.clone();
    Ok((engine, cov))
}

/// The located error lines (files that failed, rules that did not compile), terminal-safe.
pub fn rule_errors(cov: &Coverage) -> Vec<String> {
    cov.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| sanitize(&d.to_string()).into_owned())
        .collect()
}
