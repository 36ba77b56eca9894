//! Compiles whole rules: condition, exceptions (`and not (...)`), event types, output template.

use super::ast::Op;
use super::compile::{Compiler, MAX_NODES, Outcome};
use super::evtypes::TypeSet;
use super::expr::{Check, Expr};
use super::fields::{self, F, FieldError};
use super::model::{ExceptionDef, RuleDef};
use super::output::Template;
use super::rhs::{RhsError, typed};

/// A rule ready to evaluate.
#[derive(Clone, Debug)]
pub struct CompiledRule {
    pub expr: Expr,
    pub types: TypeSet,
    pub output: Template,
}

/// What compiling one rule gave.
pub struct RuleOutcome {
    pub rule: Option<CompiledRule>,
    pub outcome: Outcome,
    /// `None` for "any event type".
    pub types: Option<TypeSet>,
    /// Output fields rendered as `<NA>`.
    pub output_na: Vec<String>,
}

impl Compiler<'_> {
    /// Compiles rule `idx` of the set.
    pub fn rule(&mut self, idx: usize) -> RuleOutcome {
        let def: &RuleDef = &self.set.rules[idx];
        let label = format!("rule \"{}\"", def.name);
        let mut outcome = self.condition(&def.condition, &label);
        let mut ex_parts = Vec::new();
        for e in &def.exceptions {
            match self.exception(e, &label) {
                Ok(Some(x)) => ex_parts.push(x),
                Ok(None) => {}
                Err(m) => outcome.errors.push(m),
            }
        }
        let (output, na) = Template::compile(&def.output);
        for (field, why) in &na {
            self.diags.warn(
                &def.at,
                Some(&label),
                format!("output field `%{field}` renders as <NA>: {why}"),
            );
        }
        let output_na = na.into_iter().map(|(f, _)| f).collect();
        let Some(mut expr) = outcome.expr.take().filter(|_| outcome.errors.is_empty()) else {
            return RuleOutcome {
                rule: None,
                outcome,
                types: None,
                output_na,
            };
        };
        if !ex_parts.is_empty() {
            expr = Expr::And(vec![expr, Expr::Not(Box::new(Expr::Or(ex_parts.into())))].into());
        }
        // too costly with its exceptions, or reading a field its events never carry
        let fatal = (super::compile::nodes(&expr, MAX_NODES) > MAX_NODES)
            .then(|| super::compile::too_costly("the condition with its exceptions"))
            .or_else(|| foreign_field(&expr, &def.source));
        if let Some(m) = fatal {
            self.diags.error(&def.condition.at, Some(&label), m.clone());
            outcome.errors.push(m);
            return RuleOutcome {
                rule: None,
                outcome,
                types: None,
                output_na,
            };
        }
        let types = types_of(&expr);
        if types.is_all() && def.warn_evttypes && def.source == "syscall" {
            self.diags.warn(
                &def.condition.at,
                Some(&label),
                "no event type restriction (evt.type): the rule is evaluated on every event",
            );
        }
        outcome.expr = Some(expr.clone());
        RuleOutcome {
            rule: Some(CompiledRule {
                expr,
                types,
                output,
            }),
            types: (!types.is_all()).then_some(types),
            outcome,
            output_na,
        }
    }

    fn exception(&mut self, e: &ExceptionDef, label: &str) -> Result<Option<Expr>, String> {
        let fail = |me: &mut Self, m: String| Err(me.ex_err(e, label, m));
        if e.values.is_empty() {
            return Ok(None);
        }
        let mut refs = Vec::new();
        for (f, comp) in e.fields.iter().zip(&e.comps) {
            let r = match fields::lookup(f, None).or_else(|err| match f.split_once('[') {
                Some((n, a)) => fields::lookup(n, Some(a.trim_end_matches(']'))),
                None => Err(err),
            }) {
                Ok(r) => r,
                Err(FieldError::Unsupported(n, why)) => {
                    return fail(self, format!("field `{n}`: {why}"));
                }
                Err(err) => return fail(self, err.to_string()),
            };
            let Some(op) = Op::parse(comp.trim()) else {
                return fail(self, format!("unknown comparison `{comp}`"));
            };
            refs.push((r, op));
        }
        if refs.is_empty() {
            return fail(self, "no fields".into());
        }
        let mut alts = Vec::new();
        if e.single {
            let (r, op) = &refs[0];
            let mut items = Vec::new();
            for v in &e.values {
                for item in v.iter().flatten() {
                    self.expand_item(item, false, &mut items, 0);
                }
            }
            if op.takes_list() {
                alts.push(
                    self.check(r, *op, &items, true)
                        .map_err(|m| self.ex_err(e, label, m))?,
                );
            } else {
                for item in items {
                    alts.push(
                        self.check(r, *op, &[item], false)
                            .map_err(|m| self.ex_err(e, label, m))?,
                    );
                }
            }
        } else {
            for tuple in &e.values {
                if tuple.len() != refs.len() {
                    return fail(
                        self,
                        format!(
                            "a value has {} items for {} fields",
                            tuple.len(),
                            refs.len()
                        ),
                    );
                }
                let mut all = Vec::new();
                for ((r, op), v) in refs.iter().zip(tuple) {
                    let mut items = Vec::new();
                    for item in v {
                        self.expand_item(item, false, &mut items, 0);
                    }
                    if !op.takes_list() && items.len() != 1 {
                        return fail(self, format!("`{}` takes one value", op.name()));
                    }
                    all.push(
                        self.check(r, *op, &items, op.takes_list())
                            .map_err(|m| self.ex_err(e, label, m))?,
                    );
                }
                alts.push(Expr::And(all.into()));
            }
        }
        Ok(Some(Expr::Or(alts.into())))
    }

    fn ex_err(&mut self, e: &ExceptionDef, label: &str, m: String) -> String {
        self.diags
            .error(&e.at, Some(label), format!("exception \"{}\": {m}", e.name));
        m
    }

    fn check(
        &self,
        r: &fields::FieldRef,
        op: Op,
        items: &[String],
        list: bool,
    ) -> Result<Expr, String> {
        let rhs = typed(r, op, items, list).map_err(|RhsError::Bad(_, m)| m)?;
        let chk = Check {
            field: r.clone(),
            op,
            rhs,
        };
        if r.f == F::EvtType {
            let mut set = TypeSet::empty();
            for id in TypeSet::all().ids() {
                if super::eval::check_str(&chk, super::evtypes::name(id)) {
                    set.insert(id);
                }
            }
            return Ok(Expr::EvtType(set));
        }
        Ok(Expr::Check(Box::new(chk)))
    }
}

/// A field of the other source in a `syscall` or `k8s_audit` rule (its events never carry
/// it: the rule could never match as written), as the error to report.
fn foreign_field(e: &Expr, source: &str) -> Option<String> {
    let audit = match source {
        "syscall" => false,
        super::engine::AUDIT_SOURCE => true,
        _ => return None,
    };
    let found = first_field(e, &|f| fields::is_audit(f) != audit)?;
    let kind = if audit {
        "a syscall field"
    } else {
        "a k8s_audit field"
    };
    Some(format!(
        "field `{found}` is {kind}: a `{source}` rule never sees it"
    ))
}

/// The name of the first field in `e` that `pick` picks (`evt.type` for event-type sets).
fn first_field(e: &Expr, pick: &dyn Fn(F) -> bool) -> Option<&'static str> {
    match e {
        Expr::EvtType(_) => pick(F::EvtType).then_some("evt.type"),
        Expr::And(v) | Expr::Or(v) => v.iter().find_map(|x| first_field(x, pick)),
        Expr::Not(x) => first_field(x, pick),
        Expr::Check(c) | Expr::Memo(_, c) => pick(c.field.f).then(|| fields::name(c.field.f)),
    }
}

/// The event types an expression can match (all types when it does not restrict them).
pub fn types_of(e: &Expr) -> TypeSet {
    match e {
        Expr::EvtType(s) => *s,
        Expr::And(v) => v
            .iter()
            .fold(TypeSet::all(), |acc, x| acc.intersect(&types_of(x))),
        Expr::Or(v) => v
            .iter()
            .fold(TypeSet::empty(), |acc, x| acc.union(&types_of(x))),
        Expr::Not(x) if only_types(x) => types_of(x).complement(),
        _ => TypeSet::all(),
    }
}

/// True when `e` only tests the event type.
fn only_types(e: &Expr) -> bool {
    match e {
        Expr::EvtType(_) => true,
        Expr::And(v) | Expr::Or(v) => v.iter().all(only_types),
        Expr::Not(x) => only_types(x),
        Expr::Check(_) | Expr::Memo(..) => false,
    }
}
