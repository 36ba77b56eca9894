//! Rule evaluation throughput: the full shipped Falco rule set on a recorded
//! stream of synthetic but realistic events (the benches' mix: opens, connects,
//! execs, forks, exits...) through the same field extraction and process table
//! as `ktriage alerts`. One thread; CPU time of that thread.
//!
//! `cargo bench --bench rules_eval`. Environment: `KT_EVENTS` (default 1000000),
//! `KT_ROUNDS` (default 5).

mod common;

use std::time::Instant;

use common::Mix;
use ktriage::app::event::KernelBatch;
use ktriage::collector::clock::WallClock;
use ktriage::rules::{DEFAULT_RULES, DEFAULT_RULES_NAME, Engine, Env, ProcTable, RuleSet};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn engine(rules: bool) -> Engine {
    let mut set = RuleSet::default();
    if rules {
        set.load_str(DEFAULT_RULES_NAME, DEFAULT_RULES);
    }
    let mut env = Env::empty("bench");
    env.users.insert(0, "root".into());
    env.users.insert(1000, "app".into());
    Engine::build(&set, ProcTable::new(None), env, WallClock::with_offset(0)).0
}

fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: valid pointer to a timespec on our stack.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

struct Run {
    cpu_ns: u64,
    wall_ns: u64,
    evaluations: u64,
    met: u64,
    alerts: u64,
}

fn run(batches: &[KernelBatch], rules: bool) -> Run {
    let mut e = engine(rules);
    let mut out = Vec::new();
    let (c0, w0) = (thread_cpu_ns(), Instant::now());
    for b in batches {
        out.clear();
        e.process_batch(b, &mut out);
    }
    let cpu_ns = thread_cpu_ns() - c0;
    Run {
        cpu_ns,
        wall_ns: w0.elapsed().as_nanos() as u64,
        evaluations: e.stats.evaluations,
        met: e.stats.events,
        alerts: e.stats.alerts,
    }
}

fn med(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let n = env_or("KT_EVENTS", 1_000_000);
    let rounds = env_or("KT_ROUNDS", 5).max(1);
    let mut mix = Mix::new(42);
    let mut batches = Vec::new();
    let mut left = n;
    while left > 0 {
        let k = left.min(4096);
        batches.push(mix.batch(k));
        left -= k;
    }
    let rules = engine(true).rule_count();
    println!(
        "rules_eval: {n} events, {rules} shipped rules, {rounds} rounds (interleaved), 1 thread"
    );
    let (mut with, mut without) = (Vec::new(), Vec::new());
    let mut last = None;
    for _ in 0..rounds {
        let r = run(&batches, true);
        with.push(r.cpu_ns as f64 / n as f64);
        without.push(run(&batches, false).cpu_ns as f64 / n as f64);
        last = Some(r);
    }
    let r = last.expect("one round");
    let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let (ns_best, base_best) = (best(&with), best(&without));
    let ns = med(with);
    let base = med(without);
    println!(
        "| condition | ns/event (CPU, median) | best round | events/s per core (median / best) |"
    );
    println!("|---|---:|---:|---:|");
    println!(
        "| shipped rules | {ns:.0} | {ns_best:.0} | {:.2} M / {:.2} M |",
        1e3 / ns,
        1e3 / ns_best
    );
    println!(
        "| no rules (process table only) | {base:.0} | {base_best:.0} | {:.2} M / {:.2} M |",
        1e3 / base,
        1e3 / base_best
    );
    println!(
        "rule evaluation alone: {:.0} ns/event; events meeting >= 1 rule: {:.1}%; {:.2} rule evaluations per event; {} alerts; last round wall {:.0} ms",
        ns - base,
        r.met as f64 * 100.0 / n as f64,
        r.evaluations as f64 / n as f64,
        r.alerts,
        r.wall_ns as f64 / 1e6
    );
    if std::env::var("KT_CENSUS").is_ok() {
        let mut e = engine(true);
        let mut out = Vec::new();
        for b in &batches {
            e.process_batch(b, &mut out);
        }
        let mut c = std::collections::BTreeMap::new();
        for a in &out {
            *c.entry(a.rule.clone()).or_insert(0) += 1;
        }
        println!("{c:?}");
    }
    println!(
        "target: >= 2 M events/s per core (<= 500 ns/event); Falco publishes ~4 us/event/core"
    );
}
