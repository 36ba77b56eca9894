//! The fake API server's pod store: resourceVersions, change history, compaction, watch fan-out.

use std::collections::BTreeMap;

use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::select::Selector;

/// (namespace, name).
pub type Key = (String, String);

/// One write: the object before and after (after a delete: the last state, new RV).
#[derive(Clone)]
pub struct Change {
    pub rv: u64,
    pub key: Key,
    pub old: Option<Value>,
    pub cur: Value,
    pub deleted: bool,
}

/// An open watch: its filter and the channel its HTTP body reads from.
pub struct Sub {
    pub namespace: Option<String>,
    pub sel: Selector,
    pub bookmarks: bool,
    pub frozen: bool,
    pub tx: mpsc::UnboundedSender<Bytes>,
}

pub struct Store {
    pub rv: u64,
    /// State as of `compacted_rv`.
    base: BTreeMap<Key, Value>,
    pub compacted_rv: u64,
    /// Changes after `compacted_rv`, in RV order.
    log: Vec<Change>,
    /// State at `rv`.
    cur: BTreeMap<Key, Value>,
    pub subs: Vec<Sub>,
    next_uid: u64,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            rv: 1000,
            base: BTreeMap::new(),
            compacted_rv: 1000,
            log: Vec::new(),
            cur: BTreeMap::new(),
            subs: Vec::new(),
            next_uid: 1,
        }
    }
}

pub fn key_of(obj: &Value) -> Key {
    let s = |p: &str| {
        obj.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    (s("/metadata/namespace"), s("/metadata/name"))
}

pub fn event_line(kind: &str, obj: &Value) -> Bytes {
    let mut line = json!({"type": kind, "object": obj}).to_string();
    line.push('\n');
    Bytes::from(line)
}

impl Store {
    /// The state at `rv` (>= `compacted_rv`).
    pub fn state_at(&self, rv: u64) -> BTreeMap<Key, Value> {
        if rv >= self.rv {
            return self.cur.clone();
        }
        let mut m = self.base.clone();
        for c in self.log.iter().take_while(|c| c.rv <= rv) {
            if c.deleted {
                m.remove(&c.key);
            } else {
                m.insert(c.key.clone(), c.cur.clone());
            }
        }
        m
    }

    pub fn current(&self) -> &BTreeMap<Key, Value> {
        &self.cur
    }

    pub fn changes_after(&self, rv: u64) -> impl Iterator<Item = &Change> {
        self.log.iter().filter(move |c| c.rv > rv)
    }

    /// Creates or replaces a pod (fills kind, apiVersion, namespace, uid,
    /// creationTimestamp, resourceVersion). Returns the stored object.
    pub fn put(&mut self, mut obj: Value) -> Value {
        self.rv += 1;
        let key = {
            let k = key_of(&obj);
            (
                if k.0.is_empty() {
                    "default".into()
                } else {
                    k.0
                },
                k.1,
            )
        };
        let old = self.current().get(&key).cloned();
        let uid = old
            .as_ref()
            .and_then(|o| o.pointer("/metadata/uid").cloned())
            .unwrap_or_else(|| {
                self.next_uid += 1;
                json!(format!("00000000-0000-4000-8000-{:012x}", self.next_uid))
            });
        if let Some(map) = obj.as_object_mut() {
            map.insert("kind".into(), json!("Pod"));
            map.insert("apiVersion".into(), json!("v1"));
            let meta = map.entry("metadata").or_insert_with(|| json!({}));
            if let Some(meta) = meta.as_object_mut() {
                meta.insert("namespace".into(), json!(key.0));
                meta.entry("uid").or_insert(uid);
                let created = old
                    .as_ref()
                    .and_then(|o| o.pointer("/metadata/creationTimestamp").cloned())
                    .unwrap_or_else(|| json!("2025-06-01T10:00:00Z"));
                meta.entry("creationTimestamp").or_insert(created);
                meta.insert("resourceVersion".into(), json!(self.rv.to_string()));
            }
        }
        self.record(Change {
            rv: self.rv,
            key,
            old,
            cur: obj.clone(),
            deleted: false,
        });
        obj
    }

    /// Deletes a pod; false when there is none.
    pub fn delete(&mut self, namespace: &str, name: &str) -> bool {
        let key = (namespace.to_string(), name.to_string());
        let Some(old) = self.current().get(&key).cloned() else {
            return false;
        };
        self.rv += 1;
        let mut cur = old.clone();
        set_rv(&mut cur, self.rv);
        self.record(Change {
            rv: self.rv,
            key,
            old: Some(old),
            cur,
            deleted: true,
        });
        true
    }

    /// A write elsewhere in the cluster (another resource): only the global RV moves.
    pub fn tick(&mut self) {
        self.rv += 1;
    }

    /// Forgets the history: watches and continues from before now get 410 Gone.
    pub fn compact(&mut self) {
        self.base = self.cur.clone();
        self.log.clear();
        self.compacted_rv = self.rv;
    }

    fn record(&mut self, c: Change) {
        self.subs.retain(|s| {
            if s.frozen {
                return !s.tx.is_closed();
            }
            match watch_event(&c, s.namespace.as_deref(), &s.sel) {
                Some((kind, obj)) => s.tx.send(event_line(kind, &obj)).is_ok(),
                None => !s.tx.is_closed(),
            }
        });
        if c.deleted {
            self.cur.remove(&c.key);
        } else {
            self.cur.insert(c.key.clone(), c.cur.clone());
        }
        self.log.push(c);
    }
}

pub fn set_rv(obj: &mut Value, rv: u64) {
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("resourceVersion".into(), json!(rv.to_string()));
    }
}

/// What a watcher with this filter sees of a change, as the watch cache
/// computes it: objects moving in or out of the selector become ADDED/DELETED.
pub fn watch_event(
    c: &Change,
    namespace: Option<&str>,
    sel: &Selector,
) -> Option<(&'static str, Value)> {
    let passes = |o: &Value| namespace.is_none_or(|ns| key_of(o).0 == ns) && sel.matches(o);
    let old_in = c.old.as_ref().is_some_and(passes);
    let cur_in = !c.deleted && passes(&c.cur);
    match (old_in, cur_in) {
        (false, true) => Some(("ADDED", c.cur.clone())),
        (true, true) => Some(("MODIFIED", c.cur.clone())),
        (true, false) if c.deleted => Some(("DELETED", c.cur.clone())),
        (true, false) => {
            let mut o = c.old.clone().unwrap_or_default();
            set_rv(&mut o, c.rv);
            Some(("DELETED", o))
        }
        (false, false) => None,
    }
}
