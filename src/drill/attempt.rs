//! An attempt: grading the running drill with an answer (kept in the lab state, counted in the scores), and the attempt's recording in `$XDG_DATA_HOME/ktriage/drills/attempts/`.

use std::path::{Path, PathBuf};

use super::grade::{Grade, grade};
use super::lab::{LabDirs, LabError, LabState, now_unix};
use super::scores::{Scores, scores_path};
use super::{Catalog, Drill};
use crate::safe_fs;

/// The running drill's lab state and its drill: the copy the lab saved at start, else
/// (a lab started by an older ktriage) the drill of that name in `catalog`.
pub fn running(dirs: &LabDirs, catalog: &Catalog) -> Result<(LabState, Drill), LabError> {
    let state = LabState::load(dirs)?;
    let d = match &state.spec {
        Some(d) if d.name == state.drill => d.clone(),
        _ => catalog
            .get(&state.drill)
            .cloned()
            .ok_or_else(|| LabError::State {
                file: dirs.state_file().display().to_string(),
                detail: format!(
                    "the running lab is for drill {:?}, which is not known here (pass its --drills DIR)",
                    state.drill
                ),
            })?,
    };
    Ok((state, d))
}

/// The TUI showed hints up to `shown` of drill `drill`: the lab state counts them
/// (never fewer than before; nothing when another drill runs now).
pub fn hints_shown(dirs: &LabDirs, drill: &str, shown: usize) -> Result<(), LabError> {
    let mut state = LabState::load(dirs)?;
    if state.drill != drill || state.hints_shown >= shown {
        return Ok(());
    }
    state.hints_shown = shown;
    state.save(dirs)
}

/// Grades the running drill: `answer` (when given and new) becomes its last answer first;
/// the grade is counted in the scores (a scores file that cannot be written is the second value).
pub fn grade_answer(
    dirs: &LabDirs,
    catalog: &Catalog,
    answer: Option<&str>,
) -> Result<(Grade, Option<String>), LabError> {
    let (mut state, d) = running(dirs, catalog)?;
    if let Some(a) = answer.filter(|a| state.answers.last().map(String::as_str) != Some(*a)) {
        state.answers.push(a.to_string());
        state.save(dirs)?;
    }
    let g = grade(dirs, &d, &state)?;
    let unsaved = scores_path().and_then(|path| {
        let mut s = Scores::load(&path).unwrap_or_default();
        s.record(&g, now_unix());
        s.save(&path).err().map(|e| e.to_string())
    });
    Ok((g, unsaved))
}

/// `drill` as a file name part: letters, digits, `.`, `_`, `-`; anything else `_`.
fn file_part(drill: &str) -> String {
    let s: String = drill
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    s.trim_start_matches('.').to_string()
}

/// A new attempt's recording: `<data>/ktriage/drills/attempts/<drill>-<unix seconds>.ktr`,
/// its directory made (0700). `None`: no XDG_DATA_HOME or HOME.
pub fn new_attempt_path(drill: &str) -> Result<Option<PathBuf>, LabError> {
    let Some(dir) = scores_path().and_then(|p| Some(p.parent()?.join("attempts"))) else {
        return Ok(None);
    };
    safe_fs::create_private_dir("", &dir)?;
    Ok(Some(dir.join(format!(
        "{}-{}.ktr",
        file_part(drill),
        now_unix()
    ))))
}

/// After the session: the recording renamed to say the result (`…-pass.ktr`, `…-fail.ktr`,
/// `…-ungraded.ktr`) and named as the drill's last attempt in the scores.
pub fn finish_attempt(path: &Path, drill: &str, passed: Option<bool>) -> Result<PathBuf, LabError> {
    let result = match passed {
        Some(true) => "pass",
        Some(false) => "fail",
        None => "ungraded",
    };
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let to = path.with_file_name(format!("{stem}-{result}.ktr"));
    if std::fs::symlink_metadata(&to).is_ok() {
        return Err(LabError::io(
            format!("renaming {} to {}", path.display(), to.display()),
            std::io::Error::from(std::io::ErrorKind::AlreadyExists),
        ));
    }
    std::fs::rename(path, &to).map_err(|e| {
        LabError::io(
            format!("renaming {} to {}", path.display(), to.display()),
            e,
        )
    })?;
    if let Some(sp) = scores_path() {
        let mut s = Scores::load(&sp)?;
        s.drills.entry(drill.to_string()).or_default().last_attempt =
            Some(to.display().to_string());
        s.save(&sp)?;
    }
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_drill_names_make_plain_file_names() {
        assert_eq!(file_part("../../etc/x"), "_.._etc_x");
        assert_eq!(file_part("env-secret"), "env-secret");
        assert_eq!(file_part("a\u{202e}b c"), "a_b_c");
    }
}
