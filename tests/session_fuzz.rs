//! Bounded deterministic fuzzing of the session reader (in CI): 20k mutations of a valid file — bit flips, huge length fields, truncations, inserted and removed bytes, and records garbled under a re-forged hash chain — never panic, keep memory bounded, and every error says where.

#[path = "support/session_gen.rs"]
mod session_gen;

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use ktriage::session::columns;
use ktriage::session::zstream::{Packer, Unpacker};
use ktriage::session::{SessionError, SessionReader};
use session_gen::Rng;
use sha2::{Digest, Sha256};

const MUTATIONS: u64 = 20_000;

/// Where each block of a valid file starts: (offset, is_chunk).
fn blocks(b: &[u8]) -> Vec<(usize, bool)> {
    let hlen = u32::from_le_bytes(b[10..14].try_into().unwrap()) as usize;
    let mut at = 14 + hlen + 32;
    let mut out = Vec::new();
    while at + 8 <= b.len() {
        if &b[at..at + 4] == b"KTCK" {
            out.push((at, true));
            let comp = u32::from_le_bytes(b[at + 36..at + 40].try_into().unwrap()) as usize;
            at += 72 + comp;
        } else {
            out.push((at, false));
            break;
        }
    }
    out
}

/// Recomputes every hash after the header, so content changes pass the chain
/// and reach the decoder (a forger who rewrites the whole file).
fn rechain(b: &mut [u8]) {
    let hlen = u32::from_le_bytes(b[10..14].try_into().unwrap()) as usize;
    let mut prev: [u8; 32] = b[14 + hlen..14 + hlen + 32].try_into().unwrap();
    for (at, chunk) in blocks(b) {
        if chunk {
            let comp = u32::from_le_bytes(b[at + 36..at + 40].try_into().unwrap()) as usize;
            let end = (at + 72 + comp).min(b.len());
            let mut h = Sha256::new();
            h.update(prev);
            h.update(&b[at + 4..at + 40]);
            h.update(&b[at + 72..end]);
            prev = h.finalize().into();
            b[at + 40..at + 72].copy_from_slice(&prev);
        } else {
            let n = u32::from_le_bytes(b[at + 4..at + 8].try_into().unwrap()) as usize;
            if at + 8 + n + 32 <= b.len() {
                let mut h = Sha256::new();
                h.update(prev);
                h.update(b"KTTR");
                h.update(&b[at + 4..at + 8 + n]);
                let fin: [u8; 32] = h.finalize().into();
                b[at + 8 + n..at + 8 + n + 32].copy_from_slice(&fin);
            }
        }
    }
}

/// The decompressed bytes of every chunk (the library's own unpacking: its text streams run across chunks).
fn chunk_raws(b: &[u8]) -> Vec<Vec<u8>> {
    let mut d = Unpacker::new().unwrap();
    let mut out = Vec::new();
    for (at, _) in blocks(b).into_iter().filter(|c| c.1) {
        let raw_len = u32::from_le_bytes(b[at + 32..at + 36].try_into().unwrap()) as usize;
        let comp_len = u32::from_le_bytes(b[at + 36..at + 40].try_into().unwrap()) as usize;
        let mut raw = Vec::new();
        d.unpack(&b[at + 72..at + 72 + comp_len], raw_len, &mut raw)
            .unwrap();
        out.push(raw);
    }
    out
}

/// The file with its chunks' bytes replaced by `raws`, recompressed and re-chained (a forger who rewrites the whole file).
fn rebuild(b: &[u8], raws: &[Vec<u8>]) -> Vec<u8> {
    let chunks: Vec<usize> = blocks(b).into_iter().filter(|c| c.1).map(|c| c.0).collect();
    let mut e = Packer::new(1).unwrap();
    let mut out = b[..chunks[0]].to_vec();
    let mut end = chunks[0];
    let mut comp = Vec::new();
    for (at, raw) in chunks.iter().zip(raws) {
        let comp_len = u32::from_le_bytes(b[at + 36..at + 40].try_into().unwrap()) as usize;
        end = at + 72 + comp_len;
        e.pack(raw, &mut comp).unwrap();
        out.extend_from_slice(&b[*at..at + 32]);
        out.extend_from_slice(&(raw.len() as u32).to_le_bytes());
        out.extend_from_slice(&(comp.len() as u32).to_le_bytes());
        out.extend_from_slice(&[0; 32]);
        out.extend_from_slice(&comp);
    }
    out.extend_from_slice(&b[end..]);
    rechain(&mut out);
    out
}

/// Garbles the records of one chunk: one of its streams decompressed,
/// mutated, the file recompressed; or the chunk's stream table itself
/// (under a re-forged chain).
fn garble_chunk(rng: &mut Rng, b: &[u8]) -> Vec<u8> {
    let mut raws = chunk_raws(b);
    let k = rng.below(raws.len() as u64) as usize;
    if rng.below(5) == 0 {
        // the compressed chunk's table (stream count, raw and compressed lengths)
        let at = blocks(b).into_iter().filter(|c| c.1).nth(k).unwrap().0;
        let mut out = b.to_vec();
        let i = at + 72 + rng.below(48) as usize;
        out[i] ^= 1 << rng.below(8);
        rechain(&mut out);
        return out;
    }
    let t = columns::table(&raws[k]).unwrap();
    let mut parts: Vec<Vec<u8>> = t.iter().map(|&(a, e)| raws[k][a..e].to_vec()).collect();
    let used: Vec<usize> = (0..parts.len()).filter(|&i| !parts[i].is_empty()).collect();
    let s = &mut parts[used[rng.below(used.len() as u64) as usize]];
    for _ in 0..1 + rng.below(4) {
        let i = rng.below(s.len() as u64) as usize;
        match rng.below(4) {
            0 => s[i] ^= 1 << rng.below(8),
            1 => s[i] = 0xff,
            2 => {
                s.remove(i);
                if s.is_empty() {
                    break;
                }
            }
            _ => s.splice(i..i, [0xff; 9].iter().copied()).for_each(drop),
        }
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    columns::join(&refs, &mut raws[k]);
    rebuild(b, &raws)
}

fn mutate(rng: &mut Rng, valid: &[u8]) -> (u64, Vec<u8>) {
    let mut b = valid.to_vec();
    let len = b.len() as u64;
    let blocks = blocks(valid);
    let kind = rng.below(8);
    match kind {
        0 => {
            rng.blind_mutation(0, &mut b, 256);
        }
        1 => {
            // a length field set huge: header, a chunk's raw or compressed length, the trailer's
            let huge = [u32::MAX, 1 << 31, 64 << 20 | 1, (len as u32) * 2][rng.below(4) as usize];
            let (at, chunk) = blocks[rng.below(blocks.len() as u64) as usize];
            let field = match (rng.below(4), chunk) {
                (0, _) => 10,
                (1, true) => at + 32,
                (_, true) => at + 36,
                (_, false) => at + 4,
            };
            b[field..field + 4].copy_from_slice(&huge.to_le_bytes());
        }
        2 => {
            rng.blind_mutation(1, &mut b, 256);
        }
        3 => {
            rng.blind_mutation(2, &mut b, 256);
        }
        4 => {
            rng.blind_mutation(3, &mut b, 256);
        }
        5 => {
            // a whole chunk repeated or dropped (replay of old bytes)
            let chunks: Vec<usize> = blocks.iter().filter(|c| c.1).map(|c| c.0).collect();
            let k = rng.below(chunks.len() as u64 - 1) as usize;
            let (s, e) = (chunks[k], chunks[k + 1]);
            if rng.below(2) == 0 {
                let dup = b[s..e].to_vec();
                b.splice(e..e, dup);
            } else {
                b.drain(s..e);
            }
        }
        _ => b = garble_chunk(rng, valid),
    }
    (kind, b)
}

fn vm_hwm_kib() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn mutated_files_never_panic_and_errors_say_where() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("valid.ktr");
    session_gen::write_with(&p, 6, 2048);
    let valid = std::fs::read(&p).unwrap();
    let total = SessionReader::open(&p)
        .unwrap()
        .inspect(|r| assert!(r.is_ok(), "{r:?}"))
        .count();
    assert!(blocks(&valid).len() > 6, "several chunks to mutate");
    let mut rng = Rng(0x5e55_1011);
    let (mut ok, mut errs, mut forged_decode) = (0u64, 0u64, 0u64);
    for m in 0..MUTATIONS {
        let (kind, b) = mutate(&mut rng, &valid);
        let len = b.len() as u64;
        let run = catch_unwind(AssertUnwindSafe(|| {
            let mut n = 0usize;
            let reader = match SessionReader::new(Cursor::new(&b), Some(len)) {
                Ok(r) => r,
                Err(e) => return (0, Some(e)),
            };
            for r in reader {
                match r {
                    Ok(_) => n += 1,
                    Err(e) => return (n, Some(e)),
                }
            }
            (n, None)
        }));
        let (n, err) = match run {
            Ok(x) => x,
            Err(_) => {
                let keep = std::env::temp_dir().join(format!("ktriage-fuzz-{m}.ktr"));
                let _ = std::fs::write(&keep, &b);
                panic!(
                    "mutation {m} panicked the reader; file kept at {}",
                    keep.display()
                );
            }
        };
        match err {
            None => ok += 1,
            Some(e) => {
                errs += 1;
                let msg = e.to_string();
                assert!(
                    msg.contains("byte") || matches!(e, SessionError::Version { .. }),
                    "mutation {m}: error without a location: {msg}"
                );
                if kind == 2 && b.len() >= 8 {
                    assert!(
                        e.is_truncated(),
                        "mutation {m}: a cut file is reported truncated: {msg}"
                    );
                }
                if matches!(e, SessionError::Decode { .. }) {
                    forged_decode += 1;
                }
            }
        }
        // replay up to the damage: never more records than a valid file holds
        // (a duplicated chunk is refused by the chain before its records count)
        assert!(n <= total + 400, "mutation {m}: {n} records");
    }
    let hwm = vm_hwm_kib();
    eprintln!(
        "{MUTATIONS} mutations: {ok} read whole, {errs} errors ({forged_decode} record decode errors under a forged chain); peak RSS {} MiB",
        hwm / 1024
    );
    assert!(errs > MUTATIONS * 9 / 10, "mutations are detected");
    assert!(forged_decode > 100, "the record decoder was reached");
    assert!(hwm < 512 * 1024, "memory bounded: peak RSS {hwm} KiB");
}
