//! Reading a capture: `ktriage replay FILE --json > /dev/null` (the release binary) next to
//! `sysdig -r FILE > /dev/null` on the same capture of ≥ 1 M events, built from the curl sample's
//! blocks (tests/fixtures/scap) with its event blocks repeated at rising timestamps. Prints each
//! one's events/s and the ratio (target: ktriage ≥ 5× sysdig), rounds interleaved, medians.
//!
//! `cargo bench --bench scap_read`. Environment: `KT_EVENTS` (default 1000000), `KT_ROUNDS` (default 3).

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use common::median;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Writes a capture of at least `n` events: the sample's header and lists, then its event blocks
/// again and again, each round shifted past the previous one's end. Returns the events written.
fn build(path: &Path, n: usize) -> usize {
    let gz = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/scap/curl_google.scap"
    ))
    .expect("fixture");
    let mut raw = Vec::new();
    flate2::read::MultiGzDecoder::new(&gz[..])
        .read_to_end(&mut raw)
        .expect("gunzip");
    let (mut at, mut head, mut events) = (0, Vec::new(), Vec::new());
    let (mut first, mut last) = (u64::MAX, 0);
    while at + 8 <= raw.len() {
        let ty = u32::from_le_bytes(raw[at..at + 4].try_into().unwrap());
        let len = u32::from_le_bytes(raw[at + 4..at + 8].try_into().unwrap()) as usize;
        let block = &raw[at..at + len];
        if ty == 0x204 {
            let ts = u64::from_le_bytes(block[10..18].try_into().unwrap());
            (first, last) = (first.min(ts), last.max(ts));
            events.push(block);
        } else if events.is_empty() {
            head.extend_from_slice(block);
        }
        at += len;
    }
    let span = last - first + 1_000_000;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    out.write_all(&head).unwrap();
    let mut written = 0;
    let mut round = 0u64;
    while written < n {
        for b in &events {
            let mut b = b.to_vec();
            let ts = u64::from_le_bytes(b[10..18].try_into().unwrap()) + round * span;
            b[10..18].copy_from_slice(&ts.to_le_bytes());
            out.write_all(&b).unwrap();
        }
        written += events.len();
        round += 1;
    }
    out.flush().unwrap();
    written
}

/// Seconds `cmd` takes with its stdout to /dev/null (it must succeed).
fn time(cmd: &mut Command) -> f64 {
    let t = Instant::now();
    let st = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("runs");
    let s = t.elapsed().as_secs_f64();
    assert!(st.success(), "{cmd:?}: {st}");
    s
}

fn main() {
    let n = env("KT_EVENTS", 1_000_000);
    let rounds = env("KT_ROUNDS", 3);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.scap");
    let events = build(&path, n);
    let size = std::fs::metadata(&path).unwrap().len();
    println!("capture: {events} events, {} MiB", size >> 20);
    let sysdig_ok = Command::new("sysdig")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !sysdig_ok {
        println!("sysdig not installed: no comparison (apt-get install sysdig)");
    }
    // interleaved rounds: both see the same machine (it is shared and noisy)
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        ours.push(time(
            Command::new(env!("CARGO_BIN_EXE_ktriage"))
                .arg("replay")
                .arg(&path)
                .arg("--json"),
        ));
        if sysdig_ok {
            theirs.push(time(Command::new("sysdig").arg("-r").arg(&path)));
        }
    }
    let ours = median(&ours);
    println!(
        "ktriage replay --json > /dev/null: {ours:.2} s, {:.0} events/s",
        events as f64 / ours
    );
    if !sysdig_ok {
        return;
    }
    let theirs = median(&theirs);
    println!(
        "sysdig -r > /dev/null:             {theirs:.2} s, {:.0} events/s",
        events as f64 / theirs
    );
    println!("ratio: ktriage {:.2}x sysdig (target >= 5x)", theirs / ours);
}
