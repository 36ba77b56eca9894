//! Alerts from synthetic event sequences: the shipped rules, the mock exam rule, exceptions, fd tracking.

use super::*;

const MOCK_EXAM: &str = "\
- macro: bin_dir
  condition: fd.directory in (/bin, /sbin, /usr/bin, /usr/sbin)
- rule: Write below binary dir
  desc: an attempt to write to any file below a set of binary directories
  condition: open_write and bin_dir
  output: File below a known binary directory opened for writing (user=%user.name file_updated=%fd.name command=%proc.cmdline)
  priority: CRITICAL
";

fn names(alerts: &[Alert]) -> Vec<&str> {
    alerts.iter().map(|a| a.rule.as_str()).collect()
}

#[test]
fn shadow_read_by_cat_alerts_with_falco_json() {
    let (mut e, _) = shipped_with(&[]);
    let evs = vec![
        exec(50, 1, "/bin/bash", "bash", None),
        exec(100, 50, "/usr/bin/cat", "cat /etc/shadow", None),
        openat(100, "/etc/shadow", 0o2000000, 3),
    ];
    let alerts = run(&mut e, vec![], evs);
    assert_eq!(names(&alerts), ["Read sensitive file untrusted"]);
    let a = &alerts[0];
    assert_eq!(a.pid, Some(100));
    assert!(
        a.output.starts_with(
            "Sensitive file opened for reading by non-trusted program | file=/etc/shadow "
        ),
        "{}",
        a.output
    );
    assert!(
        a.output
            .contains("process=cat proc_exepath=/usr/bin/cat parent=bash command=cat /etc/shadow"),
        "{}",
        a.output
    );
    let j = a.to_falco_json();
    assert_eq!(j["rule"], "Read sensitive file untrusted");
    assert_eq!(j["priority"], "Warning");
    assert_eq!(j["output_fields"]["fd.name"], "/etc/shadow");
    assert_eq!(j["output_fields"]["user.loginuid"], -1);
    assert_eq!(j["source"], "syscall");
    assert!(
        j["tags"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t == "T1555"))
    );
    // a failed open, a write, and a trusted reader do not alert
    let evs = vec![
        openat(100, "/etc/shadow", 0, -13),
        openat(100, "/etc/shadow", 1, 4),
        exec(101, 50, "/usr/sbin/sshd", "sshd -D", None),
        openat(101, "/etc/shadow", 0, 3),
    ];
    assert!(run(&mut e, vec![], evs).is_empty());
}

#[test]
fn terminal_shell_in_container() {
    let (mut e, _) = shipped_with(&[]);
    let id = "ab".repeat(32);
    let cg = CgroupInfo {
        id: 7,
        path: Some(format!("/kubepods/besteffort/pod1234/{id}")),
        container_id: Some(id.clone()),
    };
    let mut runc = exec(200, 1, "/usr/sbin/runc", "runc exec -t x sh", None);
    runc.cgroup_id = 7;
    let mut sh = exec(201, 200, "/bin/sh", "sh", Some((34816, u32::MAX, 5)));
    sh.cgroup_id = 7;
    let mut no_tty = exec(202, 200, "/bin/sh", "sh -c true", Some((0, u32::MAX, 6)));
    no_tty.cgroup_id = 7;
    let mut host_sh = exec(203, 200, "/bin/sh", "sh", Some((34816, u32::MAX, 7)));
    host_sh.cgroup_id = 1;
    let alerts = run(&mut e, vec![cg], vec![runc, sh, no_tty, host_sh]);
    assert_eq!(names(&alerts), ["Terminal shell in container"]);
    assert_eq!(alerts[0].pid, Some(201));
    assert_eq!(alerts[0].container_id.as_deref(), Some(&id[..12]));
    assert!(
        alerts[0].output.contains("terminal=34816"),
        "{}",
        alerts[0].output
    );
    assert!(
        alerts[0].output.contains("parent=runc"),
        "{}",
        alerts[0].output
    );
}

#[test]
fn mock_exam_write_below_binary_dir() {
    let (mut e, cov) = shipped_with(&[("falco_rules.local.yaml", MOCK_EXAM)]);
    assert_eq!(cov.error_count(), 0, "{}", cov.to_text());
    let mut tee = exec(300, 1, "/usr/bin/tee", "tee /usr/bin/ktriage-scratch", None);
    tee.uid = 1000;
    let mut open = openat(300, "/usr/bin/ktriage-scratch", O_WRONLY_CREAT_TRUNC, 3);
    open.uid = 1000;
    let alerts = run(
        &mut e,
        vec![],
        vec![tee, open, openat(300, "/usr/lib/x", 1, 4)],
    );
    assert_eq!(names(&alerts), ["Write below binary dir"]);
    assert_eq!(
        alerts[0].output,
        "File below a known binary directory opened for writing (user=bob file_updated=/usr/bin/ktriage-scratch command=tee /usr/bin/ktriage-scratch)"
    );
    assert_eq!(
        alerts[0].text_line(),
        format!("00:00:02.000000000: Critical {}", alerts[0].output)
    );
}

#[test]
fn relative_paths_resolve_against_cwd_and_dirfd() {
    let (mut e, _) = shipped_with(&[("l.yaml", MOCK_EXAM)]);
    let mut sh = exec(400, 1, "/bin/sh", "sh", None);
    sh.uid = 1000;
    run(&mut e, vec![], vec![sh]);
    if let Some(p) = e.procs.get_mut(400) {
        p.cwd = Some("/usr/local/../bin".into());
    }
    let dir = sys(
        400,
        "openat",
        [CWD, 0, 0o200000, 0, 0, 0],
        5,
        b"/usr/sbin\0",
    );
    let rel = openat(400, "./x", 1, 3);
    let at = sys(400, "openat", [5, 0, 1, 0, 0, 0], 6, b"y\0");
    let alerts = run(&mut e, vec![], vec![dir, rel, at]);
    let files: Vec<_> = alerts
        .iter()
        .map(|a| a.output_fields["fd.name"].clone())
        .collect();
    assert_eq!(files, ["/usr/bin/x", "/usr/sbin/y"]);
}

#[test]
fn reverse_shell_dup_and_packet_socket_in_container() {
    let (mut e, _) = shipped_with(&[]);
    let id = "cd".repeat(32);
    let cg = CgroupInfo {
        id: 9,
        path: Some(format!("/kubepods/pod1/{id}")),
        container_id: Some(id),
    };
    let mut evs = vec![exec(500, 1, "/bin/bash", "bash -i", None)];
    let mut sin = 2u16.to_ne_bytes().to_vec();
    sin.extend(4444u16.to_be_bytes());
    sin.extend([10, 1, 2, 3]);
    sin.extend([0; 8]);
    evs.push(sys(500, "socket", [2, 1, 0, 0, 0, 0], 3, b""));
    evs.push(sys(500, "connect", [3, 0x1000, 16, 0, 0, 0], 0, &sin));
    evs.push(sys(500, "dup2", [3, 0, 0, 0, 0, 0], 0, b""));
    evs.push(sys(500, "socket", [17, 3, 0x300, 0, 0, 0], 4, b""));
    for ev in &mut evs {
        ev.cgroup_id = 9;
    }
    let alerts = run(&mut e, vec![cg], evs);
    assert_eq!(
        names(&alerts),
        [
            "Redirect STDOUT/STDIN to Network Connection in Container",
            "Packet socket created in container"
        ]
    );
    assert_eq!(alerts[0].output_fields["fd.rport"], 4444);
    assert_eq!(alerts[0].output_fields["fd.name"], "->10.1.2.3:4444");
    assert_eq!(alerts[0].output_fields["fd.l4proto"], "tcp");
}

#[test]
fn exceptions_and_lists_suppress() {
    let rules = "\
- list: editors
  items: [vim, nano]
- rule: etc write
  desc: d
  condition: open_write and fd.name startswith /etc/
  output: etc write %proc.name %fd.name
  priority: ERROR
  exceptions:
    - name: editors_in_ssh
      fields: [proc.name, fd.directory]
      comps: [in, =]
      values:
        - [editors, /etc/ssh]
    - name: by_name
      fields: proc.name
      values: [apt]
";
    let (mut e, cov) = shipped_with(&[("l.yaml", rules)]);
    assert_eq!(cov.error_count(), 0, "{}", cov.to_text());
    let evs = vec![
        exec(600, 1, "/usr/bin/vim", "vim", None),
        openat(600, "/etc/ssh/sshd_config", 1, 3),
        openat(600, "/etc/hosts", 1, 3),
        exec(601, 1, "/usr/bin/apt", "apt", None),
        openat(601, "/etc/hosts", 1, 3),
    ];
    let alerts = run(&mut e, vec![], evs);
    let outs: Vec<&str> = alerts.iter().map(|a| a.output.as_str()).collect();
    assert_eq!(outs, ["etc write vim /etc/hosts"]);
}

#[test]
fn rules_only_meet_their_event_types() {
    let (mut e, _) = shipped_with(&[]);
    let mut evs = vec![exec(700, 1, "/usr/bin/python3", "python3", None)];
    for _ in 0..100 {
        evs.push(sys(700, "kill", [1, 0, 0, 0, 0, 0], 0, b""));
    }
    run(&mut e, vec![], evs);
    // the exec met the exec rules; the kills met none
    assert!(e.stats.events <= 1, "{:?}", e.stats);
    assert!(
        e.wanted_types()
            .contains(super::super::evtypes::id("openat").expect("openat"))
    );
}

#[test]
fn openat2_flags_come_from_the_captured_open_how() {
    let (mut e, _) = shipped_with(&[("l.yaml", MOCK_EXAM)]);
    let mut ev = sys(
        800,
        "openat2",
        [CWD, 0x1000, 0x2000, 24, 0, 0],
        3,
        b"/usr/sbin/x\0",
    );
    let mut how = O_WRONLY_CREAT_TRUNC.to_ne_bytes().to_vec();
    how.extend([0u8; 16]);
    ev.bufs[1] = buf(&how);
    let mut no_how = ev.clone();
    no_how.bufs[1] = buf(b"");
    let alerts = run(
        &mut e,
        vec![],
        vec![exec(800, 1, "/usr/bin/runc", "runc init", None), ev, no_how],
    );
    assert_eq!(names(&alerts), ["Write below binary dir"]);
}
