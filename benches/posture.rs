//! Posture of 300 pods / 1,000 containers from a List manifest: `ktriage posture --json` wall time, parse and full evaluation, and one incremental watch update vs a full recompute, side by side.

use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::time::Instant;

use ktriage::posture::{PostureStore, load_manifest};

const PODS: usize = 300;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Milliseconds `f` takes, median of `rounds`.
fn time_ms(rounds: usize, mut f: impl FnMut()) -> f64 {
    median(
        (0..rounds)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    )
}

/// A `kubectl get pods -o yaml` style List: pods 0..100 have 4 containers, the rest 3 (1,000 in all).
fn manifest() -> String {
    let mut s =
        String::from("apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: \"\"\nitems:\n");
    for i in 0..PODS {
        let n = if i < 100 { 4 } else { 3 };
        let _ = write!(
            s,
            "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: app-{i}\n    namespace: ns-{}\n    uid: 00000000-0000-4000-8000-{i:012}\n    labels: {{app: app-{i}}}\n    annotations:\n      container.apparmor.security.beta.kubernetes.io/c0: runtime/default\n  spec:\n    hostNetwork: {}\n    securityContext: {{runAsUser: 1000, runAsNonRoot: true, seccompProfile: {{type: RuntimeDefault}}}}\n    volumes:\n    - name: data\n      hostPath: {{path: /var/lib/app-{i}}}\n    - name: tmp\n      emptyDir: {{}}\n    containers:\n",
            i % 7,
            i % 10 == 0
        );
        for c in 0..n {
            let _ = write!(
                s,
                "    - name: c{c}\n      image: registry.local/app:{i}\n      env:\n      - name: DB_PASSWORD\n        valueFrom: {{secretKeyRef: {{name: db-{i}, key: password}}}}\n      - {{name: PLAIN, value: x}}\n      securityContext:\n        readOnlyRootFilesystem: {}\n        allowPrivilegeEscalation: false\n        privileged: {}\n        capabilities: {{drop: [ALL], add: [NET_BIND_SERVICE{}]}}\n      volumeMounts:\n      - {{name: data, mountPath: /data, readOnly: {}}}\n      - {{name: tmp, mountPath: /tmp}}\n",
                c != 1,
                i % 50 == 0 && c == 0,
                if i % 25 == 0 { ", SYS_ADMIN" } else { "" },
                c % 2 == 0
            );
        }
        let _ = writeln!(s, "  status:\n    phase: Running");
    }
    s
}

fn main() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("pods.yaml");
    let text = manifest();
    std::fs::write(&path, &text).expect("write manifest");
    let pods = load_manifest(&path).expect("manifest loads");
    let containers: usize = pods
        .iter()
        .filter_map(|p| p.spec.as_ref())
        .map(|s| s.containers.len())
        .sum();
    assert_eq!((pods.len(), containers), (PODS, 1000));

    let bin = env!("CARGO_BIN_EXE_ktriage");
    let file = path.display().to_string();
    let cli = time_ms(7, || {
        let out = Command::new(bin)
            .args(["posture", "--json", "--pod-manifest", &file])
            .stderr(Stdio::null())
            .output()
            .expect("ktriage runs");
        assert!(out.status.success());
        assert_eq!(out.stdout.iter().filter(|b| **b == b'\n').count(), PODS);
    });
    let parse = time_ms(7, || {
        let p = load_manifest(&path).expect("loads");
        assert_eq!(p.len(), PODS);
    });
    let full = time_ms(21, || {
        let s = PostureStore::from_pods(pods.clone());
        assert_eq!(s.len(), PODS);
    });
    let clone_only = time_ms(21, || {
        let c = pods.clone();
        assert_eq!(c.len(), PODS);
    });

    // One watch MODIFIED: pod 123 loses its read-only root.
    let mut store = PostureStore::from_pods(pods.clone());
    let mut modified = pods[123].clone();
    if let Some(sc) = modified
        .spec
        .as_mut()
        .and_then(|s| s.containers[0].security_context.as_mut())
    {
        sc.read_only_root_filesystem = Some(false);
    }
    let before = store.evaluations();
    let rounds = 201;
    let incremental = time_ms(rounds, || {
        store.apply(modified.clone());
    });
    assert_eq!(
        store.evaluations() - before,
        rounds as u64,
        "one pod per update"
    );
    let full_after = time_ms(21, || {
        let mut all = pods.clone();
        all[123] = modified.clone();
        let s = PostureStore::from_pods(all);
        assert_eq!(s.len(), PODS);
    });

    println!(
        "posture: {PODS} pods / {containers} containers, List manifest of {} KiB, median ms",
        text.len() / 1024
    );
    println!("{:<58} {:>10}", "what", "ms");
    println!(
        "{:<58} {:>10.2}",
        "ktriage posture --json --pod-manifest (wall, incl. /proc)", cli
    );
    println!(
        "{:<58} {:>10.2}",
        "parse the manifest (saphyr -> k8s-openapi)", parse
    );
    println!(
        "{:<58} {:>10.2}",
        "evaluate every pod (full store build)", full
    );
    println!(
        "{:<58} {:>10.2}",
        "  of which cloning the 300 specs", clone_only
    );
    println!(
        "{:<58} {:>10.4}",
        "watch update: apply one modified pod (incremental)", incremental
    );
    println!(
        "{:<58} {:>10.2}",
        "watch update: full recompute with the modified pod", full_after
    );
    println!(
        "incremental update is {:.0}x faster than a full recompute",
        full_after / incremental.max(1e-6)
    );
}
