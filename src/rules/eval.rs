//! Evaluates compiled conditions against one event's context (short-circuit, no allocation on the common path).

use super::ast::Op;
use super::ctx::{Ctx, Val};
use super::expr::{Check, Expr, Value};
use super::extract;

/// True when `e` holds for the event.
pub fn eval(e: &Expr, c: &Ctx<'_>) -> bool {
    match e {
        Expr::And(v) => v.iter().all(|x| eval(x, c)),
        Expr::Or(v) => v.iter().any(|x| eval(x, c)),
        Expr::Not(x) => !eval(x, c),
        Expr::EvtType(set) => set.contains(c.etype),
        Expr::Check(chk) => check(chk, c),
        Expr::Memo(id, chk) => match c.memo.get(*id) {
            Some(v) => v,
            None => {
                let v = check(chk, c);
                c.memo.set(*id, v);
                v
            }
        },
    }
}

fn check(chk: &Check, c: &Ctx<'_>) -> bool {
    if chk.field.is_multi() {
        let mut vals = Vec::new();
        extract::get_multi(c, &chk.field, &mut vals);
        if chk.op == Op::Exists {
            return !vals.is_empty();
        }
        // Falco's list fields: `in` holds when every value is in the set
        if chk.op == Op::In && super::audit::is_list(chk.field.f) {
            return !vals.is_empty() && vals.iter().all(|v| compare(chk, v, c));
        }
        return vals.iter().any(|v| compare(chk, v, c));
    }
    match extract::get(c, &chk.field) {
        None => false,
        Some(_) if chk.op == Op::Exists => true,
        Some(v) => compare(chk, &v, c),
    }
}

fn compare(chk: &Check, v: &Val<'_>, c: &Ctx<'_>) -> bool {
    match v {
        Val::Str(s) => check_str(chk, s) || field_cmp(chk, v, c),
        Val::Int(i) => match &chk.rhs {
            Value::Int(r) => ord(chk.op, i.cmp(r)),
            Value::IntSet(set) => set.contains(i),
            _ => field_cmp(chk, v, c),
        },
        Val::Bool(b) => match (&chk.rhs, chk.op) {
            (Value::Bool(r), Op::Eq) => b == r,
            (Value::Bool(r), Op::Ne) => b != r,
            _ => field_cmp(chk, v, c),
        },
        Val::Ip(ip) => match (&chk.rhs, chk.op) {
            (Value::Ip(r), Op::Eq) => ip == r,
            (Value::Ip(r), Op::Ne) => ip != r,
            (Value::IpSet(s), _) => s.contains(ip),
            (Value::Nets(n), Op::Ne) => !n.iter().any(|n| n.contains(*ip)),
            (Value::Nets(n), _) => n.iter().any(|n| n.contains(*ip)),
            _ => field_cmp(chk, v, c),
        },
    }
}

fn ord(op: Op, o: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        Op::Eq | Op::In | Op::Intersects => o == Equal,
        Op::Ne => o != Equal,
        Op::Lt => o == Less,
        Op::Le => o != Greater,
        Op::Gt => o == Greater,
        Op::Ge => o != Less,
        _ => false,
    }
}

/// A string value against a string right-hand side (also used for `evt.type` folding).
pub fn check_str(chk: &Check, s: &str) -> bool {
    match (&chk.rhs, chk.op) {
        (Value::Str(r), Op::Eq) => s == &**r,
        (Value::Str(r), Op::Ne) => s != &**r,
        (Value::Str(r), Op::Contains) => s.contains(&**r),
        (Value::Str(r), Op::StartsWith) => s.starts_with(&**r),
        (Value::Str(r), Op::EndsWith) => s.ends_with(&**r),
        (Value::Lower(r), _) => icontains(s, r),
        (Value::Bytes(b), Op::BContains) => memfind(s.as_bytes(), b),
        (Value::Bytes(b), _) => s.as_bytes().starts_with(b),
        (Value::StrSet(set), _) => set.contains(s),
        (Value::Prefixes(ps), _) => ps.iter().any(|p| path_prefix(s, p)),
        (Value::Glob(g), _) => g.matches(s),
        (Value::Regex(r), _) => r.is_match(s),
        _ => false,
    }
}

/// `val(field)`: compares with another field of the same event.
fn field_cmp(chk: &Check, v: &Val<'_>, c: &Ctx<'_>) -> bool {
    let Value::Field(other) = &chk.rhs else {
        return false;
    };
    let Some(o) = extract::get(c, other) else {
        return false;
    };
    match (v, &o) {
        (Val::Str(a), Val::Str(b)) => match chk.op {
            Op::Eq => a == b,
            Op::Ne => a != b,
            Op::Contains => a.contains(b),
            Op::StartsWith => a.starts_with(b),
            Op::EndsWith => a.ends_with(b),
            _ => false,
        },
        (Val::Int(a), Val::Int(b)) => ord(chk.op, a.cmp(b)),
        (a, b) => match chk.op {
            Op::Eq => a == b,
            Op::Ne => a != b,
            _ => false,
        },
    }
}

/// Case-insensitive containment with an already lower-cased needle.
fn icontains(hay: &str, lower_needle: &str) -> bool {
    if lower_needle.is_empty() {
        return true;
    }
    if hay.is_ascii() && lower_needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), lower_needle.as_bytes());
        return h.len() >= n.len()
            && h.windows(n.len())
                .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b));
    }
    hay.to_lowercase().contains(lower_needle)
}

fn memfind(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// `pmatch`: `s` is `p` or below it.
fn path_prefix(s: &str, p: &str) -> bool {
    s == p || (s.starts_with(p) && (p.is_empty() || s.as_bytes().get(p.len()) == Some(&b'/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_helpers() {
        assert!(icontains("BEGIN RSA PRIVATE", "rsa private"));
        assert!(!icontains("abc", "abcd"));
        assert!(icontains("ÄBC", "äb"));
        assert!(path_prefix("/usr/bin/x", "/usr/bin"));
        assert!(!path_prefix("/usr/binx", "/usr/bin"));
        assert!(path_prefix("/x", ""));
        assert!(memfind(b"hello", b"ll"));
    }
}
