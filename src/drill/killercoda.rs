//! Killercoda-style scenarios as drills: `index.json` (title, `details.intro`, `details.steps[]` with `text` and `verify`, `details.finish`), step texts in markdown, verify scripts that exit 0 on success.
//!
//! Each step with a `verify` script becomes a drill named `<dir>-step<N>`: its
//! statement is the step's text (the intro's before step 1's), shown as text
//! (killercoda's `{{exec}}`-style markers dropped; sanitized when shown), and
//! its one check runs the script ([`super::verify`]). Steps without one are
//! skipped and said so. The lab such a drill starts has no pods (a scenario's
//! `background`/`foreground` setup scripts are not run). Files named by
//! `index.json` must stay inside the scenario directory: absolute paths, `..`
//! and symlinks leading out are refused; every file is read through
//! [`crate::safe_fs`] under a cap.

use std::path::{Component, Path};

use serde::Deserialize;

use super::catalog::CatalogError;
use super::spec::{Check, Drill};
use crate::safe_fs;

/// Cap of `index.json`, of a step text and of a verify script.
pub const INDEX_CAP: u64 = 1 << 20;
pub const TEXT_CAP: u64 = 256 << 10;
/// A script is passed as one argument (`sh -c`): below the kernel's 128 KiB per argument.
pub const SCRIPT_CAP: u64 = 64 << 10;
/// Steps of one scenario (each may read a text and a script under their caps).
pub const MAX_STEPS: usize = 64;
/// Time limit of an imported step (killercoda steps have none).
pub const TIME_LIMIT: u64 = 900;

#[derive(Deserialize)]
struct Index {
    #[serde(default)]
    title: String,
    #[serde(default)]
    details: Details,
}

#[derive(Default, Deserialize)]
struct Details {
    intro: Option<Page>,
    #[serde(default)]
    steps: Vec<Step>,
}

#[derive(Deserialize)]
struct Page {
    text: Option<String>,
}

#[derive(Deserialize)]
struct Step {
    #[serde(default)]
    title: String,
    text: Option<String>,
    verify: Option<String>,
}

/// A scenario's drills, and the steps that made none (with why).
#[derive(Debug, Default)]
pub struct Imported {
    pub drills: Vec<Drill>,
    pub skipped: Vec<String>,
}

/// Whether `dir` is a scenario directory (it has an `index.json`).
pub fn is_scenario(dir: &Path) -> bool {
    dir.join("index.json").is_file()
}

fn located(file: &Path, detail: String) -> CatalogError {
    CatalogError::Parse {
        file: file.display().to_string(),
        detail,
    }
}

/// The byte offset of serde_json's 1-based `line`/`column` in `text`.
fn byte_at(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// Reads `rel` (as `index.json` names it) inside `dir` (canonical), refusing a way out.
fn read_rel(
    dir: &Path,
    index: &Path,
    what: &str,
    rel: &str,
    cap: u64,
) -> Result<String, CatalogError> {
    let out = |why: &str| located(index, format!("{what} {rel:?}: {why}"));
    let p = Path::new(rel);
    if rel.is_empty()
        || !p
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(out(
            "not a plain relative path inside the scenario directory",
        ));
    }
    let full = dir.join(p);
    let canon = std::fs::canonicalize(&full).map_err(|e| out(&e.to_string()))?;
    if !canon.starts_with(dir) {
        return Err(out(
            "leads out of the scenario directory (a symlink?); refusing it",
        ));
    }
    let bytes = safe_fs::read_input("--drills", &canon, cap)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Markdown as text: killercoda's action markers (`{{exec}}`, `{{copy}}`, ...) dropped.
pub fn plain(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        match rest[i..].find("}}") {
            Some(j) if j <= 40 => rest = &rest[i + j + 2..],
            _ => {
                out.push_str("{{");
                rest = &rest[i + 2..];
            }
        }
    }
    out.push_str(rest);
    out.trim().to_string()
}

/// A drill name part: lowercase letters, digits, `-`, `_`, `.`; others `-`.
fn name_part(s: &str) -> String {
    let n: String = s
        .chars()
        .take(48)
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '_' | '.') => c,
            _ => '-',
        })
        .collect();
    let n = n.trim_matches(['-', '.']).to_string();
    if n.is_empty() { "scenario".into() } else { n }
}

/// Imports the scenario in `dir`.
pub fn import(dir: &Path) -> Result<Imported, CatalogError> {
    let canon = std::fs::canonicalize(dir).map_err(|e| CatalogError::Dir {
        dir: dir.display().to_string(),
        source: e,
    })?;
    let index_path = canon.join("index.json");
    let text = String::from_utf8_lossy(&safe_fs::read_input("--drills", &index_path, INDEX_CAP)?)
        .into_owned();
    let index: Index = serde_json::from_str(&text).map_err(|e| {
        let at = byte_at(&text, e.line(), e.column());
        located(
            &index_path,
            format!("byte {at} (line {}, column {}): {e}", e.line(), e.column()),
        )
    })?;
    let base = name_part(&canon.file_name().unwrap_or_default().to_string_lossy());
    let title = if index.title.trim().is_empty() {
        base.clone()
    } else {
        index.title.trim().to_string()
    };
    let intro = match index.details.intro.as_ref().and_then(|p| p.text.as_deref()) {
        Some(rel) => plain(&read_rel(&canon, &index_path, "intro text", rel, TEXT_CAP)?),
        None => String::new(),
    };
    if index.details.steps.len() > MAX_STEPS {
        return Err(located(
            &index_path,
            format!(
                "{} steps; at most {MAX_STEPS} are imported from one scenario",
                index.details.steps.len()
            ),
        ));
    }
    let mut out = Imported::default();
    for (i, step) in index.details.steps.iter().enumerate() {
        let n = i + 1;
        let step_title = if step.title.trim().is_empty() {
            format!("step {n}")
        } else {
            step.title.trim().to_string()
        };
        let Some(verify) = step.verify.as_deref() else {
            out.skipped
                .push(format!("step {n} ({step_title}): no verify script"));
            continue;
        };
        let script = read_rel(
            &canon,
            &index_path,
            &format!("step {n} verify"),
            verify,
            SCRIPT_CAP,
        )?;
        let body = match step.text.as_deref() {
            Some(rel) => plain(&read_rel(
                &canon,
                &index_path,
                &format!("step {n} text"),
                rel,
                TEXT_CAP,
            )?),
            None => String::new(),
        };
        let mut statement = String::new();
        if n == 1 && !intro.is_empty() {
            statement.push_str(&intro);
            statement.push_str("\n\n");
        }
        statement.push_str(&format!("{step_title}\n\n{body}\n\nWhen done: `ktriage drill grade` runs the scenario's {verify}."));
        out.drills.push(Drill {
            name: format!("{base}-step{n}"),
            title: format!("{title}: {step_title}"),
            statement,
            time_limit: TIME_LIMIT,
            hints: Vec::new(),
            work_files: Default::default(),
            pods: Vec::new(),
            checks: vec![Check::VerifyScript {
                name: verify.to_string(),
                script,
                timeout_secs: 30,
            }],
        });
    }
    Ok(out)
}

#[cfg(test)]
#[path = "killercoda_tests.rs"]
mod tests;
