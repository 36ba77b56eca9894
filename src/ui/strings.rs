//! Every user-visible UI string lives here, so wording is reviewed (and one day translated) in one place.

use crate::app::Action;

/// One-line description of an action, as shown in the help overlay.
pub fn action_description(action: Action) -> &'static str {
    match action {
        Action::Quit => "Quit ktriage",
        Action::Back => "Close overlay / go back",
        Action::OpenFilter => "Filter rows",
        Action::OpenCommand => "Command line",
        Action::ToggleHelp => "Toggle this help",
        Action::Enter => "Drill into the selected row",
        Action::Up => "Move up",
        Action::Down => "Move down",
        Action::PageUp => "Page up",
        Action::PageDown => "Page down",
        Action::Top => "Jump to the oldest row",
        Action::Bottom => "Jump to the newest row and follow",
        Action::ToggleFollow => "Follow new rows / pause",
        Action::NextPane => "Focus the next pane",
        Action::PrevPane => "Focus the previous pane",
        Action::ToggleSummaryScope => "Summary: selected process, container or pod / all",
        Action::ClearFilter => "Clear the filter",
        Action::OpenFinder => "Find a pid, comm, container, pod or image",
        Action::ToggleTree => "Processes: list / tree",
        Action::CycleSort => "Processes: next sort column",
        Action::RevealSecrets => "Inspect: show / hide masked secrets",
        Action::FileView => "Inspect root: text / strings / hex",
        Action::Pivot => "Alert → its process, events at that time, its pod",
        Action::FocusAlerts => "Focus the alerts pane",
    }
}

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
pub const HELP_COMMANDS_LIST: [(&str, &str); 9] = [
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
/// Shown when nothing matches.
pub const FINDER_EMPTY: &str = "no match";

// ---- Inspect view (src/ui/panes/inspect) ----

/// Inspect view title.
pub const INSPECT_TITLE: &str = "inspect";
/// Title part while masked environment values are shown.
pub const INSPECT_REVEALED: &str = "secrets revealed";
/// While the inspection runs.
pub fn inspect_loading(pid: u32) -> String {
    format!("inspecting pid {pid}…")
}
/// Tab bar hint: `tab/backtab switch`.
pub fn inspect_tabs_hint(next: &str, prev: &str) -> String {
    format!("{next}/{prev} switch")
}
/// Tab bar: which rows of a long tab are shown.
pub fn inspect_rows(first: &str, last: &str, len: &str) -> String {
    format!("{first}–{last}/{len}")
}
/// Header: the pid.
pub fn inspect_pid(pid: u32) -> String {
    format!("pid {pid}")
}
/// Header: label of the container part.
pub const INSPECT_CONTAINER: &str = "container";
/// Header: label of the pod part.
pub const INSPECT_POD: &str = "pod";
/// Header and overview: a process outside any container.
pub const INSPECT_HOST: &str = "host process (no container)";
/// Inspect header while nothing is known of the process yet (not read, not in the table).
pub const INSPECT_IDENTITY_UNKNOWN: &str = "container not known yet";
/// A section the kernel would not give (`environ: permission denied`).
pub fn inspect_section_error(section: &str, message: &str) -> String {
    format!("{section}: {message}")
}
/// A section not read because the process is a zombie.
pub const INSPECT_NOT_READ_EXITED: &str = "not read: the process has exited";
/// A section with nothing to show.
pub const INSPECT_NOT_AVAILABLE: &str = "not available";
/// Overview labels.
pub const OV_CMDLINE: &str = "cmdline";
pub const OV_EXE: &str = "exe";
pub const OV_CWD: &str = "cwd";
pub const OV_IDS: &str = "uid/gid";
pub const OV_STATE: &str = "state";
pub const OV_CONTAINER: &str = "container";
pub const OV_ID: &str = "  id";
pub const OV_IMAGE: &str = "  image";
pub const OV_POD: &str = "pod";
pub const OV_POD_UID: &str = "  uid";
pub const OV_LABELS: &str = "  labels";
pub const OV_PARENTS: &str = "parents";
pub const OV_ERRORS: &str = "errors";
/// Overview: empty argv and no exe.
pub const OV_KERNEL_THREAD: &str = "(none: kernel thread)";
/// Overview: a value nobody filled in.
pub const OV_UNKNOWN: &str = "unknown";
/// Overview: the exe was unlinked after exec.
pub const OV_EXE_DELETED: &str = "deleted since exec";
/// Overview: another file now sits at the exe's path.
pub const OV_EXE_REPLACED: &str = "replaced on disk since exec";
/// Overview: `101 (nginx)`.
pub fn ov_named_id(id: u32, name: &str) -> String {
    format!("{id} ({name})")
}
/// Overview: the real uid when it differs from the effective one.
pub fn ov_real_id(id: u32) -> String {
    format!("real {id}")
}
/// Overview: thread count after the state.
pub fn ov_threads(n: u32) -> String {
    if n == 1 {
        "1 thread".into()
    } else {
        format!("{n} threads")
    }
}
/// Overview: container runtime and QoS class in parentheses.
pub fn ov_paren(s: &str) -> String {
    format!("({s})")
}
/// Overview: QoS class of the pod.
pub fn ov_qos(qos: &str) -> String {
    format!("qos {qos}")
}
/// Overview: marks the init of a pid namespace (a container's pid 1).
pub const OV_NS_INIT: &str = "container init · pid namespace boundary";
/// Parent-chain mark of a process the runtime started in the container (`runc exec`, ExecSync).
pub const OV_NS_RUNTIME_EXEC: &str = "runtime exec · pid namespace boundary";
/// Parent-chain mark of a process entered into the namespace from the host (nsenter, setns).
pub const OV_NS_ENTERED: &str = "entered from the host · pid namespace boundary";
/// Overview label of the attribution line.
pub const OV_ENTERED: &str = "entered";
/// Overview: the process is in a host cgroup but in the container's namespaces.
pub const OV_ENTERED_TEXT: &str =
    "from the host (nsenter/setns): host cgroup, container's namespaces";
/// Overview: the view shows the flight recorder's record of an exited process.
pub const OV_FROM_ALERT: &str = "exited · shown as the rule engine recorded it at the alert";
/// Finder: after the comm of a process entered from the host.
pub const FINDER_ENTERED: &str = "(entered from host)";
/// Process-pane mark before the comm of a process entered from the host (nsenter, setns).
pub const PROC_ENTERED_MARK: &str = "⇲";
/// Overview: a zombie.
pub const OV_EXITED: &str = "process exited (zombie): only its status and parents were read";
/// Fds: column headers.
pub const FD_COL_FD: &str = "fd";
pub const FD_COL_TYPE: &str = "type";
pub const FD_COL_TARGET: &str = "target";
pub const FD_COL_FLAGS: &str = "flags";
pub const FD_COL_POS: &str = "pos";
/// Fds: summary line.
pub fn fds_summary(total: &str, sockets: &str) -> String {
    format!("{total} open descriptors · {sockets} sockets")
}
/// Fds: none open.
pub const FDS_EMPTY: &str = "no open descriptors";
/// Fds tab: the preview's title line, `fd 3 → /etc/shadow`.
pub fn fd_preview_title(fd: u32, target: &str) -> String {
    format!("fd {fd} → {target}")
}
/// Fds tab: a descriptor with nothing more to show than its row.
pub fn fd_no_preview(kind: &str) -> String {
    format!("no preview for a {kind} descriptor")
}
/// Fds tab: socket detail labels.
pub const FD_SOCK_PROTO: &str = "proto";
pub const FD_SOCK_TYPE: &str = "type";
pub const FD_SOCK_PATH: &str = "path";
pub const FD_SOCK_LOCAL: &str = "local";
pub const FD_SOCK_REMOTE: &str = "remote";
pub const FD_SOCK_STATE: &str = "state";
pub const FD_SOCK_INODE: &str = "inode";
/// Fds tab: a socket not found in the process's network tables.
pub const FD_SOCK_UNKNOWN: &str =
    "not in the process's network tables (another namespace, or gone)";
/// Fds tab: the preview is loading.
pub const FD_PREVIEW_LOADING: &str = "reading through the process's root…";
/// Fds tab hint: enter previews, esc goes back.
pub fn fds_hint(enter: &str, back: &str) -> String {
    format!("{enter} preview · {back} back")
}
/// Environ: summary line.
pub fn env_summary(total: &str, masked: &str) -> String {
    format!("{total} variables · {masked} masked")
}
/// Environ: after a masked value.
pub fn env_masked(key: &str) -> String {
    format!("(masked: {key} to reveal)")
}
/// Environ: summary hint while revealed.
pub fn env_hide(key: &str) -> String {
    format!("{key} to mask again")
}
/// Environ: nothing set.
pub const ENV_EMPTY: &str = "empty environment";
/// Root: label of the current path.
pub const ROOT_PATH: &str = "root:";
/// Root: column headers.
pub const ROOT_COL_MODE: &str = "mode";
pub const ROOT_COL_UID: &str = "uid";
pub const ROOT_COL_GID: &str = "gid";
pub const ROOT_COL_SIZE: &str = "size";
pub const ROOT_COL_NAME: &str = "name";
/// Root: while a directory is listed.
pub fn root_listing(path: &str) -> String {
    format!("listing {path}…")
}
/// Root: an empty directory.
pub const ROOT_EMPTY: &str = "empty directory";
/// Root: a symlink's target and where it resolves inside the root.
pub fn root_link(target: &str, resolved: Option<&str>) -> String {
    match resolved {
        Some(r) => format!("-> {target} (in root: {r})"),
        None => format!("-> {target} (dangling)"),
    }
}
/// Root: key hints.
pub fn root_hint(enter: &str, back: &str, view: &str) -> String {
    format!("{enter} open · {back} up/close · {view} text/strings/hex")
}
/// Root: what an open file is (`→ /etc/shadow · 1,234 bytes · text`).
pub fn root_file_info(resolved: &str, size: &str, mode: &str) -> String {
    format!("→ {resolved} · {size} bytes · {mode}")
}
/// Root: the preview is cut.
pub fn root_truncated(shown: &str, size: &str) -> String {
    format!("truncated: showing the first {shown} of {size} bytes")
}
/// Root: preview modes.
pub const ROOT_MODE_TEXT: &str = "text";
pub const ROOT_MODE_STRINGS: &str = "strings";
pub const ROOT_MODE_HEX: &str = "hex";
/// Root: an empty file or no strings.
pub const ROOT_FILE_EMPTY: &str = "(nothing to show)";
/// Mounts: the root filesystem verdict.
pub const MOUNTS_ROOT_RO: &str = "root filesystem: read-only";
pub const MOUNTS_ROOT_RW: &str = "root filesystem: writable";
pub const MOUNTS_ROOT_UNKNOWN: &str = "root filesystem: unknown";
/// Mounts: counts after the verdict.
pub fn mounts_summary(total: &str, flagged: &str) -> String {
    format!("{total} mounts · {flagged} flagged")
}
/// Mounts: column headers.
pub const MNT_COL_POINT: &str = "mount point";
pub const MNT_COL_TYPE: &str = "type";
pub const MNT_COL_SOURCE: &str = "source";
pub const MNT_COL_RW: &str = "ro/rw";
pub const MNT_COL_FLAGS: &str = "flags";
/// Mounts: read-only / read-write cell.
pub const MNT_RO: &str = "ro";
pub const MNT_RW: &str = "rw";
/// Mounts: a bind of host data (`host bind /srv/data`).
pub fn mnt_host_bind(host_path: &str) -> String {
    format!("host bind {host_path}")
}
/// Security labels.
pub const SEC_SECCOMP: &str = "seccomp";
pub const SEC_NNP: &str = "no_new_privs";
pub const SEC_CAPS: &str = "capabilities";
pub const SEC_BEYOND: &str = "  beyond default";
pub const SEC_EFFECTIVE: &str = "  effective";
pub const SEC_PERMITTED: &str = "  permitted";
pub const SEC_BOUNDING: &str = "  bounding";
pub const SEC_AMBIENT: &str = "  ambient";
pub const SEC_LSM: &str = "lsm";
pub const SEC_NAMESPACES: &str = "namespaces";
pub const SEC_UID_MAP: &str = "uid_map";
pub const SEC_GID_MAP: &str = "gid_map";
/// Security: seccomp modes in words.
pub const SEC_SECCOMP_DISABLED: &str = "disabled: every syscall allowed";
pub const SEC_SECCOMP_STRICT: &str = "strict: read, write, exit and sigreturn only";
pub fn sec_seccomp_filter(filters: u32) -> String {
    if filters == 1 {
        "filter: 1 BPF filter".into()
    } else {
        format!("filter: {filters} BPF filters")
    }
}
pub fn sec_seccomp_unknown(mode: u8) -> String {
    format!("unknown mode {mode}")
}
/// Security: yes / no.
pub const SEC_YES: &str = "yes";
pub const SEC_NO: &str = "no";
/// Security: an empty set or map.
pub const SEC_NONE: &str = "none";
/// Security: the caps header, for what the runtime grants by default.
pub const SEC_CAPS_NOTE: &str = "highlighted: beyond the container runtime default";
/// Security: permitted equal to effective.
pub const SEC_SAME_AS_EFFECTIVE: &str = "same as effective";
/// Security: LSM `kind: label`.
pub fn sec_lsm(kind: &str, label: &str) -> String {
    format!("{kind}: {label}")
}
/// Security: no LSM label.
pub const SEC_LSM_NONE: &str = "none (no LSM label)";
/// Security: a namespace shared with the host (pid 1).
pub const SEC_SHARED: &str = "shared with host";
/// Security tab: the host's namespace inode is not known, so sharing is unknown.
pub const SEC_SHARED_UNKNOWN: &str = "shared with host: unknown";
/// Security: an id map line (`0 → 100000, 65536 ids`).
pub fn sec_id_map(inside: u32, outside: u32, count: u32) -> String {
    format!("{inside} → {outside}, {count} ids")
}
/// Security: the identity map of the initial user namespace.
pub const SEC_ID_MAP_IDENTITY: &str = "(identity: ids are the host's)";

// ---- Pods pane and posture ----

/// Pods pane title.
pub fn pods_title(count: &str, sort: &str) -> String {
    format!("pods ({count}) · sort {sort}")
}
/// Pods pane: the line above pods listed from the runtime, saying why their spec columns are empty.
pub fn pods_from_runtime(why: &str) -> String {
    format!("no spec: {why} — pods from the container runtime")
}
/// Why runtime pods have no spec: no API configured (and no manifest), with the reason when known.
pub fn no_spec_unconfigured(why: Option<&str>) -> String {
    match why {
        Some(w) => format!("API not configured ({w})"),
        None => "API not configured".into(),
    }
}
/// Why runtime pods have no spec: the API is being listed.
pub const NO_SPEC_CONNECTING: &str = "API listing…";
/// Why runtime pods have no spec: the API does not answer.
pub const NO_SPEC_UNREACHABLE: &str = "API unreachable";
/// Why runtime pods have no spec: the API (or the manifest) does not have them.
pub const NO_SPEC_MISSING: &str = "not in the API or manifest";
/// A spec cell of a pod listed from the runtime.
pub const NO_SPEC_CELL: &str = "-";
/// Pods pane with no pod specs.
pub const PODS_EMPTY: &str = "no pod specs: start with --pod-manifest FILE";
pub const COL_PODS_POD: &str = "pod";
pub const COL_PODS_IMMUTABLE: &str = "imm";
pub const COL_PODS_CRIT: &str = "crit";
pub const COL_PODS_HIGH: &str = "high";
pub const COL_PODS_MED: &str = "med";
pub const COL_PODS_LOW: &str = "low";
pub const COL_PODS_PIDS: &str = "pids";
/// Pods pane: immutability verdict.
pub const PODS_IMMUTABLE_YES: &str = "yes";
pub const PODS_IMMUTABLE_NO: &str = "NO";
/// Pods pane: a container row (`init` / `ephemeral` noted).
pub fn pods_container(name: &str, kind: &str) -> String {
    if kind == "regular" {
        format!("└ {name}")
    } else {
        format!("└ {name} ({kind})")
    }
}
/// Pods pane: a process row.
pub fn pods_process(pid: u32, comm: &str) -> String {
    format!("  └ {pid} {comm}")
}
/// Security tab: the posture header.
pub fn sec_posture_title(pod: &str, container: &str) -> String {
    format!("pod spec {pod} · container {container}")
}
pub const SEC_POSTURE_FIELD: &str = "field";
pub const SEC_POSTURE_DECLARED: &str = "declared";
pub const SEC_POSTURE_OBSERVED: &str = "observed";
pub const SEC_POSTURE_VERDICT: &str = "verdict";
pub const SEC_VERDICT_OK: &str = "ok";
pub const SEC_VERDICT_MISMATCH: &str = "MISMATCH";
pub const SEC_VERDICT_UNCHECKED: &str = "-";
/// Security tab: the pod's immutability.
pub const SEC_IMMUTABLE: &str = "immutable";
pub const SEC_NOT_IMMUTABLE: &str = "NOT immutable";
pub const SEC_FINDINGS: &str = "findings";
/// Security tab: no spec known for this process.
pub const SEC_NO_SPEC: &str = "pod spec: none loaded for this container (--pod-manifest FILE)";
// ---- Alerts pane (src/ui/panes/alerts*.rs) ----

/// Alerts filter syntax, shown in the filter input and the help overlay.
pub const ALERTS_FILTER_SYNTAX: &str =
    "priority:P rule:TEXT pid:N container:ID origin:falco|engine words";
/// Alerts pane title.
pub const ALERTS_TITLE: &str = "alerts";
/// Alerts pane with no alert yet and no intake.
pub const ALERTS_EMPTY: &str =
    "no alerts yet (Falco intake: --falco-file, --falco-journald, --falco-listen)";
/// Alerts pane when the filter matches nothing.
pub const ALERTS_NO_MATCH: &str = "no alert matches the filter";
/// Pivot asked with no alert selected.
pub const ALERTS_NONE_SELECTED: &str = "no alert selected";
/// Alerts column headers.
pub const COL_PRIORITY: &str = "priority";
pub const COL_RULE: &str = "rule";
pub const COL_OUTPUT: &str = "output";
/// Label of the malformed-lines count.
pub const ALERTS_MALFORMED: &str = "malformed";
/// Label of the per-rule counts.
pub const ALERTS_BY_RULE: &str = "by rule";
/// Detail labels.
pub const ALERTS_FIELDS: &str = "fields";
pub const ALERTS_SNAPSHOT: &str = "snapshot";
pub const ALERTS_LAST_MALFORMED: &str = "last malformed";
/// Title marker of an inspect view showing the flight recorder's snapshot.
pub const INSPECT_SNAPSHOT: &str = "flight-recorder snapshot: process gone";
/// Flight recorder snapshot states.
pub const SNAPSHOT_NONE: &str = "none (no pid)";
pub const SNAPSHOT_PENDING: &str = "being taken…";
pub const SNAPSHOT_TAKEN: &str = "taken (pivot works after exit)";
/// Status bar: alerts received.
pub fn status_alerts(n: &str) -> String {
    format!("alerts {n}")
}
/// The pivot's status line (rule and pod are raw: sanitized here).
pub fn alerts_pivot(
    rule: &str,
    pid: Option<u32>,
    container: Option<&str>,
    pod: Option<&str>,
) -> String {
    let mut s = format!("pivot: {}", crate::sanitize::sanitize(rule));
    if let Some(p) = pid {
        s.push_str(&format!(" → pid {p}"));
    }
    if let Some(c) = container {
        s.push_str(&format!(" container {}", crate::sanitize::sanitize(c)));
    }
    if let Some(p) = pod {
        s.push_str(&format!(" pod {}", crate::sanitize::sanitize(p)));
    }
    s
}
/// A snapshot that failed.
pub fn snapshot_failed(why: &str) -> String {
    format!("failed: {why}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_description() {
        for (action, _) in Action::ALL {
            assert!(!action_description(action).is_empty(), "{action}");
        }
    }
}
