//! The audit trail the core holds (Kubernetes audit events, newest last) and its filter `user: verb: ns: resource: pod:`.

use std::collections::VecDeque;

use crate::model::audit::AuditEvent;

/// Audit events kept at most (the oldest go first).
pub const AUDIT_CAP: usize = 10_000;

/// Received audit events, and how the alerts pane shows them (its audit view).
#[derive(Clone, Debug, Default)]
pub struct AuditView {
    /// The events, oldest first.
    pub events: VecDeque<AuditEvent>,
    /// Events received in all (also those dropped for the cap).
    pub total: u64,
    /// The alerts pane shows the audit trail instead of the alerts.
    pub shown: bool,
    /// The filter, and its text as typed.
    pub filter: AuditFilter,
    pub filter_text: String,
    /// Selected row among the matching events (`None`: following the newest).
    pub selected: Option<usize>,
}

impl AuditView {
    /// Indices (into `events`) of the events that pass the filter, oldest first.
    pub fn rows(&self) -> Vec<usize> {
        (0..self.events.len())
            .filter(|i| self.filter.matches(&self.events[*i]))
            .collect()
    }

    /// The selected row's position among `rows` (the newest when following).
    pub fn pos(&self, rows: usize) -> Option<usize> {
        match self.selected {
            _ if rows == 0 => None,
            Some(s) => Some(s.min(rows - 1)),
            None => Some(rows - 1),
        }
    }

    /// The selected event.
    pub fn selected_event(&self) -> Option<&AuditEvent> {
        let rows = self.rows();
        self.pos(rows.len()).map(|p| &self.events[rows[p]])
    }

    /// Moves the selection by `delta` rows; at the newest row it follows again.
    pub fn step(&mut self, delta: isize) {
        let n = self.rows().len();
        let Some(cur) = self.pos(n) else {
            return;
        };
        let next = (cur as isize)
            .saturating_add(delta)
            .clamp(0, n as isize - 1) as usize;
        self.selected = (next + 1 < n).then_some(next);
    }

    /// Sets the filter (the selection follows the newest again).
    pub fn set_filter(&mut self, text: &str) -> Result<(), AuditFilterError> {
        self.filter = AuditFilter::parse(text)?;
        self.filter_text = text.trim().to_string();
        self.selected = None;
        Ok(())
    }

    /// Takes a batch (`Event::Audit`).
    pub fn on_audit(&mut self, batch: Vec<AuditEvent>) {
        self.total += batch.len() as u64;
        for e in batch {
            if self.events.len() >= AUDIT_CAP {
                self.events.pop_front();
                // a paused selection stays on its event
                self.selected = self.selected.map(|s| s.saturating_sub(1));
            }
            self.events.push_back(e);
        }
    }
}

/// A parsed audit filter: values of one key are OR-ed, keys and free words AND-ed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// `user:NAME` (the user, or the impersonated user).
    pub users: Vec<String>,
    /// `verb:VERB`.
    pub verbs: Vec<String>,
    /// `ns:NAMESPACE`.
    pub namespaces: Vec<String>,
    /// `resource:RES` or `resource:RES/SUB` (`pods/exec`).
    pub resources: Vec<String>,
    /// `pod:NAME`: a pod or its subresources.
    pub pods: Vec<String>,
    /// Free words: case-insensitive substring of the URI, user or name.
    pub words: Vec<String>,
}

/// An audit filter that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditFilterError {
    /// `key:` with nothing after it.
    #[error("`{0}:` needs a value")]
    Empty(String),
}

/// `value` matches `pat`: equal, or a prefix when `pat` ends with `*`.
fn matches(pat: &str, value: &str) -> bool {
    match pat.strip_suffix('*') {
        Some(p) => value.starts_with(p),
        None => pat == value,
    }
}

fn any(pats: &[String], value: &str) -> bool {
    pats.is_empty() || pats.iter().any(|p| matches(p, value))
}

impl AuditFilter {
    /// Parses `text`; an empty text matches everything.
    pub fn parse(text: &str) -> Result<Self, AuditFilterError> {
        let mut f = Self::default();
        for tok in text.split_whitespace() {
            let slot = match tok.split_once(':') {
                Some(("user", v)) => Some((&mut f.users, v)),
                Some(("verb", v)) => Some((&mut f.verbs, v)),
                Some(("ns" | "namespace", v)) => Some((&mut f.namespaces, v)),
                Some(("resource" | "res", v)) => Some((&mut f.resources, v)),
                Some(("pod", v)) => Some((&mut f.pods, v)),
                _ => None,
            };
            match slot {
                Some((_, "")) => {
                    let key = tok.trim_end_matches(':');
                    return Err(AuditFilterError::Empty(key.to_string()));
                }
                Some((list, v)) => list.push(v.to_string()),
                None => f.words.push(tok.to_lowercase()),
            }
        }
        Ok(f)
    }

    /// True when `e` passes.
    pub fn matches(&self, e: &AuditEvent) -> bool {
        let imp = e.impersonated_user.as_ref().map(|u| u.username.as_str());
        let user_ok = self.users.is_empty()
            || self
                .users
                .iter()
                .any(|p| matches(p, &e.user.username) || imp.is_some_and(|i| matches(p, i)));
        let res = if e.subresource().is_empty() {
            e.resource().to_string()
        } else {
            format!("{}/{}", e.resource(), e.subresource())
        };
        let res_ok = self.resources.is_empty()
            || self
                .resources
                .iter()
                .any(|p| matches(p, &res) || matches(p, e.resource()));
        let pod_ok = self.pods.is_empty() || (e.resource() == "pods" && any(&self.pods, e.name()));
        let words_ok = self.words.iter().all(|w| {
            [&e.request_uri, &e.user.username, e.name()]
                .iter()
                .any(|t| t.to_lowercase().contains(w))
        });
        user_ok
            && res_ok
            && pod_ok
            && words_ok
            && any(&self.verbs, &e.verb)
            && any(&self.namespaces, e.namespace())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::audit::ObjectRef;

    fn ev(user: &str, verb: &str, res: &str, sub: &str, ns: &str, name: &str) -> AuditEvent {
        AuditEvent {
            verb: verb.into(),
            user: crate::model::audit::AuditUser {
                username: user.into(),
                ..Default::default()
            },
            object_ref: Some(ObjectRef {
                resource: res.into(),
                subresource: sub.into(),
                namespace: ns.into(),
                name: name.into(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn filters_answer_the_notes_questions() {
        let exec = ev("mallory", "create", "pods", "exec", "default", "web");
        let secret = ev("alice", "get", "secrets", "", "prod", "db-credentials");
        let who_execd = AuditFilter::parse("resource:pods/exec pod:web").expect("parses");
        assert!(who_execd.matches(&exec) && !who_execd.matches(&secret));
        let who_read = AuditFilter::parse("verb:get resource:secrets db-cred").expect("parses");
        assert!(who_read.matches(&secret) && !who_read.matches(&exec));
        assert!(
            AuditFilter::parse("user:mal*")
                .expect("glob")
                .matches(&exec)
        );
        assert!(
            AuditFilter::parse("ns:prod verb:get verb:list")
                .expect("or")
                .matches(&secret)
        );
        assert_eq!(
            AuditFilter::parse("user:"),
            Err(AuditFilterError::Empty("user".into()))
        );
    }

    #[test]
    fn the_trail_is_capped() {
        let mut v = AuditView::default();
        v.on_audit(vec![AuditEvent::default(); AUDIT_CAP + 5]);
        assert_eq!((v.events.len(), v.total), (AUDIT_CAP, AUDIT_CAP as u64 + 5));
    }
}
