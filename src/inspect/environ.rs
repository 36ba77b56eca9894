//! `/proc/PID/environ` with credential-looking entries masked unless explicitly revealed.

use std::io;
use std::path::Path;

use crate::sanitize::sanitize;

pub use crate::redact::{MASK, entropy, is_secret_name, looks_like_secret};

/// One environment variable. `Debug` never prints a masked value.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EnvEntry {
    /// Raw name; sanitize before drawing.
    pub name: String,
    /// Raw value; read it through [`EnvEntry::value`] / [`EnvEntry::display`].
    pub value: String,
    /// The name or the value looks like a credential (see [`crate::redact::mask_env_entry`]).
    pub masked: bool,
}

impl EnvEntry {
    /// Builds an entry, deciding `masked`.
    pub fn new(name: String, value: String) -> Self {
        let masked = crate::redact::mask_env_entry(&name, Some(&value));
        EnvEntry {
            name,
            value,
            masked,
        }
    }

    /// The value, or `None` when masked and not revealed.
    pub fn value(&self, reveal: bool) -> Option<&str> {
        (!self.masked || reveal).then_some(self.value.as_str())
    }

    /// An entry that had no `=`: the text is the name, the value is empty.
    pub fn without_value(text: String) -> Self {
        let masked = crate::redact::mask_env_entry(&text, None);
        EnvEntry {
            name: text,
            value: String::new(),
            masked,
        }
    }

    /// The name, or [`MASK`] for a masked entry that had no `=` (its text is the secret).
    pub fn name(&self, reveal: bool) -> &str {
        if self.masked && self.value.is_empty() && !reveal {
            MASK
        } else {
            &self.name
        }
    }

    /// `NAME=value`, sanitized for a terminal; a masked value reads [`MASK`] unless `reveal`.
    pub fn display(&self, reveal: bool) -> String {
        let value = self.value(reveal).map(sanitize).unwrap_or(MASK.into());
        format!("{}={value}", sanitize(self.name(reveal)))
    }
}

impl std::fmt::Debug for EnvEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvEntry")
            .field("name", &self.name(false))
            .field("value", &self.value(false).unwrap_or(MASK))
            .field("masked", &self.masked)
            .finish()
    }
}

/// Reads and parses `<proc_root>/<pid>/environ`.
pub fn read_environ(proc_root: &Path, pid: u32) -> io::Result<Vec<EnvEntry>> {
    Ok(parse_environ(&std::fs::read(
        proc_root.join(pid.to_string()).join("environ"),
    )?))
}

/// Splits NUL-separated `NAME=value` entries (a missing `=` gives an empty value;
/// such an entry is masked whole when its text looks like a secret).
pub fn parse_environ(raw: &[u8]) -> Vec<EnvEntry> {
    raw.split(|b| *b == 0)
        .filter(|e| !e.is_empty())
        .map(|e| match e.iter().position(|b| *b == b'=') {
            Some(i) => EnvEntry::new(
                String::from_utf8_lossy(&e[..i]).into_owned(),
                String::from_utf8_lossy(&e[i + 1..]).into_owned(),
            ),
            None => EnvEntry::without_value(String::from_utf8_lossy(e).into_owned()),
        })
        .collect()
}

#[cfg(test)]
#[path = "tests/environ.rs"]
mod tests;
