//! Alerts fixtures for UI and update tests: alerts from both origins, intake reports, a malformed line, snapshots.

use std::sync::Arc;

use crate::alerts::intake::{IntakeState, IntakeStats, Malformed, ParseCtx, parse_line};
use crate::alerts::{Alert, AlertOrigin};
use crate::app::{AppState, Event, update};

use super::{CONTAINER_ID, INSPECT_PID, T0, inspection, state};

/// The wall-clock offset of [`super::clock`].
pub const WALL_OFFSET: i128 = 1_700_000_000_000_000_000;

/// Wall time (ns since the epoch) of fixture event time `ms`.
pub fn wall(ms: u64) -> u64 {
    (WALL_OFFSET + i128::from(T0 + ms * 1_000_000)) as u64
}

/// The intake the Falco fixtures come from.
pub const FALCO_FILE: &str = "file:/var/log/falco.json";

fn falco(line: &str, at_ms: u64) -> Alert {
    let ctx = ParseCtx {
        intake: FALCO_FILE.into(),
        now_ns: wall(at_ms),
    };
    let mut a = parse_line(line, &ctx).expect("fixture line parses");
    a.time_ns = wall(at_ms);
    a
}

/// Five alerts: the rule engine's and Falco's (JSON and the seeds' text), one of each colour.
pub fn alerts() -> Vec<Alert> {
    let short = &CONTAINER_ID[..12];
    let mut engine = falco(
        &format!(
            "00:00:00: Critical File below a known binary directory opened for writing (user=root file_updated=/usr/bin/x command=curl -s http://10.0.0.5/x.sh pid=4300 container_id={short})"
        ),
        3,
    );
    engine.rule = "Write below binary dir".into();
    engine.origin = AlertOrigin::Engine;
    vec![
        engine,
        falco(
            &format!(
                "{{\"rule\":\"Read sensitive file untrusted\",\"priority\":\"Warning\",\"hostname\":\"node-1\",\"output\":\"Sensitive file opened for reading (file=/etc/shadow command=cat /etc/shadow\\u001b[2J)\",\"output_fields\":{{\"proc.pid\":4301,\"container.id\":\"{short}\",\"fd.name\":\"/etc/shadow\"}},\"tags\":[\"filesystem\"]}}"
            ),
            7,
        ),
        falco(
            "01:00:03.426003000: Notice Privileged container started (user=<NA> user_loginuid=0 command=container:fae86fdf29be k8s_weave-npc_weave-net-ckcmb_kube-system_0164606c-6df7-42e9-a93b-a3f4f4b4ae86_0 (id=fae86fdf29be) image=weaveworks/weave-npc:2.8.1)",
            10,
        ),
        falco(
            "00:00:00: Error Package management process launched in container (user=root command=apk add nmap pid=4302)",
            12,
        ),
        falco(
            "00:00:00: Informational Unexpected UDP traffic seen (pid=4242 connection=10.0.0.5:53)",
            31,
        ),
    ]
}

/// Intake reports: a followed file with two malformed lines, and an HTTP listener.
pub fn intake_reports() -> Vec<IntakeStats> {
    vec![
        IntakeStats {
            intake: FALCO_FILE.into(),
            state: IntakeState::Running("following /var/log/falco.json".into()),
            lines: 6,
            alerts: 4,
            malformed: 2,
            samples: vec![
                Malformed {
                    intake: FALCO_FILE.into(),
                    line_no: 2,
                    text: "Fri Jan 12 10:12:00 2024: Falco version: 0.37.0".into(),
                    reason: "no `TIME: Priority` header".into(),
                },
                Malformed {
                    intake: FALCO_FILE.into(),
                    line_no: 5,
                    text: "{\"rule\":\"broken\x1b[31m".into(),
                    reason: "invalid JSON: EOF while parsing a string".into(),
                },
            ],
        },
        IntakeStats {
            intake: "http:127.0.0.1:8765".into(),
            state: IntakeState::Running("listening on 127.0.0.1:8765".into()),
            ..IntakeStats::default()
        },
    ]
}

/// The main fixture with alerts in, their snapshots answered (4300 taken, 4301 gone), intakes reported.
pub fn alerts_state() -> AppState {
    let mut s = state();
    s.alerts.wall_offset_ns = Some(WALL_OFFSET);
    for r in intake_reports() {
        update(&mut s, Event::AlertIntake(r));
    }
    update(&mut s, Event::Alerts(alerts()));
    let mut snap = inspection(INSPECT_PID);
    snap.pid = 4300;
    let taken = Ok(Arc::new(snap));
    update(
        &mut s,
        Event::Snapshot {
            pid: 4300,
            result: taken,
        },
    );
    let gone = Err("process 4301 exited".into());
    update(
        &mut s,
        Event::Snapshot {
            pid: 4301,
            result: gone,
        },
    );
    s
}
