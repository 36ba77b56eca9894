//! Unit tests of the rule engine: loading, overrides, located errors, and alerts on synthetic events.

use super::*;
use crate::collector::clock::WallClock;
use crate::collector::syscalls;
use crate::model::alert::Alert;
use crate::model::{CgroupInfo, EventKind, KernelBatch, SysEvent};

mod audit;
mod budget;
mod engine;
mod fuzz;
mod procenv;
mod shared;

pub(super) fn build(files: &[(&str, &str)]) -> (Engine, Coverage) {
    let mut set = RuleSet::default();
    for (name, text) in files {
        set.load_str(name, text);
    }
    let mut env = Env::empty("node-1");
    env.users.insert(0, "root".into());
    env.users.insert(1000, "bob".into());
    Engine::build(&set, ProcTable::new(None), env, WallClock::with_offset(0))
}

pub(super) fn shipped_with(extra: &[(&str, &str)]) -> (Engine, Coverage) {
    let mut files = vec![(DEFAULT_RULES_NAME, DEFAULT_RULES)];
    files.extend_from_slice(extra);
    build(&files)
}

fn comm(s: &str) -> [u8; 16] {
    let mut c = [0u8; 16];
    for (d, b) in c.iter_mut().zip(s.bytes().take(15)) {
        *d = b;
    }
    c
}

fn buf(b: &[u8]) -> crate::model::Captured {
    crate::model::Captured {
        bytes: b.to_vec(),
        truncated: false,
    }
}

/// An exec record: `argv` space separated; `ext` = (tty, loginuid, vpid).
pub(super) fn exec(
    pid: u32,
    ppid: u32,
    path: &str,
    argv: &str,
    ext: Option<(u32, u32, u32)>,
) -> SysEvent {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut args = [pid as u64, 0, 0, 0, 0, 0];
    if let Some((tty, loginuid, vpid)) = ext {
        args[1] = u64::from(tty);
        args[2] = u64::from(loginuid);
        args[3] = u64::from(pid) | (u64::from(vpid) << 32);
        args[5] = EXEC_EXT;
    }
    let mut a = argv.replace(' ', "\0").into_bytes();
    a.push(0);
    SysEvent {
        ts_ns: 1_000_000_000,
        cgroup_id: 1,
        duration_ns: 0,
        ret: 0,
        args,
        kind: EventKind::Exec,
        nr: syscalls::number("execve").unwrap_or(59),
        pid,
        tid: pid,
        ppid,
        uid: 0,
        comm: comm(name),
        bufs: [buf(format!("{path}\0").as_bytes()), buf(&a)],
    }
}

/// A syscall record at exit.
pub(super) fn sys(pid: u32, name: &str, args: [u64; 6], ret: i64, b0: &[u8]) -> SysEvent {
    SysEvent {
        ts_ns: 2_000_000_000,
        cgroup_id: 1,
        duration_ns: 10,
        ret,
        args,
        kind: EventKind::Syscall,
        nr: syscalls::number(name).unwrap_or(u32::MAX),
        pid,
        tid: pid,
        ppid: 0,
        uid: 0,
        comm: [0; 16],
        bufs: [buf(b0), buf(b"")],
    }
}

pub(super) const CWD: u64 = -100i64 as u64;
pub(super) const O_WRONLY_CREAT_TRUNC: u64 = 0o1101;

/// `openat(AT_FDCWD, path, flags)` returning `ret`.
pub(super) fn openat(pid: u32, path: &str, flags: u64, ret: i64) -> SysEvent {
    sys(
        pid,
        "openat",
        [CWD, 0x1000, flags, 0o644, 0, 0],
        ret,
        format!("{path}\0").as_bytes(),
    )
}

/// Runs events through the engine (the process's comm is set from the table).
pub(super) fn run(
    engine: &mut Engine,
    cgroups: Vec<CgroupInfo>,
    events: Vec<SysEvent>,
) -> Vec<Alert> {
    let mut out = Vec::new();
    let batch = KernelBatch { cgroups, events };
    engine.process_batch(&batch, &mut out);
    out
}

#[test]
fn shipped_rules_coverage() {
    let (_, cov) = shipped_with(&[]);
    let t = cov.totals();
    assert!(cov.files_ok());
    assert_eq!(cov.error_count(), 0, "{}", cov.to_text());
    assert_eq!(t.rules, 25);
    assert!(t.enabled_evaluable_pct() >= 90.0, "{t:?}");
}

#[test]
fn located_errors_and_the_rest_still_load() {
    let bad = "\
- macro: m
  condition: proc.name = x
- rule: bad macro
  desc: d
  condition: evt.type = open and nosuch_macro
  output: o
  priority: INFO
- rule: bad field
  desc: d
  condition: >
    evt.type = open
    and proc.nmae = x
  output: o
  priority: INFO
- rule: bad operator
  desc: d
  condition: evt.type = open and proc.tty contains 3
  output: o
  priority: INFO
- rule: bad priority
  desc: d
  condition: evt.type = open
  output: o
  priority: LOUD
- rule: good
  desc: d
  condition: evt.type = open and m
  output: o
  priority: INFO
- list: l
  items: {a: 1}
";
    let (engine, cov) = build(&[("local.yaml", bad)]);
    let msgs: Vec<String> = cov.diagnostics.iter().map(ToString::to_string).collect();
    let has = |s: &str| msgs.iter().any(|m| m.contains(s));
    assert!(
        has("local.yaml:5:34: error: rule \"bad macro\": undefined macro `nosuch_macro`"),
        "{msgs:#?}"
    );
    assert!(
        has("local.yaml:12:9: error: rule \"bad field\": unknown field `proc.nmae`"),
        "{msgs:#?}"
    );
    assert!(
        has(
            "local.yaml:17:43: error: rule \"bad operator\": operator `contains` does not apply to numeric field `proc.tty`"
        ),
        "{msgs:#?}"
    );
    assert!(
        has("local.yaml:24:13: error: rule \"bad priority\": unknown priority `LOUD`"),
        "{msgs:#?}"
    );
    assert!(
        has("local.yaml:31:10: error: list \"l\": `items` is a sequence"),
        "{msgs:#?}"
    );
    assert_eq!(engine.rule_count(), 1, "only `good` runs");
    let good = cov.rules.iter().find(|r| r.name == "good").expect("good");
    assert_eq!(good.status, RuleStatus::Evaluable);

    let (_, cov) = build(&[("broken.yaml", "- rule: x\n  condition: [a\n")]);
    assert!(!cov.files_ok());
    assert!(
        cov.diagnostics[0]
            .to_string()
            .starts_with("broken.yaml:3:1: error: invalid YAML"),
        "{:?}",
        cov.diagnostics
    );
}

#[test]
fn overrides_appends_and_toggles() {
    let local = "\
- list: shell_binaries
  items: [fish]
  override:
    items: append
- macro: user_known_read_sensitive_files_activities
  condition: proc.name = trusted-reader
  override:
    condition: replace
- rule: Read sensitive file untrusted
  output: shadow read by %proc.name (%fd.name)
  override:
    output: replace
- rule: Remove Bulk Data from Disk
  enabled: false
- rule: Clear Log Activities
  condition: and proc.name != logrotate
  append: true
";
    let (base, _) = shipped_with(&[]);
    let (engine, cov) = shipped_with(&[("local.yaml", local)]);
    assert_eq!(cov.error_count(), 0, "{}", cov.to_text());
    assert_eq!(engine.rule_count(), base.rule_count() - 1);
    let mut set = RuleSet::default();
    set.load_str("a", DEFAULT_RULES);
    set.load_str("local.yaml", local);
    let r = set.rule("Read sensitive file untrusted").expect("rule");
    assert_eq!(r.output, "shadow read by %proc.name (%fd.name)");
    let orig = {
        let mut s = RuleSet::default();
        s.load_str("a", DEFAULT_RULES);
        s.rule("Read sensitive file untrusted")
            .cloned()
            .expect("rule")
    };
    assert_eq!(
        (&r.condition, r.priority, &r.tags),
        (&orig.condition, orig.priority, &orig.tags)
    );
    assert!(
        set.list("shell_binaries")
            .expect("list")
            .items
            .contains(&"fish".to_string())
    );
    assert!(
        !set.rule("Remove Bulk Data from Disk")
            .expect("rule")
            .enabled
    );
    assert!(
        set.rule("Clear Log Activities")
            .expect("rule")
            .condition
            .full()
            .ends_with("and proc.name != logrotate")
    );
}

#[test]
fn records_versions_and_exceptions() {
    let text = "\
- required_engine_version: 0.57.0
- required_plugin_versions:
    - name: container
      version: 0.4.0
- rule: r
  desc: d
  condition: evt.type = openat and fd.name startswith /etc
  output: o
  priority: NOTICE
  exceptions:
    - name: by_proc_and_dir
      fields: [proc.name, fd.directory]
      values:
        - [vim, /etc/ssh]
    - name: by_name
      fields: proc.name
      values: [cat, less]
";
    let mut set = RuleSet::default();
    set.load_str("x.yaml", text);
    assert_eq!(set.engine_versions[0].0, "0.57.0");
    assert_eq!(set.plugins[0].name, "container");
    let ex = &set.rule("r").expect("rule").exceptions;
    assert_eq!(ex.len(), 2);
    assert!(ex[1].single);
    assert_eq!(ex[1].comps, ["in"]);
}

/// The argument registers a recording stores as 0 (see `collector::args::unread_registers`) are never ones the engine reads directly.
#[test]
fn registers_a_recording_drops_are_not_read_by_the_engine() {
    use super::ctx::{Cat, category};
    use crate::collector::args::unread_registers;
    for (nr, name) in syscalls::all() {
        let read: u8 = match category(nr) {
            // openat's and openat2's dirfd; open's flags
            Cat::Open(Some(2)) => 0b101,
            Cat::Open(Some(i)) => 1 << i,
            Cat::Open(None) => 1,
            Cat::Creat => 0,
            Cat::Socket => 0b11,
            Cat::Other => 0,
            _ => 1,
        };
        for captured in [[false, false], [true, false], [false, true], [true, true]] {
            let dropped = unread_registers(nr, captured);
            assert_eq!(dropped & read, 0, "{name}: {dropped:#b} vs read {read:#b}");
        }
    }
}
