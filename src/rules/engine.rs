//! The rule engine: compiled rules indexed by event type, fed events in order, producing Falco-shaped alerts.

use std::sync::Arc;

use super::ctx::Ctx;
use super::env::Env;
use super::eval::eval;
use super::evtypes::{self, TypeSet};
use super::model::RuleSet;
use super::proctable::ProcTable;
use super::report::{Coverage, RuleReport, RuleStatus};
use super::{compile::Compiler, compile_rule::CompiledRule};
use crate::collector::clock::WallClock;
use crate::model::alert::{Alert, AlertOrigin, Priority};
use crate::model::{KernelBatch, SysEvent};

/// One enabled, evaluable rule with what an alert needs.
struct Live {
    name: Arc<str>,
    priority: Priority,
    source: Arc<str>,
    tags: Arc<[String]>,
    rule: CompiledRule,
}

impl Live {
    /// This rule's alert (no process or container: the caller adds them).
    fn alert(
        &self,
        time_ns: u64,
        hostname: &str,
        output: String,
        output_fields: std::collections::BTreeMap<String, serde_json::Value>,
    ) -> Alert {
        Alert {
            time_ns,
            rule: self.name.to_string(),
            priority: self.priority,
            source: self.source.to_string(),
            hostname: hostname.to_string(),
            output,
            output_fields,
            tags: self.tags.to_vec(),
            origin: AlertOrigin::Engine,
            pid: None,
            container_id: None,
            facts: None,
        }
    }
}

/// Evaluates a rule set on a stream of events.
pub struct Engine {
    rules: Vec<Live>,
    /// Rule indexes (into `rules`) per event type id, in rule order.
    by_type: Vec<Vec<u32>>,
    /// Event types some rule wants.
    wanted: TypeSet,
    /// Rule indexes of the `k8s_audit` rules, in rule order.
    audit_rules: Vec<u32>,
    /// The process table while a batch is evaluated (and between batches when not shared).
    pub procs: ProcTable,
    /// The session's table, when shared ([`Engine::share_procs`]): it is swapped into
    /// `procs` for each batch, under its lock.
    shared: Option<super::procshared::SharedProcs>,
    pub env: Env,
    /// Wall-clock minus boot-clock, ns.
    wall_offset: i128,
    num: u64,
    /// Remember regular-file fds (rules read `fd.*` on calls that take an fd).
    pub(super) track_files: bool,
    memo: super::optimize::Memo,
    /// Events evaluated (that met at least one rule) and rule evaluations done.
    pub stats: EngineStats,
    pub(super) dns_rx: Option<std::sync::mpsc::Receiver<(std::net::IpAddr, Arc<str>)>>,
    pub(super) dns_names: Vec<String>,
    /// Identity appended to every alert (Falco's `append_output`); `None`: the rule's output only.
    pub append: Option<super::append::Append>,
    /// Namespace pairs of containers, for processes entered from the host (`None`: no /proc).
    pub(super) ns: Option<crate::identity::nsindex::NsIndex>,
    /// Containers entered from the host, by full id.
    pub(super) entered_meta: crate::model::hash::FxMap<String, Arc<super::env::ContainerMeta>>,
}

/// The `source` of rules that run on Kubernetes audit events.
pub const AUDIT_SOURCE: &str = "k8s_audit";

/// Counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EngineStats {
    pub events: u64,
    pub evaluations: u64,
    pub alerts: u64,
}

impl Engine {
    /// Compiles `set`; rules that are disabled or not evaluable are left out (see the coverage).
    pub fn build(
        set: &RuleSet,
        procs: ProcTable,
        env: Env,
        clock: WallClock,
    ) -> (Engine, Coverage) {
        let mut comp = Compiler::new(set);
        for m in &set.macros {
            comp.compile_macro(&m.name);
        }
        let mut rules = Vec::new();
        let mut interner = super::optimize::Interner::default();
        let mut reports = Vec::new();
        for (i, def) in set.rules.iter().enumerate() {
            let out = comp.rule(i);
            let status = if !out.outcome.errors.is_empty() {
                RuleStatus::Error
            } else if !out.outcome.unsupported.is_empty() {
                RuleStatus::NotEvaluable
            } else {
                RuleStatus::Evaluable
            };
            reports.push(RuleReport {
                name: def.name.clone(),
                at: def.at.clone(),
                enabled: def.enabled,
                priority: def.priority,
                status,
                unsupported: out.outcome.unsupported.clone(),
                errors: out.outcome.errors.clone(),
                event_types: out
                    .types
                    .map(|t| t.ids().map(|i| evtypes::name(i).to_string()).collect()),
                output_na: out.output_na.clone(),
            });
            if let (Some(mut r), true) = (out.rule, def.enabled) {
                r.expr = super::optimize::optimize(r.expr, &r.types, &mut interner);
                rules.push(Live {
                    name: def.name.as_str().into(),
                    priority: def.priority,
                    source: def.source.as_str().into(),
                    tags: def.tags.clone().into(),
                    rule: r,
                });
            }
        }
        let mut by_type = vec![Vec::new(); evtypes::N];
        let mut wanted = TypeSet::empty();
        let mut audit_rules = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            if r.source.as_ref() == AUDIT_SOURCE {
                audit_rules.push(i as u32);
            }
            if r.source.as_ref() != "syscall" {
                continue;
            }
            if !r.rule.types.is_all() {
                wanted = wanted.union(&r.rule.types);
            }
            for t in r.rule.types.ids() {
                by_type[usize::from(t)].push(i as u32);
            }
        }
        let track_files = wanted.ids().any(|t| {
            matches!(
                super::ctx::category(u32::from(t)),
                super::ctx::Cat::FdArg0 | super::ctx::Cat::Dup
            ) && !matches!(evtypes::name(t), "dup" | "dup2" | "dup3")
        });
        let dns_names = super::dns::names_in(rules.iter().map(|r| &r.rule.expr));
        let coverage = Coverage {
            rules: reports,
            diagnostics: {
                let mut d = set.diags.list.clone();
                d.extend(comp.diags.list);
                d
            },
            failed_files: set.failed_files.clone(),
            files: set.sources.iter().map(|(n, _)| n.clone()).collect(),
        };
        let ns = procs
            .proc_root()
            .map(crate::identity::nsindex::NsIndex::new);
        let engine = Engine {
            rules,
            by_type,
            wanted,
            audit_rules,
            procs,
            shared: None,
            env,
            wall_offset: clock.wall(0).unix_timestamp_nanos(),
            num: 0,
            track_files,
            memo: super::optimize::Memo::new(interner.len()),
            stats: EngineStats::default(),
            dns_rx: None,
            dns_names,
            append: None,
            ns,
            entered_meta: Default::default(),
        };
        (engine, coverage)
    }

    /// Number of `k8s_audit` rules.
    pub fn audit_rule_count(&self) -> usize {
        self.audit_rules.len()
    }

    /// Runs the `k8s_audit` rules on one audit event (syscall rules never see it).
    pub fn process_audit(&mut self, ev: &crate::model::audit::AuditEvent, out: &mut Vec<Alert>) {
        if self.audit_rules.is_empty() {
            return;
        }
        self.num += 1;
        self.stats.events += 1;
        let view = super::audit::KaView::new(ev);
        let none = super::audit::no_kernel_event();
        let mut ctx = Ctx::new(
            &none,
            u16::MAX,
            self.num,
            &self.procs,
            &self.env,
            ev.time_ns,
            &self.memo,
        );
        ctx.audit = Some(&view);
        for &i in &self.audit_rules {
            let live = &self.rules[i as usize];
            self.stats.evaluations += 1;
            if !eval(&live.rule.expr, &ctx) {
                continue;
            }
            let (mut output, mut fields) = live.rule.output.render(&ctx);
            crate::redact::mask_output(&mut output, &mut fields);
            self.stats.alerts += 1;
            out.push(live.alert(ev.time_ns, &self.env.hostname, output, fields));
        }
    }

    /// Number of rules evaluated.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// Event types the rules name (rules without a type restriction left out).
    pub fn wanted_types(&self) -> TypeSet {
        self.wanted
    }

    /// From now on the engine reads and updates `shared` (the session's one process table,
    /// which the /proc poll also feeds) instead of a table of its own; what its own table held
    /// is merged in (processes the shared one does not know).
    pub fn share_procs(&mut self, shared: super::procshared::SharedProcs) {
        let own = std::mem::take(&mut self.procs);
        {
            let mut table = shared.lock();
            for p in own.live() {
                if table.get(p.pid).is_none() {
                    table.insert(p.clone());
                }
            }
        }
        self.shared = Some(shared);
    }

    /// Processes a batch: its new cgroups, then its events in order.
    pub fn process_batch(&mut self, batch: &KernelBatch, out: &mut Vec<Alert>) {
        let Some(shared) = self.shared.clone() else {
            return self.process_batch_own(batch, out);
        };
        let mut table = shared.lock();
        // the shared table is the engine's for this batch; the lock keeps others out meanwhile
        std::mem::swap(&mut *table, &mut self.procs);
        self.process_batch_own(batch, out);
        std::mem::swap(&mut *table, &mut self.procs);
    }

    fn process_batch_own(&mut self, batch: &KernelBatch, out: &mut Vec<Alert>) {
        self.drain_dns();
        self.env.add_cgroups(&batch.cgroups);
        for ev in &batch.events {
            self.process(ev, out);
        }
    }

    /// Processes one event: updates the process table and appends the alerts it raises.
    pub fn process(&mut self, ev: &SysEvent, out: &mut Vec<Alert>) {
        self.num += 1;
        let etype = evtypes::of_event(ev);
        self.before(ev);
        if let Some(t) = etype {
            let idx = &self.by_type[usize::from(t)];
            if !idx.is_empty() {
                self.stats.events += 1;
                let wall = (i128::from(ev.ts_ns) + self.wall_offset).max(0) as u64;
                let ctx = Ctx::new(ev, t, self.num, &self.procs, &self.env, wall, &self.memo);
                for &i in idx {
                    let live = &self.rules[i as usize];
                    self.stats.evaluations += 1;
                    if eval(&live.rule.expr, &ctx) {
                        let (mut output, mut fields) = live.rule.output.render(&ctx);
                        crate::redact::mask_output(&mut output, &mut fields);
                        if let Some(a) = &self.append {
                            a.apply(&ctx, &mut output, &mut fields, ctx.entered_from_host);
                        }
                        self.stats.alerts += 1;
                        let mut a = live.alert(wall, &self.env.hostname, output, fields);
                        a.pid = Some(ev.pid);
                        a.container_id = ctx.container.map(|c| c.short.to_string());
                        a.facts = Some(Arc::new(super::facts::of(&ctx)));
                        out.push(a);
                    }
                }
            }
        }
        self.after(ev);
    }
}
