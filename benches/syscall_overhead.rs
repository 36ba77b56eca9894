//! Added cost per syscall of tracing, two workloads in a child process pinned to
//! each CPU in turn, conditions interleaved in rounds, medians reported:
//! - a `getppid` loop (not streamed: the cost every syscall pays) under no tracer,
//!   ktriage as the TUI runs it (rules on, timing off), ktriage with timing on, a
//!   count-only tp_btf program (the floor), bpftrace `count()`, strace, and two
//!   diagnostics splitting ktriage's probe cost;
//! - an `openat` loop on a path (streamed with its path): no tracer, ktriage as the
//!   TUI runs it, bpftrace printing every openat's filename.
//!
//! `cargo bench --bench syscall_overhead` (as root). Environment:
//! `KT_ROUNDS` (default 7), `KT_LOOP_N` (default 3000000), `KT_OPEN_N` (default
//! 200000), `KT_STRACE_N` (default 25000), `KT_CONDS` (subset of short names),
//! `KT_EXTRA_OBJ` + `KT_EXTRA_PROGS` (a candidate object, see benches/README.md),
//! `KT_BPF_STATS=0` (no pass with the kernel's per-program run-time statistics).

mod common;
#[path = "syscall_overhead/progstats.rs"]
mod progstats;
#[path = "syscall_overhead/tracers.rs"]
mod tracers;
#[path = "syscall_overhead/tui.rs"]
mod tui;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{median, min_max};
use tracers::{Bpftrace, Floor, ensure_tracefs, extra_object, partial_ktriage};
use tui::Tui;

const BPFTRACE_COUNT: &str = "tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }";
const BPFTRACE_OPEN: &str =
    "tracepoint:syscalls:sys_enter_openat { printf(\"%s\\n\", str(args->filename)); }";
/// The path the open loop opens (missing: every call fails fast with ENOENT).
const OPEN_PATH: &str = "/tmp/ktriage-bench-missing-dir/open-loop-target";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cond {
    None,
    Ktriage,
    KtTiming,
    Floor,
    Bpftrace,
    Strace,
    /// Diagnostic: ktriage's object with only its sys_exit program attached (no user side).
    KtExitOnly,
    /// Diagnostic: sys_exit plus the entry program attached with the timing flag
    /// off: what "always attached, return at once" would cost instead of detaching.
    KtEnterIdle,
    /// A candidate object given by `KT_EXTRA_OBJ` / `KT_EXTRA_PROGS`.
    Extra,
    /// Open workload: bpftrace printing each openat's filename.
    BpftracePrintf,
}

impl Cond {
    const GETPPID: [Cond; 8] = [
        Cond::None,
        Cond::Ktriage,
        Cond::KtTiming,
        Cond::Floor,
        Cond::Bpftrace,
        Cond::Strace,
        Cond::KtExitOnly,
        Cond::KtEnterIdle,
    ];
    const OPEN: [Cond; 3] = [Cond::None, Cond::Ktriage, Cond::BpftracePrintf];

    fn short(self) -> &'static str {
        match self {
            Cond::None => "none",
            Cond::Ktriage => "ktriage",
            Cond::KtTiming => "kt-timing",
            Cond::Floor => "floor",
            Cond::Bpftrace => "bpftrace",
            Cond::Strace => "strace",
            Cond::KtExitOnly => "kt-exit",
            Cond::KtEnterIdle => "kt-enter-idle",
            Cond::Extra => "extra",
            Cond::BpftracePrintf => "bpftrace-printf",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Cond::None => "none",
            Cond::Ktriage => "ktriage (TUI path, rules on)",
            Cond::KtTiming => "ktriage, timing on",
            Cond::Floor => "floor (tp_btf count-only)",
            Cond::Bpftrace => "bpftrace @[comm]=count()",
            Cond::Strace => "strace -f -o /dev/null",
            Cond::KtExitOnly => "diag: sys_exit prog only",
            Cond::KtEnterIdle => "diag: + sys_enter, flag off",
            Cond::Extra => "extra: KT_EXTRA_OBJ",
            Cond::BpftracePrintf => "bpftrace printf(filename)",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Workload {
    Getppid,
    Open,
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The measured loop, run in a child (`--child-loop N CPU [open]`): prints ns per call.
fn child_loop(n: u64, cpu: usize, open: bool) {
    // SAFETY: a zeroed cpu_set_t with one CPU set, for this process.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
            panic!("pinning the child loop to CPU {cpu}");
        }
    }
    let path = std::ffi::CString::new(OPEN_PATH).expect("no NUL");
    let call = || {
        if open {
            // SAFETY: a valid NUL-terminated path; the fd (never expected) is closed.
            let fd = unsafe { libc::openat(libc::AT_FDCWD, path.as_ptr(), libc::O_RDONLY) };
            if fd >= 0 {
                // SAFETY: closing the fd we just got.
                unsafe { libc::close(fd) };
            }
        } else {
            // SAFETY: getppid takes no arguments and cannot fail.
            std::hint::black_box(unsafe { libc::syscall(libc::SYS_getppid) });
        }
    };
    for _ in 0..(n / 100).clamp(1000, 20_000) {
        call();
    }
    let t0 = common::mono_ns();
    for _ in 0..n {
        call();
    }
    let t1 = common::mono_ns();
    println!("{:.3}", (t1 - t0) as f64 / n as f64);
}

fn exe() -> std::path::PathBuf {
    std::env::current_exe().expect("current exe")
}

/// Runs the child loop pinned to `cpu` (optionally under `wrap`), returns (ns/call, child pid).
fn run_child(n: u64, wrap: Option<&[&str]>, cpu: usize, w: Workload) -> (f64, u32) {
    let mut cmd = match wrap {
        Some(w) => {
            let mut c = Command::new(w[0]);
            c.args(&w[1..]).arg(exe());
            c
        }
        None => Command::new(exe()),
    };
    cmd.arg("--child-loop")
        .arg(n.to_string())
        .arg(cpu.to_string())
        .args((w == Workload::Open).then_some("open"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let child = cmd.spawn().expect("spawning the child loop");
    let pid = child.id();
    let out = child.wait_with_output().expect("child loop");
    assert!(out.status.success(), "child loop failed: {:?}", out.status);
    let text = String::from_utf8_lossy(&out.stdout);
    let ns = text
        .trim()
        .parse::<f64>()
        .unwrap_or_else(|_| panic!("child printed {text:?}"));
    (ns, pid)
}

/// The child's comm as the kernel shows it (first 15 bytes of the executable's name).
fn child_comm() -> String {
    let name = exe()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.chars().take(15).collect()
}

/// Checks the TUI-path collector counted every getppid of the children (and timed them when asked).
fn check_tui_getppid(t: &Tui, want: u64, timed: bool) {
    let nr = libc::SYS_getppid as u32;
    let ok = t.wait(Duration::from_secs(10), |s| {
        let (calls, time) = Tui::totals(s, nr);
        calls >= want && (!timed || time > 0)
    });
    let (calls, time) = Tui::totals(&t.seen.lock().expect("seen"), nr);
    assert!(
        ok,
        "ktriage's summary shows {calls} getppid calls ({time} ns), expected >= {want}{}",
        if timed { " with time" } else { "" }
    );
    assert!(
        timed || time == 0,
        "timing off, yet {time} ns of getppid time"
    );
}

/// One measurement of `cond` per CPU (the child pinned to each CPU in turn):
/// sets the tracer up, runs the loops, checks the tracer saw them, tears it down.
fn measure(cond: Cond, w: Workload, n: u64, strace_n: u64, cpus: usize) -> Vec<f64> {
    let loops = |n: u64, wrap: Option<&[&str]>| -> Vec<(f64, u32)> {
        progstats::around(cond.short(), || {
            (0..cpus).map(|cpu| run_child(n, wrap, cpu, w)).collect()
        })
    };
    let ns = |v: &[(f64, u32)]| v.iter().map(|(ns, _)| *ns).collect::<Vec<f64>>();
    let want = n * cpus as u64;
    match (cond, w) {
        (Cond::None, _) => ns(&loops(n, None)),
        (Cond::Ktriage | Cond::KtTiming, Workload::Getppid) => {
            let timed = cond == Cond::KtTiming;
            let t = Tui::start(timed);
            let runs = loops(n, None);
            check_tui_getppid(&t, want, timed);
            let stats = t.finish();
            assert_eq!(stats.kernel_dropped, 0, "ktriage dropped records");
            ns(&runs)
        }
        (Cond::Ktriage, Workload::Open) => {
            let t = Tui::start(false);
            let runs = loops(n, None);
            let nr = libc::SYS_openat as u32;
            let streamed = |s: &tui::Seen| -> u64 {
                runs.iter()
                    .map(|(_, pid)| s.streamed.get(&(*pid, nr)).copied().unwrap_or(0))
                    .sum()
            };
            let all = t.wait(Duration::from_secs(20), |s| {
                streamed(s) + s.stats.kernel_dropped >= want
            });
            let got = streamed(&t.seen.lock().expect("seen"));
            let stats = t.finish();
            assert!(
                all && got >= want / 2,
                "ktriage streamed {got} of {want} opens ({} dropped)",
                stats.kernel_dropped
            );
            if stats.kernel_dropped > 0 {
                println!(
                    "  note: ktriage dropped {} records (streamed {got} of {want} opens)",
                    stats.kernel_dropped
                );
            }
            ns(&runs)
        }
        (Cond::Floor, _) => {
            let f = Floor::start();
            let before = f.getppid_count();
            let runs = loops(n, None);
            let counted = f.getppid_count() - before;
            assert!(
                counted >= want,
                "floor counted {counted}, expected >= {want}"
            );
            ns(&runs)
        }
        (Cond::Bpftrace, _) => {
            let b = Bpftrace::start(BPFTRACE_COUNT, None);
            let runs = loops(n, None);
            let counted = b.stop_count(&child_comm());
            assert!(
                counted >= want,
                "bpftrace counted {counted}, expected >= {want}"
            );
            ns(&runs)
        }
        (Cond::BpftracePrintf, _) => {
            let b = Bpftrace::start(BPFTRACE_OPEN, Some(OPEN_PATH.to_string()));
            let runs = loops(n, None);
            let (lines, printed) = b.stop();
            let lost: Vec<&String> = lines.iter().filter(|l| l.contains("Lost")).collect();
            assert!(
                printed >= want / 2,
                "bpftrace printed {printed} of {want} opens: {lost:?}"
            );
            if printed < want {
                println!("  note: bpftrace printed {printed} of {want} opens; {lost:?}");
            }
            ns(&runs)
        }
        (Cond::Strace, _) => ns(&loops(strace_n, Some(&["strace", "-f", "-o", "/dev/null"]))),
        (Cond::KtExitOnly, _) => {
            let _p = partial_ktriage(&[("kt_sys_exit", "sys_exit")], false);
            ns(&loops(n, None))
        }
        (Cond::KtEnterIdle, _) => {
            let _p = partial_ktriage(
                &[("kt_sys_exit", "sys_exit"), ("kt_sys_enter", "sys_enter")],
                false,
            );
            ns(&loops(n, None))
        }
        (Cond::Extra, _) => {
            let _p = extra_object();
            ns(&loops(n, None))
        }
        (c, w) => panic!("{c:?} is not measured on the {w:?} workload"),
    }
}

/// Samples of one workload: `[cond][round]` means over CPUs, `[cond][cpu][round]`.
struct Samples {
    conds: Vec<Cond>,
    mean: Vec<Vec<f64>>,
    per_cpu: Vec<Vec<Vec<f64>>>,
}

impl Samples {
    fn new(conds: Vec<Cond>, cpus: usize) -> Self {
        let k = conds.len();
        Self {
            conds,
            mean: vec![Vec::new(); k],
            per_cpu: vec![vec![Vec::new(); cpus]; k],
        }
    }

    /// One interleaved round over every condition (order rotated by `round`).
    fn round(&mut self, w: Workload, round: usize, n: u64, strace_n: u64, line: &mut String) {
        let cpus = self.per_cpu[0].len();
        let mut order: Vec<usize> = (0..self.conds.len()).collect();
        order.rotate_left(round % self.conds.len());
        for i in order {
            let v = measure(self.conds[i], w, n, strace_n, cpus);
            for (cpu, ns) in v.iter().enumerate() {
                self.per_cpu[i][cpu].push(*ns);
            }
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            self.mean[i].push(mean);
            let each: Vec<String> = v.iter().map(|x| format!("{x:.0}")).collect();
            line.push_str(&format!(
                " {}={mean:.1}({})",
                self.conds[i].short(),
                each.join("/")
            ));
        }
    }

    fn at(&self, c: Cond) -> Option<usize> {
        self.conds.iter().position(|x| *x == c)
    }

    fn med(&self, i: usize) -> f64 {
        median(&self.mean[i])
    }

    /// Median added ns of condition `i` over `none`.
    fn added(&self, i: usize) -> f64 {
        self.med(i) - self.med(self.at(Cond::None).expect("none"))
    }

    /// Added-cost ratio `num / den`, and the median of the per-round ratios.
    fn ratio(&self, num: Cond, den: Cond) -> Option<(f64, f64)> {
        let (a, b, z) = (self.at(num)?, self.at(den)?, self.at(Cond::None)?);
        let rounds = self.mean[z].len();
        let per_round: Vec<f64> = (0..rounds)
            .map(|r| (self.mean[a][r] - self.mean[z][r]) / (self.mean[b][r] - self.mean[z][r]))
            .collect();
        Some((self.added(a) / self.added(b), median(&per_round)))
    }

    /// The table: ns/call, min..max, per-CPU medians, added ns, ratios to `refs`.
    fn table(&self, refs: &[Cond]) {
        let cpus = self.per_cpu[0].len();
        let cpu_cols: String = (0..cpus)
            .map(|c| format!(" {:>9}", format!("cpu{c}")))
            .collect();
        let ref_cols: String = refs
            .iter()
            .map(|r| format!(" {:>12}", format!("x {}", r.short())))
            .collect();
        println!(
            "{:<30} {:>10} {:>13}{cpu_cols} {:>10}{ref_cols}",
            "condition", "ns/call", "min..max", "added ns"
        );
        let none = self.at(Cond::None).expect("none");
        for (i, c) in self.conds.iter().enumerate() {
            let (lo, hi) = min_max(&self.mean[i]);
            let cpu_vals: String = self.per_cpu[i]
                .iter()
                .map(|v| format!(" {:>9.1}", median(v)))
                .collect();
            let (added, ratios) = if i == none {
                (
                    "-".to_string(),
                    refs.iter().map(|_| format!(" {:>12}", "-")).collect(),
                )
            } else {
                let r: String = refs
                    .iter()
                    .filter_map(|r| self.at(*r))
                    .map(|j| format!(" {:>12.3}", self.added(i) / self.added(j)))
                    .collect();
                (format!("{:+.1}", self.added(i)), r)
            };
            println!(
                "{:<30} {:>10.1} {:>13}{cpu_vals} {:>10}{ratios}",
                c.name(),
                self.med(i),
                format!("{lo:.0}..{hi:.0}"),
                added,
            );
        }
    }

    /// A target line: `num` added / `den` added ≤ `target`.
    fn target(&self, num: Cond, den: Cond, target: f64) {
        let Some((r, per_round)) = self.ratio(num, den) else {
            return;
        };
        println!(
            "{:<20} / {:<16} = {r:.3}  (per-round median {per_round:.3})  target <= {target}  {}",
            num.short(),
            den.short(),
            if r <= target { "MET" } else { "MISSED" }
        );
    }
}

/// One more run of each BPF condition with the kernel's BPF statistics on: each
/// program's own ns per run (load-independent; not part of the timed rounds).
fn bpf_stats_pass(getppid: &[Cond], open: &[Cond], n: u64, open_n: u64, cpus: usize) {
    let bpf = |c: &&Cond| !matches!(c, Cond::None | Cond::Strace);
    println!("\nbpf_stats pass (kernel BPF run-time statistics on; programs run >= N times):");
    let Some(pass) = progstats::Pass::start(n.min(open_n)) else {
        return;
    };
    for c in getppid.iter().filter(bpf) {
        measure(*c, Workload::Getppid, n, 0, cpus);
    }
    for c in open.iter().filter(bpf) {
        measure(*c, Workload::Open, open_n, 0, cpus);
    }
    pass.finish();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child-loop") {
        let arg = |k: usize| args.get(i + k).and_then(|v| v.parse().ok());
        let n = arg(1).expect("--child-loop N CPU [open]");
        let cpu: u64 = arg(2).expect("--child-loop N CPU [open]");
        let open = args.get(i + 3).is_some_and(|a| a == "open");
        child_loop(n, cpu as usize, open);
        return;
    }
    common::require_root("syscall_overhead");
    for tool in ["bpftrace", "strace"] {
        if Command::new(tool).arg("--version").output().is_err() {
            eprintln!("syscall_overhead: `{tool}` is missing (apt-get install -y {tool})");
            std::process::exit(2);
        }
    }
    ensure_tracefs();
    let rounds = env_u64("KT_ROUNDS", 7) as usize;
    let n = env_u64("KT_LOOP_N", 3_000_000);
    let open_n = env_u64("KT_OPEN_N", 200_000);
    let strace_n = env_u64("KT_STRACE_N", 25_000);
    let cpus = std::thread::available_parallelism().map_or(1, |p| p.get());
    println!(
        "syscall_overhead: loops in a child pinned to each of the {cpus} CPUs in turn: getppid N={n} \
         (strace N={strace_n}), openat of a missing path N={open_n}; {rounds} interleaved rounds; \
         ns/call = median over rounds of the mean over CPUs"
    );
    let mut getppid: Vec<Cond> = Cond::GETPPID.to_vec();
    if std::env::var_os("KT_EXTRA_OBJ").is_some() {
        getppid.push(Cond::Extra);
    }
    let mut open: Vec<Cond> = Cond::OPEN.to_vec();
    if let Ok(only) = std::env::var("KT_CONDS") {
        // The ratio columns need none, floor and bpftrace: they are always kept.
        let keep: Vec<&str> = only.split(',').collect();
        let kept = |c: &Cond| {
            matches!(c, Cond::None | Cond::Floor | Cond::Bpftrace) || keep.contains(&c.short())
        };
        getppid.retain(kept);
        if !keep.contains(&"open") {
            open.clear();
        }
    }
    let mut g = Samples::new(getppid, cpus);
    let mut o = Samples::new(open, cpus);
    for round in 0..rounds {
        common::warn_foreign_bpf(&format!("before round {}", round + 1));
        let watch = common::CpuWatch::start();
        let mut line = format!("round {}:", round + 1);
        g.round(Workload::Getppid, round, n, strace_n, &mut line);
        if !o.conds.is_empty() {
            line.push_str("  | open:");
            o.round(Workload::Open, round, open_n, strace_n, &mut line);
        }
        println!(
            "{line}  (other processes: {:.0}% of a CPU)",
            watch.foreign_pct()
        );
    }
    if std::env::var("KT_BPF_STATS").as_deref() != Ok("0") {
        bpf_stats_pass(&g.conds, &o.conds, n, open_n, cpus);
    }
    if rounds == 0 {
        return;
    }
    println!("\ngetppid (not streamed): added ns per syscall");
    g.table(&[Cond::Floor, Cond::Bpftrace]);
    println!();
    g.target(Cond::Ktriage, Cond::Floor, 1.5);
    g.target(Cond::Ktriage, Cond::Bpftrace, 0.3);
    g.target(Cond::KtTiming, Cond::Floor, 3.0);
    if !o.conds.is_empty() {
        println!("\nopenat of a path (streamed with the path): added ns per open");
        o.table(&[Cond::BpftracePrintf]);
        println!();
        o.target(Cond::Ktriage, Cond::BpftracePrintf, 0.5);
    }
}
