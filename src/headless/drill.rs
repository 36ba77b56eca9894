//! Text of the `drill` commands: the list, the status line, a grade with each check's reason, the scores table.

use crate::drill::grade::Grade;
use crate::drill::lab::{LabDirs, LabState};
use crate::drill::scores::Scores;
use crate::drill::{Catalog, Drill};
use crate::sanitize::{sanitize, sanitize_multiline};

/// `drill list`: name, time limit, title.
pub fn list(c: &Catalog) -> String {
    let mut out = String::new();
    for d in &c.drills {
        out.push_str(&format!(
            "{:<18} {:>4}s  {}\n",
            sanitize(&d.name),
            d.time_limit,
            sanitize(&d.title)
        ));
    }
    out
}

pub use crate::app::drill_task::clock;

/// Drill text (statement, hint) with `{lab}` filled in, sanitized (newlines kept).
pub fn fill(text: &str, dirs: &LabDirs) -> String {
    sanitize_multiline(&crate::drill::fill_lab(text, dirs)).into_owned()
}

/// The statement with `{lab}` filled in.
pub fn statement(d: &Drill, dirs: &LabDirs) -> String {
    fill(&d.statement, dirs)
}

/// `drill start` / `drill status`: the task, the clock, where the lab is.
pub fn status(d: &Drill, s: &LabState, dirs: &LabDirs) -> String {
    let el = s.elapsed_secs();
    let left = d.time_limit.saturating_sub(el);
    let mut out = format!(
        "drill {} — {}\n\n{}\n\nelapsed {} of {} ({} left{}); hints shown {}/{}\n",
        sanitize(&d.name),
        sanitize(&d.title),
        statement(d, dirs).trim_end(),
        clock(el),
        clock(d.time_limit),
        clock(left),
        if left == 0 { ", over time" } else { "" },
        s.hints_shown,
        d.hints.len()
    );
    if let Some(a) = s.answers.last() {
        out.push_str(&format!("last answer: {}\n", sanitize(a)));
    }
    out.push_str(&format!(
        "lab: ktriage ... --cri-socket {s} --pod-manifest {m}\n     crictl --runtime-endpoint unix://{s}\n     ctr --address {s} --namespace k8s.io containers ls\n",
        s = dirs.socket().display(),
        m = dirs.manifests().display()
    ));
    for p in &s.pods {
        for c in &p.containers {
            out.push_str(&format!(
                "  pod {}/{} container {} ({})\n",
                sanitize(&p.namespace),
                sanitize(&p.name),
                sanitize(&c.name),
                &c.id.get(..13).unwrap_or(&c.id)
            ));
        }
    }
    out
}

/// `drill grade`: PASS/FAIL, each check with its reason.
pub fn grade(g: &Grade) -> String {
    let mut out = format!(
        "{} {} in {} ({} hint{} shown)\n",
        if g.passed { "PASS" } else { "FAIL" },
        sanitize(&g.drill),
        clock(g.elapsed_secs),
        g.hints_shown,
        if g.hints_shown == 1 { "" } else { "s" }
    );
    for c in &g.checks {
        if c.passed {
            out.push_str(&format!("  ok    {}\n", sanitize(&c.what)));
        } else {
            out.push_str(&format!(
                "  FAIL  {}: {}\n",
                sanitize(&c.what),
                sanitize(&c.why)
            ));
        }
    }
    out
}

/// `drill import DIR`: the drills made (name, time limit, title, what grades them) and the steps skipped.
pub fn imported(got: &crate::drill::killercoda::Imported, dir: &std::path::Path) -> String {
    let mut out = String::new();
    for d in &got.drills {
        let checks: Vec<String> = d
            .checks
            .iter()
            .map(|c| sanitize(&crate::drill::grade::describe(c)).into_owned())
            .collect();
        out.push_str(&format!(
            "{:<18} {:>4}s  {}\n{:<25}graded by: {}\n",
            sanitize(&d.name),
            d.time_limit,
            sanitize(&d.title),
            "",
            checks.join("; ")
        ));
    }
    for s in &got.skipped {
        out.push_str(&format!("skipped: {}\n", sanitize(s)));
    }
    out.push_str(&format!(
        "{} drill(s); start one with `ktriage drill --drills {} start NAME`\n",
        got.drills.len(),
        crate::sanitize::quote_arg(&dir.display().to_string())
    ));
    out
}

/// `drill scores`: one row per drill.
pub fn scores(s: &Scores) -> String {
    let mut out = format!(
        "{:<18} {:>8} {:>6} {:>6} {:>10}  {}\n",
        "drill", "attempts", "passes", "best", "best hints", "last (hints)"
    );
    for (name, r) in &s.drills {
        // a drill never graded has no last result to speak of
        let last = if r.last_result.is_empty() {
            "-".to_string()
        } else {
            format!("{} ({})", sanitize(&r.last_result), r.last_hints)
        };
        out.push_str(&format!(
            "{:<18} {:>8} {:>6} {:>6} {:>10}  {last}\n",
            sanitize(name),
            r.attempts,
            r.passes,
            r.best_secs.map_or("-".into(), clock),
            r.best_hints.map_or("-".into(), |h| h.to_string()),
        ));
    }
    for (name, r) in &s.drills {
        if let Some(a) = &r.last_attempt {
            out.push_str(&format!(
                "last attempt of {}: {}\n",
                sanitize(name),
                sanitize(a)
            ));
        }
    }
    out
}
