//! Strings of the alerts pane (src/ui/panes/alerts*.rs).

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
