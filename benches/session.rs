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
//! `KT_ROUNDS` (default 3), `KT_CHUNK_KIB` (the writer's chunk size, default 256).

mod common;

use std::io::Cursor;
use std::time::Instant;

use ktriage::model::{KernelBatch, SysEvent};
use ktriage::session::codec::Encoder;
use ktriage::session::columns;
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
        chunk_bytes: env("KT_CHUNK_KIB", 256) << 10,
        ..WriterOpts::default()
    };
    let t0 = Instant::now();
    let mut w = SessionWriter::create(&path, header(), opts).expect("create");
    for b in batches {
        w.write(&Record::Kernel(b.clone())).expect("write");
    }
    w.finish().expect("finish");
    let enc_s = t0.elapsed().as_secs_f64();
    if level == 3 && std::env::var_os("KT_STREAMS").is_some() {
        let n: usize = batches.iter().map(|b| b.events.len()).sum();
        eprintln!("{tag}: B/event per stream");
        for (i, s) in stream_bytes(&path).iter().enumerate() {
            if *s > 0 {
                eprintln!(
                    "  {:<12} {:6.3}",
                    columns::stream_name(i),
                    *s as f64 / n as f64
                );
            }
        }
    }
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

/// Compressed bytes per stream of the file at `path` (from each chunk's compressed stream table).
fn stream_bytes(path: &std::path::Path) -> Vec<u64> {
    fn varint(b: &[u8], at: &mut usize) -> u64 {
        let (mut v, mut s) = (0u64, 0);
        loop {
            let x = b[*at];
            *at += 1;
            v |= u64::from(x & 0x7f) << s;
            s += 7;
            if x & 0x80 == 0 {
                return v;
            }
        }
    }
    let b = std::fs::read(path).expect("read back");
    let hlen = u32::from_le_bytes(b[10..14].try_into().unwrap()) as usize;
    let mut at = 14 + hlen + 32;
    let mut sums = vec![0u64; columns::STREAMS];
    while at + 72 <= b.len() && &b[at..at + 4] == b"KTCK" {
        let comp = u32::from_le_bytes(b[at + 36..at + 40].try_into().unwrap()) as usize;
        let mut p = at + 73;
        for _ in 0..columns::STREAMS {
            varint(&b, &mut p);
        }
        for s in &mut sums {
            *s += varint(&b, &mut p);
        }
        at += 72 + comp;
    }
    sums
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
        "entropy the standard mix puts in path names alone: {:.2} B/event",
        path_entropy_bytes(&sets[0].1)
    );
    let all = &sets[0].1;
    let bits: f64 = all
        .iter()
        .flat_map(|b| &b.events)
        .map(common::information_bits)
        .sum();
    println!(
        "entropy of the standard mix, every draw of its generator: {:.2} B/event (the floor for any lossless format)",
        bits / 8.0 / events[0] as f64
    );
    println!(
        "encode = writer incl. cloning each batch into a Record; enc-clone subtracts the clone ({:.2} s for the set)",
        clone
    );
    println!("targets: <= 12 B/event; decode >= 5 M events/s");
    let _: Option<SysEvent> = None;
}
