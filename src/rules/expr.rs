//! Compiled conditions: typed checks with pre-built sets, lowered strings, globs, regexes and networks.

use std::net::IpAddr;

use super::ast::Op;
use super::evtypes::TypeSet;
use super::fields::FieldRef;
use crate::model::hash::FxSet;

/// A compiled condition.
#[derive(Clone, Debug)]
pub enum Expr {
    And(Box<[Expr]>),
    Or(Box<[Expr]>),
    Not(Box<Expr>),
    /// `evt.type` checks, folded into a set of type ids.
    EvtType(TypeSet),
    Check(Box<Check>),
    /// A check whose result is kept for the event (id into the per-event memo).
    Memo(u32, Box<Check>),
}

/// One field check.
#[derive(Clone, Debug)]
pub struct Check {
    pub field: FieldRef,
    pub op: Op,
    pub rhs: Value,
}

/// A typed right-hand side, prepared for fast comparison.
#[derive(Clone, Debug)]
pub enum Value {
    /// `exists`.
    None,
    Str(Box<str>),
    /// Lower-cased at compile time (`icontains`).
    Lower(Box<str>),
    Bytes(Box<[u8]>),
    Int(i64),
    Bool(bool),
    Ip(IpAddr),
    Nets(Box<[Cidr]>),
    StrSet(FxSet<Box<str>>),
    IntSet(FxSet<i64>),
    IpSet(FxSet<IpAddr>),
    /// `pmatch`: path prefixes.
    Prefixes(Box<[Box<str>]>),
    Glob(Glob),
    Regex(regex::Regex),
    /// `val(field)`.
    Field(FieldRef),
}

/// An IP network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub addr: IpAddr,
    pub bits: u8,
}

impl Cidr {
    /// Parses `10.0.0.0/8`, `::1/128` or a bare address (a host network).
    pub fn parse(s: &str) -> Option<Cidr> {
        let (a, b) = match s.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        let addr: IpAddr = a.trim().parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let bits = match b {
            Some(b) => b.trim().parse::<u8>().ok().filter(|b| *b <= max)?,
            None => max,
        };
        Some(Cidr { addr, bits })
    }

    /// True when `ip` is inside the network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.bits)).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.bits))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            (IpAddr::V4(_), IpAddr::V6(a)) => a
                .to_ipv4_mapped()
                .is_some_and(|a| self.contains(IpAddr::V4(a))),
            (IpAddr::V6(_), IpAddr::V4(_)) => false,
        }
    }
}

/// A shell glob (`*`, `?`, `[abc]`, `[!a-z]`), matched without allocation.
#[derive(Clone, Debug)]
pub struct Glob {
    pat: Box<[char]>,
    /// Lower-case both sides (`iglob`).
    pub fold: bool,
}

impl Glob {
    pub fn new(pattern: &str, fold: bool) -> Glob {
        let p = if fold {
            pattern.to_lowercase()
        } else {
            pattern.to_string()
        };
        Glob {
            pat: p.chars().collect(),
            fold,
        }
    }

    /// Whole-string match.
    pub fn matches(&self, text: &str) -> bool {
        let t: Vec<char> = if self.fold {
            text.to_lowercase().chars().collect()
        } else {
            text.chars().collect()
        };
        glob_match(&self.pat, &t)
    }
}

fn glob_match(p: &[char], t: &[char]) -> bool {
    // iterative matcher with single-star backtracking (linear-ish, no recursion)
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                '[' => {
                    if let Some((ok, next)) = class(p, pi, t[ti]) {
                        if ok {
                            pi = next;
                            ti += 1;
                            continue;
                        }
                    } else if t[ti] == '[' {
                        pi += 1;
                        ti += 1;
                        continue;
                    }
                }
                '\\' if pi + 1 < p.len() && p[pi + 1] == t[ti] => {
                    pi += 2;
                    ti += 1;
                    continue;
                }
                c if c == t[ti] => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Matches `c` against the class starting at `p[i] == '['`: (matched, index after `]`).
fn class(p: &[char], i: usize, c: char) -> Option<(bool, usize)> {
    let mut j = i + 1;
    let neg = matches!(p.get(j), Some('!' | '^'));
    if neg {
        j += 1;
    }
    let mut hit = false;
    let mut first = true;
    while j < p.len() && (p[j] != ']' || first) {
        first = false;
        if j + 2 < p.len() && p[j + 1] == '-' && p[j + 2] != ']' {
            hit |= p[j] <= c && c <= p[j + 2];
            j += 3;
        } else {
            hit |= p[j] == c;
            j += 1;
        }
    }
    (j < p.len()).then_some((hit != neg, j + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let g = Glob::new("/home/*/.ssh/*", false);
        assert!(g.matches("/home/bob/.ssh/id_rsa"));
        assert!(!g.matches("/root/.ssh/id_rsa"));
        assert!(Glob::new("*../*../*", false).matches("/var/www/../../etc/passwd"));
        assert!(Glob::new("a?c[0-9][!x]", false).matches("abc5y"));
        assert!(!Glob::new("a?c[0-9][!x]", false).matches("abc5x"));
        assert!(Glob::new("*.SH", true).matches("/tmp/x.sh"));
        assert!(Glob::new("[", false).matches("["));
        let long = "a".repeat(2000);
        assert!(!Glob::new("*a*a*a*a*a*b", false).matches(&long));
    }

    #[test]
    fn cidrs() {
        let n = Cidr::parse("10.0.0.0/8").expect("cidr");
        assert!(n.contains("10.1.2.3".parse().expect("ip")));
        assert!(!n.contains("11.1.2.3".parse().expect("ip")));
        assert!(
            Cidr::parse("0.0.0.0/0")
                .expect("any")
                .contains("8.8.8.8".parse().expect("ip"))
        );
        assert!(n.contains("::ffff:10.0.0.1".parse().expect("ip")));
        assert!(Cidr::parse("1.2.3.4/33").is_none());
        assert!(
            Cidr::parse("::1")
                .expect("v6")
                .contains("::1".parse().expect("ip"))
        );
    }
}
