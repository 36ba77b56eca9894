//! The `Alert` record and its Falco output shapes (text line and `json_output` JSON).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Falco priorities, most severe first (Falco's order).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Priority {
    Emergency,
    Alert,
    Critical,
    Error,
    Warning,
    Notice,
    Informational,
    Debug,
}

impl Priority {
    /// Every priority, most severe first.
    pub const ALL: [Priority; 8] = [
        Self::Emergency,
        Self::Alert,
        Self::Critical,
        Self::Error,
        Self::Warning,
        Self::Notice,
        Self::Informational,
        Self::Debug,
    ];

    /// Parses a rule file's or an alert's priority, case-insensitively
    /// (`INFO` and `Informational` are the same, as in Falco).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "emergency" => Self::Emergency,
            "alert" => Self::Alert,
            "critical" => Self::Critical,
            "error" => Self::Error,
            "warning" | "warn" => Self::Warning,
            "notice" => Self::Notice,
            "informational" | "info" => Self::Informational,
            "debug" => Self::Debug,
            _ => return None,
        })
    }

    /// The name Falco prints (`Critical`, `Informational`...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Emergency => "Emergency",
            Self::Alert => "Alert",
            Self::Critical => "Critical",
            Self::Error => "Error",
            Self::Warning => "Warning",
            Self::Notice => "Notice",
            Self::Informational => "Informational",
            Self::Debug => "Debug",
        }
    }
}

/// Where an alert came from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AlertOrigin {
    /// ktriage's own rule engine on the live (or replayed) event stream.
    Engine,
    /// A running Falco, through the named intake (`file:/var/log/falco.json`, `http`, `stdin`, `journald`).
    Falco(String),
}

/// One alert. Text fields come from workloads: sanitize before drawing.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Alert {
    /// Event time, nanoseconds since the Unix epoch (UTC).
    pub time_ns: u64,
    /// Rule name.
    pub rule: String,
    pub priority: Priority,
    /// Event source (`syscall`, `k8s_audit`...).
    pub source: String,
    /// Host name of the node that produced it.
    pub hostname: String,
    /// The rendered output line (without time and priority).
    pub output: String,
    /// `%field` values used in the output, by field name (`proc.pid`, `fd.name`...).
    pub output_fields: BTreeMap<String, Value>,
    pub tags: Vec<String>,
    pub origin: AlertOrigin,
    /// Process id on the host, when known (for the pivot).
    pub pid: Option<u32>,
    /// Container id (full or 12-char short), when known (for the pivot).
    pub container_id: Option<String>,
    /// The process and its identity as the engine held them (engine alerts; intake: names resolved from the container id).
    pub facts: Option<std::sync::Arc<super::facts::ProcFacts>>,
}

impl Alert {
    /// Falco's `json_output` object: `time`, `rule`, `priority`, `source`,
    /// `hostname`, `output`, `output_fields`, `tags`.
    pub fn to_falco_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("hostname".into(), Value::from(self.hostname.clone()));
        m.insert("output".into(), Value::from(self.text_line()));
        m.insert(
            "output_fields".into(),
            Value::Object(
                self.output_fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
        );
        m.insert("priority".into(), Value::from(self.priority.name()));
        m.insert("rule".into(), Value::from(self.rule.clone()));
        m.insert("source".into(), Value::from(self.source.clone()));
        m.insert(
            "tags".into(),
            Value::Array(self.tags.iter().cloned().map(Value::from).collect()),
        );
        m.insert("time".into(), Value::from(iso_time(self.time_ns)));
        Value::Object(m)
    }

    /// Falco's text line: `HH:MM:SS.nnnnnnnnn: Priority output` (UTC).
    pub fn text_line(&self) -> String {
        format!(
            "{}: {} {}",
            clock_time(self.time_ns),
            self.priority.name(),
            self.output
        )
    }
}

/// `2026-11-23T10:01:02.123456789Z`.
pub fn iso_time(ns: u64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.nanosecond()
    )
}

/// `10:01:02.123456789`, as Falco prints `evt.time`.
pub fn clock_time(ns: u64) -> String {
    let secs = ns / 1_000_000_000;
    let day = secs % 86_400;
    format!(
        "{:02}:{:02}:{:02}.{:09}",
        day / 3600,
        (day / 60) % 60,
        day % 60,
        ns % 1_000_000_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Alert {
        Alert {
            time_ns: 1_700_000_003_426_003_000,
            rule: "Privileged container started".into(),
            priority: Priority::Notice,
            source: "syscall".into(),
            hostname: "node-1".into(),
            output: "Privileged container started (id=fae86fdf29be)".into(),
            output_fields: BTreeMap::from([("container.id".into(), "fae86fdf29be".into())]),
            tags: vec!["container".into()],
            origin: AlertOrigin::Engine,
            pid: None,
            container_id: Some("fae86fdf29be".into()),
            facts: None,
        }
    }

    #[test]
    fn text_line_is_falco_shaped() {
        assert_eq!(
            sample().text_line(),
            "22:13:23.426003000: Notice Privileged container started (id=fae86fdf29be)"
        );
    }

    #[test]
    fn json_has_falco_keys() {
        let v = sample().to_falco_json();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "hostname",
                "output",
                "output_fields",
                "priority",
                "rule",
                "source",
                "tags",
                "time"
            ]
        );
        assert_eq!(v["time"], "2023-11-14T22:13:23.426003000Z");
        assert_eq!(v["priority"], "Notice");
    }

    #[test]
    fn priorities_parse_like_falco() {
        assert_eq!(Priority::parse("INFO"), Some(Priority::Informational));
        assert_eq!(Priority::parse("critical"), Some(Priority::Critical));
        assert_eq!(Priority::parse("loud"), None);
        assert!(Priority::Critical < Priority::Notice);
    }
}
