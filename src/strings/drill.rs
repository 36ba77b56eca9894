//! Drill mode strings: the task panel, the hint key's and `:answer`/`:grade`'s messages.

/// Status message: a drill command without a running drill.
pub const DRILL_NONE: &str =
    "no drill running (sudo ktriage drill start NAME, then restart ktriage)";
/// Status message: every hint is already shown.
pub const DRILL_NO_MORE_HINTS: &str = "no more hints";
/// Status message after `:answer`.
pub const DRILL_ANSWER_KEPT: &str = "answer kept; :grade grades it";
/// Status message after `:grade`.
pub const DRILL_GRADING: &str = "grading against the live lab…";
/// Panel: no answer yet.
pub const DRILL_NO_ANSWER: &str = "answer: (none yet: :answer TEXT)";
/// Panel: a grade asked for, not back yet.
pub const DRILL_GRADING_PANEL: &str = "grading…";
/// Panel: how to go on, when no hint is shown.
pub const DRILL_KEYS: &str = ":answer TEXT · :grade · :hint";

/// Status message: hint N of M shown.
pub fn drill_hint_shown(n: usize, of: usize) -> String {
    format!("hint {n}/{of} shown in the drill panel")
}

/// The panel's title: `drill NAME · 04:12 left · hints 1/3`.
pub fn drill_title(name: &str, left: &str, over: bool, shown: usize, hints: usize) -> String {
    let over = if over { " OVER TIME" } else { "" };
    format!(" drill {name} · {left} left{over} · hints {shown}/{hints} (H) ")
}

/// Panel: hint `n`.
pub fn drill_hint(n: usize, text: &str) -> String {
    format!("hint {n}: {text}")
}

/// Panel: the answer to grade.
pub fn drill_answer(text: &str) -> String {
    format!("answer: {text}")
}

/// Panel and report: the grade's first line.
pub fn drill_grade_head(passed: bool, time: &str) -> String {
    format!("{} in {time}", if passed { "PASS" } else { "FAIL" })
}

/// Panel: a hint the lab's state file did not take.
pub fn drill_hint_not_counted(why: &str) -> String {
    format!("hint shown, but the lab did not count it: {why}")
}

/// Panel: grading failed.
pub fn drill_not_graded(why: &str) -> String {
    format!("not graded: {why}")
}
