//! Every user-visible UI string lives here, so wording is reviewed (and one day translated) in one place.
//! General and pane strings in this file; the inspect view, pods pane and alerts pane have a file each.

mod alerts;
mod audit;
mod drill;
mod inspect;
mod pods;

pub use alerts::*;
pub use audit::*;
pub use drill::*;
pub use inspect::*;
pub use pods::*;

// ---- Panes (src/ui/panes): titles, headers, hints ----

/// Stream pane title.
pub const STREAM_TITLE: &str = "stream";
/// Marker in the stream title while following new rows.
pub const STREAM_FOLLOW: &str = "[follow]";
/// Marker in the stream title while paused.
pub const STREAM_PAUSED: &str = "[paused]";
/// Stream title part for an active filter: `filter: pid:42 (1,234 of 50,000)`.
pub fn stream_filter(filter: &str, shown: &str, total: &str) -> String {
    format!("filter: {filter} ({shown} of {total})")
}
/// Stream pane with nothing buffered yet.
pub const STREAM_EMPTY: &str = "waiting for kernel events…";
/// Stream pane in degraded mode.
pub const STREAM_DEGRADED: &str = "no kernel events (degraded mode, see the banner)";
/// Stream pane when the filter matches nothing.
pub const STREAM_NO_MATCH: &str = "no buffered event matches the filter";
/// Stream column headers.
pub const COL_TIME: &str = "time";
pub const COL_PID: &str = "pid";
pub const COL_PPID: &str = "ppid";
pub const COL_UID: &str = "uid";
pub const COL_COMM: &str = "comm";
pub const COL_SYSCALL: &str = "syscall";
pub const COL_RET: &str = "ret";
pub const COL_CONTAINER: &str = "container";
pub const COL_ARGS: &str = "args";
/// Summary column headers (as `strace -c`).
pub const COL_PCT_TIME: &str = "% time";
pub const COL_SECONDS: &str = "seconds";
pub const COL_USECS_CALL: &str = "usecs/call";
pub const COL_CALLS: &str = "calls";
/// Processes pane: pod (namespace/name).
pub const COL_POD: &str = "pod";
pub const COL_ERRORS: &str = "errors";
/// The summary's total line.
pub const SUMMARY_TOTAL: &str = "total";
/// Summary time cells while syscall timing is off (the total row).
pub const SUMMARY_TIME_OFF: &str = "off";
/// Summary title for every process.
pub const SUMMARY_ALL: &str = "summary — all processes";
/// Summary title for one process (`comm` already sanitized, may be empty).
pub fn summary_pid(pid: u32, comm: Option<&str>) -> String {
    match comm {
        Some(c) => format!("summary — pid {pid} ({c})"),
        None => format!("summary — pid {pid}"),
    }
}
/// Summary title for a container (name, pod, id: sanitized).
pub fn summary_container(name: &str, pod: Option<&str>) -> String {
    match pod {
        Some(p) => format!("summary — container {name} ({p})"),
        None => format!("summary — container {name}"),
    }
}
/// Summary title for a pod.
pub fn summary_pod(ns: &str, name: &str) -> String {
    format!("summary — pod {ns}/{name}")
}
/// What the summary title adds when the counting start is known (`HH:MM:SS`).
pub fn summary_since(title: &str, since: &str) -> String {
    format!("{title} since {since}")
}
/// Summary pane with no counts yet.
pub const SUMMARY_EMPTY: &str = "no syscalls counted yet";
/// Processes pane title: `processes (123) list · sort pid`.
pub fn processes_title(count: &str, tree: bool, sort: &str) -> String {
    let view = if tree { "tree" } else { "list" };
    format!("processes ({count}) {view} · sort {sort}")
}
/// Processes pane before the first /proc scan.
pub const PROCESSES_EMPTY: &str = "no processes yet";
/// Degraded banner, first line.
pub fn banner_reason(reason: &str) -> String {
    format!("no kernel events: {reason}")
}
/// Degraded banner, how to fix it.
pub fn banner_fix(fix: &str) -> String {
    format!("fix: {fix}")
}
/// Degraded banner, what still works.
pub const BANNER_PROC: &str = "(processes still come from /proc)";
/// Banner: the Kubernetes API does not answer.
pub fn kube_unreachable(url: &str, message: &str) -> String {
    format!("Kubernetes API {url} unreachable: {message} — pods keep their last known specs")
}
/// Pods pane, no specs: why (no API configuration).
pub fn pods_unconfigured(why: &str) -> String {
    format!("no pod specs: {why}; or start with --pod-manifest FILE")
}
/// Pods pane: listing this node's pods.
pub fn pods_connecting(url: &str, node: &str) -> String {
    format!("listing the pods of node {node} from {url}…")
}
/// Pods pane: the API answered with no pod on this node.
pub fn pods_none_on_node(node: &str) -> String {
    format!("no pods on node {node}")
}
/// Status bar: events per second.
pub fn status_rate(rate: &str) -> String {
    format!("{rate} ev/s")
}
/// Status bar: kernel and buffer drops.
pub fn status_drops(kernel: &str, buffer: &str) -> String {
    format!("drop k:{kernel} b:{buffer}")
}
/// Status bar: buffer fill.
pub fn status_buffer(len: &str, cap: &str, pct: u64) -> String {
    format!("buf {len}/{cap} {pct}%")
}
/// Collector states in the status bar.
/// Status bar: syscall timing on / off.
pub const STATUS_TIMING_ON: &str = "timing on";
/// Status bar: syscall timing off.
pub const STATUS_TIMING_OFF: &str = "timing off";
pub const STATE_RUNNING: &str = "running";
pub const STATE_DEGRADED: &str = "degraded";
pub const STATE_STARTING: &str = "starting";
pub const STATE_STOPPED: &str = "stopped";
/// Status bar hint: `? help`.
pub fn status_help(key: &str) -> String {
    format!("{key} help")
}
/// Input line hint.
pub const INPUT_HINT: &str = "enter apply · esc cancel";
/// Filter syntax, shown in the filter input and the help overlay.
pub const FILTER_SYNTAX: &str = "pid:N comm:NAME syscall:NAME container:ID words";
/// Help overlay title.
pub const HELP_TITLE: &str = "help";
/// Help overlay: label of the filter syntax line.
pub const HELP_FILTER: &str = "filter";
/// Help overlay: label of the command list.
pub const HELP_COMMANDS: &str = "commands";
/// The `:` commands, one per help line: (command, what it does).
pub const HELP_COMMANDS_LIST: [(&str, &str); 11] = [
    (":q", "quit"),
    (":filter EXPR", "filter, as / does"),
    (":summary PID", "summary of one process"),
    (
        ":summary container:ID",
        "summary of a container (id prefix)",
    ),
    (
        ":summary pod:NS/NAME",
        "summary of a pod; :summary all: every process",
    ),
    (":follow", "follow the newest events"),
    (":stream  :ps", "focus the stream / processes pane"),
    (":pods  :alerts", "focus the pods / alerts pane"),
    (":help", "this help"),
    (":answer TEXT", "drill mode: the answer to grade"),
    (
        ":grade  :hint",
        "drill mode: grade it against the lab / next hint",
    ),
];
/// Help overlay: what `/` filters in the pods and summary panes (the stream).
pub const HELP_FILTER_STREAM_NOTE: &str = "(/ filters the stream)";
/// Help overlay title with the lines shown: `help 1-20 of 34 · ↑↓ scroll`.
pub fn help_title(first: usize, last: usize, total: usize) -> String {
    if first == 1 && last == total {
        HELP_TITLE.to_string()
    } else {
        format!("{HELP_TITLE} {first}-{last} of {total} · ↑↓ scroll")
    }
}
/// Keys column for an action bound to no key.
pub const HELP_UNBOUND: &str = "(unbound)";

// ---- Finder ----

/// Finder overlay title.
pub const FINDER_TITLE: &str = "find pid, comm, container, pod, image";
/// A replay key or `:seek` outside a replay.
pub const REPLAY_ONLY: &str = "only while replaying a recording (ktriage replay FILE)";
/// Replay bar: playing.
pub const REPLAY_PLAYING: &str = "▶";
/// Replay bar: paused.
pub const REPLAY_PAUSED: &str = "⏸";
/// Replay bar: played to the end.
pub const REPLAY_ENDED: &str = "■";
/// Replay bar: the file is damaged past this point (the banner says where).
pub const REPLAY_DAMAGED: &str = "[damaged]";
/// The viewer asked for something live during a replay.
pub const REPLAY_NOT_RECORDED: &str = "not in the recording (a replay reads nothing live)";
/// No mark of that kind that way.
pub const REPLAY_NO_MARK: &str = "no such mark that way on the timeline";

/// `:seek` with an argument that is not a time.
pub fn replay_bad_seek(arg: &str) -> String {
    format!(
        "seek: `{}`: expected HH:MM:SS, +SECONDS or -SECONDS",
        crate::sanitize::sanitize(arg)
    )
}

/// Status-bar confirmation of `:note TEXT`.
pub fn note_kept(text: &str) -> String {
    format!("note kept: {}", crate::sanitize::sanitize(text))
}

/// Shown when nothing matches.
pub const FINDER_EMPTY: &str = "no match";
