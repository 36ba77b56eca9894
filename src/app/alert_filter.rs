//! The alerts pane filter: `priority:warning rule:shell pid:N container:ID origin:falco|engine free words`.

use std::fmt;

use crate::alerts::{Alert, AlertOrigin, Priority};

/// A parsed alerts filter. Keys are AND-ed; values of one key are OR-ed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlertFilter {
    /// `priority:P`: this priority or a more severe one.
    pub min_priority: Option<Priority>,
    /// `rule:TEXT` (case-insensitive substring of the rule name).
    pub rules: Vec<String>,
    /// `pid:N`.
    pub pids: Vec<u32>,
    /// `container:ID` / `ct:ID` (prefix).
    pub containers: Vec<String>,
    /// `origin:falco` / `origin:engine`.
    pub origin: Option<bool>,
    /// Free words: case-insensitive substrings of the rule or the output.
    pub words: Vec<String>,
    source: String,
}

/// A filter that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AlertFilterError {
    #[error(
        "unknown priority `{0}` (emergency, alert, critical, error, warning, notice, info, debug)"
    )]
    BadPriority(String),
    #[error("pid must be a number, got `{0}`")]
    BadPid(String),
    #[error("origin is `falco` or `engine`, got `{0}`")]
    BadOrigin(String),
    #[error("`{0}:` needs a value")]
    Empty(String),
}

impl AlertFilter {
    /// Parses `text`; empty text matches every alert.
    pub fn parse(text: &str) -> Result<Self, AlertFilterError> {
        let mut f = AlertFilter {
            source: text.trim().to_string(),
            ..Self::default()
        };
        for tok in text.split_whitespace() {
            let Some((key, val)) = tok.split_once(':').filter(|(k, _)| {
                matches!(
                    *k,
                    "priority" | "prio" | "rule" | "pid" | "container" | "ct" | "origin"
                )
            }) else {
                f.words.push(tok.to_lowercase());
                continue;
            };
            if val.is_empty() {
                return Err(AlertFilterError::Empty(key.into()));
            }
            match key {
                "priority" | "prio" => {
                    let p = Priority::parse(val)
                        .ok_or_else(|| AlertFilterError::BadPriority(val.into()))?;
                    f.min_priority = Some(f.min_priority.map_or(p, |q| q.max(p)));
                }
                "rule" => f.rules.push(val.to_lowercase()),
                "pid" => f.pids.push(
                    val.parse()
                        .map_err(|_| AlertFilterError::BadPid(val.into()))?,
                ),
                "origin" => {
                    f.origin = Some(match val.to_lowercase().as_str() {
                        "falco" => true,
                        "engine" => false,
                        _ => return Err(AlertFilterError::BadOrigin(val.into())),
                    })
                }
                _ => f.containers.push(val.to_lowercase()),
            }
        }
        Ok(f)
    }

    /// True when it matches everything.
    pub fn is_empty(&self) -> bool {
        self.min_priority.is_none()
            && self.rules.is_empty()
            && self.pids.is_empty()
            && self.containers.is_empty()
            && self.origin.is_none()
            && self.words.is_empty()
    }

    /// Does `a` match?
    pub fn matches(&self, a: &Alert) -> bool {
        if self.min_priority.is_some_and(|p| a.priority > p) {
            return false;
        }
        if let Some(falco) = self.origin
            && falco != matches!(a.origin, AlertOrigin::Falco(_))
        {
            return false;
        }
        if !self.pids.is_empty() && !a.pid.is_some_and(|p| self.pids.contains(&p)) {
            return false;
        }
        if !self.containers.is_empty() {
            let Some(id) = a.container_id.as_deref() else {
                return false;
            };
            if !self.containers.iter().any(|c| id.starts_with(c.as_str())) {
                return false;
            }
        }
        let rule = a.rule.to_lowercase();
        if !self.rules.is_empty() && !self.rules.iter().any(|r| rule.contains(r.as_str())) {
            return false;
        }
        if self.words.is_empty() {
            return true;
        }
        let output = a.output.to_lowercase();
        self.words
            .iter()
            .all(|w| rule.contains(w.as_str()) || output.contains(w.as_str()))
    }
}

impl fmt::Display for AlertFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn alert(rule: &str, p: Priority, pid: Option<u32>, ctr: Option<&str>) -> Alert {
        Alert {
            time_ns: 0,
            rule: rule.into(),
            priority: p,
            source: "syscall".into(),
            hostname: String::new(),
            output: format!("{rule} (x=1)"),
            output_fields: BTreeMap::new(),
            tags: vec![],
            origin: AlertOrigin::Falco("f".into()),
            pid,
            container_id: ctr.map(str::to_string),
            facts: None,
        }
    }

    #[test]
    fn filters_by_key_and_words() {
        let shell = alert(
            "Terminal shell in container",
            Priority::Notice,
            Some(7),
            Some("3f2a9c1b7d4e"),
        );
        let shadow = alert("Read sensitive file", Priority::Warning, Some(8), None);
        let f = |s: &str| AlertFilter::parse(s).expect(s);
        assert!(f("").matches(&shell));
        assert!(f("priority:warning").matches(&shadow));
        assert!(!f("priority:warning").matches(&shell));
        assert!(f("rule:SHELL pid:7 ct:3f2a").matches(&shell));
        assert!(!f("ct:3f2a").matches(&shadow));
        assert!(f("sensitive").matches(&shadow) && !f("sensitive").matches(&shell));
        assert!(f("origin:falco").matches(&shell) && !f("origin:engine").matches(&shell));
        assert_eq!(f("prio:notice x").to_string(), "prio:notice x");
        assert_eq!(
            AlertFilter::parse("priority:loud"),
            Err(AlertFilterError::BadPriority("loud".into()))
        );
        assert_eq!(
            AlertFilter::parse("pid:x"),
            Err(AlertFilterError::BadPid("x".into()))
        );
        assert_eq!(
            AlertFilter::parse("rule:"),
            Err(AlertFilterError::Empty("rule".into()))
        );
    }
}
