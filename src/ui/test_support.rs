//! Test fixtures for the UI: a deterministic `AppState` built through `update`, and a text + style dump of a rendered screen.

pub mod alerts;
mod dump;

pub use dump::{draw, dump, has_control, styles, text};

use std::ffi::OsString;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::event::Setup;
use crate::app::event::{
    AggRow, Captured, CgroupInfo, CollectorState, CollectorStats, EventKind, KernelBatch, ProcInfo,
    SysEvent,
};
use crate::app::inspect_view::{InspectState, Tab};
use crate::app::{AppState, Effect, Event, update};
use crate::collector::clock::WallClock;
use crate::identity::{ContainerInfo, Identity, PodInfo};
use crate::inspect::rootfs::{DirEntry, FileKind, FileView, mode_string};
use crate::inspect::{Inspection, Inspector};
use crate::ui::keymap::Keymap;
use crate::ui::theme::Theme;

/// Boot-clock time of the first fixture event.
pub const T0: u64 = 5_000_000_000;
/// The cgroup of the fixture's container.
pub const CONTAINER_CGROUP: u64 = 7001;
/// The fixture's container id (64 hex digits).
pub const CONTAINER_ID: &str = "3f2a9c1b7d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4";
/// A comm that would clear the screen and ring the bell if drawn raw.
pub const EVIL_COMM: &[u8] = b"evil\x1b[2J\x07";
/// `-100` as the probe passes it.
const AT_FDCWD: u64 = -100i64 as u64;
const NR_NONE: u32 = ktriage_common::NR_NONE;

/// A clock that shows the fixture's first event at 22:13:25.000 UTC.
pub fn clock() -> WallClock {
    WallClock::with_offset(1_700_000_000_000_000_000)
}

/// A built-in theme (panics on a name that is not built in: tests only).
pub fn theme(name: &str) -> Theme {
    Theme::builtin(name).expect("built-in theme")
}

fn comm(name: &[u8]) -> [u8; 16] {
    let mut c = [0u8; 16];
    let n = name.len().min(15);
    c[..n].copy_from_slice(&name[..n]);
    c
}

fn buf(bytes: &[u8]) -> Captured {
    Captured {
        bytes: bytes.to_vec(),
        truncated: false,
    }
}

/// A syscall record with no buffers; fill in what the case needs.
pub fn sys(ms: u64, pid: u32, name: &[u8], nr: u32, ret: i64) -> SysEvent {
    SysEvent {
        ts_ns: T0 + ms * 1_000_000 + 123_000,
        cgroup_id: 1,
        duration_ns: 2_000,
        ret,
        args: [0; 6],
        kind: EventKind::Syscall,
        nr,
        pid,
        tid: pid,
        ppid: 4242,
        uid: 0,
        comm: comm(name),
        bufs: [Captured::default(), Captured::default()],
    }
}

fn sockaddr_in(ip: [u8; 4], port: u16) -> Vec<u8> {
    let mut b = 2u16.to_ne_bytes().to_vec();
    b.extend_from_slice(&port.to_be_bytes());
    b.extend_from_slice(&ip);
    b.extend_from_slice(&[0; 8]);
    b
}

/// The fixture's kernel records: fork, exec with argv, connects, a denied
/// open of /etc/shadow, the evil comm, an exit, some in a container.
pub fn events() -> Vec<SysEvent> {
    let mut v = Vec::new();
    let mut fork = sys(0, 4242, b"bash", NR_NONE, 0);
    fork.kind = EventKind::Fork;
    fork.args[..2].copy_from_slice(&[4300, 4300]);
    fork.ppid = 1;
    v.push(fork);
    let mut exec = sys(1, 4300, b"curl", 59, 0);
    exec.kind = EventKind::Exec;
    exec.bufs = [
        buf(b"/usr/bin/curl\0"),
        buf(b"curl\0-s\0http://10.0.0.5/x.sh\0"),
    ];
    v.push(exec);
    let mut connect = sys(3, 4300, b"curl", 42, 0);
    connect.args[0] = 3;
    connect.bufs[0] = buf(&sockaddr_in([127, 0, 0, 1], 8080));
    v.push(connect);
    let mut open = sys(7, 4301, b"cat", 257, -13);
    open.args[0] = AT_FDCWD;
    open.bufs[0] = buf(b"/etc/shadow\0");
    v.push(open);
    let mut evil = sys(12, 4302, EVIL_COMM, 257, 3);
    evil.args[0] = AT_FDCWD;
    evil.bufs[0] = buf(b"/tmp/.x\x1b]0;pwned\x07\0");
    v.push(evil);
    let mut refused = sys(20, 4300, b"curl", 42, -111);
    refused.args[0] = 4;
    refused.bufs[0] = buf(&sockaddr_in([10, 0, 0, 5], 4444));
    v.push(refused);
    let mut unlink = sys(25, 4300, b"curl", 87, -2);
    unlink.bufs[0] = buf(b"/tmp/x.sh\0");
    v.push(unlink);
    let mut setuid = sys(31, 4302, EVIL_COMM, 105, -1);
    setuid.uid = 1000;
    v.push(setuid);
    let mut exit = sys(40, 4301, b"cat", NR_NONE, 1 << 8);
    exit.kind = EventKind::Exit;
    exit.args[0] = 1;
    v.push(exit);
    for e in v.iter_mut().filter(|e| matches!(e.pid, 4300 | 4301)) {
        e.cgroup_id = CONTAINER_CGROUP;
    }
    v
}

/// The fixture's aggregation rows (several processes, some errors).
pub fn agg() -> Vec<AggRow> {
    let row = |tgid, nr, calls, errors, time_ns| AggRow {
        tgid,
        nr,
        calls,
        errors,
        time_ns,
    };
    vec![
        row(4300, 0, 120, 0, 2_400_000),
        row(4300, 1, 40, 0, 900_000),
        row(4300, 42, 2, 1, 150_000),
        row(4300, 59, 1, 0, 450_000),
        row(4301, 257, 30, 3, 600_000),
        row(4301, 3, 35, 0, 70_000),
        row(4302, 9, 12, 0, 96_000),
        row(4302, 5, 20, 0, 40_000),
        row(4302, 105, 1, 1, 3_000),
        row(4242, 0, 60, 0, 1_200_000),
    ]
}

/// The fixture's /proc snapshot.
pub fn processes() -> Vec<ProcInfo> {
    let p = |pid, ppid, uid, comm: &str, ctr: Option<&str>| ProcInfo {
        pid,
        ppid,
        uid,
        comm: comm.to_string(),
        container_id: ctr.map(str::to_string),
        container_name: ctr.map(|_| "web".to_string()),
        image: ctr.map(|_| "registry.local/web:1.0".to_string()),
        pod_name: ctr.map(|_| "web-0".to_string()),
        pod_namespace: ctr.map(|_| "team-a".to_string()),
        pod_uid: ctr.map(|_| "6f1c2d3e-1111-2222-3333-444455556666".to_string()),
        entered_from_host: false,
        ..ProcInfo::default()
    };
    vec![
        p(1, 0, 0, "systemd", None),
        p(812, 1, 0, "containerd", None),
        p(990, 1, 0, "kubelet", None),
        p(4242, 1, 1000, "bash", None),
        p(4300, 4242, 0, "curl", Some(CONTAINER_ID)),
        p(4301, 4242, 0, "cat", Some(CONTAINER_ID)),
        p(4302, 1, 1000, &String::from_utf8_lossy(EVIL_COMM), None),
    ]
}

thread_local! {
    /// The keymap `send_key` and `press` map keys through (the default one unless a test sets another).
    static KEYMAP: std::cell::RefCell<Keymap> = std::cell::RefCell::new(Keymap::default());
}

/// Keys of this test thread go through `keymap` from now on.
pub fn use_keymap(keymap: Keymap) {
    KEYMAP.with(|k| *k.borrow_mut() = keymap);
}

/// A key as the terminal edge maps it (through the test's keymap), applied to `state`.
pub fn send_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let input =
        KEYMAP.with(|k| crate::ui::input::translate(state.input_target(), &k.borrow(), &key));
    match input {
        Some(i) => update(state, Event::Input(i)),
        None => Vec::new(),
    }
}

/// A fresh state with the default keymap's keys given to the core.
pub fn empty_state() -> AppState {
    let mut s = AppState::with_default_cap();
    update(
        &mut s,
        Event::Setup(Setup::KeyHelp(Keymap::default().key_help())),
    );
    s
}

/// The full fixture: events, summary, processes, stats, a rate, collector running.
pub fn state() -> AppState {
    let mut s = empty_state();
    update(&mut s, Event::Tick(0));
    update(&mut s, Event::Collector(CollectorState::Running));
    let container = CgroupInfo {
        id: CONTAINER_CGROUP,
        path: Some(format!(
            "/kubepods.slice/cri-containerd-{CONTAINER_ID}.scope"
        )),
        container_id: Some(CONTAINER_ID.to_string()),
    };
    let host = CgroupInfo {
        id: 1,
        path: Some("/".into()),
        container_id: None,
    };
    let batch = KernelBatch {
        cgroups: vec![host, container],
        events: events(),
    };
    update(&mut s, Event::Kernel(batch));
    // syscall time on, as after the operator's toggle: the summary shows its time columns
    let timing = crate::app::input::Input::Action(crate::app::Action::ToggleTiming);
    update(&mut s, Event::Input(timing));
    update(&mut s, Event::Summary(agg()));
    update(&mut s, Event::Processes(processes()));
    let stats = CollectorStats {
        attempted: 12,
        kernel_dropped: 3,
        received: 9,
        ..Default::default()
    };
    update(&mut s, Event::Stats(stats));
    update(&mut s, Event::Tick(1_000_000_000));
    s
}

/// Presses the keys of `text` (plain characters, `\n` = enter, `\t` = tab).
pub fn press(state: &mut AppState, text: &str) {
    for c in text.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\t' => KeyCode::Tab,
            c => KeyCode::Char(c),
        };
        send_key(state, KeyEvent::new(code, KeyModifiers::NONE));
    }
}

// ---- Inspect view ----

/// The fixture process the inspect view shows (an nginx container in `tests/fixtures/proc`).
pub const INSPECT_PID: u32 = 4242;
/// A fixture pid whose comm, argv and environ hold terminal escapes.
pub const HOSTILE_PID: u32 = 6666;
/// A fixture zombie.
pub const ZOMBIE_PID: u32 = 7777;

/// The identity the inspector is given for the fixture processes.
pub fn nginx_identity() -> Identity {
    Identity {
        container: Some(ContainerInfo {
            id: "3b1d6a8f0c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d".into(),
            runtime: Some("containerd".into()),
            name: Some("nginx".into()),
            image: Some("docker.io/library/nginx:1.25".into()),
            labels: [
                ("io.kubernetes.pod.name".to_string(), "web".to_string()),
                ("tier".to_string(), "front".to_string()),
            ]
            .into(),
        }),
        pod: Some(PodInfo {
            name: Some("web-7c5b9f6d4-x2x9k".into()),
            namespace: Some("shop".into()),
            uid: Some("5f8e7a2b-1c3d-4e5f-8a9b-0c1d2e3f4a5b".into()),
            qos: Some("burstable".into()),
            labels: [("app".to_string(), "web".to_string())].into(),
        }),
        entered_from_host: false,
    }
}

/// The real inspector run over the fixture proc tree.
pub fn inspection(pid: u32) -> Inspection {
    Inspector::new(crate::inspect::fixture_root())
        .inspect(pid, &nginx_identity())
        .expect("fixture pid inspects")
}

fn dir_entry(name: &str, st_mode: u32, size: u64, owner: u32) -> DirEntry {
    DirEntry {
        name: name.to_string(),
        os_name: OsString::from(name),
        kind: FileKind::from_mode(st_mode),
        size,
        mode: mode_string(st_mode),
        st_mode,
        uid: owner,
        gid: owner,
        mtime: 1_700_000_000,
        link_target: None,
        link_resolved: None,
    }
}

fn link_entry(name: &str, target: &str, resolved: Option<&str>) -> DirEntry {
    DirEntry {
        link_target: Some(target.into()),
        link_resolved: resolved.map(str::to_string),
        ..dir_entry(name, libc::S_IFLNK | 0o777, target.len() as u64, 0)
    }
}

/// A root listing as the browser returns it (directories first): dirs, a
/// setuid binary, a hostile name, a symlink to `/etc/shadow` resolved inside
/// the root, and a dangling link.
pub fn root_entries() -> Vec<DirEntry> {
    vec![
        dir_entry("bin", libc::S_IFDIR | 0o755, 4096, 0),
        dir_entry("etc", libc::S_IFDIR | 0o755, 4096, 0),
        dir_entry("tmp", libc::S_IFDIR | 0o1777, 4096, 0),
        dir_entry("app.conf", libc::S_IFREG | 0o644, 1234, 101),
        dir_entry("evil\x1b]0;pwned\x07", libc::S_IFREG | 0o644, 7, 0),
        link_entry("shadow-link", "/etc/shadow", Some("/etc/shadow")),
        link_entry("dangling", "/nowhere", None),
        dir_entry("suid-helper", libc::S_IFREG | 0o4755, 18_432, 0),
    ]
}

/// A text file (opened through `shadow-link`), with tabs and an escape in it.
pub fn text_file() -> FileView {
    let data = b"root:*:19700:0:99999:7:::\nnginx:!:19700::::::\n\tindented\twith tabs\n\x1b[2Jclear-screen attempt\n".to_vec();
    FileView {
        path: "/shadow-link".into(),
        resolved: "/etc/shadow".into(),
        size: data.len() as u64,
        data,
        truncated: false,
    }
}

/// The first bytes of a larger binary (truncated preview).
pub fn binary_file() -> FileView {
    let mut data = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00".to_vec();
    data.extend_from_slice(b"\x00\x00/lib64/ld-linux-x86-64.so.2\x00\x01\x02");
    data.extend_from_slice(b"GLIBC_2.34\x00setuid\x00execve\x00\xff\xfe\x00");
    data.extend_from_slice(b"/bin/sh -c %s\x00\x00\x00\x00\x10\x20\x30helper v1.2\x00");
    FileView {
        path: "/suid-helper".into(),
        resolved: "/suid-helper".into(),
        data,
        size: 18_432,
        truncated: true,
    }
}

/// The fixture state with the inspect view of `pid` open on `tab`, and the
/// inspection `result` delivered (`None`: still loading). Tabs are reached by
/// pressing tab, as a user would; the Root tab gets [`root_entries`].
pub fn inspect_state(pid: u32, tab: Tab, result: Option<Result<Inspection, String>>) -> AppState {
    let mut s = state();
    let (view, _) = InspectState::open(pid);
    s.inspect = Some(view);
    if let Some(r) = result {
        let result = r.map(Arc::new).map_err(Into::into);
        update(&mut s, Event::Inspected { pid, result });
    }
    let steps = Tab::ALL.iter().position(|t| *t == tab).unwrap_or(0);
    press(&mut s, &"\t".repeat(steps));
    if tab == Tab::Root {
        update(
            &mut s,
            Event::RootListed {
                pid,
                path: "/".into(),
                result: Ok(Arc::new(root_entries())),
            },
        );
    }
    s
}

/// The Root tab with the entry `name` opened and its preview `file` delivered.
pub fn root_file_state(name: &str, file: FileView) -> AppState {
    let mut s = inspect_state(INSPECT_PID, Tab::Root, Some(Ok(inspection(INSPECT_PID))));
    let at = root_entries()
        .iter()
        .position(|e| e.name == name)
        .expect("fixture entry");
    press(&mut s, &"j".repeat(at));
    press(&mut s, "\n");
    update(
        &mut s,
        Event::RootFile {
            pid: INSPECT_PID,
            path: format!("/{name}"),
            result: Ok(Arc::new(file)),
        },
    );
    s
}
