//! The typed stream filter: `pid:N comm:NAME syscall:NAME container:ID free text`.

use std::fmt;

use super::buffer::EventRef;

/// A parsed filter. Values of one key are OR-ed; keys and free words are AND-ed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// `pid:N` (matches pid or tid).
    pub pids: Vec<u32>,
    /// `comm:NAME` (case-insensitive substring).
    pub comms: Vec<String>,
    /// `syscall:NAME` (exact name, e.g. openat, or exec/exit/fork).
    pub syscalls: Vec<String>,
    /// `container:ID` (prefix of the container id).
    pub containers: Vec<String>,
    /// Free words: case-insensitive substring of comm, syscall or arguments.
    pub words: Vec<String>,
    source: String,
}

/// A filter that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// `pid:` needs a number.
    #[error("pid must be a number, got `{0}`")]
    BadPid(String),
    /// `key:` with nothing after it.
    #[error("`{0}:` needs a value")]
    Empty(String),
}

impl Filter {
    /// Parses `text`; an empty text is the match-all filter.
    pub fn parse(text: &str) -> Result<Self, FilterError> {
        let mut f = Filter {
            source: text.trim().to_string(),
            ..Self::default()
        };
        for tok in text.split_whitespace() {
            let (key, val) = match tok.split_once(':') {
                Some((k, v))
                    if matches!(k, "pid" | "comm" | "syscall" | "sc" | "container" | "ct") =>
                {
                    (k, v)
                }
                _ => {
                    f.words.push(tok.to_lowercase());
                    continue;
                }
            };
            if val.is_empty() {
                return Err(FilterError::Empty(key.to_string()));
            }
            match key {
                "pid" => f.pids.push(
                    val.parse()
                        .map_err(|_| FilterError::BadPid(val.to_string()))?,
                ),
                "comm" => f.comms.push(val.to_lowercase()),
                "syscall" | "sc" => f.syscalls.push(val.to_lowercase()),
                _ => f.containers.push(val.to_lowercase()),
            }
        }
        Ok(f)
    }

    /// True when it matches everything.
    pub fn is_empty(&self) -> bool {
        self.pids.is_empty()
            && self.comms.is_empty()
            && self.syscalls.is_empty()
            && self.containers.is_empty()
            && self.words.is_empty()
    }

    /// Does the record match? `syscall` is its display name, `container` its
    /// container id, `args` renders its arguments (only called for free words).
    pub fn matches(
        &self,
        ev: &EventRef<'_>,
        syscall: &str,
        container: Option<&str>,
        args: impl FnOnce() -> String,
    ) -> bool {
        if !self.pids.is_empty() && !self.pids.iter().any(|p| *p == ev.pid() || *p == ev.tid()) {
            return false;
        }
        let comm = String::from_utf8_lossy(ev.comm_bytes()).to_lowercase();
        if !self.comms.is_empty() && !self.comms.iter().any(|c| comm.contains(c.as_str())) {
            return false;
        }
        if !self.syscalls.is_empty() && !self.syscalls.iter().any(|s| s == syscall) {
            return false;
        }
        if !self.containers.is_empty() {
            let Some(id) = container else { return false };
            if !self.containers.iter().any(|c| id.starts_with(c.as_str())) {
                return false;
            }
        }
        if self.words.is_empty() {
            return true;
        }
        let args = args().to_lowercase();
        self.words.iter().all(|w| {
            comm.contains(w.as_str()) || syscall.contains(w.as_str()) || args.contains(w.as_str())
        })
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_typed_terms_and_words() {
        let f = Filter::parse("pid:42 comm:Bash syscall:openat ct:abc shadow").expect("parses");
        assert_eq!(f.pids, vec![42]);
        assert_eq!(f.comms, vec!["bash"]);
        assert_eq!(f.syscalls, vec!["openat"]);
        assert_eq!(f.containers, vec!["abc"]);
        assert_eq!(f.words, vec!["shadow"]);
        assert_eq!(
            f.to_string(),
            "pid:42 comm:Bash syscall:openat ct:abc shadow"
        );
    }

    #[test]
    fn rejects_bad_values() {
        assert_eq!(Filter::parse("pid:x"), Err(FilterError::BadPid("x".into())));
        assert_eq!(
            Filter::parse("comm:"),
            Err(FilterError::Empty("comm".into()))
        );
        assert!(Filter::parse("").expect("empty ok").is_empty());
    }
}
