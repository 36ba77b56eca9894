//! `ktriage ps --json` with 2,000 extra processes: wall time, side by side with `ps -eo pid,ppid,comm,cgroup`.

use std::process::{Child, Command, Stdio};
use std::time::Instant;

fn time(cmd: &mut Command) -> f64 {
    let t = Instant::now();
    let out = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .output()
        .expect("runs");
    assert!(out.status.success(), "{cmd:?} failed");
    t.elapsed().as_secs_f64() * 1e3
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_ktriage");
    let extra: Vec<Child> = (0..2000)
        .map(|_| {
            Command::new("sleep")
                .arg("600")
                .stdin(Stdio::null())
                .spawn()
                .expect("sleep")
        })
        .collect();
    let total = std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok())
                .count()
        })
        .unwrap_or(0);
    let rounds = 11;
    let (mut kt, mut kt_nocri, mut ps) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        kt.push(time(Command::new(bin).args(["ps", "--json"])));
        kt_nocri.push(time(Command::new(bin).args([
            "ps",
            "--json",
            "--cri-socket",
            "/nonexistent.sock",
        ])));
        ps.push(time(
            Command::new("ps").args(["-eo", "pid,ppid,comm,cgroup"]),
        ));
    }
    let (k, kn, p) = (median(kt), median(kt_nocri), median(ps));
    println!(
        "ps: {total} processes ({} extra sleeps), {rounds} interleaved rounds, median wall ms",
        extra.len()
    );
    println!("{:<44} {:>9} {:>9}", "command", "ms", "x ps");
    println!("{:<44} {:>9.1} {:>9.2}", "ktriage ps --json", k, k / p);
    println!(
        "{:<44} {:>9.1} {:>9.2}",
        "ktriage ps --json (no runtime socket)",
        kn,
        kn / p
    );
    println!(
        "{:<44} {:>9.1} {:>9.2}",
        "ps -eo pid,ppid,comm,cgroup", p, 1.0
    );
    for mut c in extra {
        let _ = c.kill();
        let _ = c.wait();
    }
}
