//! The inspect view's state (tab, scroll, root browser, secret reveal) and how events and actions change it.

use std::sync::Arc;

use super::action::Action;
use super::preview::{InspectCounts, Preview};
use super::update::Effect;
use crate::inspect::Inspection;
use crate::inspect::rootfs::{DirEntry, FileKind, FileView};

/// Tabs of the inspect view, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tab {
    /// cmdline, exe, cwd, users, state, parents, container and pod.
    #[default]
    Overview,
    /// Open files and sockets.
    Fds,
    /// Environment (secrets masked).
    Environ,
    /// The process's root filesystem.
    Root,
    /// Mounts.
    Mounts,
    /// Seccomp, capabilities, NoNewPrivs, LSM, namespaces.
    Security,
}

impl Tab {
    /// All tabs in order.
    pub const ALL: [Tab; 6] = [
        Tab::Overview,
        Tab::Fds,
        Tab::Environ,
        Tab::Root,
        Tab::Mounts,
        Tab::Security,
    ];

    /// Tab title.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Fds => "Fds",
            Tab::Environ => "Environ",
            Tab::Root => "Root",
            Tab::Mounts => "Mounts",
            Tab::Security => "Security",
        }
    }
}

/// How a previewed file is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FileMode {
    /// Text (binary files start in strings).
    #[default]
    Text,
    /// `strings`.
    Strings,
    /// Hex dump.
    Hex,
}

/// The Root tab: a directory listing and, when a file is open, its preview.
#[derive(Clone, Debug, Default)]
pub struct RootView {
    /// Directory shown.
    pub path: String,
    /// Its entries (`None` while loading).
    pub entries: Option<Result<Arc<Vec<DirEntry>>, crate::app::event::EffectError>>,
    /// Selected entry.
    pub selected: usize,
    /// Open file, indexed (`None`: the listing is shown).
    pub file: Option<(String, Result<Arc<Preview>, crate::app::event::EffectError>)>,
    /// How the open file is shown.
    pub file_mode: FileMode,
}

/// The inspect view of one process.
#[derive(Clone, Debug, Default)]
pub struct InspectState {
    /// The process.
    pub pid: u32,
    /// Current tab.
    pub tab: Tab,
    /// The inspection (`None` while loading); set through [`InspectState::set_data`].
    pub data: Option<Result<Arc<Inspection>, crate::app::event::EffectError>>,
    /// Counts over `data`'s lists (derived: kept with it).
    pub counts: InspectCounts,
    /// First line shown in list-like tabs.
    pub scroll: usize,
    /// Masked environment values are shown (the user asked; noted in the session).
    pub reveal: bool,
    /// Root tab.
    pub root: RootView,
    /// The pod spec's view of this process (Security tab), when a spec is known.
    pub posture: Option<Arc<super::podview::InspectPosture>>,
    /// `data` is the flight recorder's snapshot (the process was gone when inspected live).
    pub from_snapshot: bool,
    /// Fds tab: the selected descriptor (row index; the list does not change once loaded).
    pub fd_selected: usize,
    /// Fds tab: the selected descriptor's preview is open.
    pub fd_open: bool,
    /// Fds tab: the previewed file, read through the process's root (`None` while loading or not a file).
    /// Fds tab: the previewed file, indexed, read through the process's root (`None` while loading or not a file).
    pub fd_file: Option<(String, Result<Arc<Preview>, crate::app::event::EffectError>)>,
}

impl InspectState {
    /// Names of the masked environment variables of the loaded inspection (never values).
    pub fn masked_names(&self) -> Vec<String> {
        let Some(Ok(ins)) = &self.data else {
            return Vec::new();
        };
        let env = ins.environ.iter().flatten();
        env.filter(|e| e.masked).map(|e| e.name.clone()).collect()
    }

    /// A view of `pid`, loading, with the effect that loads it.
    pub fn open(pid: u32) -> (Self, Effect) {
        let s = Self {
            pid,
            root: RootView {
                path: "/".into(),
                ..RootView::default()
            },
            ..Self::default()
        };
        (s, Effect::Inspect(pid))
    }

    /// Takes the inspection (live or a snapshot) and counts what the tabs summarize.
    pub fn set_data(&mut self, data: Result<Arc<Inspection>, crate::app::event::EffectError>) {
        self.counts = match &data {
            Ok(ins) => InspectCounts::of(ins),
            Err(_) => InspectCounts::default(),
        };
        self.data = Some(data);
    }

    /// Applies a browsing action; returns an effect when data must be fetched,
    /// and `false` as the second value when the view should close.
    pub fn on_action(&mut self, action: Action, page: usize) -> (Option<Effect>, bool) {
        let step = |d: isize| d;
        let delta = match action {
            Action::Up => step(-1),
            Action::Down => 1,
            Action::PageUp => -(page as isize),
            Action::PageDown => page as isize,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            _ => 0,
        };
        match action {
            Action::Back if self.tab == Tab::Fds && self.fd_open => {
                self.fd_open = false;
                self.fd_file = None;
                self.scroll = 0;
            }
            Action::Enter if self.tab == Tab::Fds && !self.fd_open => {
                return (self.open_fd(), true);
            }
            Action::FileView if self.tab == Tab::Fds => self.cycle_file_mode(),
            _ if delta != 0 && self.tab == Tab::Fds && !self.fd_open => {
                let n = self.fds_len();
                self.fd_selected = clamp_step(self.fd_selected, delta, n);
            }
            Action::Back => {
                if self.tab == Tab::Root {
                    if self.root.file.take().is_some() {
                        return (None, true);
                    }
                    if self.root.path != "/" {
                        let parent = parent_of(&self.root.path);
                        return (Some(self.list(parent)), true);
                    }
                }
                return (None, false);
            }
            Action::NextPane | Action::PrevPane => {
                let i = Tab::ALL.iter().position(|t| *t == self.tab).unwrap_or(0);
                let n = Tab::ALL.len();
                let j = if action == Action::NextPane {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.tab = Tab::ALL[j];
                self.scroll = 0;
                if self.tab == Tab::Root && self.root.entries.is_none() {
                    return (
                        Some(Effect::ListRoot(self.pid, self.root.path.clone())),
                        true,
                    );
                }
            }
            Action::Enter if self.tab == Tab::Root => return (self.open_selected(), true),
            Action::FileView if self.tab == Tab::Root => self.cycle_file_mode(),
            _ if delta != 0 => {
                if self.tab == Tab::Root && self.root.file.is_none() {
                    let n = self.root_len();
                    self.root.selected = clamp_step(self.root.selected, delta, n);
                } else {
                    self.scroll = (self.scroll as isize).saturating_add(delta).max(0) as usize;
                }
            }
            _ => {}
        }
        (None, true)
    }

    fn cycle_file_mode(&mut self) {
        self.root.file_mode = match self.root.file_mode {
            FileMode::Text => FileMode::Strings,
            FileMode::Strings => FileMode::Hex,
            FileMode::Hex => FileMode::Text,
        };
    }

    fn fds_len(&self) -> usize {
        match &self.data {
            Some(Ok(ins)) => ins.fds.as_ref().map_or(0, Vec::len),
            _ => 0,
        }
    }

    /// Opens the selected descriptor's preview: a file (or memfd path) is read through
    /// the process's root, as the Root tab reads it; sockets and the rest show their details.
    fn open_fd(&mut self) -> Option<Effect> {
        let Some(Ok(ins)) = &self.data else {
            return None;
        };
        let fd = ins.fds.as_ref()?.get(self.fd_selected)?;
        self.fd_open = true;
        self.fd_file = None;
        self.scroll = 0;
        if !matches!(fd.kind, crate::inspect::fds::FdKind::File) || !fd.target.starts_with('/') {
            return None;
        }
        let path = fd
            .target
            .strip_suffix(" (deleted)")
            .unwrap_or(&fd.target)
            .to_string();
        Some(Effect::ReadRoot(self.pid, path))
    }

    fn root_len(&self) -> usize {
        match &self.root.entries {
            Some(Ok(e)) => e.len(),
            _ => 0,
        }
    }

    fn list(&mut self, path: String) -> Effect {
        self.root.path = path.clone();
        self.root.entries = None;
        self.root.selected = 0;
        self.root.file = None;
        Effect::ListRoot(self.pid, path)
    }

    fn open_selected(&mut self) -> Option<Effect> {
        let Some(Ok(entries)) = &self.root.entries else {
            return None;
        };
        let e = entries.get(self.root.selected)?.clone();
        let path = join(&self.root.path, &e.name);
        if e.kind == FileKind::Dir {
            return Some(self.list(path));
        }
        // Files, and symlinks (followed inside the root by the runtime: a link
        // to a directory comes back as a listing of that path).
        Some(Effect::ReadRoot(self.pid, path))
    }

    /// Takes a listing: of the current directory, or of a symlinked directory that was opened.
    pub fn listed(
        &mut self,
        path: String,
        result: Result<Arc<Vec<DirEntry>>, crate::app::event::EffectError>,
    ) {
        self.root.path = path;
        self.root.entries = Some(result);
        self.root.selected = 0;
        self.root.file = None;
    }

    /// Takes a file preview (for the Fds tab's open preview, or the Root tab).
    pub fn file_read(
        &mut self,
        path: String,
        result: Result<Arc<FileView>, crate::app::event::EffectError>,
    ) {
        self.root.file_mode = match &result {
            Ok(v) if v.is_binary() => FileMode::Strings,
            _ => FileMode::Text,
        };
        let result = result.map(|f| Arc::new(Preview::new(f)));
        if self.tab == Tab::Fds && self.fd_open {
            self.fd_file = Some((path, result));
        } else {
            self.root.file = Some((path, result));
        }
        self.scroll = 0;
    }
}

fn clamp_step(cur: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    (cur as isize)
        .saturating_add(delta)
        .clamp(0, len as isize - 1) as usize
}

fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

fn parent_of(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(0) | None => "/".into(),
        Some(i) => trimmed[..i].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_and_go_up() {
        assert_eq!(join("/", "etc"), "/etc");
        assert_eq!(join("/etc", "passwd"), "/etc/passwd");
        assert_eq!(parent_of("/etc/ssl"), "/etc");
        assert_eq!(parent_of("/etc"), "/");
        assert_eq!(parent_of("/"), "/");
    }

    #[test]
    fn tabs_cycle_and_root_loads_on_first_visit() {
        let (mut s, eff) = InspectState::open(42);
        assert_eq!(eff, Effect::Inspect(42));
        let mut effects = Vec::new();
        for _ in 0..3 {
            let (e, open) = s.on_action(Action::NextPane, 10);
            assert!(open);
            effects.extend(e);
        }
        assert_eq!(s.tab, Tab::Root);
        assert_eq!(effects, vec![Effect::ListRoot(42, "/".into())]);
        let (e, open) = s.on_action(Action::Back, 10);
        assert!(e.is_none() && !open, "back at / closes the view");
    }
}
