//! Carries out the core's effects that need I/O (inspection, root browsing) off the UI thread; results come back as events.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::mpsc::Sender;

use crate::app::event::EffectError;
use crate::app::{Effect, Event};
use crate::identity::resolve::Resolver;
use crate::inspect::Inspector;
use crate::inspect::rootfs::{DEFAULT_PREVIEW_CAP, FileKind, RootFs};

/// Starts `effect` on its own thread; its result is sent on `tx`. `Quit` is the caller's.
pub fn perform(effect: Effect, tx: Sender<Event>, cri_socket: Option<PathBuf>) {
    if effect == Effect::Quit {
        return;
    }
    let _ = std::thread::Builder::new()
        .name("ktriage-effect".into())
        .spawn(move || {
            let ev = run(effect, cri_socket.as_deref());
            if let Some(ev) = ev {
                let _ = tx.blocking_send(ev);
            }
        });
}

fn root_of(pid: u32) -> PathBuf {
    Path::new("/proc").join(pid.to_string()).join("root")
}

/// Runs one effect synchronously (tests call this directly).
pub fn run(effect: Effect, cri_socket: Option<&Path>) -> Option<Event> {
    match effect {
        Effect::Quit | Effect::Fact(_) | Effect::Replay(_) => None,
        Effect::Inspect(pid) => {
            let identity = Resolver::new(cri_socket, true).identify(pid);
            let result = Inspector::new("/proc")
                .inspect(pid, &identity)
                .map(Arc::new)
                .map_err(EffectError::from);
            Some(Event::Inspected { pid, result })
        }
        Effect::ObservePods(list) => Some(Event::PodsObserved(crate::app::podobserve::read(
            list,
            Path::new("/proc"),
        ))),
        Effect::Snapshot(pid) => {
            let identity = Resolver::new(cri_socket, true).identify(pid);
            let result = Inspector::new("/proc")
                .inspect(pid, &identity)
                .map(|mut ins| {
                    crate::app::flight::redact(&mut ins);
                    Arc::new(ins)
                })
                .map_err(EffectError::from);
            Some(Event::Snapshot { pid, result })
        }
        Effect::ListRoot(pid, path) => {
            let result = RootFs::open(&root_of(pid))
                .and_then(|r| r.list(&path))
                .map(Arc::new)
                .map_err(EffectError::from);
            Some(Event::RootListed { pid, path, result })
        }
        Effect::ReadRoot(pid, path) => {
            let root = match RootFs::open(&root_of(pid)) {
                Ok(r) => r,
                Err(e) => {
                    return Some(Event::RootFile {
                        pid,
                        path,
                        result: Err(EffectError::from(e)),
                    });
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
                return Some(Event::RootListed {
                    pid,
                    path: resolved,
                    result,
                });
            }
            let result = root
                .read(&path, DEFAULT_PREVIEW_CAP)
                .map(Arc::new)
                .map_err(EffectError::from);
            Some(Event::RootFile { pid, path, result })
        }
    }
}
