//! Files ktriage writes and reads, run as the real binary: symlinked outputs untouched, new files 0600, existing files kept, FIFOs and devices refused at once, a root with its own procfs never read.

mod support;

use std::io::Write;
use std::os::unix::fs::{MetadataExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const RULE: &str = "- rule: hardening never fires\n  desc: x\n  condition: evt.type = openat and proc.name = no-such-comm-xyz\n  output: \"x %proc.name\"\n  priority: WARNING\n";

/// Runs ktriage with `args`; fails the test if it has not exited within `limit`.
fn run_within(args: &[&str], stdin: Stdio, limit: Duration) -> (Output, Duration) {
    run_env_within(args, &[], stdin, limit)
}

fn run_env_within(
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Stdio,
    limit: Duration,
) -> (Output, Duration) {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ktriage runs");
    while child.try_wait().expect("try_wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().expect("wait");
            panic!(
                "ktriage {args:?} still running after {limit:?}; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let took = start.elapsed();
    (child.wait_with_output().expect("output"), took)
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).expect("path");
    // SAFETY: valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

#[test]
fn symlinked_outputs_are_refused_and_their_targets_untouched() {
    let d = tempfile::tempdir().expect("tempdir");
    let target = d.path().join("precious");
    std::fs::write(&target, "precious\n").expect("write");
    let link = d.path().join("link");
    symlink(&target, &link).expect("symlink");
    let dangling = d.path().join("dangling");
    let nowhere = d.path().join("created-through-link");
    symlink(&nowhere, &dangling).expect("symlink");
    let rules = d.path().join("r.yaml");
    std::fs::write(&rules, RULE).expect("write");
    for out in [&link, &dangling] {
        for (args, flag) in [
            (vec!["count", "-o", s(out), "--", "true"], "-o"),
            (vec!["count", "--force", "-o", s(out), "--", "true"], "-o"),
            (
                vec![
                    "alerts",
                    "--no-default-rules",
                    "--rules",
                    s(&rules),
                    "--alerts-file",
                    s(out),
                    "--duration",
                    "1",
                ],
                "--alerts-file",
            ),
        ] {
            let (o, _) = run_within(&args, Stdio::null(), Duration::from_secs(10));
            let t = text(&o);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {t}");
            let want = format!("{flag} {}: is a symbolic link; refusing to write", s(out));
            assert!(t.contains(&want), "{args:?}: {t}");
        }
    }
    assert_eq!(
        std::fs::read_to_string(&target).expect("read"),
        "precious\n"
    );
    assert!(
        !nowhere.exists(),
        "a file was created through a dangling link"
    );
}

#[test]
fn existing_outputs_are_not_truncated_and_new_ones_are_0600() {
    let d = tempfile::tempdir().expect("tempdir");
    let existing = d.path().join("existing");
    std::fs::write(&existing, "keep me\n").expect("write");
    let (o, _) = run_within(
        &["count", "-o", s(&existing), "--", "true"],
        Stdio::null(),
        Duration::from_secs(10),
    );
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("already exists") && t.contains("--force"), "{t}");
    assert_eq!(
        std::fs::read_to_string(&existing).expect("read"),
        "keep me\n"
    );

    // Outputs are opened before any work, so these files exist even without BPF.
    let rules = d.path().join("r.yaml");
    std::fs::write(&rules, RULE).expect("write");
    let new_count = d.path().join("count.txt");
    let new_alerts = d.path().join("alerts.log");
    let bpf = support::bpf_available("existing_outputs_are_not_truncated_and_new_ones_are_0600");
    let count = ["count", "-o", s(&new_count), "--", "true"];
    let (oc, _) = run_within(&count, Stdio::null(), Duration::from_secs(30));
    let alerts = |file: &Path| {
        run_within(
            &[
                "alerts",
                "--no-default-rules",
                "--no-cri",
                "--rules",
                s(&rules),
                "--alerts-file",
                s(file),
                "--duration",
                "1",
            ],
            Stdio::null(),
            Duration::from_secs(30),
        )
        .0
    };
    let oa = alerts(&new_alerts);
    for p in [&new_count, &new_alerts] {
        let m = std::fs::symlink_metadata(p).expect("created");
        assert!(m.is_file());
        assert_eq!(m.mode() & 0o777, 0o600, "{}", p.display());
    }
    // An existing --alerts-file is appended to, never truncated.
    let oe = alerts(&existing);
    assert!(
        std::fs::read_to_string(&existing)
            .expect("read")
            .starts_with("keep me\n")
    );
    if !bpf {
        return;
    }
    assert!(oc.status.success(), "{}", text(&oc));
    assert!(oa.status.success(), "{}", text(&oa));
    assert!(oe.status.success(), "{}", text(&oe));
    let table = std::fs::read_to_string(&new_count).expect("read");
    assert!(table.contains("total"), "{table}");
    // --force replaces a regular file.
    let forced = ["count", "--force", "-o", s(&existing), "--", "true"];
    let (of, _) = run_within(&forced, Stdio::null(), Duration::from_secs(30));
    assert!(of.status.success(), "{}", text(&of));
    let table = std::fs::read_to_string(&existing).expect("read");
    assert!(
        !table.contains("keep me") && table.contains("total"),
        "{table}"
    );
}

/// Every file input, with `{}` for the path and the flag its error names.
fn input_cases(pid: &str) -> Vec<(Vec<String>, &'static str)> {
    let cases: [(&[&str], &str); 10] = [
        (&["posture", "--pod-manifest", "{}"], "--pod-manifest"),
        (&["inspect", pid, "--pod-manifest", "{}"], "--pod-manifest"),
        (&["rules", "check", "{}"], "cannot read"),
        (
            &[
                "alerts",
                "--no-default-rules",
                "--rules",
                "{}",
                "--duration",
                "1",
            ],
            "cannot read",
        ),
        (&["intake", "--file", "{}", "--duration", "1"], "--file"),
        (&["--no-default-rules", "--rules", "{}"], "cannot read"),
        (&["--no-rules", "--pod-manifest", "{}"], "--pod-manifest"),
        (&["--no-rules", "--theme", "{}"], "--theme"),
        (&["--no-rules", "--keymap-file", "{}"], "keymap file"),
        (&["--no-rules", "--falco-file", "{}"], "--falco-file"),
    ];
    cases
        .iter()
        .map(|(a, f)| (a.iter().map(|s| s.to_string()).collect(), *f))
        .collect()
}

#[test]
fn fifos_and_devices_are_refused_within_a_second_for_every_input() {
    let d = tempfile::tempdir().expect("tempdir");
    let fifo = d.path().join("fifo");
    mkfifo(&fifo);
    let pid = std::process::id().to_string();
    for (path, kind) in [
        (fifo.as_path(), "is a FIFO, not a regular file"),
        (
            Path::new("/dev/zero"),
            "is a character device, not a regular file",
        ),
    ] {
        for (args, flag) in input_cases(&pid) {
            let args: Vec<String> = args.iter().map(|a| a.replace("{}", s(path))).collect();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (o, took) = run_within(&args, Stdio::null(), Duration::from_secs(1));
            let t = text(&o);
            assert!(!o.status.success(), "{args:?}: {t}");
            assert!(t.contains(s(path)) && t.contains(kind), "{args:?}: {t}");
            assert!(t.contains(flag), "{args:?} should name {flag}: {t}");
            eprintln!("{args:?}: refused in {took:?}");
        }
    }
}

#[test]
fn stdin_inputs_are_capped() {
    for args in [
        &["posture", "--pod-manifest", "-"][..],
        &["rules", "check", "-"][..],
    ] {
        let zero = std::fs::File::open("/dev/zero").expect("/dev/zero");
        let (o, _) = run_within(args, Stdio::from(zero), Duration::from_secs(5));
        let t = text(&o);
        assert!(!o.status.success(), "{args:?}: {t}");
        assert!(t.contains("-byte cap"), "{args:?}: {t}");
    }
}

/// A process whose root is a temp dir with its own procfs mounted at /proc
/// (as a hostPID pod's), in a private mount namespace; killed on drop.
struct ProcRoot {
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl ProcRoot {
    fn start() -> Option<Self> {
        // SAFETY: geteuid has no preconditions.
        let euid = unsafe { libc::geteuid() };
        let msg = if euid != 0 {
            Some("needs root (mount namespaces)")
        } else if !Path::new("/bin/busybox").exists() {
            Some("needs /bin/busybox (apt-get install busybox-static)")
        } else {
            None
        };
        if let Some(m) = msg {
            let msg = format!("SKIPPED own-procfs root test: {m}");
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{msg} (a skip is a failure under CI=true)"
            );
            eprintln!("\n!!!!!!!! {msg} !!!!!!!!\n");
            return None;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let r = dir.path();
        std::fs::create_dir(r.join("proc")).expect("mkdir");
        std::fs::copy("/bin/busybox", r.join("busybox")).expect("copy busybox");
        symlink("/proc/self/environ", r.join("env-link")).expect("symlink");
        symlink("/proc/kmsg", r.join("kmsg-link")).expect("symlink");
        std::fs::write(r.join("plain"), "plain file\n").expect("write");
        let script = "mount -t proc proc \"$1/proc\" && exec chroot \"$1\" /busybox sleep 120";
        let child = Command::new("unshare")
            .args([
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                script,
                "sh",
            ])
            .arg(r)
            .spawn()
            .expect("unshare runs");
        let me = ProcRoot { child, _dir: dir };
        // Ready when the process has become busybox (after mount and chroot).
        let comm = format!("/proc/{}/comm", me.child.id());
        let end = Instant::now() + Duration::from_secs(10);
        while std::fs::read_to_string(&comm).unwrap_or_default().trim() != "busybox" {
            assert!(Instant::now() < end, "the procfs root never came up");
            std::thread::sleep(Duration::from_millis(10));
        }
        Some(me)
    }
}

impl Drop for ProcRoot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_root_with_its_own_procfs_is_never_read() {
    let Some(root) = ProcRoot::start() else {
        return;
    };
    let pid = root.child.id().to_string();
    let marker = "ktriage-hardening-marker-5f1c";
    let limit = Duration::from_secs(10);
    // The root really has its procfs (else the refusals below prove nothing).
    let (ls, _) = run_within(&["inspect", &pid, "--ls", "/proc"], Stdio::null(), limit);
    let listing = text(&ls);
    assert!(ls.status.success() && listing.contains("self"), "{listing}");
    let (plain, _) = run_within(&["inspect", &pid, "--cat", "/plain"], Stdio::null(), limit);
    assert!(text(&plain).contains("plain file"), "{}", text(&plain));
    for path in [
        "/env-link",
        "/proc/self/environ",
        "/proc/1/environ",
        "/kmsg-link",
    ] {
        let args = ["inspect", &pid, "--cat", path];
        let (o, _) = run_env_within(&args, &[("KTRIAGE_MARKER", marker)], Stdio::null(), limit);
        let t = text(&o);
        assert!(!o.status.success(), "{path}: {t}");
        assert!(
            t.contains("pseudo-filesystem (proc), not read"),
            "{path}: {t}"
        );
        assert!(
            !t.contains(marker) && !t.contains("PATH="),
            "{path} leaked: {t}"
        );
    }
}

#[test]
fn release_profile_keeps_the_binary_small_with_line_tables_apart() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let doc: toml::Table = std::fs::read_to_string(&manifest)
        .expect("Cargo.toml")
        .parse()
        .expect("toml");
    let get = |profile: &str, key: &str| {
        doc["profile"][profile]
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    // Release: line tables compiled, stripped at link (~26 MB instead of 136 MB
    // with `debug = 1`); the symbol table stays, so panics name functions.
    assert_eq!(get("release", "strip").as_deref(), Some("debuginfo"));
    assert_eq!(get("release", "debug").as_deref(), Some("line-tables-only"));
    // release-debug: the same compilation with the line tables kept.
    assert_eq!(get("release-debug", "inherits").as_deref(), Some("release"));
    assert_eq!(get("release-debug", "strip").as_deref(), Some("none"));
    assert_eq!(get("release-debug", "debug"), None, "must match release's");
    release_binary_size(&manifest);
}

/// Checks the size of a release binary built from this checkout since
/// Cargo.toml last changed, if there is one (CI builds debug only: a release
/// build costs minutes there).
fn release_binary_size(manifest: &Path) {
    let bin: PathBuf = manifest.with_file_name("target/release/ktriage");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let (Some(built), Some(configured)) = (modified(&bin), modified(manifest)) else {
        eprintln!("no {}: release size not measured here", bin.display());
        return;
    };
    if built < configured {
        eprintln!("{} predates Cargo.toml: size not measured", bin.display());
        return;
    }
    let len = std::fs::metadata(&bin).map(|m| m.len()).unwrap_or(0);
    // 26 MB when this bound was set; 31.5 MiB with drills, the audit intake and OCI bundles
    assert!(len <= 36 << 20, "{} is {len} bytes", bin.display());
    let _ = writeln!(std::io::stderr(), "release binary: {len} bytes");
}
