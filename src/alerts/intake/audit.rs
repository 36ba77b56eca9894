//! Kubernetes audit events in: a log line (`audit.k8s.io/v1` Event) or a webhook body (EventList), into [`AuditEvent`]s.

use serde_json::Value;

use super::LineError;
use crate::model::audit::AuditEvent;

/// Where the API server writes its audit log, from its static pod manifest's
/// `--audit-log-path` (`None`: no manifest, no flag, or the log goes to stdout `-`).
pub fn log_path_from_manifest(manifest: &str) -> Option<std::path::PathBuf> {
    manifest.lines().find_map(|l| {
        let t = l
            .trim()
            .trim_start_matches('-')
            .trim()
            .trim_matches(['"', '\'']);
        let v = t.strip_prefix("--audit-log-path=")?.trim();
        (!v.is_empty() && v != "-").then(|| v.into())
    })
}

/// The API server's static pod manifest (kubeadm).
pub const APISERVER_MANIFEST: &str = "/etc/kubernetes/manifests/kube-apiserver.yaml";

/// One audit event from a JSON value. Secret payloads are dropped and the
/// time (stageTimestamp, else requestReceivedTimestamp) read.
pub fn from_value(v: Value) -> Result<AuditEvent, LineError> {
    let Value::Object(m) = &v else {
        return Err(LineError::NotAnObject);
    };
    match m.get("kind").and_then(Value::as_str) {
        None | Some("Event") => {}
        Some(_) => return Err(LineError::Missing("kind: Event")),
    }
    for key in ["auditID", "stage", "verb"] {
        if !m.get(key).is_some_and(Value::is_string) {
            return Err(LineError::Missing(match key {
                "auditID" => "auditID",
                "stage" => "stage",
                _ => "verb",
            }));
        }
    }
    let mut e: AuditEvent =
        serde_json::from_value(v).map_err(|e| LineError::Json(e.to_string()))?;
    e.scrub();
    e.time_ns = [&e.stage_timestamp, &e.request_received_timestamp]
        .into_iter()
        .find_map(|t| super::timefmt::iso(t).map(|s| s.ns))
        .unwrap_or(0);
    Ok(e)
}

/// One line of the audit log.
pub fn parse_line(line: &str) -> Result<AuditEvent, LineError> {
    let t = line.trim();
    if t.is_empty() {
        return Err(LineError::Empty);
    }
    let v: Value = serde_json::from_str(t).map_err(|e| LineError::Json(e.to_string()))?;
    from_value(v)
}

/// One item of a webhook body: the event, or the item's text and why it is not one.
pub type BodyItem = Result<AuditEvent, (String, LineError)>;

/// A webhook body: an `EventList` (or a single Event); each bad item is its own error.
pub fn parse_body(text: &str) -> Result<Vec<BodyItem>, LineError> {
    let v: Value = serde_json::from_str(text.trim()).map_err(|e| LineError::Json(e.to_string()))?;
    let items = match v {
        Value::Object(mut m) if m.get("kind").and_then(Value::as_str) == Some("EventList") => {
            match m.remove("items") {
                Some(Value::Array(a)) => a,
                Some(Value::Null) | None => Vec::new(),
                Some(_) => return Err(LineError::Missing("items")),
            }
        }
        Value::Object(_) => vec![v],
        _ => return Err(LineError::NotAnObject),
    };
    Ok(items
        .into_iter()
        .map(|i| {
            let raw = i.to_string();
            from_value(i).map_err(|e| (raw, e))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_flag() {
        let m = "spec:\n  containers:\n  - command:\n    - kube-apiserver\n    - --audit-log-path=/var/log/kubernetes/audit/audit.log\n";
        assert_eq!(
            log_path_from_manifest(m),
            Some("/var/log/kubernetes/audit/audit.log".into())
        );
        assert_eq!(log_path_from_manifest("    - --audit-log-path=-\n"), None);
        assert_eq!(log_path_from_manifest("x: y\n"), None);
    }

    #[test]
    fn lines_and_lists() {
        let e = parse_line(r#"{"kind":"Event","auditID":"x","stage":"ResponseComplete","verb":"get","stageTimestamp":"2026-11-30T10:00:01.5Z"}"#).expect("event");
        assert_eq!(e.time_ns, 1_796_032_801_500_000_000);
        assert_eq!(parse_line("{}"), Err(LineError::Missing("auditID")));
        assert!(matches!(parse_line("{nope"), Err(LineError::Json(_))));
        assert_eq!(parse_line("[1]"), Err(LineError::NotAnObject));
        let body = r#"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{"auditID":"a","stage":"RequestReceived","verb":"get"},{"auditID":"b"}]}"#;
        let got = parse_body(body).expect("list");
        assert_eq!(got.len(), 2);
        assert!(got[0].is_ok() && got[1].is_err());
    }
}
