//! Bounded deterministic fuzzing of the capture reader and its mapping (in CI): 20k mutations of a sample capture — bit flips, huge or small length fields, truncations, inserted and removed bytes, garbled event headers, gzip streams cut short — never panic, and every error says where.

mod support;

#[path = "support/session_gen.rs"]
mod session_gen;

use std::io::{Cursor, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

use ktriage::scap::read::ScapReader;
use ktriage::scap::read::feed::Feed;
use session_gen::Rng;

const MUTATIONS: u64 = 20_000;

/// The sample's section header, machine, interface, user and process lists, and its first
/// events (a short file keeps 20k runs within seconds); `with_procs: false` leaves its process
/// list (46 KB) out.
fn sample(with_procs: bool) -> Vec<u8> {
    let full = full_sample();
    let bl = blocks(&full);
    let first_event = bl
        .iter()
        .position(|&at| full[at..at + 4] == 0x204u32.to_le_bytes())
        .expect("events");
    let end = bl.get(first_event + 60).copied().unwrap_or(full.len());
    let mut out = Vec::new();
    for w in bl.windows(2).filter(|w| w[1] <= end) {
        let ty = u32::from_le_bytes(full[w[0]..w[0] + 4].try_into().unwrap());
        if with_procs || ty != 0x211 {
            out.extend_from_slice(&full[w[0]..w[1]]);
        }
    }
    out
}

fn full_sample() -> Vec<u8> {
    support::scap_fixture("test_ipv6_client.scap")
}

/// Offsets of the blocks of a valid little-endian capture.
fn blocks(b: &[u8]) -> Vec<usize> {
    let (mut at, mut out) = (0, Vec::new());
    while at + 8 <= b.len() {
        out.push(at);
        at += u32::from_le_bytes(b[at + 4..at + 8].try_into().unwrap()) as usize;
    }
    out
}

fn mutate(rng: &mut Rng, valid: &[u8], blocks: &[usize]) -> Vec<u8> {
    let mut b = valid.to_vec();
    let len = b.len() as u64;
    let at = blocks[rng.below(blocks.len() as u64) as usize];
    match rng.below(7) {
        0 => {
            rng.blind_mutation(0, &mut b, 64);
        }
        1 => {
            // a block length, its trailer or an event's own length set to something wrong
            let v = [u32::MAX, 1 << 31, 64 << 20 | 4, 0, 4, 13, (len as u32) * 2]
                [rng.below(7) as usize];
            let blen = u32::from_le_bytes(b[at + 4..at + 8].try_into().unwrap()) as usize;
            let field = match rng.below(3) {
                0 => at + 4,
                1 => at + blen - 4,
                _ => (at + 8 + 2 + 16).min(b.len() - 4),
            };
            b[field..field + 4].copy_from_slice(&v.to_le_bytes());
        }
        2 => {
            rng.blind_mutation(1, &mut b, 64);
        }
        3 => {
            rng.blind_mutation(2, &mut b, 64);
        }
        4 => {
            rng.blind_mutation(3, &mut b, 64);
        }
        5 => {
            // an event's header garbled: its type, its parameter lengths
            let i = (at + 8 + 2 + 20 + rng.below(12) as usize).min(b.len() - 1);
            b[i] = rng.next() as u8;
        }
        _ => {
            // gzipped, then the stream cut or flipped
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(&b).unwrap();
            let mut gz = e.finish().unwrap();
            let i = rng.below(gz.len() as u64) as usize;
            if rng.below(2) == 0 {
                gz.truncate(i);
            } else {
                gz[i] ^= 1 << rng.below(8);
            }
            b = gz;
        }
    }
    b
}

/// Reads and maps everything; the error's text, if any.
fn run(bytes: Vec<u8>) -> Option<String> {
    let len = bytes.len() as u64;
    let r = match ScapReader::from_buf_read(Cursor::new(bytes), Some(len)) {
        Ok(r) => r,
        Err(e) => return Some(e.to_string()),
    };
    let mut feed = Feed::new(r);
    while let Some(it) = feed.next_item() {
        if let Err(e) = it {
            return Some(e.to_string());
        }
    }
    None
}

#[test]
fn mutated_captures_never_panic_and_errors_say_where() {
    let bases: Vec<(Vec<u8>, Vec<usize>)> = [true, false]
        .into_iter()
        .map(|p| {
            let b = sample(p);
            assert_eq!(run(b.clone()), None, "the sample reads");
            let bl = blocks(&b);
            (b, bl)
        })
        .collect();
    let mut rng = Rng(0x5ca9);
    let (mut errors, mut clean) = (0u64, 0u64);
    for i in 0..MUTATIONS {
        // one in five with the process list
        let (valid, bl) = &bases[usize::from(rng.below(5) != 0)];
        let m = mutate(&mut rng, valid, bl);
        let res = catch_unwind(AssertUnwindSafe(|| run(m.clone())));
        match res {
            Err(_) => {
                let path = std::env::temp_dir().join(format!("scap-fuzz-panic-{i}.scap"));
                std::fs::write(&path, &m).unwrap();
                panic!("mutation {i} panicked (saved to {})", path.display());
            }
            Ok(Some(msg)) => {
                errors += 1;
                assert!(
                    msg.contains("byte") || msg.starts_with("not a scap capture"),
                    "mutation {i}: error without a location: {msg}"
                );
            }
            Ok(None) => clean += 1,
        }
    }
    eprintln!("{MUTATIONS} mutations: {errors} located errors, {clean} read through");
    assert!(
        errors > MUTATIONS / 4,
        "most mutations should be caught: {errors}"
    );
}
