//! Intake parsing on fixtures: Falco JSON lines, the seeds' text lines, journald records, malformed lines.

use super::journald::{JournaldConfig, parse_record, unavailable};
use super::*;
use crate::alerts::{AlertOrigin, Priority, iso_time};

/// 2024-01-12T12:00:00Z: the day the fixtures were "recorded".
const NOW: u64 = 1_705_060_800_000_000_000;

fn ctx() -> ParseCtx {
    ParseCtx {
        intake: "test".into(),
        now_ns: NOW,
    }
}

fn fixture(name: &str) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/falco")
        .join(name);
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8_lossy(&text)
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_all(name: &str) -> Vec<Alert> {
    fixture(name)
        .iter()
        .map(|l| parse_line(l, &ctx()).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn falco_json_lines() {
    let a = parse_all("alerts.jsonl");
    assert_eq!(a.len(), 3);
    let shadow = &a[0];
    assert_eq!(shadow.rule, "Read sensitive file untrusted");
    assert_eq!(shadow.priority, Priority::Warning);
    assert_eq!(iso_time(shadow.time_ns), "2024-01-12T10:12:31.516397588Z");
    assert_eq!(shadow.pid, Some(4242));
    assert_eq!(shadow.container_id, None, "container.id=host is the host");
    assert_eq!(shadow.hostname, "node-1");
    assert!(
        shadow.output.starts_with("Sensitive file opened"),
        "header stripped: {}",
        shadow.output
    );
    assert_eq!(shadow.output_fields["fd.name"], "/etc/shadow");
    assert!(shadow.tags.contains(&"mitre_credential_access".to_string()));
    assert_eq!(shadow.origin, AlertOrigin::Falco("test".into()));
    // Re-emitted, the line is Falco's again.
    let again = shadow.to_falco_json();
    assert_eq!(
        again["output"],
        fixture("alerts.jsonl")[0]
            .split("\"output\":\"")
            .nth(1)
            .and_then(|s| s.split("\",\"output_fields").next())
            .unwrap_or("")
    );

    let shell = &a[1];
    assert_eq!(shell.container_id.as_deref(), Some("3f2a9c1b7d4e"));
    assert_eq!(shell.pid, None);
    assert_eq!(shell.priority, Priority::Notice);

    let bin = &a[2];
    assert_eq!(bin.priority, Priority::Critical);
    assert_eq!(
        bin.pid,
        Some(4300),
        "pid= from the output when output_fields lack it"
    );
    assert_eq!(
        bin.output,
        "File below a known binary directory opened for writing (user=root file_updated=/usr/bin/evil command=touch /usr/bin/evil pid=4300)"
    );
}

#[test]
fn seed_text_lines() {
    let a = parse_all("alerts.txt");
    assert_eq!(a.len(), 6);
    let ids: Vec<_> = a[..3].iter().map(|x| x.container_id.as_deref()).collect();
    assert_eq!(
        ids,
        [
            Some("fae86fdf29be"),
            Some("1f5bedd5c8f4"),
            Some("fca27e217de3")
        ]
    );
    let p = &a[0];
    assert_eq!(p.rule, "Privileged container started");
    assert_eq!(p.priority, Priority::Notice);
    assert_eq!(iso_time(p.time_ns), "2024-01-12T01:00:03.426003000Z");
    assert_eq!(p.output_fields["image"], "weaveworks/weave-npc:2.8.1");
    assert_eq!(p.output_fields["user"], "<NA>");
    assert_eq!(p.output_fields["container.id"], "fae86fdf29be");
    assert_eq!(p.text_line(), fixture("alerts.txt")[0]);

    let iso = &a[3];
    assert_eq!(iso_time(iso.time_ns), "2024-01-12T10:12:31.516397588Z");
    assert_eq!(
        (iso.priority, iso.pid, iso.container_id.as_deref()),
        (Priority::Warning, Some(4242), None)
    );
    assert_eq!(iso.output_fields["command"], "cat /etc/shadow");

    let journal = &a[4];
    assert_eq!(journal.hostname, "node-1");
    assert_eq!(journal.pid, Some(4300));
    assert_eq!(journal.container_id.as_deref(), Some("3f2a9c1b7d4e"));
    assert_eq!(
        journal.rule,
        "A shell was spawned in a container with an attached terminal"
    );
    assert_eq!(a[5].priority, Priority::Error);
    assert_eq!(a[5].hostname, "node-1");
}

#[test]
fn malformed_lines_are_errors_not_panics() {
    let lines = fixture("malformed.txt");
    let errs: Vec<LineError> = lines
        .iter()
        .map(|l| parse_line(l, &ctx()).expect_err(l))
        .collect();
    assert_eq!(errs[0], LineError::NoHeader);
    assert_eq!(errs[1], LineError::NoHeader, "unknown priority word");
    assert_eq!(errs[2], LineError::NoOutput);
    assert_eq!(errs[3], LineError::Missing("priority"));
    assert_eq!(errs[4], LineError::Missing("rule"));
    assert!(matches!(errs[5], LineError::Json(_)));
    assert_eq!(errs[6], LineError::NotAnObject);
    assert_eq!(errs[7], LineError::NoHeader);
    assert_eq!(parse_line("   ", &ctx()), Err(LineError::Empty));
    // Hostile bytes and odd shapes never panic.
    for l in [
        "\u{1b}[2J10:00:00: Warning x",
        "10:00:00.: Warning x",
        "99:99:99: Warning x",
        "{\"rule\":1,\"priority\":[]}",
        "10:00:00: Warning (id=",
        "é10:00:00: Notice é (pid=é)",
    ] {
        let _ = parse_line(l, &ctx());
    }
}

#[test]
fn journald_records() {
    let ctx = ParseCtx {
        intake: "journald:falco".into(),
        now_ns: 0,
    };
    let recs = fixture("journal.jsonl");
    let text = parse_record(&recs[0], &ctx).expect("text MESSAGE");
    assert_eq!(
        iso_time(text.time_ns),
        "2024-01-12T10:13:02.004118213Z",
        "dated by __REALTIME_TIMESTAMP"
    );
    assert_eq!((text.pid, text.hostname.as_str()), (Some(4300), "node-1"));
    let json = parse_record(&recs[1], &ctx).expect("JSON MESSAGE");
    assert_eq!(json.rule, "Read sensitive file untrusted");
    assert_eq!(json.pid, Some(4242));
    let bytes = parse_record(&recs[2], &ctx).expect("byte-array MESSAGE");
    assert_eq!(bytes.priority, Priority::Error);
    assert_eq!(bytes.pid, Some(7));
    assert!(bytes.output.contains('\u{fffd}'));
    assert_eq!(
        parse_record(&recs[3], &ctx),
        Err(LineError::NoHeader),
        "Falco's own log line"
    );
    assert_eq!(parse_record(&recs[4], &ctx), Err(LineError::NoMessage));
    assert!(matches!(
        parse_record("not json", &ctx),
        Err(LineError::Json(_))
    ));
}

#[test]
fn journald_not_running_is_a_clear_error() {
    let cfg = JournaldConfig {
        socket: "/nonexistent/journal/socket".into(),
        ..JournaldConfig::default()
    };
    let why = unavailable(&cfg).expect("no socket, no journald");
    assert!(why.contains("journald is not running"), "{why}");
    assert!(why.contains("--falco-file"), "{why}");
}

#[test]
fn secrets_in_a_falcos_alert_are_masked_in_text_and_json() {
    let text = "12:00:00.000000000: Notice Shell spawned (user=root command=mysql -uroot -phunter2 --password=hunter2 container_id=0123456789ab)";
    let a = parse_line(text, &ctx()).expect("text line");
    assert!(!a.output.contains("hunter2"), "{}", a.output);
    assert!(
        a.output.contains("container_id=0123456789ab"),
        "{}",
        a.output
    );
    let json = r#"{"output":"Token read (cmd=curl -H Authorization:x --token ghp_abcdefghijklmnopqrstuvwxyz0123456789)","priority":"Warning","rule":"R","time":"2024-01-12T12:00:00.000000000Z","output_fields":{"proc.cmdline":"app --password=hunter2","proc.pid":42}}"#;
    let a = parse_line(json, &ctx()).expect("json line");
    assert!(!a.output.contains("ghp_abcdefghij"), "{}", a.output);
    let cmd = a.output_fields["proc.cmdline"].as_str().expect("string");
    assert!(!cmd.contains("hunter2"), "{cmd}");
    assert_eq!(a.output_fields["proc.pid"], 42);
}
