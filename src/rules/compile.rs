//! Compiles conditions: macros expanded (memoized, cycles caught), lists expanded, fields resolved, values typed.

use std::collections::HashMap;

use super::ast::{Ast, Lit, Op, Rhs};
use super::diag::{Diagnostics, Location};
use super::evtypes::{self, TypeSet};
use super::expr::{Check, Expr, Value};
use super::fields::{self, F, FieldError};
use super::model::{CondText, RuleSet};
use super::parser;
use super::position::locate;
use super::rhs::{RhsError, typed};

/// Most nodes (checks and `and`/`or`/`not`, macros, lists and exceptions expanded)
/// a condition may compile to. Evaluating one event then stays bounded: a
/// condition past it (macros that double at each level can reach billions) is
/// refused at load with a located error. The shipped rules' largest has 124.
pub const MAX_NODES: usize = 5_000;
/// Most items a list (lists of lists included) may expand to.
pub const MAX_LIST_ITEMS: usize = 100_000;

/// Nodes of `e`; counting stops once past `limit`.
pub fn nodes(e: &Expr, limit: usize) -> usize {
    fn walk(e: &Expr, n: &mut usize, limit: usize) {
        *n += 1;
        if *n > limit {
            return;
        }
        match e {
            Expr::And(v) | Expr::Or(v) => v.iter().for_each(|x| walk(x, n, limit)),
            Expr::Not(x) => walk(x, n, limit),
            Expr::EvtType(_) | Expr::Check(_) | Expr::Memo(..) => {}
        }
    }
    let mut n = 0;
    walk(e, &mut n, limit);
    n
}

/// The error for a condition past [`MAX_NODES`].
pub(super) fn too_costly(what: &str) -> String {
    format!(
        "{what} expands to more than {MAX_NODES} checks (macros, lists and exceptions included): too costly to evaluate on every event"
    )
}

/// What compiling one condition gave.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// The condition, when it compiled and every field is supported.
    pub expr: Option<Expr>,
    /// Fields or features ktriage cannot answer (the rule is loaded but not evaluable).
    pub unsupported: Vec<String>,
    /// Errors (already reported as diagnostics).
    pub errors: Vec<String>,
}

#[derive(Clone, Debug)]
struct MacroOut {
    expr: Option<Expr>,
    unsupported: Vec<String>,
    failed: bool,
}

/// Compiles the conditions of one [`RuleSet`].
pub struct Compiler<'a> {
    pub(super) set: &'a RuleSet,
    macros: HashMap<String, MacroOut>,
    stack: Vec<String>,
    pub diags: Diagnostics,
}

/// The condition being compiled, for locating messages.
struct Cur<'c> {
    cond: &'c CondText,
    label: &'c str,
    out: Outcome,
}

impl<'a> Compiler<'a> {
    pub fn new(set: &'a RuleSet) -> Self {
        Self {
            set,
            macros: HashMap::new(),
            stack: Vec::new(),
            diags: Diagnostics::default(),
        }
    }

    /// Location of character `offset` of the full text of `cond`.
    pub(super) fn loc(&self, cond: &CondText, offset: usize) -> Location {
        let mut off = offset;
        let mut parts = vec![(&cond.text, &cond.at, cond.source)];
        parts.extend(cond.appended.iter().map(|(t, at, s)| (t, at, *s)));
        for (text, at, source) in parts {
            let n = text.chars().count();
            if off <= n {
                let src = self
                    .set
                    .sources
                    .get(source)
                    .map(|s| s.1.as_str())
                    .unwrap_or("");
                let (line, col) = locate(src, at.line, at.col, off);
                return Location {
                    file: at.file.clone(),
                    line,
                    col,
                };
            }
            off -= n + 1;
        }
        cond.at.clone()
    }

    /// Compiles `cond` (of the item called `label`).
    pub fn condition(&mut self, cond: &CondText, label: &str) -> Outcome {
        let mut cur = Cur {
            cond,
            label,
            out: Outcome::default(),
        };
        let text = cond.full();
        match parser::parse(&text) {
            Ok(ast) => cur.out.expr = self.walk(&ast, &mut cur),
            Err(e) => self.error(&mut cur, e.pos, format!("syntax error: {}", e.message)),
        }
        if cur
            .out
            .expr
            .as_ref()
            .is_some_and(|e| nodes(e, MAX_NODES) > MAX_NODES)
        {
            self.error(&mut cur, 0, too_costly("the condition"));
        }
        if !cur.out.errors.is_empty() || !cur.out.unsupported.is_empty() {
            cur.out.expr = None;
        }
        cur.out
    }

    fn error(&mut self, cur: &mut Cur<'_>, pos: usize, msg: String) {
        let at = self.loc(cur.cond, pos);
        self.diags.error(&at, Some(cur.label), msg.clone());
        cur.out.errors.push(msg);
    }

    fn walk(&mut self, ast: &Ast, cur: &mut Cur<'_>) -> Option<Expr> {
        match ast {
            Ast::And(v) => {
                let items: Vec<Option<Expr>> = v.iter().map(|a| self.walk(a, cur)).collect();
                Some(Expr::And(
                    items.into_iter().collect::<Option<Vec<_>>>()?.into(),
                ))
            }
            Ast::Or(v) => {
                let items: Vec<Option<Expr>> = v.iter().map(|a| self.walk(a, cur)).collect();
                Some(Expr::Or(
                    items.into_iter().collect::<Option<Vec<_>>>()?.into(),
                ))
            }
            Ast::Not(a) => Some(Expr::Not(Box::new(self.walk(a, cur)?))),
            Ast::Macro { name, pos } => self.macro_ref(name, *pos, cur),
            Ast::Check {
                field,
                op,
                op_pos,
                rhs,
            } => {
                let fref = match fields::lookup(&field.name, field.arg.as_deref()) {
                    Ok(f) => f,
                    Err(FieldError::Unsupported(n, why)) => {
                        let m = format!("field `{n}` ({why})");
                        if !cur.out.unsupported.contains(&m) {
                            cur.out.unsupported.push(m);
                        }
                        return None;
                    }
                    Err(e) => {
                        self.error(cur, field.pos, e.to_string());
                        return None;
                    }
                };
                let (items, pos, list) = match rhs {
                    Rhs::None => (Vec::new(), *op_pos, false),
                    Rhs::Single(l) => (vec![l.text.clone()], l.pos, false),
                    Rhs::List(l) => {
                        let pos = l.first().map_or(*op_pos, |l| l.pos);
                        let items = self.expand(l);
                        if items.len() >= MAX_LIST_ITEMS {
                            let m = format!("the list expands to {MAX_LIST_ITEMS} items or more");
                            self.error(cur, pos, m);
                            return None;
                        }
                        (items, pos, true)
                    }
                    Rhs::Field(f) => {
                        return match fields::lookup(&f.name, f.arg.as_deref()) {
                            Ok(other) => Some(Expr::Check(Box::new(Check {
                                field: fref,
                                op: *op,
                                rhs: Value::Field(other),
                            }))),
                            Err(e) => {
                                self.error(cur, f.pos, e.to_string());
                                None
                            }
                        };
                    }
                };
                if fref.f == F::EvtType && *op != Op::Exists {
                    return self.evt_type(&fref, *op, &items, list, pos, cur);
                }
                match typed(&fref, *op, &items, list) {
                    Ok(v) => Some(Expr::Check(Box::new(Check {
                        field: fref,
                        op: *op,
                        rhs: v,
                    }))),
                    Err(RhsError::Bad(_, m)) => {
                        let at = if m.starts_with("operator") {
                            *op_pos
                        } else {
                            pos
                        };
                        self.error(cur, at, m);
                        None
                    }
                }
            }
        }
    }

    /// `evt.type OP values` folds into the set of type ids whose names pass the check.
    fn evt_type(
        &mut self,
        fref: &fields::FieldRef,
        op: Op,
        items: &[String],
        list: bool,
        pos: usize,
        cur: &mut Cur<'_>,
    ) -> Option<Expr> {
        let check = match typed(fref, op, items, list) {
            Ok(v) => Check {
                field: fref.clone(),
                op,
                rhs: v,
            },
            Err(RhsError::Bad(_, m)) => {
                self.error(cur, pos, m);
                return None;
            }
        };
        if matches!(op, Op::Eq | Op::In) {
            for name in items {
                if evtypes::id(name).is_none() {
                    let at = self.loc(cur.cond, pos);
                    self.diags.warn(
                        &at,
                        Some(cur.label),
                        format!("event type `{name}` never occurs on ktriage events"),
                    );
                }
            }
        }
        let mut set = TypeSet::empty();
        for id in TypeSet::all().ids() {
            if super::eval::check_str(&check, evtypes::name(id)) {
                set.insert(id);
            }
        }
        // `execve` names both kinds of id; aliases of the clone family share one id
        for name in items {
            if let (Op::Eq | Op::In, Some(id)) = (op, evtypes::id(name)) {
                set.insert(id);
            }
        }
        Some(Expr::EvtType(set))
    }

    /// Compiles macro `name` once (memoized: its errors are reported once, however
    /// many conditions use it); false when no such macro is defined.
    pub fn compile_macro(&mut self, name: &str) -> bool {
        if self.macros.contains_key(name) {
            return true;
        }
        let Some(def) = self.set.macro_def(name) else {
            return false;
        };
        let cond = def.condition.clone();
        self.stack.push(name.to_string());
        let out = self.condition(&cond, &format!("macro \"{name}\""));
        self.stack.pop();
        self.macros.insert(
            name.to_string(),
            MacroOut {
                failed: !out.errors.is_empty(),
                expr: out.expr,
                unsupported: out.unsupported,
            },
        );
        true
    }

    fn macro_ref(&mut self, name: &str, pos: usize, cur: &mut Cur<'_>) -> Option<Expr> {
        if self.stack.iter().any(|m| m == name) {
            self.error(cur, pos, format!("macro `{name}` refers to itself"));
            return None;
        }
        if !self.compile_macro(name) {
            self.error(cur, pos, format!("undefined macro `{name}`"));
            return None;
        }
        let m = self.macros.get(name)?.clone();
        if m.failed {
            cur.out.errors.push(format!("macro `{name}` has errors"));
            return None;
        }
        for u in m.unsupported {
            if !cur.out.unsupported.contains(&u) {
                cur.out.unsupported.push(u);
            }
        }
        m.expr
    }

    /// List items with list names replaced by their items (recursively) and quotes removed.
    pub(super) fn expand(&self, lits: &[Lit]) -> Vec<String> {
        let mut out = Vec::new();
        for l in lits {
            self.expand_item(&l.text, l.quoted, &mut out, 0);
        }
        out
    }

    pub(super) fn expand_item(
        &self,
        text: &str,
        quoted: bool,
        out: &mut Vec<String>,
        depth: usize,
    ) {
        if out.len() >= MAX_LIST_ITEMS {
            return;
        }
        if quoted {
            out.push(text.to_string());
            return;
        }
        let t = text.trim();
        if let Some(inner) = unquote(t) {
            out.push(inner);
            return;
        }
        match self.set.list(t) {
            Some(l) if depth < 32 => {
                for item in &l.items {
                    self.expand_item(item, false, out, depth + 1);
                }
            }
            _ => out.push(t.to_string()),
        }
    }
}

/// `"x"` or `'x'` (a list item written with quotes in YAML) without its quotes.
fn unquote(s: &str) -> Option<String> {
    let q = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = s.strip_prefix(q)?.strip_suffix(q)?;
    Some(
        inner
            .replace(&format!("\\{q}"), &q.to_string())
            .replace("\\\\", "\\"),
    )
}
