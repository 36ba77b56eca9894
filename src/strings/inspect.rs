//! Strings of the inspect view (src/ui/panes/inspect).

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
/// Security: no LSM label, and the node runs neither AppArmor nor SELinux.
pub fn sec_lsm_node_none(active: Option<&str>) -> String {
    match active {
        Some(l) => format!("none: no AppArmor or SELinux on this node (it runs {l})"),
        None => "none: no AppArmor or SELinux on this node".into(),
    }
}
/// Security, the applied view's details: its title (`config.json` path, runtime).
pub fn sec_bundle_title(path: &str, runtime: &str) -> String {
    format!("applied (OCI bundle, {runtime}) {path}")
}
pub const SEC_MASKED: &str = "masked paths";
pub const SEC_READONLY_PATHS: &str = "read-only paths";
pub const SEC_BUNDLE_MOUNTS: &str = "mounts";
pub const SEC_ANNOTATIONS: &str = "annotations";
/// Security, the applied view: no bundle found for the container.
pub const SEC_NO_BUNDLE: &str = "applied: no OCI bundle found for this container";
/// Security, the applied view: a list longer than the tab builds.
pub fn sec_more(n: usize) -> String {
    format!("… {n} more (inspect --json lists all)")
}
