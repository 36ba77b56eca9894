//! Falco intake benchmark: lines/s parsing Falco JSON and text lines, and alerts/s through `update` into the alerts pane.

use std::time::Instant;

use ktriage::alerts::intake::{ParseCtx, parse_line};
use ktriage::app::{AppState, Core, Event};

const JSON: &str = r#"{"hostname":"node-1","output":"10:12:31.516397588: Warning Sensitive file opened for reading by non-trusted program (file=/etc/shadow gparent=sudo ggparent=bash evt_type=openat user=root user_uid=0 user_loginuid=1000 process=cat proc_exepath=/usr/bin/cat parent=sudo command=cat /etc/shadow terminal=34816 container_id=host container_name=host)","output_fields":{"container.id":"host","evt.time":1705054351516397588,"fd.name":"/etc/shadow","proc.cmdline":"cat /etc/shadow","proc.name":"cat","proc.pid":4242,"user.name":"root"},"priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall","tags":["T1555","filesystem","host","maturity_stable","mitre_credential_access"],"time":"2024-01-12T10:12:31.516397588Z"}"#;
const TEXT: &str = "01:00:03.426003000: Notice Privileged container started (user=<NA> user_loginuid=0 command=container:fae86fdf29be k8s_weave-npc_weave-net-ckcmb_kube-system_0164606c-6df7-42e9-a93b-a3f4f4b4ae86_0 (id=fae86fdf29be) image=weaveworks/weave-npc:2.8.1)";
const SYSLOG: &str = "Jan 12 10:13:02 node-1 falco[812]: 10:13:02.004118213: Notice A shell was spawned in a container with an attached terminal (user=root container_id=3f2a9c1b7d4e proc.pid=4300 terminal=34816)";

fn bench(name: &str, line: &str, n: usize) {
    let ctx = ParseCtx {
        intake: "bench".into(),
        now_ns: 1_705_060_800_000_000_000,
    };
    let start = Instant::now();
    let mut ok = 0usize;
    for _ in 0..n {
        ok += usize::from(parse_line(std::hint::black_box(line), &ctx).is_ok());
    }
    let dt = start.elapsed().as_secs_f64();
    assert_eq!(ok, n);
    println!(
        "{name:<8} {:>10.0} lines/s {:>8.0} ns/line ({} bytes/line)",
        n as f64 / dt,
        dt * 1e9 / n as f64,
        line.len()
    );
}

fn main() {
    const N: usize = 200_000;
    println!("intake parse: {N} lines each, one core");
    bench("json", JSON, N);
    bench("text", TEXT, N);
    bench("syslog", SYSLOG, N);

    let ctx = ParseCtx {
        intake: "bench".into(),
        now_ns: 1_705_060_800_000_000_000,
    };
    let base = parse_line(JSON, &ctx).expect("parses");
    let batches: Vec<Vec<_>> = (0..N / 100)
        .map(|b| {
            (0..100)
                .map(|i| {
                    let mut a = base.clone();
                    a.pid = Some(10_000 + ((b * 100 + i) % 5_000) as u32);
                    a.rule = format!("rule {}", i % 40);
                    a
                })
                .collect()
        })
        .collect();
    let mut state = Core::new(AppState::with_default_cap());
    let start = Instant::now();
    let mut effects = 0usize;
    for batch in batches {
        effects += state.dispatch(Event::Alerts(batch)).len();
    }
    let dt = start.elapsed().as_secs_f64();
    println!(
        "update   {:>10.0} alerts/s {:>8.0} ns/alert (pane holds {}, {} snapshot effects)",
        N as f64 / dt,
        dt * 1e9 / N as f64,
        state.state().alerts.entries.len(),
        effects
    );
}
