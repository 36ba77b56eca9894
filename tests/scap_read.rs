//! The sample captures (tests/fixtures/scap, from falcosecurity/libs) read by ktriage and by `sysdig -r`: the same events (types, directions, thread ids, in order), the same decoded arguments for the syscalls ktriage maps (exec argv, open paths/flags/results, connect peers), and a rule over a capture naming the capture's process.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use ktriage::scap::read::{Block, ScapReader};
use support::{ktriage_ok, sysdig_available};

const SAMPLES: &[&str] = &["curl_google.scap", "test_ipv6_client.scap"];

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/scap")
        .join(name)
}

/// `sysdig -r FILE -p FORMAT [FILTER]` lines (`*`: every event, fields missing or not).
fn sysdig(file: &Path, format: &str, filter: &str) -> Vec<String> {
    let mut c = Command::new("sysdig");
    c.arg("-r").arg(file).arg("-p").arg(format!("*{format}"));
    if !filter.is_empty() {
        c.arg(filter);
    }
    let out = c.output().expect("sysdig runs");
    assert!(
        out.status.success(),
        "sysdig: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// (name, direction, tid) of every event ktriage reads, without the procinfo samples sysdig does not print.
fn ours(file: &Path) -> (Vec<String>, usize) {
    let mut r = ScapReader::open(file).expect("opens");
    let (mut out, mut all) = (Vec::new(), 0);
    while let Some(b) = r.next_block() {
        if let Block::Event(ev) = b.expect("reads") {
            all += 1;
            if ev.name() == "procinfo" {
                continue;
            }
            let dir = if ktriage::scap::is_exit(ev.ty) {
                "<"
            } else {
                ">"
            };
            out.push(format!("{} {dir} {}", ev.name(), ev.tid));
        }
    }
    (out, all)
}

#[test]
fn events_types_and_thread_ids_equal_sysdigs() {
    if !sysdig_available("events_types_and_thread_ids_equal_sysdigs") {
        return;
    }
    for name in SAMPLES {
        let file = sample(name);
        let theirs = sysdig(&file, "%evt.type %evt.dir %thread.tid", "");
        let (ours, all) = ours(&file);
        assert!(ours.len() > 50, "{name}: {} events only", ours.len());
        assert_eq!(
            ours.len(),
            theirs.len(),
            "{name}: number of events ({all} with procinfo)"
        );
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            assert_eq!(a, b, "{name}: event {i} (type, direction, thread id)");
        }
        let count = |v: &[String]| {
            let mut m = std::collections::BTreeMap::new();
            for l in v {
                let mut f = l.split(' ');
                *m.entry(format!("{} {}", f.next().unwrap(), f.next().unwrap()))
                    .or_insert(0) += 1;
            }
            m
        };
        assert_eq!(count(&ours), count(&theirs), "{name}: count per event type");
    }
}

/// ktriage's `replay --json` records of the mapped syscalls, as `type|tid|ret|detail` lines.
fn mapped(file: &Path) -> Vec<String> {
    let out = ktriage_ok(&["replay", &file.display().to_string(), "--json"]);
    let mut lines = Vec::new();
    for l in out.lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
        let (sc, tid, ret, a) = (
            v["syscall"].as_str().unwrap(),
            &v["tid"],
            &v["ret"],
            &v["args"],
        );
        let detail = match sc {
            "execve" => {
                let argv: Vec<&str> = a["argv"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap())
                    .collect();
                format!("{}|{}", argv[0], argv[1..].join(" "))
            }
            "open" | "openat" => {
                let mut flags: Vec<&str> = a["flags"].as_str().unwrap_or("").split('|').collect();
                flags.sort_unstable();
                format!("{}|{}", a["path"].as_str().unwrap(), flags.join("|"))
            }
            "connect" => {
                let addr = a["addr"].as_str().unwrap_or("");
                match addr.rsplit_once(':') {
                    Some((ip, port)) if addr.starts_with('[') || a["family"] == "AF_INET" => {
                        format!(
                            "{}|{port}",
                            ip.trim_start_matches('[').trim_end_matches(']')
                        )
                    }
                    _ => addr.to_string(),
                }
            }
            _ => continue,
        };
        lines.push(format!("{sc}|{tid}|{ret}|{detail}"));
    }
    lines
}

/// The same from sysdig's exit events.
fn theirs_mapped(file: &Path) -> Vec<String> {
    // tab-separated: open flags are `|`-separated
    let fmt = "%evt.type\t%thread.tid\t%evt.rawres\t%evt.arg.name\t%evt.arg.flags\t%fd.sip\t%fd.sport\t%fd.name\t%proc.exe\t%proc.args\t%evt.arg.tuple";
    let mut out = Vec::new();
    for l in sysdig(file, fmt, "evt.dir=<") {
        let f: Vec<&str> = l.split('\t').collect();
        let detail = match f[0] {
            "execve" => format!("{}|{}", f[8], f[9]),
            "open" | "openat" => {
                let mut flags: Vec<&str> = f[4].split('|').collect();
                flags.sort_unstable();
                format!("{}|{}", f[3], flags.join("|"))
            }
            // the tuple's destination (the fd's own address may be an earlier connect's)
            "connect" => match f[10].split_once(' ') {
                // a unix socket: the path after the kernel addresses
                Some((_, path)) => path.to_string(),
                None => {
                    let dst = f[10].split_once("->").map_or("", |(_, d)| d);
                    let (ip, port) = dst.rsplit_once(':').unwrap_or((dst, ""));
                    format!("{ip}|{port}")
                }
            },
            _ => continue,
        };
        out.push(format!("{}|{}|{}|{detail}", f[0], f[1], f[2]));
    }
    out
}

#[test]
fn mapped_arguments_equal_sysdigs() {
    if !sysdig_available("mapped_arguments_equal_sysdigs") {
        return;
    }
    for name in SAMPLES {
        let file = sample(name);
        let (ours, theirs) = (mapped(&file), theirs_mapped(&file));
        assert!(
            ours.iter().any(|l| l.starts_with("execve|")),
            "{name}: an exec: {ours:?}"
        );
        assert!(
            ours.iter().any(|l| l.starts_with("connect|")),
            "{name}: a connect"
        );
        assert_eq!(ours.len(), theirs.len(), "{name}:\n{ours:#?}\n{theirs:#?}");
        for (a, b) in ours.iter().zip(&theirs) {
            assert_eq!(a, b, "{name}");
        }
    }
}

#[test]
fn alerts_from_a_capture_name_its_process() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("r.yaml");
    std::fs::write(
        &rules,
        r#"- rule: curl connects to port 80
  desc: test
  condition: evt.type = connect and fd.sport = 80
  output: "web connect (name=%proc.name pid=%proc.pid cmdline=%proc.cmdline pname=%proc.pname dest=%fd.sip)"
  priority: NOTICE
"#,
    )
    .unwrap();
    let out = ktriage_ok(&[
        "alerts",
        "--from",
        &sample("curl_google.scap").display().to_string(),
        "--rules",
        &rules.display().to_string(),
        "--no-default-rules",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    // the capture's time, process and peer
    assert!(
        lines[0].starts_with("17:35:48.547379676: Notice web connect"),
        "{out}"
    );
    assert!(
        lines[0].contains(
            "(name=curl pid=17497 cmdline=curl -6 http://www.google.com pname=bash dest=2607:f8b0:4004:802::2004)"
        ),
        "{out}"
    );
}

#[test]
fn count_from_a_capture_equals_sysdigs_exit_events() {
    if !sysdig_available("count_from_a_capture_equals_sysdigs_exit_events") {
        return;
    }
    for name in SAMPLES {
        let file = sample(name);
        // sysdig: one call per exit event (a clone's child return is no call), an error when its result is negative
        let mut theirs = std::collections::BTreeMap::new();
        for l in sysdig(&file, "%evt.type %evt.dir %evt.rawres", "evt.dir=<") {
            let f: Vec<&str> = l.split(' ').collect();
            let res: i64 = f[2].parse().unwrap_or(0);
            if f[0] == "clone" && res == 0 {
                continue;
            }
            let e = theirs.entry(f[0].to_string()).or_insert((0u64, 0u64));
            e.0 += 1;
            e.1 += u64::from(res < 0);
        }
        let out = ktriage_ok(&["count", "--from", &file.display().to_string(), "--json"]);
        let ours: std::collections::BTreeMap<String, (u64, u64)> = out
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                let n = |k: &str| v[k].as_u64().unwrap();
                (
                    v["syscall"].as_str().unwrap().to_string(),
                    (n("calls"), n("errors")),
                )
            })
            .collect();
        assert_eq!(ours, theirs, "{name}: calls and errors per syscall");
        // one process: curl's own calls only
        if *name == "curl_google.scap" {
            // the table goes to stderr, as strace -c's does
            let out = Command::new(env!("CARGO_BIN_EXE_ktriage"))
                .args([
                    "count",
                    "--from",
                    &file.display().to_string(),
                    "--pid",
                    "17497",
                ])
                .output()
                .expect("runs");
            assert!(out.status.success() && out.stdout.is_empty(), "{out:?}");
            let one = String::from_utf8_lossy(&out.stderr);
            assert!(one.starts_with("summary — pid 17497 of "), "{one}");
            assert!(one.contains(" connect\n"), "{one}");
        }
    }
}

#[test]
fn user_names_come_from_the_captures_user_list() {
    if !sysdig_available("user_names_come_from_the_captures_user_list") {
        return;
    }
    let file = sample("curl_google.scap");
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("r.yaml");
    std::fs::write(
        &rules,
        "- rule: c\n  desc: t\n  condition: evt.type = connect\n  output: \"u=%user.name uid=%user.uid\"\n  priority: NOTICE\n",
    )
    .unwrap();
    let out = ktriage_ok(&[
        "alerts",
        "--from",
        &file.display().to_string(),
        "--rules",
        &rules.display().to_string(),
        "--no-default-rules",
    ]);
    let ours: Vec<String> = out
        .lines()
        .filter_map(|l| l.split_once("Notice ").map(|(_, r)| r.to_string()))
        .map(|r| r.split(" container_id").next().unwrap_or("").to_string())
        .collect();
    let theirs: Vec<String> = sysdig(
        &file,
        "u=%user.name uid=%user.uid",
        "evt.type=connect and evt.dir=<",
    )
    .into_iter()
    .map(|l| l.trim().to_string())
    .collect();
    // the capture's user (uid 1000 is `ubuntu` there, whoever it is here), where sysdig knows the thread
    assert_eq!(ours.len(), theirs.len(), "{ours:?} {theirs:?}");
    let known: Vec<(&String, &String)> = ours
        .iter()
        .zip(&theirs)
        .filter(|(_, t)| !t.contains("<NA>"))
        .collect();
    assert!(known.len() >= 3, "{theirs:?}");
    for (o, t) in known {
        assert_eq!(
            (o.as_str(), t.as_str()),
            ("u=ubuntu uid=1000", "u=ubuntu uid=1000")
        );
    }
}
