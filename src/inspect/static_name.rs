//! Deserializes the `&'static str` names of inspection sections and namespace kinds (recorded sessions) back to the same static strings.

use std::collections::BTreeSet;
use std::sync::Mutex;

use serde::{Deserialize, Deserializer};

/// A static name (an alias, so serde does not treat the field as borrowed from the input).
pub type StaticName = &'static str;

/// Distinct names kept at most; further unknown names read as `"unknown"` (a hostile recording cannot grow memory).
const MAX_NAMES: usize = 256;

static NAMES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

/// `#[serde(deserialize_with = "…")]` for a `&'static str` field.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let s = String::deserialize(d)?;
    Ok(intern(&s))
}

/// The static string equal to `s` (interned once), or `"unknown"` past the cap.
pub fn intern(s: &str) -> &'static str {
    let mut names = NAMES.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(n) = names.get(s) {
        return n;
    }
    if names.len() >= MAX_NAMES {
        return "unknown";
    }
    let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}
