//! Kubernetes API server audit events (`audit.k8s.io/v1` Event), as the audit log and the webhook backend send them.
//!
//! The struct reads the API server's JSON directly (camelCase keys); ktriage
//! adds `time_ns` (from `stageTimestamp`) and, for exec events, the link to
//! the processes they started. Every text field comes from the cluster:
//! sanitize before drawing. Secret payloads are dropped at parse
//! ([`AuditEvent::scrub`]): the `data` of a Secret never enters ktriage.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Who made a request (`authentication/v1.UserInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditUser {
    pub username: String,
    pub uid: String,
    pub groups: Vec<String>,
}

/// The object a request is about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ObjectRef {
    pub resource: String,
    pub subresource: String,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub api_group: String,
    pub api_version: String,
}

/// The response status (its code and reason).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResponseStatus {
    pub code: i64,
    /// `reason` of a failure status (`NotFound`, `Forbidden`…), or empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// One audit event.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AuditEvent {
    pub level: String,
    #[serde(rename = "auditID")]
    pub audit_id: String,
    pub stage: String,
    #[serde(rename = "requestURI")]
    pub request_uri: String,
    pub verb: String,
    pub user: AuditUser,
    pub impersonated_user: Option<AuditUser>,
    #[serde(rename = "sourceIPs")]
    pub source_ips: Vec<String>,
    pub user_agent: String,
    pub object_ref: Option<ObjectRef>,
    pub response_status: Option<ResponseStatus>,
    /// Kept for the `ka.req.*` fields (a Secret's or ConfigMap's data is dropped).
    pub request_object: Option<Value>,
    /// Not kept: only its absence or presence is known (`scrub`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_object: Option<Value>,
    pub request_received_timestamp: String,
    pub stage_timestamp: String,
    pub annotations: std::collections::BTreeMap<String, String>,
    /// ktriage: the event time (stageTimestamp), ns since the epoch; 0 when unknown.
    #[serde(rename = "time_ns")]
    pub time_ns: u64,
    /// ktriage: the response object's name (`ka.resp.name`: a pod made from `generateName`),
    /// kept by [`AuditEvent::scrub`] when it drops the response object.
    #[serde(rename = "resp_name", skip_serializing_if = "String::is_empty")]
    pub resp_name: String,
}

/// Keys of a request object that carry secret material.
const SECRET_KEYS: &[&str] = &["data", "stringData", "binaryData"];

impl AuditEvent {
    /// The object's resource (`pods`), or empty.
    pub fn resource(&self) -> &str {
        self.object_ref.as_ref().map_or("", |o| &o.resource)
    }

    /// The subresource (`exec`), or empty.
    pub fn subresource(&self) -> &str {
        self.object_ref.as_ref().map_or("", |o| &o.subresource)
    }

    /// The namespace, or empty.
    pub fn namespace(&self) -> &str {
        self.object_ref.as_ref().map_or("", |o| &o.namespace)
    }

    /// The object's name, or empty.
    pub fn name(&self) -> &str {
        self.object_ref.as_ref().map_or("", |o| &o.name)
    }

    /// The response code, when there is one.
    pub fn code(&self) -> Option<i64> {
        self.response_status.as_ref().map(|r| r.code)
    }

    /// Drops what must not be kept: the response object (a Secret read at
    /// RequestResponse level carries its data) and the data of a written Secret
    /// or ConfigMap.
    ///
    /// The keys of such data stay (`ka.req.configmap.obj contains "password"` still
    /// matches on a key); every value becomes `<masked>`.
    pub fn scrub(&mut self) {
        if let Some(name) = self
            .response_object
            .as_ref()
            .and_then(|o| o.pointer("/metadata/name"))
            .and_then(Value::as_str)
        {
            self.resp_name = name.to_string();
        }
        self.response_object = None;
        if let Some(Value::Object(m)) = self.request_object.as_mut() {
            for k in SECRET_KEYS {
                match m.get_mut(*k) {
                    Some(Value::Object(data)) => {
                        data.values_mut()
                            .for_each(|v| *v = Value::String("<masked>".into()));
                    }
                    Some(v) => *v = Value::String("<masked>".into()),
                    None => {}
                }
            }
        }
    }

    /// The query parameters of the request URI, percent-decoded, in order
    /// (`command` repeats for each argv word of an exec).
    pub fn uri_params(&self) -> Vec<(String, String)> {
        let Some((_, q)) = self.request_uri.split_once('?') else {
            return Vec::new();
        };
        q.split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect()
    }

    /// Every value of query parameter `name`.
    pub fn uri_param_all(&self, name: &str) -> Vec<String> {
        self.uri_params()
            .into_iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v)
            .collect()
    }

    /// True for an exec or attach into a pod.
    pub fn is_exec(&self) -> bool {
        self.resource() == "pods" && matches!(self.subresource(), "exec" | "attach")
    }
}

/// `%41` → `A`, `+` → space; invalid escapes are kept as written.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How an exec audit event and the processes it started are joined.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExecLink {
    /// Exactly one process matches.
    Exact(ExecCandidate),
    /// Several processes match: all listed, none chosen.
    Ambiguous(Vec<ExecCandidate>),
    /// No process matched (yet).
    None,
}

/// A process an exec may have started.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecCandidate {
    pub pid: u32,
    pub comm: String,
    /// Start time, ns since the epoch.
    pub start_ns: u64,
    /// Its command line as far as known (untrusted; argv\[0] alone when only that is known).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub argv: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_api_servers_shape_and_scrubs_secrets() {
        let line = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"a1","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods/web/exec?command=sh&command=-c&command=echo%20hi&container=app&stdin=true&tty=true","verb":"create","user":{"username":"alice","groups":["dev","system:authenticated"]},"sourceIPs":["10.0.0.9"],"userAgent":"kubectl/v1.29","objectRef":{"resource":"pods","namespace":"default","name":"web","subresource":"exec","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":101},"requestObject":{"kind":"Secret","data":{"k":"c2VjcmV0"}},"responseObject":{"data":{"k":"c2VjcmV0"}},"requestReceivedTimestamp":"2026-11-30T10:00:00.000000Z","stageTimestamp":"2026-11-30T10:00:00.100000Z"}"#;
        let mut e: AuditEvent = serde_json::from_str(line).expect("parses");
        e.scrub();
        assert_eq!(e.user.username, "alice");
        assert_eq!((e.resource(), e.subresource()), ("pods", "exec"));
        assert_eq!(e.code(), Some(101));
        assert_eq!(e.uri_param_all("command"), ["sh", "-c", "echo hi"]);
        assert_eq!(e.uri_param_all("container"), ["app"]);
        assert!(e.is_exec());
        let kept = serde_json::to_string(&e).expect("serializes");
        assert!(!kept.contains("c2VjcmV0"), "{kept}");
    }

    #[test]
    fn percent_decoding_keeps_bad_escapes() {
        assert_eq!(percent_decode("a%2Fb+c%zz%4"), "a/b c%zz%4");
        assert_eq!(percent_decode("%"), "%");
    }
}
