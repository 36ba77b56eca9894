//! `proc.env`, `proc.env[NAME]`, `thread.cap_permitted` / `thread.cap_inheritable` and `proc.is_vpgid_leader` read from a real process's /proc at exec.

use super::*;

fn status_hex(pid: u32, key: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    s.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
        .expect("cap line")
}

const RULES: &str = "\
- rule: Marked env
  desc: d
  condition: evt.type = execve and proc.env[KT_H3_MARK] = yes and proc.env contains \"KT_H3_OTHER=two words\"
  output: env=%proc.env[KT_H3_MARK] prm=%thread.cap_permitted inh=%thread.cap_inheritable leader=%proc.is_vpgid_leader
  priority: INFO
- rule: Not marked
  desc: d
  condition: evt.type = execve and proc.env[KT_H3_MARK] = no
  output: o
  priority: INFO
";

#[test]
fn environment_and_capabilities_come_from_proc_at_exec() {
    let mut child = std::process::Command::new("sleep")
        .arg("30")
        .env("KT_H3_MARK", "yes")
        .env("KT_H3_OTHER", "two words")
        .spawn()
        .expect("sleep");
    let pid = child.id();
    let mut set = RuleSet::default();
    set.load_str("env.yaml", RULES);
    let (mut engine, cov) = Engine::build(
        &set,
        ProcTable::new(Some("/proc".into())),
        Env::empty("node-1"),
        WallClock::with_offset(0),
    );
    assert_eq!(cov.error_count(), 0, "{}", cov.to_text());
    assert_eq!(cov.totals().evaluable, 2, "{}", cov.to_text());
    // /proc/PID/environ is readable once the exec has happened: wait for it
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !std::fs::read(format!("/proc/{pid}/environ"))
        .unwrap_or_default()
        .windows(10)
        .any(|w| w == b"KT_H3_MARK")
    {
        assert!(std::time::Instant::now() < deadline, "child never exec'd");
        std::thread::yield_now();
    }
    let alerts = run(
        &mut engine,
        vec![],
        vec![exec(
            pid,
            std::process::id(),
            "/usr/bin/sleep",
            "sleep 30",
            None,
        )],
    );
    let prm = crate::inspect::caps::decode(status_hex(pid, "CapPrm:")).join(" ");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let out = &alerts[0].output;
    assert!(out.contains("env=yes "), "{out}");
    assert!(out.contains(&format!("prm={prm} ")), "{out}");
    // `sleep` is not a process-group leader (its group is the test's)
    assert!(out.ends_with("leader=false"), "{out}");
}
