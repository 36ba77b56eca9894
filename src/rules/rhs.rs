//! Types a check's right-hand side against its field: numbers parsed, sets built, strings lowered, regexes compiled.

use super::ast::Op;
use super::expr::{Cidr, Glob, Value};
use super::fields::{FType, FieldRef, ftype};
use crate::model::hash::FxSet;

/// Why a right-hand side cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RhsError {
    /// Wrong for the field or operator: an error in the rule (index of the bad item, message).
    Bad(usize, String),
}

/// Builds the typed value for `field op items` (`items` already expanded from lists;
/// `list` says the source was a parenthesised list).
pub fn typed(field: &FieldRef, op: Op, items: &[String], list: bool) -> Result<Value, RhsError> {
    let t = ftype(field.f);
    let fname = super::fields::name(field.f);
    let bad_op = || {
        RhsError::Bad(
            0,
            format!(
                "operator `{}` does not apply to {} field `{fname}`",
                op.name(),
                type_name(t)
            ),
        )
    };
    if op == Op::Exists {
        return Ok(Value::None);
    }
    if list != op.takes_list() {
        return Err(RhsError::Bad(
            0,
            format!(
                "operator `{}` {}",
                op.name(),
                if list {
                    "takes one value, not a list"
                } else {
                    "expects a list"
                }
            ),
        ));
    }
    let one = || items.first().map(String::as_str).unwrap_or_default();
    match (t, op) {
        (FType::Str, Op::Eq | Op::Ne | Op::Contains | Op::StartsWith | Op::EndsWith) => {
            Ok(Value::Str(one().into()))
        }
        (FType::Str, Op::IContains) => Ok(Value::Lower(one().to_lowercase().into())),
        (FType::Str, Op::BContains | Op::BStartsWith) => {
            hex(one()).map(|b| Value::Bytes(b.into())).ok_or_else(|| {
                RhsError::Bad(
                    0,
                    format!("`{}` needs hex bytes, got `{}`", op.name(), one()),
                )
            })
        }
        (FType::Str, Op::Glob) => Ok(Value::Glob(Glob::new(one(), false))),
        (FType::Str, Op::IGlob) => Ok(Value::Glob(Glob::new(one(), true))),
        (FType::Str, Op::Regex) => regex::Regex::new(one())
            .map(Value::Regex)
            .map_err(|e| RhsError::Bad(0, format!("bad regex: {e}"))),
        (FType::Str, Op::In | Op::Intersects) => Ok(Value::StrSet(
            items.iter().map(|s| s.as_str().into()).collect(),
        )),
        (FType::Str, Op::PMatch) => Ok(Value::Prefixes(
            items
                .iter()
                .map(|s| s.trim_end_matches('/').into())
                .collect(),
        )),
        (FType::Int, Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge) => int(one())
            .map(Value::Int)
            .ok_or_else(|| not_number(0, one(), fname)),
        (FType::Int, Op::In | Op::Intersects) => {
            let mut set = FxSet::default();
            for (i, s) in items.iter().enumerate() {
                set.insert(int(s).ok_or_else(|| not_number(i, s, fname))?);
            }
            Ok(Value::IntSet(set))
        }
        (FType::Bool, Op::Eq | Op::Ne) => match one() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            s => Err(RhsError::Bad(
                0,
                format!("`{fname}` is true or false, not `{s}`"),
            )),
        },
        (FType::Ip, Op::Eq | Op::Ne) => one()
            .parse()
            .map(Value::Ip)
            .map_err(|_| RhsError::Bad(0, format!("`{}` is not an IP address", one()))),
        (FType::Ip, Op::In | Op::Intersects) => {
            let mut set = FxSet::default();
            for (i, s) in items.iter().enumerate() {
                set.insert(
                    s.parse()
                        .map_err(|_| RhsError::Bad(i, format!("`{s}` is not an IP address")))?,
                );
            }
            Ok(Value::IpSet(set))
        }
        (FType::Net, Op::Eq | Op::Ne | Op::In | Op::Intersects) => {
            let mut nets = Vec::new();
            for (i, s) in items.iter().enumerate() {
                nets.push(Cidr::parse(s).ok_or_else(|| {
                    RhsError::Bad(i, format!("`{s}` is not a network (a.b.c.d/n)"))
                })?);
            }
            Ok(Value::Nets(nets.into()))
        }
        _ => Err(bad_op()),
    }
}

fn type_name(t: FType) -> &'static str {
    match t {
        FType::Str => "string",
        FType::Int => "numeric",
        FType::Bool => "boolean",
        FType::Ip => "IP address",
        FType::Net => "network",
    }
}

fn not_number(i: usize, s: &str, fname: &str) -> RhsError {
    RhsError::Bad(i, format!("`{fname}` is numeric, `{s}` is not a number"))
}

/// Decimal (or `0x` hex) integer.
fn int(s: &str) -> Option<i64> {
    let s = s.trim();
    match s.strip_prefix("0x") {
        Some(h) => i64::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

fn hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if s.is_empty() || !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fields::lookup;

    fn f(n: &str) -> FieldRef {
        lookup(n, None).expect("field")
    }

    #[test]
    fn typing() {
        let v = |n: &str, op, items: &[&str], list| {
            let items: Vec<String> = items.iter().map(|s| s.to_string()).collect();
            typed(&f(n), op, &items, list)
        };
        assert!(matches!(
            v("proc.tty", Op::Ne, &["0"], false),
            Ok(Value::Int(0))
        ));
        assert!(v("proc.tty", Op::Eq, &["zero"], false).is_err());
        assert!(v("proc.tty", Op::Contains, &["0"], false).is_err());
        assert!(
            matches!(v("proc.name", Op::IContains, &["ABC"], false), Ok(Value::Lower(s)) if &*s == "abc")
        );
        assert!(
            matches!(v("fd.sport", Op::In, &["80", "443"], true), Ok(Value::IntSet(s)) if s.len() == 2)
        );
        assert!(matches!(
            v("fd.snet", Op::In, &["10.0.0.0/8"], true),
            Ok(Value::Nets(_))
        ));
        assert!(v("fd.snet", Op::In, &["nope"], true).is_err());
        assert!(matches!(
            v("evt.is_open_read", Op::Eq, &["true"], false),
            Ok(Value::Bool(true))
        ));
        assert!(v("proc.name", Op::Regex, &["("], false).is_err());
        assert!(
            matches!(v("proc.name", Op::BContains, &["4142"], false), Ok(Value::Bytes(b)) if &*b == b"AB")
        );
        assert!(v("proc.name", Op::Lt, &["a"], false).is_err());
        assert!(v("proc.name", Op::In, &["a"], false).is_err());
    }
}
