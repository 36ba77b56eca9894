//! Finder benchmark: ranking 100,000 candidates per keystroke (target: within one 16 ms frame).

use std::time::Instant;

use ktriage::app::event::ProcInfo;
use ktriage::app::finder::{Finder, candidates};

fn main() {
    const N: u32 = 100_000;
    let comms = [
        "nginx",
        "bash",
        "kubelet",
        "containerd-shim",
        "python3",
        "java",
        "sleep",
        "envoy",
    ];
    let procs: Vec<ProcInfo> = (0..N)
        .map(|i| ProcInfo {
            pid: 1000 + i,
            ppid: 1 + i / 10,
            comm: format!("{}-{}", comms[(i % 8) as usize], i % 97),
            container_id: (i % 3 != 0).then(|| format!("{:064x}", i / 5)),
            container_name: (i % 3 != 0).then(|| format!("app-{}", i / 5 % 500)),
            pod_name: (i % 3 != 0).then(|| format!("web-{}", i / 15 % 700)),
            pod_namespace: (i % 3 != 0).then(|| format!("team-{}", i % 11)),
            image: (i % 3 != 0).then(|| format!("registry.local/app-{}:1.{}", i % 40, i % 7)),
            ..ProcInfo::default()
        })
        .collect();
    let cands = candidates(&procs);
    let n = cands.len();
    let mut f = Finder::new(cands);
    println!("finder: {n} candidates (from {N} processes)");
    println!(
        "{:<16} {:>10} {:>10} {:>10} {:>9}",
        "query", "p50 ms", "p99 ms", "max ms", "results"
    );
    let mut worst = 0.0f64;
    for q in [
        "n",
        "ngx",
        "web-42",
        "team-3/web",
        "registry app-1",
        "4242",
        "zzzq",
    ] {
        let mut times: Vec<f64> = (0..30)
            .map(|_| {
                let t = Instant::now();
                f.set_query(q.to_string());
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let p = |x: f64| times[((times.len() - 1) as f64 * x).round() as usize];
        worst = worst.max(p(0.99));
        println!(
            "{q:<16} {:>10.2} {:>10.2} {:>10.2} {:>9}",
            p(0.5),
            p(0.99),
            times[times.len() - 1],
            f.results.len()
        );
    }
    let verdict = if worst <= 16.0 { "MET" } else { "MISSED" };
    println!("worst p99 {worst:.2} ms (target <= 16 ms: {verdict})");
}
