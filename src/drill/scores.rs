//! Scores per drill (attempts, best time, last result) in `$XDG_DATA_HOME/ktriage/drills/scores.json` (0600, in a 0700 directory).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::grade::Grade;
use super::lab::LabError;
use crate::safe_fs;

/// Cap of the scores file.
const SCORES_CAP: u64 = 4 << 20;

/// One drill's record.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct Score {
    /// Graded attempts.
    pub attempts: u32,
    /// Passes.
    pub passes: u32,
    /// Fastest pass, seconds from start.
    pub best_secs: Option<u64>,
    /// `pass` or `fail`.
    pub last_result: String,
    /// When last graded (Unix seconds).
    pub last_unix: u64,
    /// Hints revealed before the last grade (`drill hint` and the TUI's hint key).
    #[serde(default)]
    pub last_hints: usize,
    /// Hints revealed before the fastest pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_hints: Option<usize>,
    /// The last TUI attempt's recording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempt: Option<String>,
}

/// All drills' records.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct Scores {
    pub drills: BTreeMap<String, Score>,
}

/// The scores file: `$XDG_DATA_HOME/ktriage/drills/scores.json`, else `~/.local/share/...`.
pub fn scores_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("ktriage/drills/scores.json"))
}

impl Scores {
    /// Reads `path`; empty when it does not exist.
    pub fn load(path: &Path) -> Result<Self, LabError> {
        match safe_fs::read_input("", path, SCORES_CAP) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| LabError::State {
                file: path.display().to_string(),
                detail: e.to_string(),
            }),
            Err(e) if e.is_not_found() => Ok(Self::default()),
            Err(e) => Err(e.into()),
        }
    }

    /// Writes `path` (its directory made 0700, the file 0600).
    pub fn save(&self, path: &Path) -> Result<(), LabError> {
        if let Some(dir) = path.parent() {
            safe_fs::create_private_dir("", dir)?;
        }
        let text = serde_json::to_vec_pretty(self).unwrap_or_default();
        safe_fs::create_output("", path, safe_fs::Existing::Truncate)?
            .write_all(&text)
            .map_err(|e| LabError::io(format!("writing {}", path.display()), e))
    }

    /// Counts a graded attempt.
    pub fn record(&mut self, g: &Grade, now: u64) {
        let s = self.drills.entry(g.drill.clone()).or_default();
        s.attempts += 1;
        s.last_unix = now;
        s.last_result = if g.passed { "pass" } else { "fail" }.into();
        s.last_hints = g.hints_shown;
        if g.passed {
            s.passes += 1;
            if s.best_secs.is_none_or(|b| g.elapsed_secs < b) {
                s.best_secs = Some(g.elapsed_secs);
                s.best_hints = Some(g.hints_shown);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grade(passed: bool, secs: u64) -> Grade {
        Grade {
            drill: "d".into(),
            passed,
            elapsed_secs: secs,
            hints_shown: (secs / 30) as usize,
            checks: Vec::new(),
        }
    }

    #[test]
    fn best_time_is_the_fastest_pass_and_files_are_private() {
        use std::os::unix::fs::MetadataExt;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("ktriage/drills/scores.json");
        let mut s = Scores::load(&p).unwrap();
        s.record(&grade(true, 90), 1);
        s.record(&grade(false, 10), 2);
        s.record(&grade(true, 60), 3);
        s.save(&p).unwrap();
        let back = Scores::load(&p).unwrap();
        let r = &back.drills["d"];
        assert_eq!((r.attempts, r.passes, r.best_secs), (3, 2, Some(60)));
        assert_eq!(r.last_result, "pass");
        assert_eq!((r.last_hints, r.best_hints), (2, Some(2)));
        assert_eq!(std::fs::metadata(&p).unwrap().mode() & 0o777, 0o600);
        assert_eq!(
            std::fs::metadata(p.parent().unwrap()).unwrap().mode() & 0o777,
            0o700
        );
    }
}
