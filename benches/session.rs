//! Session files: bytes per recorded event, encode throughput and decode
//! throughput, for the standard synthetic mix (benches/common/mix.rs) at a few
//! zstd levels, and for the same mix with paths drawn from a fixed set of
//! files (a machine opens the same files again and again). Encode is the
//! whole writer (codec, zstd, SHA-256 chain, write to a file in the page
//! cache); decode is the streaming reader over the file's bytes in memory
//! (hash check, zstd, codec into `SysEvent`s), as headless replay would run
//! it. Rounds are interleaved; medians are reported.
//!
//! `cargo bench --bench session`. Environment: `KT_EVENTS` (default 1000000),
//! `KT_ROUNDS` (default 3).

mod common;

use std::io::Cursor;
use std::time::Instant;

use ktriage::model::{KernelBatch, SysEvent};
use ktriage::session::codec::Encoder;
use ktriage::session::{Header, Record, SessionReader, SessionWriter, WriterOpts};

use common::{Mix, Rng, median};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The standard mix, in reader-sized batches of 4096.
fn standard(n: usize) -> Vec<KernelBatch> {
    let mut mix = Mix::new(7);
    (0..n.div_ceil(4096)).map(|_| mix.batch(4096)).collect()
}

/// The standard mix with every openat/unlinkat path replaced by one of 2,000
/// files, picked with a skewed (Zipf-like) distribution.
fn repeating(n: usize) -> Vec<KernelBatch> {
    let mut rng = Rng::new(11);
    let dirs = [
        "/etc/",
        "/usr/lib/x86_64-linux-gnu/",
        "/var/lib/app/",
        "/proc/self/",
        "/tmp/",
    ];
    let files: Vec<Vec<u8>> = (0..2000)
        .map(|i| format!("{}file-{i:04}.so\0", dirs[i % dirs.len()]).into_bytes())
        .collect();
    let mut b = standard(n);
    for batch in &mut b {
        for e in &mut batch.events {
            if matches!(e.nr, 257 | 263) {
                // u^3 skews towards the first files
                let u = (rng.below(1 << 20) as f64) / f64::from(1 << 20);
                e.bufs[0].bytes = files[((u * u * u) * 2000.0) as usize].clone();
            }
        }
    }
    b
}

/// Bits of randomness the standard mix puts in path names (chars after the
/// last `/`, 39 symbols each): a floor under any lossless codec's size.
fn path_entropy_bytes(b: &[KernelBatch]) -> f64 {
    let mut bits = 0.0;
    let mut n = 0usize;
    for e in b.iter().flat_map(|b| &b.events) {
        n += 1;
        if matches!(e.nr, 257 | 263) {
            let p = &e.bufs[0].bytes;
            let name = p.len() - 1 - p.iter().rposition(|c| *c == b'/').unwrap_or(0) - 1;
            bits += name as f64 * 39f64.log2();
        }
    }
    bits / 8.0 / n as f64
}

struct Run {
    file_bytes: u64,
    enc_s: f64,
    dec_s: f64,
    decoded: u64,
}

fn header() -> Header {
    Header::gather(&["bench".into()], &[], Vec::new(), false).expect("header")
}

fn run(batches: &[KernelBatch], level: i32, dir: &std::path::Path, tag: &str) -> Run {
    let path = dir.join(format!("{tag}-{level}.ktr"));
    let _ = std::fs::remove_file(&path);
    let opts = WriterOpts {
        level,
        ..WriterOpts::default()
    };
    let t0 = Instant::now();
    let mut w = SessionWriter::create(&path, header(), opts).expect("create");
    for b in batches {
        w.write(&Record::Kernel(b.clone())).expect("write");
    }
    w.finish().expect("finish");
    let enc_s = t0.elapsed().as_secs_f64();
    let bytes = std::fs::read(&path).expect("read back");
    let _ = std::fs::remove_file(&path);
    let t0 = Instant::now();
    let mut decoded = 0u64;
    let len = bytes.len() as u64;
    for r in SessionReader::new(Cursor::new(&bytes), Some(len)).expect("header") {
        if let Record::Kernel(b) = r.expect("valid") {
            decoded += b.events.len() as u64;
        }
    }
    Run {
        file_bytes: len,
        enc_s,
        dec_s: t0.elapsed().as_secs_f64(),
        decoded,
    }
}

/// Time of cloning the batches alone (the writer loop above clones each batch).
fn clone_s(batches: &[KernelBatch]) -> f64 {
    let t0 = Instant::now();
    let mut n = 0;
    for b in batches {
        n += std::hint::black_box(b.clone()).events.len();
    }
    std::hint::black_box(n);
    t0.elapsed().as_secs_f64()
}

fn raw_codec(batches: &[KernelBatch]) -> (f64, f64) {
    let mut enc = Encoder::default();
    let mut out = Vec::with_capacity(1 << 20);
    let mut total = 0usize;
    let t0 = Instant::now();
    for b in batches {
        for e in &b.events {
            enc.event(&mut out, std::hint::black_box(e));
            if out.len() + enc.pending() >= 256 << 10 {
                total += out.len() + enc.pending();
                out.clear();
                enc.reset();
            }
        }
    }
    total += out.len() + enc.pending();
    (total as f64, t0.elapsed().as_secs_f64())
}

fn main() {
    let n = env("KT_EVENTS", 1_000_000);
    let rounds = env("KT_ROUNDS", 3);
    let dir = tempfile::tempdir().expect("temp dir");
    let sets: [(&str, Vec<KernelBatch>); 2] = [
        ("standard mix", standard(n)),
        ("repeating paths", repeating(n)),
    ];
    let events: Vec<usize> = sets
        .iter()
        .map(|(_, b)| b.iter().map(|b| b.events.len()).sum())
        .collect();
    let conds: [(usize, i32); 6] = [(0, 1), (0, 3), (0, 5), (0, 9), (1, 3), (1, 5)];
    let mut res: Vec<Vec<Run>> = conds.iter().map(|_| Vec::new()).collect();
    let mut clone_t = Vec::new();
    for round in 0..rounds {
        for (i, (set, level)) in conds.iter().enumerate() {
            let (name, b) = &sets[*set];
            let r = run(b, *level, dir.path(), name);
            assert_eq!(r.decoded as usize, events[*set], "every event decoded");
            eprintln!(
                "round {round}: {name} level {level}: {:.2} B/event, encode {:.2} s, decode {:.2} s",
                r.file_bytes as f64 / events[*set] as f64,
                r.enc_s,
                r.dec_s
            );
            res[i].push(r);
        }
        clone_t.push(clone_s(&sets[0].1));
    }
    let clone = median(&clone_t);
    println!("\nsession files: {n} events per set, {rounds} rounds, medians; 256 KiB chunks\n");
    println!(
        "{:<18} {:>5} {:>9} {:>10} {:>14} {:>14} {:>14}",
        "set", "zstd", "B/event", "raw B/ev", "encode Mev/s", "enc-clone", "decode Mev/s"
    );
    for (i, (set, level)) in conds.iter().enumerate() {
        let (name, b) = &sets[*set];
        let ev = events[*set] as f64;
        let (raw, _) = raw_codec(b);
        let enc = median(&res[i].iter().map(|r| r.enc_s).collect::<Vec<_>>());
        let dec = median(&res[i].iter().map(|r| r.dec_s).collect::<Vec<_>>());
        println!(
            "{:<18} {:>5} {:>9.2} {:>10.2} {:>14.2} {:>14.2} {:>14.2}",
            name,
            level,
            res[i][0].file_bytes as f64 / ev,
            raw / ev,
            ev / enc / 1e6,
            ev / (enc - clone).max(1e-9) / 1e6,
            ev / dec / 1e6,
        );
    }
    let (raw, t) = raw_codec(&sets[0].1);
    println!(
        "\ncodec alone (no zstd, no hash, no I/O), standard mix: {:.1} M events/s, {:.2} raw B/event",
        events[0] as f64 / t / 1e6,
        raw / events[0] as f64
    );
    println!(
        "entropy the standard mix puts in path names alone: {:.2} B/event (a floor for any lossless format)",
        path_entropy_bytes(&sets[0].1)
    );
    println!(
        "encode = writer incl. cloning each batch into a Record; enc-clone subtracts the clone ({:.2} s for the set)",
        clone
    );
    println!("targets: <= 12 B/event; decode >= 5 M events/s");
    let _: Option<SysEvent> = None;
}
