//! Text the core itself writes (status-bar messages, finder labels); `ui::strings` re-exports it, so every UI string is still found from there.

/// Pivot asked with no alert selected.
pub const ALERTS_NONE_SELECTED: &str = "no alert selected";
/// Finder: after the comm of a process entered from the host.
pub const FINDER_ENTERED: &str = "(entered from host)";
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
