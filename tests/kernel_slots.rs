//! Real kernel: the aggregation's two paths stay exact. Processes whose tgids
//! share a slot (`tgid % TGID_SLOTS`) are counted apart (the first in the slot,
//! the other in the hash map), and a slot freed after its process exited gives
//! the next owner a clean start; the slots pruned alone (every poll) give up
//! only their own rows.

mod support;

use ktriage::collector::probes::Probes;
use ktriage_common::TGID_SLOTS;
use support::{Held, bpf_available, counting_probes};

/// A Python process that says `done` at its first `go` (its start-up over),
/// makes `calls` getppid calls at the second, and ends at the third.
fn caller(calls: u32) -> Held {
    let done = "sys.stdout.write('done\\n')\nsys.stdout.flush()\nsys.stdin.readline()";
    Held::spawn(&format!(
        "{done}\nfor i in range({calls}):\n    os.getppid()\n{done}"
    ))
}

/// Runs the caller's calls: the getppid calls counted meanwhile, and the total after.
fn run_calls(probes: &Probes, h: &mut Held) -> (u64, u64) {
    h.go();
    wait_done(h);
    let before = getppid_calls(probes, h.pid());
    h.go();
    wait_done(h);
    let after = getppid_calls(probes, h.pid());
    (after - before, after)
}

/// Waits for the caller's `done` line.
fn wait_done(h: &mut Held) {
    use std::io::Read;
    let out = h.child.stdout.as_mut().expect("stdout");
    let mut line = [0u8; 5];
    out.read_exact(&mut line)
        .expect("reading the caller's output");
    assert_eq!(&line, b"done\n", "the caller finished its calls");
}

/// A caller whose tgid is in the same slot as `pid` (others are spawned and killed until one is).
fn same_slot_caller(pid: u32, calls: u32) -> Held {
    for _ in 0..(TGID_SLOTS * 20) {
        let mut h = caller(calls);
        if h.pid() % TGID_SLOTS == pid % TGID_SLOTS {
            return h;
        }
        let _ = h.child.kill();
        let _ = h.child.wait();
    }
    panic!("no process got a tgid in the slot of {pid}");
}

fn getppid_calls(probes: &Probes, pid: u32) -> u64 {
    let nr = libc::SYS_getppid as u32;
    probes
        .agg_rows(|t| t == pid)
        .iter()
        .filter(|r| r.nr == nr)
        .map(|r| r.calls)
        .sum()
}

fn finish(mut h: Held) {
    h.go();
    assert!(h.wait().success(), "the caller failed");
}

#[test]
fn processes_sharing_a_slot_are_counted_apart_and_a_freed_slot_starts_clean() {
    if !bpf_available("processes_sharing_a_slot_are_counted_apart_and_a_freed_slot_starts_clean") {
        return;
    }
    let mut probes = counting_probes();

    let mut a = caller(1000);
    let a_pid = a.pid();
    let (a_calls, a_total) = run_calls(&probes, &mut a);
    // a is alive and holds its slot (or another live process does) while b counts
    let mut b = same_slot_caller(a_pid, 1500);
    let b_pid = b.pid();
    let (b_calls, b_total) = run_calls(&probes, &mut b);
    assert_eq!(
        (a_calls, b_calls),
        (1000, 1500),
        "each one's calls, exactly"
    );
    assert_eq!(
        getppid_calls(&probes, a_pid),
        a_total,
        "b added nothing to a"
    );
    finish(b);
    finish(a);

    // a exited: pruning returns its counts and frees its slot
    let gone = probes.prune_agg(|t| t == a_pid || t == b_pid);
    let pruned = |pid: u32| -> u64 {
        gone.iter()
            .filter(|r| r.tgid == pid && r.nr == libc::SYS_getppid as u32)
            .map(|r| r.calls)
            .sum()
    };
    assert_eq!((pruned(a_pid), pruned(b_pid)), (a_total, b_total));
    assert_eq!(getppid_calls(&probes, a_pid), 0, "pruned rows are gone");

    // the next process in that slot starts from zero
    let mut c = same_slot_caller(a_pid, 700);
    let (c_calls, c_total) = run_calls(&probes, &mut c);
    assert_eq!(c_calls, 700, "c's calls, exactly");
    assert!(
        c_total < 700 + 100,
        "c started from zero, not from a's {a_total}: {c_total}"
    );
    finish(c);
}

/// What `gone` holds of `pid`'s getppid calls.
fn calls_in(gone: &[ktriage::model::AggRow], pid: u32) -> u64 {
    gone.iter()
        .filter(|r| r.tgid == pid && r.nr == libc::SYS_getppid as u32)
        .map(|r| r.calls)
        .sum()
}

#[test]
fn pruning_the_slots_alone_leaves_the_hash_map_and_loses_nothing() {
    if !bpf_available("pruning_the_slots_alone_leaves_the_hash_map_and_loses_nothing") {
        return;
    }
    let mut probes = counting_probes();
    let mut a = caller(900);
    let a_pid = a.pid();
    let (_, a_total) = run_calls(&probes, &mut a);
    // b's slot is held (by a, or by another live process): b is counted in the hash map
    let mut b = same_slot_caller(a_pid, 1300);
    let b_pid = b.pid();
    let (_, b_total) = run_calls(&probes, &mut b);
    finish(b);
    finish(a);

    let slots = probes.prune_slots(|t| t == a_pid || t == b_pid);
    assert_eq!(calls_in(&slots, b_pid), 0, "b's hash rows are not a slot's");
    let a_slot = calls_in(&slots, a_pid);
    assert!(
        a_slot == 0 || a_slot == a_total,
        "a's slot gave all or nothing: {a_slot} of {a_total}"
    );
    assert_eq!(
        (getppid_calls(&probes, a_pid), getppid_calls(&probes, b_pid)),
        (a_total - a_slot, b_total),
        "what the slots gave is gone from the rows, the rest stays"
    );
    let rest = probes.prune_agg(|t| t == a_pid || t == b_pid);
    assert_eq!(
        (a_slot + calls_in(&rest, a_pid), calls_in(&rest, b_pid)),
        (a_total, b_total),
        "both prunes together: every call once"
    );
}
