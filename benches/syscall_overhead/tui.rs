//! ktriage as the TUI runs it, without the terminal: the runtime's sources (kernel
//! collector with the default rules' stream set, the rule-engine stage, the /proc
//! poller) feeding a `Core`; syscall timing turned on the way the `T` key does it
//! (an input through `update`, its effect run by the runtime).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ktriage::app::event::{AggRow, CollectorStats};
use ktriage::app::input::Input;
use ktriage::app::{Action, AppState, Core, Event};
use ktriage::collector::CollectorConfig;
use ktriage::rules::{setup, syscall_set};
use ktriage::runtime::{Runtime, SourceOpts, Sources, procpoll, sources};
use tokio::sync::mpsc;

/// What the consumer saw last (shared with the bench thread).
#[derive(Default)]
pub struct Seen {
    /// The latest summary rows (live processes, exited ones under tgid 0).
    pub agg: Vec<AggRow>,
    /// The latest collector counters.
    pub stats: CollectorStats,
    /// Streamed syscall records per (pid, syscall number).
    pub streamed: HashMap<(u32, u32), u64>,
}

/// A running TUI-equivalent session.
pub struct Tui {
    rt: tokio::runtime::Runtime,
    sources: Option<Sources>,
    consumer: Option<JoinHandle<()>>,
    pub seen: Arc<Mutex<Seen>>,
}

impl Tui {
    /// Starts the session; with `timing`, turns syscall timing on through the core
    /// and waits until the collector reports it on.
    pub fn start(timing: bool) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let (engine, _) = setup::build_engine(&setup::EngineOpts {
            defaults: true,
            ..Default::default()
        })
        .expect("the default rules");
        let collector = CollectorConfig {
            stream_syscalls: syscall_set::stream_set(&engine.wanted_types()),
            ..CollectorConfig::default()
        };
        let runtime = Runtime::new(None, false);
        let (tx, mut rx) = mpsc::channel::<Event>(256);
        let opts = SourceOpts {
            collector,
            no_bpf: false,
            engine: Some(engine),
            audit_engine: None,
            intake: Vec::new(),
            kube: None,
            proc_every: procpoll::EVERY,
        };
        let started = rt.block_on(async { sources::start(&runtime, opts, &tx) });
        let sources = started.expect("starting the sources");
        drop(tx);
        let mut core = Core::new(AppState::new(1_000_000));
        if timing {
            let effects = core.dispatch(Event::Input(Input::Action(Action::ToggleTiming)));
            let runner = runtime.effects();
            for e in effects {
                let _ = runner.run(e);
            }
        }
        let seen = Arc::new(Mutex::new(Seen::default()));
        let s = seen.clone();
        let consumer = std::thread::Builder::new()
            .name("bench-tui-core".into())
            .spawn(move || {
                while let Some(ev) = rx.blocking_recv() {
                    note(&s, &ev);
                    core.dispatch(ev);
                }
            })
            .expect("spawning the consumer");
        let tui = Self {
            rt,
            sources: Some(sources),
            consumer: Some(consumer),
            seen,
        };
        if timing {
            let on = tui.wait(Duration::from_secs(10), |s| s.stats.timing);
            assert!(on, "the collector did not report timing on within 10 s");
        }
        tui
    }

    /// Waits until `done` holds on what the consumer saw (polled), or `timeout`.
    pub fn wait(&self, timeout: Duration, done: impl Fn(&Seen) -> bool) -> bool {
        let end = Instant::now() + timeout;
        loop {
            if done(&self.seen.lock().expect("seen")) {
                return true;
            }
            if Instant::now() >= end {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Calls and time of syscall `nr` over every process (exited ones included).
    pub fn totals(seen: &Seen, nr: u32) -> (u64, u64) {
        seen.agg
            .iter()
            .filter(|r| r.nr == nr)
            .fold((0, 0), |(c, t), r| (c + r.calls, t + r.time_ns))
    }

    /// Stops the sources and the consumer; returns the last counters.
    pub fn finish(mut self) -> CollectorStats {
        if let Some(s) = self.sources.take() {
            self.rt.block_on(async { s.stop() });
        }
        if let Some(c) = self.consumer.take() {
            c.join().expect("consumer thread");
        }
        self.seen.lock().expect("seen").stats
    }
}

fn note(seen: &Mutex<Seen>, ev: &Event) {
    let mut s = seen.lock().expect("seen");
    match ev {
        Event::Summary(rows) => s.agg = rows.clone(),
        Event::Stats(st) => s.stats = *st,
        Event::Kernel(b) => {
            for e in &b.events {
                *s.streamed.entry((e.pid, e.nr)).or_default() += 1;
            }
        }
        _ => {}
    }
}
