//! The effect runner: carries out the core's effects that need I/O (inspection, root browsing, pod observation) off the UI thread; results come back as events.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc::Sender;

use super::Runtime;
use crate::app::event::EffectError;
use crate::app::{Effect, Event};
use crate::inspect::Inspector;
use crate::inspect::rootfs::{DEFAULT_PREVIEW_CAP, FileKind, RootFs};

/// Runs effects with the session's runtime (its CRI cache names inspected processes).
#[derive(Clone, Debug)]
pub struct EffectRunner {
    rt: Runtime,
}

impl EffectRunner {
    /// A runner over `rt`.
    pub fn new(rt: Runtime) -> Self {
        Self { rt }
    }

    /// Starts `effect` on its own thread; its result is sent on `tx`. `Quit`, `Fact` and `Replay` are the caller's;
    /// `SetTiming` flips the collector's switch here.
    pub fn perform(&self, effect: Effect, tx: Sender<Event>) {
        if matches!(
            effect,
            Effect::Quit
                | Effect::Fact(_)
                | Effect::Replay(_)
                | Effect::SetTiming(_)
                | Effect::DrillGrade { .. }
                | Effect::DrillHint { .. }
        ) {
            // SetTiming is a switch flip: no thread needed
            let _ = self.run(effect);
            return;
        }
        let me = self.clone();
        let _ = std::thread::Builder::new()
            .name("ktriage-effect".into())
            .spawn(move || {
                if let Some(ev) = me.run(effect) {
                    let _ = tx.blocking_send(ev);
                }
            });
    }

    fn root_of(&self, pid: u32) -> PathBuf {
        self.rt.proc_root().join(pid.to_string()).join("root")
    }

    /// Runs one effect on this thread (headless commands and tests call this directly).
    pub fn run(&self, effect: Effect) -> Option<Event> {
        match effect {
            // a drill is graded by the terminal edge (the drill layer sits above the runtime)
            Effect::Quit
            | Effect::Fact(_)
            | Effect::Replay(_)
            | Effect::DrillGrade { .. }
            | Effect::DrillHint { .. } => None,
            Effect::SetTiming(on) => {
                self.rt.timing().set(on);
                None
            }
            Effect::Inspect(pid) => {
                let result = self.inspect(pid).map(Arc::new);
                Some(Event::Inspected { pid, result })
            }
            Effect::ObservePods(list) => Some(Event::PodsObserved(super::podobserve::read(
                list,
                self.rt.proc_root(),
            ))),
            Effect::Snapshot(pid) => {
                let result = self.inspect(pid).map(|mut ins| {
                    crate::app::flight::redact(&mut ins);
                    Arc::new(ins)
                });
                Some(Event::Snapshot { pid, result })
            }
            Effect::ListRoot(pid, path) => {
                let result = RootFs::open(&self.root_of(pid))
                    .and_then(|r| r.list(&path))
                    .map(Arc::new)
                    .map_err(EffectError::from);
                Some(Event::RootListed { pid, path, result })
            }
            Effect::ReadRoot(pid, path) => Some(self.read_root(pid, path)),
        }
    }

    /// Identity (through the shared CRI cache) and /proc inspection of `pid`.
    fn inspect(&self, pid: u32) -> Result<crate::inspect::Inspection, EffectError> {
        let identity = self.rt.resolver().identify(pid);
        Inspector::new(self.rt.proc_root())
            .inspect(pid, &identity)
            .map_err(EffectError::from)
    }

    fn read_root(&self, pid: u32, path: String) -> Event {
        let root = match RootFs::open(&self.root_of(pid)) {
            Ok(r) => r,
            Err(e) => {
                return Event::RootFile {
                    pid,
                    path,
                    result: Err(EffectError::from(e)),
                };
            }
        };
        // A symlink to a directory (followed inside the root) is listed instead.
        if let Ok(resolved) = root.resolve(&path)
            && root.stat(&resolved).is_ok_and(|e| e.kind == FileKind::Dir)
        {
            let result = root
                .list(&resolved)
                .map(Arc::new)
                .map_err(EffectError::from);
            return Event::RootListed {
                pid,
                path: resolved,
                result,
            };
        }
        let result = root
            .read(&path, DEFAULT_PREVIEW_CAP)
            .map(Arc::new)
            .map_err(EffectError::from);
        Event::RootFile { pid, path, result }
    }
}
