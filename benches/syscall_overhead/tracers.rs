//! The tracers compared with ktriage: the count-only floor program, ktriage's own
//! object with chosen programs (diagnostics), a candidate object, and bpftrace.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use aya::maps::{Array, PerCpuArray};
use aya::programs::BtfTracePoint;
use aya::{Btf, Ebpf, EbpfLoader};
use ktriage_common::{Config, flag};

/// The count-only floor program, built by ebpf/probes/build.sh and committed.
static FLOOR_OBJECT: &[u8] = aya::include_bytes_aligned!("../../ebpf/probes/bench_floor.bpf.o");

fn attach(ebpf: &mut Ebpf, btf: &Btf, prog: &str, tp: &str) {
    let p: &mut BtfTracePoint = ebpf
        .program_mut(prog)
        .unwrap_or_else(|| panic!("{prog} in the object"))
        .try_into()
        .expect("a tp_btf program");
    p.load(tp, btf)
        .unwrap_or_else(|e| panic!("loading {prog}: {e:#}"));
    p.attach()
        .unwrap_or_else(|e| panic!("attaching {prog}: {e}"));
}

/// The floor program, loaded and attached for as long as it lives.
pub struct Floor {
    ebpf: Ebpf,
}

impl Floor {
    pub fn start() -> Self {
        let btf = Btf::from_sys_fs().expect("kernel BTF");
        let mut ebpf = EbpfLoader::new()
            .btf(Some(&btf))
            .load(FLOOR_OBJECT)
            .expect("loading bench_floor.bpf.o");
        attach(&mut ebpf, &btf, "floor_sys_enter", "sys_enter");
        Self { ebpf }
    }

    /// getppid calls counted so far, over all CPUs.
    pub fn getppid_count(&self) -> u64 {
        let map: PerCpuArray<_, u64> =
            PerCpuArray::try_from(self.ebpf.map("FLOOR_COUNTS").expect("FLOOR_COUNTS"))
                .expect("per-CPU array");
        map.get(&(libc::SYS_getppid as u32), 0)
            .map(|v| v.iter().sum())
            .unwrap_or(0)
    }
}

/// Sets `CONFIG` as ktriage's loader does (own tgid, no filters; `flags` added).
fn configure(ebpf: &mut Ebpf, flags: u32) {
    if let Some(m) = ebpf.map_mut("CONFIG") {
        let mut config: Array<_, Config> = Array::try_from(m).expect("CONFIG array");
        let cfg = Config {
            self_tgid: std::process::id(),
            flags,
            wakeup_bytes: 512 * 1024,
            ..Config::default()
        };
        config.set(0, cfg, 0).expect("writing CONFIG");
    }
}

/// ktriage's own probe object with the listed programs attached (`prog@tracepoint`),
/// nothing streamed (getppid is not in the stream set either way), timing flag
/// as given: splits the ktriage row into its parts.
pub fn partial_ktriage(progs: &[(&str, &str)], timing: bool) -> Ebpf {
    let btf = Btf::from_sys_fs().expect("kernel BTF");
    let mut ebpf = EbpfLoader::new()
        .btf(Some(&btf))
        .allow_unsupported_maps()
        .load(ktriage::collector::probes::PROBE_OBJECT)
        .expect("loading ktriage.bpf.o");
    configure(&mut ebpf, if timing { flag::TIMING } else { 0 });
    for (prog, tp) in progs {
        attach(&mut ebpf, &btf, prog, tp);
    }
    ebpf
}

/// `KT_EXTRA_OBJ=path.o KT_EXTRA_PROGS=prog@tracepoint[,...]`: loads a candidate
/// object (e.g. a modified ktriage.bpf.c built with build.sh's flags) and attaches
/// the listed tp_btf programs. A `CONFIG` map is set up as ktriage's loader does
/// (own tgid, no filters; the timing flag with `KT_EXTRA_TIMING=1`) and a
/// `STREAM` map gets the default stream set.
pub fn extra_object() -> Ebpf {
    let path = std::env::var("KT_EXTRA_OBJ").expect("KT_EXTRA_OBJ");
    let progs = std::env::var("KT_EXTRA_PROGS").expect("KT_EXTRA_PROGS=prog@tracepoint,...");
    let btf = Btf::from_sys_fs().expect("kernel BTF");
    let mut ebpf = EbpfLoader::new()
        .btf(Some(&btf))
        .allow_unsupported_maps()
        .load_file(&path)
        .expect("loading KT_EXTRA_OBJ");
    let timing = std::env::var_os("KT_EXTRA_TIMING").is_some();
    configure(&mut ebpf, if timing { flag::TIMING } else { 0 });
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
        attach(&mut ebpf, &btf, prog, tp);
    }
    ebpf
}

/// bpftrace, started and attached; output lines equal to `count_line` are
/// counted, the others kept until it exits.
pub struct Bpftrace {
    child: Child,
    lines: std_mpsc::Receiver<String>,
    counted: Arc<AtomicU64>,
}

impl Bpftrace {
    pub fn start(prog: &str, count_line: Option<String>) -> Self {
        let mut child = Command::new("bpftrace")
            .arg("-e")
            .arg(prog)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawning bpftrace (apt-get install -y bpftrace)");
        let (tx, rx) = std_mpsc::channel();
        let counted = Arc::new(AtomicU64::new(0));
        for stream in [
            Box::new(child.stdout.take().expect("stdout")) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().expect("stderr")),
        ] {
            let tx = tx.clone();
            let counted = counted.clone();
            let count_line = count_line.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if count_line.as_deref() == Some(line.as_str()) {
                        counted.fetch_add(1, Ordering::Relaxed);
                    } else {
                        let _ = tx.send(line);
                    }
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(l) if l.starts_with("Attaching") => break,
                Ok(_) => {}
                Err(_) => panic!("bpftrace did not print its Attaching line within 30 s"),
            }
        }
        // "Attaching N probes..." comes just before the attach: give it time to finish.
        std::thread::sleep(Duration::from_millis(1500));
        Self {
            child,
            lines: rx,
            counted,
        }
    }

    /// Stops bpftrace (SIGINT: it prints its maps); returns its other output lines
    /// and the number of counted lines.
    pub fn stop(mut self) -> (Vec<String>, u64) {
        // SAFETY: signalling the child we spawned, by its pid.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.child.try_wait().ok().flatten().is_none() {
            if Instant::now() > deadline {
                let _ = self.child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.wait();
        let mut out = Vec::new();
        while let Ok(l) = self.lines.recv_timeout(Duration::from_millis(500)) {
            out.push(l);
        }
        (out, self.counted.load(Ordering::Relaxed))
    }

    /// Stops bpftrace and returns the `@[comm]` count for `comm`.
    pub fn stop_count(self, comm: &str) -> u64 {
        let key = format!("@[{comm}]:");
        let (lines, _) = self.stop();
        lines
            .iter()
            .filter_map(|l| l.strip_prefix(&key))
            .filter_map(|v| v.trim().parse().ok())
            .next_back()
            .unwrap_or(0)
    }
}

/// bpftrace's `tracepoint:` probes need tracefs, which this machine kind may not mount.
pub fn ensure_tracefs() {
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
