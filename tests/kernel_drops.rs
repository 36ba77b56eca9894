//! Real kernel: a tiny ring buffer under a syscall storm drops, and every drop is counted exactly.

mod support;

use std::time::Duration;

use ktriage::app::describe;
use ktriage::collector::{CollectorConfig, syscalls};
use support::{Held, Live, bpf_available};

const STORM: u64 = 200_000;

#[test]
fn drops_are_counted_exactly() {
    if !bpf_available("drops_are_counted_exactly") {
        return;
    }
    let kill = syscalls::number("kill").expect("kill nr");
    let mut child = Held::spawn(&format!(
        "p = os.getpid()\nfor i in range({STORM}):\n    os.kill(p, 0)"
    ));
    let pid = child.pid();
    let cfg = CollectorConfig {
        ring_bytes: 16 * 4096,
        stream_syscalls: vec![kill],
        pids: vec![pid],
        wakeup_bytes: u64::MAX,
        poll_ms: 200,
        ..CollectorConfig::default()
    };
    let mut live = Live::start(&cfg);
    child.go();
    assert!(child.wait().success());
    live.pump_until(Duration::from_millis(500), |_| false);
    let s = live.finish();
    let kills = live
        .core
        .state()
        .buffer
        .range(0, u64::MAX)
        .filter(|e| describe::syscall_name(e) == "kill")
        .count() as u64;
    eprintln!(
        "attempted {} received {} dropped {} kills {kills}",
        s.attempted, s.received, s.kernel_dropped
    );
    assert_eq!(
        s.attempted,
        STORM + 1,
        "the storm's kills and one exit were produced"
    );
    assert!(
        s.kernel_dropped > 0,
        "a tiny ring must drop under the storm"
    );
    assert_eq!(
        s.received + s.kernel_dropped,
        s.attempted,
        "produced = received + counted drops"
    );
    assert_eq!(
        s.received,
        live.core.state().buffer.len() as u64,
        "everything received reached the core"
    );
    assert_eq!(s.undecodable, 0);
    assert!(kills <= STORM);
}
