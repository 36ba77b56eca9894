//! `ktriage verify` as a user runs it: OK with the final hash, a flipped byte named by chunk, a cut file reported truncated with its last good time, unreadable inputs exit 2.

#[path = "support/session_gen.rs"]
mod session_gen;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn verify(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ktriage"))
        .arg("verify")
        .args(args)
        .output()
        .expect("ktriage runs")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

#[test]
fn ok_file_prints_counts_and_final_hash() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.ktr");
    let sum = session_gen::write(&p, 30);
    let o = verify(&[p.as_os_str()]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(t.starts_with("OK: "), "{t}");
    assert!(
        t.contains(&format!("final hash: {}", sum.final_hash)),
        "{t}"
    );
    assert!(
        t.contains("of kernel events (6000 events), 10 other events and facts"),
        "{t}"
    );
    assert!(t.contains("10 notes"), "{t}");
    let o = verify(&[p.as_os_str(), "--json".as_ref()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
    assert_eq!(v["verdict"], "ok");
    assert_eq!(v["final_hash"], sum.final_hash.as_str());
    assert_eq!(v["counts"]["kernel_events"], 6000);
}

#[test]
fn flipped_byte_in_a_middle_chunk_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.ktr");
    session_gen::write(&p, 30);
    let offs = session_gen::chunk_offsets(&p);
    assert!(offs.len() >= 5, "{} chunks", offs.len());
    let mid = offs.len() / 2;
    let mut b = std::fs::read(&p).unwrap();
    // inside the compressed bytes, past the 72-byte frame
    b[offs[mid] as usize + 80] ^= 0x04;
    std::fs::write(&p, &b).unwrap();
    let o = verify(&[p.as_os_str()]);
    let t = text(&o);
    eprintln!("{t}");
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(t.starts_with("TAMPERED: "), "{t}");
    assert!(
        t.contains(&format!("first damage: chunk {mid} at byte {}", offs[mid])),
        "{t}"
    );
    assert!(t.contains("hash mismatch"), "{t}");
    assert!(t.contains(&format!("chunks 0..={} verify", mid - 1)), "{t}");
}

#[test]
fn cut_copy_is_truncated_with_last_good_time() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.ktr");
    session_gen::write(&p, 30);
    let offs = session_gen::chunk_offsets(&p);
    let b = std::fs::read(&p).unwrap();
    let k = offs.len() - 2;
    // cut 10 bytes into chunk k: chunks 0..k-1 are whole
    std::fs::write(&p, &b[..offs[k] as usize + 10]).unwrap();
    let o = verify(&[p.as_os_str()]);
    let t = text(&o);
    eprintln!("{t}");
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(t.starts_with("TRUNCATED: "), "{t}");
    assert!(t.contains("no trailer"), "{t}");
    assert!(t.contains(&format!("last good chunk: {}", k - 1)), "{t}");
    // its last record's wall time, as RFC 3339
    let line = t
        .lines()
        .find(|l| l.starts_with("last good chunk"))
        .unwrap();
    assert!(
        line.contains("its last record at 20") && line.ends_with('Z'),
        "{line}"
    );
    assert!(t.contains("final hash: none"), "{t}");
}

#[test]
fn unreadable_inputs_exit_2_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let junk = dir.path().join("junk");
    std::fs::write(&junk, b"\x1b]0;pwned\x07 not a session").unwrap();
    let missing = dir.path().join("missing");
    for (p, want) in [
        (&fifo, "FIFO"),
        (&junk, "not a ktriage session file"),
        (&missing, "No such file"),
        (&dir.path().to_path_buf(), "directory"),
    ] {
        let t0 = Instant::now();
        let o = verify(&[p.as_os_str()]);
        let t = text(&o);
        assert_eq!(o.status.code(), Some(2), "{}: {t}", p.display());
        assert!(t.contains(want), "{t}");
        assert!(t0.elapsed() < Duration::from_secs(10));
    }
    assert_eq!(verify(&[]).status.code(), Some(2));
}

#[test]
fn hostile_header_strings_are_sanitized() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.ktr");
    let mut h = session_gen::header();
    h.host = "node\x1b]0;owned\x07\x1b[2J".into();
    h.sudo_user = Some("eve\u{202e}txt.exe".into());
    let w = ktriage::session::SessionWriter::create(&p, h, session_gen::small_chunks()).unwrap();
    w.finish().unwrap();
    let o = verify(&[p.as_os_str()]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(
        !t.contains('\x1b') && !t.contains('\x07') && !t.contains('\u{202e}'),
        "{t:?}"
    );
    assert!(t.contains("0 records"), "{t}");
}
