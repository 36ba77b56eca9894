//! `fd.sip.name`: names compared in the rules, resolved off the hot path by a background thread.

use std::net::{IpAddr, ToSocketAddrs};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use super::ast::Op;
use super::engine::Engine;
use super::expr::{Expr, Value};
use super::fields::F;

/// Host names the rules compare `fd.sip.name` with.
pub fn names_in<'a>(exprs: impl Iterator<Item = &'a Expr>) -> Vec<String> {
    let mut out = Vec::new();
    for e in exprs {
        collect(e, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

fn collect(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::And(v) | Expr::Or(v) => v.iter().for_each(|x| collect(x, out)),
        Expr::Not(x) => collect(x, out),
        Expr::Check(c) | Expr::Memo(_, c) if c.field.f == F::FdSipName => match (&c.rhs, c.op) {
            (Value::Str(s), Op::Eq | Op::Ne) => out.push(s.to_string()),
            (Value::StrSet(set), _) => out.extend(set.iter().map(|s| s.to_string())),
            _ => {}
        },
        _ => {}
    }
}

impl Engine {
    /// Starts resolving the rules' host names every `every` (no-op when none are used).
    pub fn start_dns(&mut self, every: Duration) {
        if self.dns_names.is_empty() || self.dns_rx.is_some() {
            return;
        }
        let names = self.dns_names.clone();
        let (tx, rx) = mpsc::channel();
        self.dns_rx = Some(rx);
        let spawned = std::thread::Builder::new()
            .name("ktriage-dns".into())
            .spawn(move || {
                loop {
                    for n in &names {
                        let Ok(addrs) = (n.as_str(), 0).to_socket_addrs() else {
                            continue;
                        };
                        for a in addrs {
                            if tx.send((a.ip(), Arc::from(n.as_str()))).is_err() {
                                return;
                            }
                        }
                    }
                    std::thread::sleep(every);
                }
            });
        if spawned.is_err() {
            self.dns_rx = None;
        }
    }

    /// Takes in the addresses resolved so far.
    pub(super) fn drain_dns(&mut self) {
        let Some(rx) = &self.dns_rx else { return };
        while let Ok((ip, name)) = rx.try_recv() {
            self.env.dns.insert(ip, name);
        }
    }

    /// Adds a resolved name by hand (tests, replays).
    pub fn add_dns(&mut self, ip: IpAddr, name: &str) {
        self.env.dns.insert(ip, name.into());
    }
}
