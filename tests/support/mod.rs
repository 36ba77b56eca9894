//! Shared helpers for the tests that need root and BPF: a loud skip rule and a live collector harness.
#![allow(dead_code)]

pub mod fake_apiserver;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ktriage::app::event::CollectorStats;
use ktriage::app::{AppState, Core, Event};
use ktriage::collector::CollectorConfig;
use ktriage::collector::probes::{Probes, preflight};
use ktriage::collector::reader::{ReaderCounts, spawn_reader};
use tokio::sync::mpsc;

/// True when BPF can be used. Otherwise says why loudly; under CI=true that is a failure.
pub fn bpf_available(test: &str) -> bool {
    match preflight() {
        Ok(()) => true,
        Err(e) => {
            let msg = format!("SKIPPED {test}: needs root and BPF: {e}");
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{msg} (a skip is a failure under CI=true)");
            }
            eprintln!("\n!!!!!!!! {msg} !!!!!!!!\n");
            false
        }
    }
}

/// The probes with nothing streamed (a 64 KiB ring): counting and timing only.
pub fn counting_probes() -> Probes {
    Probes::load(&CollectorConfig {
        stream_syscalls: Vec::new(),
        ring_bytes: 64 * 1024,
        ..CollectorConfig::default()
    })
    .expect("loading the probes")
}

/// True when `sysdig` (reads .scap captures without a driver) runs. Otherwise says why loudly; under
/// CI=true that is a failure (.ci/run installs it).
pub fn sysdig_available(test: &str) -> bool {
    let ok = std::process::Command::new("sysdig")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let msg = format!("SKIPPED {test}: needs sysdig (apt-get install sysdig)");
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{msg} (a skip is a failure under CI=true)");
        }
        eprintln!("\n!!!!!!!! {msg} !!!!!!!!\n");
    }
    ok
}

/// Probes + reader thread + the core's state, pumped by the test.
pub struct Live {
    pub probes: Probes,
    pub core: Core,
    rx: mpsc::Receiver<Event>,
    stop: Arc<AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
    pub counts: Arc<ReaderCounts>,
}

impl Live {
    pub fn start(cfg: &CollectorConfig) -> Self {
        let mut probes = Probes::load(cfg).expect("loading the probes");
        let (tx, rx) = mpsc::channel(1024);
        let stop = Arc::new(AtomicBool::new(false));
        let counts = Arc::new(ReaderCounts::default());
        let ring = probes.ring.take().expect("ring buffer");
        let reader = spawn_reader(ring, tx, stop.clone(), counts.clone(), cfg.poll_ms);
        Self {
            probes,
            core: Core::new(AppState::new(1_000_000)),
            rx,
            stop,
            reader: Some(reader),
            counts,
        }
    }

    /// Feeds received events to `update` until `done` holds or `timeout` passes.
    pub fn pump_until(
        &mut self,
        timeout: Duration,
        mut done: impl FnMut(&AppState) -> bool,
    ) -> bool {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            while let Ok(ev) = self.rx.try_recv() {
                self.core.dispatch(ev);
            }
            if done(self.core.state()) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Stops the reader after a final drain, applies everything, returns the kernel counters.
    pub fn finish(&mut self) -> CollectorStats {
        self.stop.store(true, Ordering::Release);
        let handle = self.reader.take();
        // Keep receiving while the reader drains so it never blocks on a full channel.
        while handle.as_ref().is_some_and(|h| !h.is_finished()) {
            while let Ok(ev) = self.rx.try_recv() {
                self.core.dispatch(ev);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        if let Some(h) = handle {
            h.join().expect("reader thread");
        }
        while let Ok(ev) = self.rx.try_recv() {
            self.core.dispatch(ev);
        }
        let mut s = self.probes.counters().expect("counters");
        s.received = self.counts.received.load(Ordering::Relaxed);
        s.undecodable = self.counts.undecodable.load(Ordering::Relaxed);
        s
    }
}

/// A python3 child that blocks until `go()` writes a line to its stdin, then runs `script`.
pub struct Held {
    pub child: std::process::Child,
}

impl Held {
    pub fn spawn(script: &str) -> Self {
        let full = format!("import sys, os, socket\nsys.stdin.readline()\n{script}\n");
        let child = std::process::Command::new("python3")
            .arg("-c")
            .arg(full)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3");
        Self { child }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn go(&mut self) {
        use std::io::Write;
        let stdin = self.child.stdin.as_mut().expect("stdin");
        stdin.write_all(b"go\n").expect("write go");
        stdin.flush().expect("flush");
    }

    pub fn wait(mut self) -> std::process::ExitStatus {
        self.child.wait().expect("wait")
    }
}

/// Runs the ktriage binary, asserts success, returns stdout.
pub fn ktriage_ok(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .args(args)
        .output()
        .expect("ktriage runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Runs `strace -f -c` over `args` (the command and its arguments) and returns
/// its table as syscall name → (calls, errors).
pub fn strace_c(args: &[&str]) -> std::collections::BTreeMap<String, (u64, u64)> {
    let out = std::env::temp_dir().join(format!(
        "ktriage-strace-{}-{}.txt",
        std::process::id(),
        STRACE_RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let st = std::process::Command::new("strace")
        .args(["-f", "-c", "-o"])
        .arg(&out)
        .args(args)
        .output()
        .expect("strace is installed (.ci/run installs it)");
    assert!(
        st.status.success(),
        "strace failed: {}",
        String::from_utf8_lossy(&st.stderr)
    );
    let text = std::fs::read_to_string(&out).expect("strace output");
    let _ = std::fs::remove_file(&out);
    text.lines()
        .filter(|l| !l.starts_with('%') && !l.starts_with('-') && !l.contains("total"))
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            // % seconds usecs calls [errors] name
            let calls = f.get(3)?.parse().ok()?;
            let errors = if f.len() == 6 { f[4].parse().ok()? } else { 0 };
            Some((f.last()?.to_string(), (calls, errors)))
        })
        .collect()
}

static STRACE_RUNS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Every record of a session file as it holds them decompressed: serialized events, notes,
/// redacted names, kernel buffers and comms (to look for what must not be there).
#[allow(dead_code)]
pub fn session_bytes(path: &std::path::Path) -> Vec<u8> {
    use ktriage::session::{Record, SessionReader};
    let mut all = Vec::new();
    for r in SessionReader::open(path).expect("session file") {
        match r.expect("an undamaged file") {
            Record::Kernel(b) => {
                for e in b.events {
                    all.extend_from_slice(&e.comm);
                    for buf in e.bufs {
                        all.extend_from_slice(&buf.bytes);
                    }
                }
            }
            Record::Other { bytes, .. } => all.extend_from_slice(&bytes),
            Record::Note { text, .. } => all.extend_from_slice(text.as_bytes()),
            Record::Redacted { names, .. } => all.extend_from_slice(names.join("\n").as_bytes()),
        }
    }
    all
}

/// Whether `hay` holds the bytes of `needle`.
#[allow(dead_code)]
pub fn holds(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// True when the drill lab (root, containerd, runc, busybox-static) can run. Otherwise says why
/// loudly; under CI=true that is a failure (.ci/run installs the packages).
pub fn lab_available(test: &str) -> bool {
    let Some(why) = ktriage::drill::lab::unavailable() else {
        return true;
    };
    let msg = format!("SKIPPED {test}: {why}");
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{msg} (a skip is a failure under CI=true)");
    }
    eprintln!("\n!!!!!!!! {msg} !!!!!!!!\n");
    false
}

/// A gzipped capture of `tests/fixtures/scap/`, uncompressed.
pub fn scap_fixture(name: &str) -> Vec<u8> {
    use std::io::Read;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/scap")
        .join(name);
    let gz = std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(&gz[..])
        .read_to_end(&mut out)
        .expect("gunzip");
    out
}

/// A recording's events dispatched into a new core, as replay does (the state to compare with the live one).
#[allow(dead_code)]
pub fn replay_file(file: &std::path::Path) -> Core {
    use ktriage::session::{Item, ItemDecoder, SessionReader};
    let mut replay = Core::new(AppState::with_default_cap());
    let mut items = ItemDecoder::default();
    for r in SessionReader::open(file).expect("opens") {
        if let Item::Event { event, .. } = items.item(r.expect("record")).expect("item") {
            replay.dispatch(event);
        }
    }
    replay
}
