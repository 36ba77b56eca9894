//! Headless replay: a recording's events printed as `stream` prints them, and Falco rules run over a recording (`alerts --from`), with nothing live read.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use super::stream::{Format, Printer};
use crate::alerts::Alert;
use crate::app::event::Setup;
use crate::app::{AppState, Core, Event};
use crate::collector::clock::WallClock;
use crate::model::{CgroupInfo, ProcInfo};
use crate::rules::{ContainerLookup, ContainerMeta, Proc, ProcTable, SharedProcs, setup};
use crate::session::Header;
use crate::session::entry::Item;

/// How a replay ended.
#[derive(Debug, Default)]
pub struct ReplayEnd {
    /// Records printed (events or alerts).
    pub printed: u64,
    /// The damage met, if the file is cut or changed (everything before it was used).
    pub damage: Option<String>,
}

/// What a replayed file says about where it was taken.
struct Origin {
    host: String,
    clock: WallClock,
    /// A capture's processes, as its process list has them (exe, argv, cwd).
    procs: Vec<Proc>,
    /// A capture's users and groups (`user.name`, `group.name`).
    users: crate::scap::read::UserList,
}

type Items = Box<dyn Iterator<Item = Result<Item, String>>>;

/// The file's items in order, and the damage, if any, at the end: a session file, or a scap
/// capture (told by its magic, not its name) whose times are already wall-clock times.
fn items(path: &Path) -> Result<(Origin, Items), String> {
    if crate::scap::read::is_capture(path) {
        let located = |e: crate::scap::read::ScapError| crate::scap::read::located(path, &e);
        let pre = crate::scap::read::preamble(path).map_err(located)?;
        let mut mapper = crate::scap::read::map::Mapper::default();
        mapper.threads(&pre.threads);
        for (tid, fds) in &pre.fds {
            mapper.fd_list(*tid, fds);
        }
        let mut feed = crate::scap::read::feed::Feed::open(path).map_err(located)?;
        let it = std::iter::from_fn(move || feed.next_item()).map(|r| match r {
            Ok((ts_ns, event)) => Ok(Item::Event { ts_ns, event }),
            Err(e) => Err(e.to_string()),
        });
        let origin = Origin {
            host: pre.host,
            clock: WallClock::with_offset(0),
            procs: mapper.procs(),
            users: pre.users,
        };
        return Ok((origin, Box::new(it)));
    }
    let (header, it): (Header, _) =
        crate::session::entry::items(path).map_err(|e| crate::session::located(path, &e))?;
    let origin = Origin {
        host: header.host.clone(),
        clock: header.wall_clock(),
        procs: Vec::new(),
        users: Default::default(),
    };
    Ok((origin, Box::new(it)))
}

/// Runs `run` over the file's origin and items, read (decoded, mapped) on a second thread
/// ([`crate::session::read_ahead`]). Stopping early stops the reader.
fn with_items<T>(
    path: &Path,
    run: impl FnOnce(Origin, &mut dyn Iterator<Item = Result<Item, String>>) -> T,
) -> Result<T, String> {
    let path = path.to_path_buf();
    let (origin, mut items) = crate::session::read_ahead::read_ahead(
        move || items(&path),
        crate::session::read_ahead::item_weight,
    )?;
    Ok(run(origin, &mut items))
}

/// Prints the recording's kernel events like `stream` (`--json`: the same fields).
pub fn events(path: &Path, format: Format, out: &mut impl Write) -> Result<ReplayEnd, String> {
    with_items(path, |origin, items| {
        let mut core = Core::new(AppState::new(crate::app::buffer::CHUNK * 16));
        let mut printer = Printer::recorded(out, format, origin.clock);
        let mut end = ReplayEnd::default();
        for it in items {
            match it {
                // the operator's inputs and filters change the view, not what happened
                Ok(Item::Event {
                    event: Event::Input(_) | Event::Setup(Setup::Filter(_)) | Event::Replay(_),
                    ..
                }) => {}
                Ok(Item::Event { event, .. }) => {
                    if !printer.feed(&mut core, event) {
                        break;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    end.damage = Some(e);
                    break;
                }
            }
        }
        end.printed = printer.printed;
        end
    })
}

/// Container names as the recording's /proc polls gave them (shared with the engine's lookup).
#[derive(Clone, Default)]
struct Recorded(Arc<Mutex<HashMap<String, ProcInfo>>>);

impl Recorded {
    fn note(&self, procs: &[ProcInfo]) {
        let mut m = self.0.lock().unwrap_or_else(|p| p.into_inner());
        for p in procs {
            if let Some(id) = &p.container_id
                && (p.container_name.is_some() || p.pod_name.is_some())
            {
                m.entry(id.clone()).or_insert_with(|| p.clone());
            }
        }
    }
}

impl ContainerLookup for Recorded {
    fn lookup(&mut self, cg: &CgroupInfo) -> Option<ContainerMeta> {
        let id = cg.container_id.as_deref()?;
        let mut meta = ContainerMeta::from_id(id);
        let m = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(p) = m.get(id) {
            meta.name = p.container_name.as_deref().map(Arc::from);
            if let Some(img) = &p.image {
                meta.set_image(img);
            }
            meta.pod_name = p.pod_name.as_deref().map(Arc::from);
            meta.namespace = p.pod_namespace.as_deref().map(Arc::from);
            meta.pod_uid = p.pod_uid.as_deref().map(Arc::from);
        }
        Some(meta)
    }
}

/// Runs the rules of `opts` over the recording's kernel events; each alert goes to `emit`.
pub fn alerts(
    path: &Path,
    opts: &setup::EngineOpts,
    mut emit: impl FnMut(&Alert) -> bool,
    mut diag: impl FnMut(&str),
) -> Result<ReplayEnd, String> {
    // container names first, from every recorded poll: the engine names a cgroup once, at its first
    // event, which may come before the poll that saw that container
    let recorded = Recorded::default();
    for it in self::items(path)?.1 {
        if let Ok(Item::Event {
            event: Event::Processes(rows),
            ..
        }) = it
        {
            recorded.note(&rows);
        }
    }
    with_items(path, |origin, items| {
        let (mut engine, cov) = setup::build_replay_engine(
            opts,
            &origin.host,
            origin.clock,
            Box::new(recorded.clone()),
        )?;
        for line in setup::rule_errors(&cov) {
            diag(&line);
        }
        // a capture's users: the machine it was taken on, not this one
        let env = &mut engine.env;
        env.users.extend(
            origin
                .users
                .users
                .iter()
                .map(|(id, n)| (*id, n.as_str().into())),
        );
        env.groups.extend(
            origin
                .users
                .groups
                .iter()
                .map(|(id, n)| (*id, n.as_str().into())),
        );
        // the engine's process table, fed by the recorded /proc polls as well as the kernel events
        let procs = SharedProcs::new(ProcTable::new(None));
        engine.share_procs(procs.clone());
        {
            let mut table = procs.lock();
            for p in origin.procs {
                table.insert(p);
            }
        }
        let mut end = ReplayEnd::default();
        let mut out = Vec::new();
        for it in items {
            match it {
                Ok(Item::Event {
                    event: Event::Processes(rows),
                    ..
                }) => known(&procs, &rows),
                Ok(Item::Event {
                    event: Event::Kernel(batch),
                    ..
                }) => {
                    engine.process_batch(&batch, &mut out);
                    for a in out.drain(..) {
                        end.printed += 1;
                        if !emit(&a) {
                            return Ok(end);
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    end.damage = Some(e);
                    break;
                }
            }
        }
        Ok(end)
    })?
}

/// Processes of a recorded poll that the table does not know yet (those that were there before the recording).
fn known(procs: &SharedProcs, rows: &[ProcInfo]) {
    let mut table = procs.lock();
    for p in rows {
        if table.get(p.pid).is_some() {
            continue;
        }
        let comm: Arc<str> = Arc::from(p.comm.as_str());
        table.insert(Proc {
            pid: p.pid,
            ppid: p.ppid,
            uid: p.uid,
            exe: comm.clone(),
            cmdline: comm.clone(),
            comm,
            loginuid: u32::MAX,
            ..Proc::default()
        });
    }
}
