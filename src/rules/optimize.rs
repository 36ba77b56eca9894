//! Post-compile rewriting: flattened and/or, event-type tests the index already guarantees dropped, checks memoized per event.

use std::cell::Cell;
use std::collections::HashMap;

use super::evtypes::TypeSet;
use super::expr::Expr;

/// Gives the same id to identical checks across rules (so each is evaluated once per event).
#[derive(Default)]
pub struct Interner {
    ids: HashMap<String, u32>,
}

impl Interner {
    /// Number of distinct checks.
    pub fn len(&self) -> usize {
        self.ids.len()
    }
}

/// Rewrites `e` of a rule dispatched only on events of `types`.
pub fn optimize(e: Expr, types: &TypeSet, interner: &mut Interner) -> Expr {
    match e {
        Expr::And(v) => {
            let mut out = Vec::with_capacity(v.len());
            for x in v.into_vec() {
                match optimize(x, types, interner) {
                    Expr::And(inner) => out.extend(inner.into_vec()),
                    other => out.push(other),
                }
            }
            let implied = |x: &Expr| matches!(x, Expr::EvtType(s) if s.intersect(types) == *types);
            if out.iter().any(|x| !implied(x)) {
                out.retain(|x| !implied(x));
            }
            if out.len() == 1 {
                return out.remove(0);
            }
            Expr::And(out.into())
        }
        Expr::Or(v) => {
            let mut out = Vec::with_capacity(v.len());
            for x in v.into_vec() {
                match optimize(x, types, interner) {
                    Expr::Or(inner) => out.extend(inner.into_vec()),
                    other => out.push(other),
                }
            }
            if out.len() == 1 {
                return out.remove(0);
            }
            Expr::Or(out.into())
        }
        Expr::Not(x) => Expr::Not(Box::new(optimize(*x, types, interner))),
        Expr::Check(c) => {
            let key = format!("{:?}|{:?}|{:?}", c.field, c.op, c.rhs);
            let next = interner.ids.len() as u32;
            let id = *interner.ids.entry(key).or_insert(next);
            Expr::Memo(id, c)
        }
        other => other,
    }
}

/// Per-event results of memoized checks: two bits per check id.
#[derive(Debug, Default)]
pub struct Memo {
    known: Vec<Cell<u64>>,
    value: Vec<Cell<u64>>,
}

impl Memo {
    /// Room for `n` check ids.
    pub fn new(n: usize) -> Self {
        let w = n.div_ceil(64);
        Self {
            known: (0..w).map(|_| Cell::new(0)).collect(),
            value: (0..w).map(|_| Cell::new(0)).collect(),
        }
    }

    /// Forgets every result (a new event).
    #[inline]
    pub fn reset(&self) {
        for w in &self.known {
            w.set(0);
        }
    }

    /// The result of check `id`, if computed for this event.
    #[inline]
    pub fn get(&self, id: u32) -> Option<bool> {
        let (w, b) = ((id / 64) as usize, id % 64);
        let known = self.known.get(w)?.get() & (1 << b) != 0;
        known.then(|| self.value[w].get() & (1 << b) != 0)
    }

    #[inline]
    pub fn set(&self, id: u32, v: bool) {
        let (w, b) = ((id / 64) as usize, id % 64);
        if let (Some(k), Some(val)) = (self.known.get(w), self.value.get(w)) {
            k.set(k.get() | (1 << b));
            if v {
                val.set(val.get() | (1 << b));
            } else {
                val.set(val.get() & !(1 << b));
            }
        }
    }
}
