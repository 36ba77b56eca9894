//! Real kernel: syscall timing is off by default and then takes no entry times
//! (counts and errors stay exact); turned on, a known workload gets real times;
//! turned off again, entry work stops.

mod support;

use ktriage::collector::CollectorConfig;
use ktriage::collector::probes::Probes;
use support::{Held, bpf_available, counting_probes};

/// Sleeps of 5 ms, then a failing open (an error to count).
const SLEEPS: u64 = 20;
const SLEEP_NS: u64 = 5_000_000;

fn workload() -> u32 {
    let mut child = Held::spawn(&format!(
        "import time\nfor i in range({SLEEPS}):\n    time.sleep({})\n\
         try:\n    os.open('/nonexistent/ktriage-timing', os.O_RDONLY)\nexcept OSError:\n    pass",
        SLEEP_NS as f64 / 1e9
    ));
    let pid = child.pid();
    child.go();
    assert!(child.wait().success(), "workload failed");
    pid
}

/// (calls, errors, time_ns) of `pid`, over all its syscalls.
fn totals(probes: &Probes, pid: u32) -> (u64, u64, u64) {
    probes
        .agg_rows(|t| t == pid)
        .iter()
        .fold((0, 0, 0), |(c, e, t), r| {
            (c + r.calls, e + r.errors, t + r.time_ns)
        })
}

#[test]
fn timing_off_means_no_entry_work_and_on_gives_times() {
    if !bpf_available("timing_off_means_no_entry_work_and_on_gives_times") {
        return;
    }
    let mut probes = counting_probes();
    assert!(!probes.timing(), "timing is off by default");

    let off = workload();
    let (calls, errors, time) = totals(&probes, off);
    assert!(calls >= SLEEPS, "the workload's calls are counted: {calls}");
    assert!(errors >= 1, "the failed open is counted as an error");
    assert_eq!(time, 0, "no syscall time while timing is off");
    let c = probes.counters().expect("counters");
    assert_eq!(
        c.timed_entries, 0,
        "the entry program took entry times while timing was off"
    );

    probes.set_timing(true).expect("timing on");
    assert!(probes.timing());
    let on = workload();
    let (calls_on, errors_on, time_on) = totals(&probes, on);
    assert!(calls_on >= SLEEPS && errors_on >= 1);
    assert!(
        time_on >= SLEEPS * SLEEP_NS * 9 / 10,
        "{SLEEPS} sleeps of {SLEEP_NS} ns took only {time_on} ns of syscall time"
    );
    let entries_on = probes.counters().expect("counters").timed_entries;
    assert!(
        entries_on >= calls_on,
        "entry times were taken for the timed calls: {entries_on} < {calls_on}"
    );

    probes.set_timing(false).expect("timing off");
    assert!(!probes.timing());
    let again = workload();
    let (calls_again, _, time_again) = totals(&probes, again);
    assert!(calls_again >= SLEEPS);
    assert_eq!(time_again, 0, "no syscall time once timing is off again");
    assert_eq!(
        probes.counters().expect("counters").timed_entries,
        entries_on,
        "entry work went on after timing was turned off"
    );
}

/// `count`'s setting: only the filtered processes are timed, nobody else pays at entry.
#[test]
fn filtered_timing_takes_entry_times_of_the_target_only() {
    if !bpf_available("filtered_timing_takes_entry_times_of_the_target_only") {
        return;
    }
    let mut child = Held::spawn(&format!(
        "import time\nfor i in range({SLEEPS}):\n    time.sleep(0.001)"
    ));
    let pid = child.pid();
    let probes = Probes::load(&CollectorConfig {
        stream_syscalls: Vec::new(),
        ring_bytes: 64 * 1024,
        pids: vec![pid],
        agg_filtered: true,
        timing: true,
        ..CollectorConfig::default()
    })
    .expect("loading the probes");
    // Noise from every other process on the machine while the target runs.
    let noise = std::thread::spawn(|| {
        for _ in 0..2000 {
            let _ = std::fs::metadata("/etc/hostname");
        }
    });
    child.go();
    assert!(child.wait().success());
    noise.join().expect("noise thread");
    let (calls, _, time) = totals(&probes, pid);
    let entries = probes.counters().expect("counters").timed_entries;
    assert!(
        calls >= SLEEPS && time > 0,
        "target timed: {calls} calls, {time} ns"
    );
    // The target's calls (its last, exit_group, is counted at its exit) and
    // nothing else: the noise's 2000 stats took no entry time.
    assert!(
        entries <= calls + 1,
        "{entries} entry times taken for a target of {calls} calls"
    );
    assert!(
        probes.agg_rows(|t| t != pid).is_empty(),
        "only the target is aggregated"
    );
}
