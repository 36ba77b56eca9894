//! Unit tests of the killercoda import: the shipped fixture scenario, markdown as text, and hostile scenario directories.

use std::path::{Path, PathBuf};

use super::*;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/killercoda/node-basics")
}

/// A scenario directory with `index.json` = `index` and these files.
fn scenario(index: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("index.json"), index).unwrap();
    for (name, text) in files {
        let p = t.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    t
}

const ONE_STEP: &str =
    r#"{"title":"t","details":{"steps":[{"title":"s","text":"s.md","verify":"v.sh"}]}}"#;

fn err(dir: &Path) -> String {
    import(dir).unwrap_err().to_string()
}

#[test]
fn the_fixture_makes_a_drill_per_verified_step_and_says_which_it_skipped() {
    let got = import(&fixture()).unwrap();
    let names: Vec<&str> = got.drills.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["node-basics-step1", "node-basics-step3"]);
    assert_eq!(got.skipped, ["step 2 (Look around): no verify script"]);
    let d = &got.drills[0];
    assert_eq!(d.title, "Node basics for runtime triage: Leave a marker");
    assert!(d.statement.starts_with("# Node basics"), "{}", d.statement);
    assert!(
        d.statement
            .contains("`echo triaged > {lab}/work/marker.txt`\n"),
        "{}",
        d.statement
    );
    assert!(!d.statement.contains("{{"), "{}", d.statement);
    assert!(d.pods.is_empty());
    assert!(
        matches!(&d.checks[..], [Check::VerifyScript { name, script, .. }]
        if name == "step1/verify.sh" && script.contains("marker.txt"))
    );
    // the intro comes before step 1 only
    assert!(
        got.drills[1]
            .statement
            .starts_with("Name the runtime socket")
    );
}

#[test]
fn killercoda_markers_go_and_other_braces_stay() {
    assert_eq!(plain("run `ls`{{exec}} now{{copy}}"), "run `ls` now");
    assert_eq!(plain("`a`{{execute T2}}"), "`a`");
    assert_eq!(plain("x {{ not closed"), "x {{ not closed");
    assert_eq!(plain("{{ &x }} ok"), " ok".trim());
}

#[test]
fn bad_json_is_located_by_byte_line_and_column() {
    let t = scenario(
        "{\n  \"title\": \"x\",\n  \"details\": {\"steps\": [}\n}",
        &[],
    );
    let e = err(t.path());
    assert!(
        e.contains("index.json: byte 42 (line 3, column 25): expected value"),
        "{e}"
    );
}

#[test]
fn paths_out_of_the_directory_are_refused() {
    for bad in ["/etc/passwd", "../outside.sh", "a/../../x.sh", ""] {
        let idx = ONE_STEP.replace("v.sh", bad);
        let t = scenario(&idx, &[("s.md", "text")]);
        let e = err(t.path());
        assert!(e.contains("not a plain relative path"), "{bad}: {e}");
    }
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.sh"), "exit 0").unwrap();
    let t = scenario(ONE_STEP, &[("s.md", "text")]);
    std::os::unix::fs::symlink(outside.path().join("secret.sh"), t.path().join("v.sh")).unwrap();
    let e = err(t.path());
    assert!(e.contains("leads out of the scenario directory"), "{e}");
}

#[test]
fn missing_huge_and_special_files_are_named() {
    let t = scenario(ONE_STEP, &[("s.md", "text")]);
    let e = err(t.path());
    assert!(
        e.contains("step 1 verify \"v.sh\"") && e.contains("No such file"),
        "{e}"
    );
    let big = "x".repeat(SCRIPT_CAP as usize + 1);
    let t = scenario(ONE_STEP, &[("s.md", "text"), ("v.sh", &big)]);
    let e = err(t.path());
    assert!(e.contains("v.sh: larger than the 65536-byte cap"), "{e}");
    let t = scenario(ONE_STEP, &[("v.sh", "exit 0")]);
    let fifo = std::ffi::CString::new(t.path().join("s.md").to_str().unwrap()).unwrap();
    // SAFETY: mkfifo(3) on a NUL-terminated path inside the test's own temporary directory.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    let e = err(t.path());
    assert!(e.contains("s.md: is a FIFO"), "{e}");
    let many = format!(
        r#"{{"details":{{"steps":[{}]}}}}"#,
        vec!["{}"; MAX_STEPS + 1].join(",")
    );
    let t = scenario(&many, &[]);
    assert!(
        err(t.path()).contains("65 steps; at most 64"),
        "{}",
        err(t.path())
    );
    // truncated: located at its end
    let t = scenario(r#"{"title": "x", "details": {"st"#, &[]);
    let e = err(t.path());
    assert!(
        e.contains("index.json: byte 29 (line 1, column 30): EOF"),
        "{e}"
    );
}

#[test]
fn a_hostile_directory_name_makes_a_plain_drill_name() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("..Evil \u{1b}[31mName");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("index.json"), ONE_STEP).unwrap();
    std::fs::write(dir.join("s.md"), "t").unwrap();
    std::fs::write(dir.join("v.sh"), "exit 0").unwrap();
    let got = import(&dir).unwrap();
    assert_eq!(got.drills[0].name, "evil---31mname-step1");
}
