//! Strings of the audit view of the alerts pane (src/ui/panes/audit.rs).

/// Audit filter syntax, shown in the filter input and the help overlay.
pub const AUDIT_FILTER_SYNTAX: &str =
    "user:NAME verb:VERB ns:NS resource:RES[/SUB] pod:NAME words (NAME*: prefix)";
/// Audit view title.
pub const AUDIT_TITLE: &str = "audit";
/// Audit view with no event yet.
pub const AUDIT_EMPTY: &str =
    "no audit events yet (--audit-log PATH, --audit-listen ADDR; A: back to the alerts)";
/// Audit view when the filter matches nothing.
pub const AUDIT_NO_MATCH: &str = "no audit event matches the filter";
/// Audit column headers.
pub const COL_USER: &str = "user";
pub const COL_VERB: &str = "verb";
pub const COL_RESOURCE: &str = "resource";
pub const COL_OBJECT: &str = "namespace/name";
pub const COL_CODE: &str = "code";
pub const COL_STAGE: &str = "stage";
pub const COL_SOURCE_IP: &str = "source";
/// Detail labels of the selected audit event.
pub const AUDIT_URI: &str = "uri";
pub const AUDIT_GROUPS: &str = "groups";
pub const AUDIT_AGENT: &str = "agent";
pub const AUDIT_EXEC: &str = "exec";
/// Label of an exec link (inspect overview, alert detail): who ran `kubectl exec` that started the process.
pub const EXEC_BY: &str = "exec by";

/// One exec link's who, when and what: `mallory at 10:00:01 ran "sh"`.
pub fn exec_by(user: &str, time: &str, command: &str) -> String {
    format!("{user} at {time} ran \"{command}\"")
}

/// How sure the link is: `· exact`, or `· ambiguous: pids 20, 21` (every candidate, none chosen).
pub fn exec_how(pids: &[u32]) -> String {
    match pids {
        [_] => "· exact".to_string(),
        _ => format!(
            "· ambiguous: pids {}",
            pids.iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Label of the selected exec event's linked process(es) in the audit view's detail.
pub const AUDIT_PROCESS: &str = "process";
/// An exec event no process is linked to (yet).
pub const AUDIT_LINK_NONE: &str = "none yet";
/// The pivot key's hint after a linked process (`p: pivot`, the key as the keymap binds it).
pub fn audit_pivot_hint(key: &str) -> String {
    format!("{key}: pivot")
}

/// The linked process of an exact link: `pid 901 cat "cat /etc/shadow" · exact`.
pub fn audit_linked(pid: u32, comm: &str, cmdline: &str) -> String {
    if cmdline.is_empty() {
        format!("pid {pid} {comm} · exact")
    } else {
        format!("pid {pid} {comm} \"{cmdline}\" · exact")
    }
}

/// The pivot from an audit event refused: no process or several (never guessed).
pub fn audit_pivot_refused(pids: &[u32]) -> String {
    match pids {
        [] => "pivot: no process linked to this event (yet)".to_string(),
        _ => format!(
            "pivot: {}, none chosen — pick the process in the processes pane",
            exec_how(pids).trim_start_matches("· ")
        ),
    }
}

/// The pivot from an exec audit event to its process.
pub fn audit_pivot(user: &str, pid: u32) -> String {
    format!("pivot: exec by {user} → pid {pid}")
}
