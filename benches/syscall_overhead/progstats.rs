//! Each BPF program's own cost per run, from the kernel's BPF run-time statistics
//! (`BPF_ENABLE_STATS`, what `kernel.bpf_stats_enabled=1` turns on): run_cnt and
//! run_time_ns of every loaded program, read before and after a measured loop.
//! Independent of the machine's load (a program's own time, not the wall clock),
//! but the statistics add two clock reads per run: they are taken in a separate
//! pass, never during the timed rounds.

use std::collections::HashMap;
use std::os::fd::OwnedFd;
use std::sync::Mutex;

use aya::programs::loaded_programs;
use aya::sys::{Stats, enable_stats};

/// One program's runs and run time during one measured loop.
pub struct Row {
    pub cond: &'static str,
    pub prog: String,
    pub runs: u64,
    pub ns: u64,
}

struct Recording {
    min_runs: u64,
    rows: Vec<Row>,
}

static RECORDING: Mutex<Option<Recording>> = Mutex::new(None);

/// Program id → (name, run_cnt, run_time_ns) of every loaded program.
fn snapshot() -> HashMap<u32, (String, u64, u64)> {
    loaded_programs()
        .filter_map(Result::ok)
        .map(|p| {
            let name = p.name_as_str().unwrap_or("?").to_string();
            (
                p.id(),
                (name, p.run_count(), p.run_time().as_nanos() as u64),
            )
        })
        .collect()
}

/// Statistics on while it lives; loops run through [`around`] are recorded,
/// each program that ran at least `min_runs` times during the loop.
pub struct Pass {
    _fd: OwnedFd,
}

impl Pass {
    pub fn start(min_runs: u64) -> Option<Self> {
        let fd = match enable_stats(Stats::RunTime) {
            Ok(fd) => fd,
            Err(e) => {
                println!("note: no bpf_stats pass (BPF_ENABLE_STATS: {e})");
                return None;
            }
        };
        *RECORDING.lock().expect("recording") = Some(Recording {
            min_runs,
            rows: Vec::new(),
        });
        Some(Self { _fd: fd })
    }

    /// Stops recording and prints what was recorded.
    pub fn finish(self) {
        let Some(rec) = RECORDING.lock().expect("recording").take() else {
            return;
        };
        println!(
            "{:<18} {:<34} {:>12} {:>10}",
            "condition", "program", "runs", "ns/run"
        );
        for r in &rec.rows {
            println!(
                "{:<18} {:<34} {:>12} {:>10.1}",
                r.cond,
                r.prog,
                r.runs,
                r.ns as f64 / r.runs.max(1) as f64
            );
        }
    }
}

/// Runs `f`; during a [`Pass`], records the programs that ran during it.
pub fn around<T>(cond: &'static str, f: impl FnOnce() -> T) -> T {
    if RECORDING.lock().expect("recording").is_none() {
        return f();
    }
    let before = snapshot();
    let out = f();
    let after = snapshot();
    let mut guard = RECORDING.lock().expect("recording");
    if let Some(rec) = guard.as_mut() {
        let mut rows: Vec<Row> = after
            .into_iter()
            .filter_map(|(id, (prog, cnt, ns))| {
                let (_, cnt0, ns0) = before.get(&id).cloned().unwrap_or_default();
                let runs = cnt.saturating_sub(cnt0);
                (runs >= rec.min_runs).then(|| Row {
                    cond,
                    prog,
                    runs,
                    ns: ns.saturating_sub(ns0),
                })
            })
            .collect();
        rows.sort_by(|a, b| a.prog.cmp(&b.prog));
        rec.rows.extend(rows);
    }
    out
}
