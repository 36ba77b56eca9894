//! Stages between the sources and the core: the rule engine on the kernel events, names for Falco's alerts, the k8s_audit rules on audit events.

use std::thread::JoinHandle;

use tokio::sync::mpsc;

use crate::alerts::intake::IntakeFeed;
use crate::app::Event;
use crate::identity::resolve::Resolver;
use crate::rules::Engine;

/// Spawns the rule stage: events from `rx` go on to `tx` unchanged; after a kernel
/// batch come the alerts it raised (`Event::Alerts`), so the events an alert
/// refers to are already in the core's buffer when the alert arrives. Ends when
/// every sender of `rx` is gone or the core stops listening.
pub fn spawn_rules(
    mut engine: Engine,
    mut rx: mpsc::Receiver<Event>,
    tx: mpsc::Sender<Event>,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("ktriage-rules".into())
        .spawn(move || {
            let mut alerts = Vec::new();
            while let Some(ev) = rx.blocking_recv() {
                if let Event::Kernel(batch) = &ev {
                    engine.process_batch(batch, &mut alerts);
                }
                if tx.blocking_send(ev).is_err() {
                    return;
                }
                if !alerts.is_empty()
                    && tx
                        .blocking_send(Event::Alerts(std::mem::take(&mut alerts)))
                        .is_err()
                {
                    return;
                }
            }
        })
}

/// Spawns the names stage: every alert an intake sends on `rx` gets what the runtime
/// knows of its container (`alerts::intake::resolve`), on its own thread (CRI calls block),
/// and goes on to the core.
pub fn spawn_names(
    mut rx: mpsc::Receiver<IntakeFeed>,
    tx: mpsc::Sender<Event>,
    mut resolver: Resolver,
    mut audit: Option<Engine>,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("ktriage-intake-names".into())
        .spawn(move || {
            while let Some(mut feed) = rx.blocking_recv() {
                if let IntakeFeed::Alerts(batch) = &mut feed {
                    batch
                        .iter_mut()
                        .for_each(|a| crate::alerts::intake::resolve::resolve(a, &mut resolver));
                }
                // audit events: the k8s_audit rules' alerts follow the events
                let mut alerts = Vec::new();
                if let (IntakeFeed::Audit(batch), Some(engine)) = (&feed, audit.as_mut()) {
                    batch
                        .iter()
                        .for_each(|e| engine.process_audit(e, &mut alerts));
                }
                if tx.blocking_send(Event::from(feed)).is_err() {
                    return;
                }
                if !alerts.is_empty() && tx.blocking_send(Event::Alerts(alerts)).is_err() {
                    return;
                }
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collector::clock::WallClock;
    use crate::model::KernelBatch;
    use crate::rules::{Env, ProcTable, RuleSet};

    #[test]
    fn passes_events_on_and_ends_with_its_senders() {
        let set = RuleSet::default();
        let (engine, _) = Engine::build(&set, ProcTable::new(None), Env::host(), WallClock::now());
        let (src_tx, src_rx) = mpsc::channel(4);
        let (core_tx, mut core_rx) = mpsc::channel(4);
        let h = spawn_rules(engine, src_rx, core_tx).expect("thread");
        src_tx
            .blocking_send(Event::Kernel(KernelBatch::default()))
            .expect("send");
        src_tx.blocking_send(Event::Tick(7)).expect("send");
        drop(src_tx);
        assert!(matches!(core_rx.blocking_recv(), Some(Event::Kernel(_))));
        assert!(matches!(core_rx.blocking_recv(), Some(Event::Tick(7))));
        assert!(core_rx.blocking_recv().is_none(), "ends with its senders");
        h.join().expect("joined");
    }
}
