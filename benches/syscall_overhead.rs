//! Added cost per syscall of tracing: a `getppid` loop (not in the stream set)
//! in a child process pinned to each CPU in turn, under no tracer, ktriage's
//! default collection, a count-only tp_btf program (the floor), bpftrace and
//! strace, plus two diagnostic splits of ktriage. Conditions are interleaved in
//! rounds; medians are reported.
//!
//! `cargo bench --bench syscall_overhead` (as root). Environment:
//! `KT_ROUNDS` (default 7), `KT_LOOP_N` (default 3000000), `KT_STRACE_N`
//! (default 25000), `KT_CONDS` (subset of short names), `KT_EXTRA_OBJ` +
//! `KT_EXTRA_PROGS` (a candidate object, see benches/README.md).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use aya::maps::{Array, PerCpuArray};
use aya::programs::BtfTracePoint;
use aya::{Btf, Ebpf, EbpfLoader};
use ktriage::collector::CollectorConfig;
use ktriage_common::Config;

use common::{Consume, Pipeline, median, min_max};

/// The count-only floor program, built by ebpf/probes/build.sh and committed.
static FLOOR_OBJECT: &[u8] = aya::include_bytes_aligned!("../ebpf/probes/bench_floor.bpf.o");

const BPFTRACE_PROG: &str = "tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cond {
    None,
    Ktriage,
    Floor,
    Bpftrace,
    Strace,
    /// Diagnostic: ktriage's object with only its sys_enter program attached.
    KtEnterOnly,
    /// Diagnostic: ktriage's object with only its sys_exit program attached.
    KtExitOnly,
    /// A candidate object given by `KT_EXTRA_OBJ` / `KT_EXTRA_PROGS` (for trying probe changes side by side).
    Extra,
}

impl Cond {
    const ALL: [Cond; 7] = [
        Cond::None,
        Cond::Ktriage,
        Cond::Floor,
        Cond::Bpftrace,
        Cond::Strace,
        Cond::KtEnterOnly,
        Cond::KtExitOnly,
    ];

    fn short(self) -> &'static str {
        match self {
            Cond::None => "none",
            Cond::Ktriage => "ktriage",
            Cond::Floor => "floor",
            Cond::Bpftrace => "bpftrace",
            Cond::Strace => "strace",
            Cond::KtEnterOnly => "kt-enter",
            Cond::KtExitOnly => "kt-exit",
            Cond::Extra => "extra",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Cond::None => "none",
            Cond::Ktriage => "ktriage (default collection)",
            Cond::Floor => "floor (tp_btf count-only)",
            Cond::Bpftrace => "bpftrace @[comm]=count()",
            Cond::Strace => "strace -f -o /dev/null",
            Cond::KtEnterOnly => "diag: ktriage sys_enter only",
            Cond::KtExitOnly => "diag: ktriage sys_exit only",
            Cond::Extra => "extra: KT_EXTRA_OBJ",
        }
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The measured loop, run in a child (`--child-loop N`): prints ns per getppid.
fn child_loop(n: u64, cpu: usize) {
    // SAFETY: a zeroed cpu_set_t with one CPU set, for this process.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
            panic!("pinning the child loop to CPU {cpu}");
        }
    }
    for _ in 0..20_000 {
        // SAFETY: getppid takes no arguments and cannot fail.
        std::hint::black_box(unsafe { libc::syscall(libc::SYS_getppid) });
    }
    let t0 = common::mono_ns();
    for _ in 0..n {
        // SAFETY: as above.
        std::hint::black_box(unsafe { libc::syscall(libc::SYS_getppid) });
    }
    let t1 = common::mono_ns();
    println!("{:.3}", (t1 - t0) as f64 / n as f64);
}

fn exe() -> std::path::PathBuf {
    std::env::current_exe().expect("current exe")
}

/// Runs the child loop pinned to `cpu` (optionally under `wrap`), returns (ns/call, child pid).
fn run_child(n: u64, wrap: Option<&[&str]>, cpu: usize) -> (f64, u32) {
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

/// The floor program, loaded and attached for as long as it lives.
struct Floor {
    ebpf: Ebpf,
}

impl Floor {
    fn start() -> Self {
        let btf = Btf::from_sys_fs().expect("kernel BTF");
        let mut ebpf = EbpfLoader::new()
            .btf(Some(&btf))
            .load(FLOOR_OBJECT)
            .expect("loading bench_floor.bpf.o");
        let prog: &mut BtfTracePoint = ebpf
            .program_mut("floor_sys_enter")
            .expect("floor_sys_enter in the object")
            .try_into()
            .expect("a tp_btf program");
        prog.load("sys_enter", &btf)
            .expect("loading floor_sys_enter");
        prog.attach().expect("attaching floor_sys_enter");
        Self { ebpf }
    }

    /// getppid calls counted so far, over all CPUs.
    fn getppid_count(&self) -> u64 {
        let map: PerCpuArray<_, u64> =
            PerCpuArray::try_from(self.ebpf.map("FLOOR_COUNTS").expect("FLOOR_COUNTS"))
                .expect("per-CPU array");
        map.get(&(libc::SYS_getppid as u32), 0)
            .map(|v| v.iter().sum())
            .unwrap_or(0)
    }
}

/// ktriage's own probe object with one program attached (default config,
/// nothing streamed: getppid is not in the stream set either way). Breaks the
/// ktriage row down into its entry and exit halves.
fn partial_ktriage(prog: &str, tp: &str) -> Ebpf {
    let btf = Btf::from_sys_fs().expect("kernel BTF");
    let mut ebpf = EbpfLoader::new()
        .btf(Some(&btf))
        .load(ktriage::collector::probes::PROBE_OBJECT)
        .expect("loading ktriage.bpf.o");
    let mut config: Array<_, Config> =
        Array::try_from(ebpf.map_mut("CONFIG").expect("CONFIG")).expect("CONFIG array");
    let cfg = Config {
        self_tgid: std::process::id(),
        wakeup_bytes: 512 * 1024,
        ..Config::default()
    };
    config.set(0, cfg, 0).expect("writing CONFIG");
    let p: &mut BtfTracePoint = ebpf
        .program_mut(prog)
        .expect("program")
        .try_into()
        .expect("tp_btf");
    p.load(tp, &btf).expect("loading the program");
    p.attach().expect("attaching the program");
    ebpf
}

/// `KT_EXTRA_OBJ=path.o KT_EXTRA_PROGS=prog@tracepoint[,...]`: loads a candidate
/// object (e.g. a modified ktriage.bpf.c built with build.sh's flags) and attaches
/// the listed tp_btf programs. A `CONFIG` map is set up as ktriage's loader does
/// (own tgid, no filters) and a `STREAM` map gets the default stream set.
fn extra_object() -> Ebpf {
    let path = std::env::var("KT_EXTRA_OBJ").expect("KT_EXTRA_OBJ");
    let progs = std::env::var("KT_EXTRA_PROGS").expect("KT_EXTRA_PROGS=prog@tracepoint,...");
    let btf = Btf::from_sys_fs().expect("kernel BTF");
    let mut ebpf = EbpfLoader::new()
        .btf(Some(&btf))
        .load_file(&path)
        .expect("loading KT_EXTRA_OBJ");
    if let Some(m) = ebpf.map_mut("CONFIG") {
        let mut config: Array<_, Config> = Array::try_from(m).expect("CONFIG array");
        let cfg = Config {
            self_tgid: std::process::id(),
            wakeup_bytes: 512 * 1024,
            ..Config::default()
        };
        config.set(0, cfg, 0).expect("writing CONFIG");
    }
    if let Some(m) = ebpf.map_mut("STREAM") {
        let mut stream: Array<_, ktriage_common::StreamSpec> =
            Array::try_from(m).expect("STREAM array");
        for nr in ktriage::collector::args::default_stream_set() {
            stream
                .set(nr, ktriage::collector::args::stream_spec(nr), 0)
                .expect("writing STREAM");
        }
    }
    for spec in progs.split(',') {
        let (prog, tp) = spec.split_once('@').expect("prog@tracepoint");
        let p: &mut BtfTracePoint = ebpf
            .program_mut(prog)
            .expect("program in KT_EXTRA_OBJ")
            .try_into()
            .expect("tp_btf");
        p.load(tp, &btf).expect("loading the extra program");
        p.attach().expect("attaching the extra program");
    }
    ebpf
}

/// bpftrace, started and attached; its output is collected until it exits.
struct Bpftrace {
    child: Child,
    lines: std_mpsc::Receiver<String>,
}

impl Bpftrace {
    fn start() -> Self {
        let mut child = Command::new("bpftrace")
            .arg("-e")
            .arg(BPFTRACE_PROG)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawning bpftrace (apt-get install -y bpftrace)");
        let (tx, rx) = std_mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().expect("stdout")) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().expect("stderr")),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rx.recv_timeout(left) {
                Ok(l) if l.starts_with("Attaching") => break,
                Ok(_) => {}
                Err(_) => panic!("bpftrace did not print its Attaching line within 30 s"),
            }
        }
        // "Attaching N probes..." comes just before the attach: give it time to finish.
        std::thread::sleep(Duration::from_millis(1500));
        Self { child, lines: rx }
    }

    /// Stops bpftrace (SIGINT: it prints its map) and returns the count for `comm`.
    fn stop(mut self, comm: &str) -> u64 {
        // SAFETY: signalling the child we spawned, by its pid.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while self.child.try_wait().ok().flatten().is_none() {
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.wait();
        let key = format!("@[{comm}]:");
        let mut count = 0;
        while let Ok(l) = self.lines.recv_timeout(Duration::from_millis(500)) {
            if let Some(v) = l.strip_prefix(&key) {
                count = v.trim().parse().unwrap_or(0);
            }
        }
        count
    }
}

/// The child's comm as the kernel shows it (first 15 bytes of the executable's name).
fn child_comm() -> String {
    let name = exe()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.chars().take(15).collect()
}

/// One measurement of `cond` per CPU (the child pinned to each CPU in turn):
/// sets the tracer up, runs the loops, checks the tracer saw them, tears it down.
fn measure(cond: Cond, n: u64, strace_n: u64, cpus: usize) -> Vec<f64> {
    let loops = |n: u64, wrap: Option<&[&str]>| -> Vec<(f64, u32)> {
        (0..cpus).map(|cpu| run_child(n, wrap, cpu)).collect()
    };
    let ns = |v: &[(f64, u32)]| v.iter().map(|(ns, _)| *ns).collect::<Vec<f64>>();
    let want = n * cpus as u64;
    match cond {
        Cond::None => ns(&loops(n, None)),
        Cond::Ktriage => {
            let p = Pipeline::start(&CollectorConfig::default(), Consume::Update, 256);
            std::thread::sleep(Duration::from_millis(200));
            let runs = loops(n, None);
            for (_, pid) in &runs {
                let calls: u64 = p
                    .probes
                    .agg_rows(|t| t == *pid)
                    .iter()
                    .filter(|r| r.nr == libc::SYS_getppid as u32)
                    .map(|r| r.calls)
                    .sum();
                assert!(
                    calls >= n,
                    "ktriage aggregated {calls} getppid calls of a child, expected >= {n}"
                );
            }
            let (stats, _) = p.finish();
            assert_eq!(
                stats.kernel_dropped, 0,
                "ktriage dropped records during the overhead run"
            );
            ns(&runs)
        }
        Cond::Floor => {
            let f = Floor::start();
            let before = f.getppid_count();
            let runs = loops(n, None);
            let counted = f.getppid_count() - before;
            assert!(
                counted >= want,
                "floor counted {counted} getppid calls, expected >= {want}"
            );
            ns(&runs)
        }
        Cond::Bpftrace => {
            let b = Bpftrace::start();
            let runs = loops(n, None);
            let counted = b.stop(&child_comm());
            assert!(
                counted >= want,
                "bpftrace counted {counted} syscalls of the children, expected >= {want}"
            );
            ns(&runs)
        }
        Cond::Strace => ns(&loops(strace_n, Some(&["strace", "-f", "-o", "/dev/null"]))),
        Cond::KtEnterOnly => {
            let _p = partial_ktriage("kt_sys_enter", "sys_enter");
            ns(&loops(n, None))
        }
        Cond::KtExitOnly => {
            let _p = partial_ktriage("kt_sys_exit", "sys_exit");
            ns(&loops(n, None))
        }
        Cond::Extra => {
            let _p = extra_object();
            ns(&loops(n, None))
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child-loop") {
        let n = args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .expect("--child-loop N CPU");
        let cpu = args
            .get(i + 2)
            .and_then(|v| v.parse().ok())
            .expect("--child-loop N CPU");
        child_loop(n, cpu);
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
    let strace_n = env_u64("KT_STRACE_N", 25_000);
    let cpus = std::thread::available_parallelism().map_or(1, |p| p.get());
    println!(
        "syscall_overhead: getppid loop in a child pinned to each of the {cpus} CPUs in turn, N={n} (strace N={strace_n}), \
         {rounds} interleaved rounds; ns/call = median over rounds of the mean over CPUs"
    );

    let mut conds: Vec<Cond> = Cond::ALL.to_vec();
    if std::env::var_os("KT_EXTRA_OBJ").is_some() {
        conds.push(Cond::Extra);
    }
    if let Ok(only) = std::env::var("KT_CONDS") {
        // The ratio columns need none, floor and bpftrace: they are always kept.
        let keep: Vec<&str> = only.split(',').collect();
        conds.retain(|c| {
            matches!(c, Cond::None | Cond::Floor | Cond::Bpftrace) || keep.contains(&c.short())
        });
    }
    // samples[cond][round]: mean over CPUs; per_cpu[cond][cpu][round].
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); conds.len()];
    let mut per_cpu: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); cpus]; conds.len()];
    for round in 0..rounds {
        // Rotate the order each round so no condition always runs first or after a teardown.
        let mut order: Vec<usize> = (0..conds.len()).collect();
        order.rotate_left(round % conds.len());
        common::warn_foreign_bpf(&format!("before round {}", round + 1));
        let watch = common::CpuWatch::start();
        let mut line = format!("round {}:", round + 1);
        for i in order {
            let v = measure(conds[i], n, strace_n, cpus);
            for (cpu, ns) in v.iter().enumerate() {
                per_cpu[i][cpu].push(*ns);
            }
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            samples[i].push(mean);
            let each: Vec<String> = v.iter().map(|x| format!("{x:.0}")).collect();
            line.push_str(&format!(
                " {}={mean:.1}({})",
                conds[i].short(),
                each.join("/")
            ));
        }
        println!(
            "{line}  (other processes: {:.0}% of a CPU)",
            watch.foreign_pct()
        );
    }

    let at = |c: Cond| conds.iter().position(|x| *x == c);
    let (none, floor, bpftrace) = (
        at(Cond::None).expect("none"),
        at(Cond::Floor).expect("floor"),
        at(Cond::Bpftrace).expect("bpftrace"),
    );
    let med: Vec<f64> = samples.iter().map(|s| median(s)).collect();
    let base = med[none];
    let added = |i: usize| med[i] - base;
    let floor_added = added(floor);
    let bpftrace_added = added(bpftrace);
    println!();
    let cpu_cols: String = (0..cpus)
        .map(|c| format!(" {:>9}", format!("cpu{c}")))
        .collect();
    println!(
        "{:<30} {:>11} {:>17}{cpu_cols} {:>11} {:>10} {:>12}",
        "condition", "ns/call", "min..max", "added ns", "x floor", "x bpftrace"
    );
    for (i, c) in conds.iter().enumerate() {
        let (lo, hi) = min_max(&samples[i]);
        let (a, rf, rb) = if i == none {
            ("-".to_string(), "-".to_string(), "-".to_string())
        } else {
            (
                format!("{:+.1}", added(i)),
                format!("{:.2}", added(i) / floor_added),
                format!("{:.3}", added(i) / bpftrace_added),
            )
        };
        let cpu_vals: String = per_cpu[i]
            .iter()
            .map(|v| format!(" {:>9.1}", median(v)))
            .collect();
        println!(
            "{:<30} {:>11.1} {:>17}{cpu_vals} {:>11} {:>10} {:>12}",
            c.name(),
            med[i],
            format!("{lo:.0}..{hi:.0}"),
            a,
            rf,
            rb
        );
    }

    // Paired per-round ratios (same round, adjacent runs): less sensitive to drift.
    let per_round = |num: usize, den: usize| -> f64 {
        let v: Vec<f64> = (0..rounds)
            .map(|r| (samples[num][r] - samples[none][r]) / (samples[den][r] - samples[none][r]))
            .collect();
        median(&v)
    };
    let Some(kt) = at(Cond::Ktriage) else { return };
    let kt_floor = added(kt) / floor_added;
    let kt_bpf = added(kt) / bpftrace_added;
    println!();
    println!(
        "ktriage added / floor added    = {kt_floor:.2}  (per-round median {:.2})  target <= 1.5  {}",
        per_round(kt, floor),
        verdict(kt_floor <= 1.5)
    );
    println!(
        "ktriage added / bpftrace added = {kt_bpf:.3} (per-round median {:.3}) target <= 0.3  {}",
        per_round(kt, bpftrace),
        verdict(kt_bpf <= 0.3)
    );
    let base_cpu = |c: usize| median(&per_cpu[none][c]);
    let per_cpu_ratio: Vec<String> = (0..cpus)
        .map(|c| {
            let kt_add = median(&per_cpu[kt][c]) - base_cpu(c);
            let fl_add = median(&per_cpu[floor][c]) - base_cpu(c);
            let bt_add = median(&per_cpu[bpftrace][c]) - base_cpu(c);
            format!(
                "cpu{c}: {:.2}x floor, {:.3}x bpftrace",
                kt_add / fl_add,
                kt_add / bt_add
            )
        })
        .collect();
    println!("ktriage per CPU: {}", per_cpu_ratio.join("; "));
}

/// bpftrace's `tracepoint:` probes need tracefs, which this machine kind may not mount.
fn ensure_tracefs() {
    let events = std::path::Path::new("/sys/kernel/tracing/events/raw_syscalls");
    if events.exists() {
        return;
    }
    println!("note: tracefs is not mounted; mounting it at /sys/kernel/tracing for bpftrace");
    let ok = Command::new("mount")
        .args(["-t", "tracefs", "nodev", "/sys/kernel/tracing"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok || !events.exists() {
        eprintln!(
            "syscall_overhead: tracefs is needed by bpftrace: mount -t tracefs nodev /sys/kernel/tracing"
        );
        std::process::exit(2);
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "MET" } else { "MISSED" }
}
