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
