//! Drill mode: the running drill's task (statement, clock, hints, answer, grade) as the core keeps it; `:answer`, `:grade` and the hint key change it here.

use serde::{Deserialize, Serialize};

use super::state::{AppState, Severity};
use super::update::{Effect, Fact};
use crate::strings as s;

/// The running drill, as the terminal edge read it from the lab at start (text already filled in).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillTask {
    /// The drill's name.
    pub name: String,
    /// Its one-line title.
    pub title: String,
    /// The statement, in the exam's words (`{lab}` filled in; sanitized when drawn).
    pub statement: String,
    /// Seconds allowed.
    pub time_limit: u64,
    /// Seconds already gone when the session started (the lab's start time).
    pub elapsed_at_start: u64,
    /// The hints, in order.
    pub hints: Vec<String>,
    /// Hints shown before this session (`ktriage drill hint`).
    pub hints_shown: usize,
    /// The last answer given before this session, if any.
    pub answer: Option<String>,
}

/// One check of a grade: what, whether it passed, why not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeLine {
    /// What was checked.
    pub what: String,
    /// Passed.
    pub passed: bool,
    /// Why it failed (empty when it passed).
    pub why: String,
}

/// A drill's grade, as the grader sent it back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillGrade {
    /// Every check passed.
    pub passed: bool,
    /// Seconds from the drill's start.
    pub elapsed_secs: u64,
    /// Each check.
    pub checks: Vec<GradeLine>,
}

impl DrillGrade {
    /// One line: PASS/FAIL, the time, and each failed check with its reason.
    pub fn summary(&self) -> String {
        let mut out = s::drill_grade_head(self.passed, &clock(self.elapsed_secs));
        for c in self.checks.iter().filter(|c| !c.passed) {
            out.push_str(&format!("; {}: {}", c.what, c.why));
        }
        out
    }
}

/// `mm:ss`.
pub fn clock(secs: u64) -> String {
    format!("{:02}:{:02}", secs / 60, secs % 60)
}

/// Drill-mode events: the task at start, a grade's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DrillEvent {
    /// A drill is running: show its task panel.
    Task(DrillTask),
    /// The answer to `Effect::DrillGrade`: the grade, or why grading failed.
    Graded(Result<DrillGrade, String>),
    /// `Effect::DrillHint` could not be written to the lab's state: why.
    HintNotCounted(String),
}

/// The task panel's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DrillState {
    /// The task.
    pub task: DrillTask,
    /// Hints shown (the first `hints_shown` of the task's).
    pub hints_shown: usize,
    /// Seconds gone since the drill started (updated by the tick).
    pub elapsed: u64,
    /// Monotonic ns of the first tick (the clock counts from there).
    pub first_tick_ns: Option<u64>,
    /// The answer to grade.
    pub answer: Option<String>,
    /// A grade asked for and not back yet.
    pub grading: bool,
    /// The last grade (or why grading failed).
    pub grade: Option<Result<DrillGrade, String>>,
}

impl DrillState {
    /// Seconds left (0 when over time).
    pub fn left(&self) -> u64 {
        self.task.time_limit.saturating_sub(self.elapsed)
    }
}

/// Applies a drill event.
pub(super) fn on_event(state: &mut AppState, ev: DrillEvent) -> Vec<Effect> {
    match ev {
        DrillEvent::Task(task) => {
            state.drill = Some(DrillState {
                hints_shown: task.hints_shown.min(task.hints.len()),
                elapsed: task.elapsed_at_start,
                answer: task.answer.clone(),
                task,
                ..DrillState::default()
            });
            Vec::new()
        }
        DrillEvent::HintNotCounted(why) => {
            state.message = Some((Severity::Error, s::drill_hint_not_counted(&why)));
            Vec::new()
        }
        DrillEvent::Graded(result) => {
            let Some(d) = state.drill.as_mut() else {
                return Vec::new();
            };
            d.grading = false;
            let fact = Fact::DrillGraded {
                drill: d.task.name.clone(),
                result: match &result {
                    Ok(g) => g.summary(),
                    Err(e) => s::drill_not_graded(e),
                },
            };
            let (sev, msg) = match &result {
                Ok(g) => (
                    if g.passed {
                        Severity::Info
                    } else {
                        Severity::Error
                    },
                    s::drill_grade_head(g.passed, &clock(g.elapsed_secs)),
                ),
                Err(e) => (Severity::Error, s::drill_not_graded(e)),
            };
            d.grade = Some(result);
            state.message = Some((sev, msg));
            vec![Effect::Fact(fact)]
        }
    }
}

/// The tick: the clock moves on (`now` is monotonic ns).
pub(super) fn on_tick(state: &mut AppState, now: u64) {
    if let Some(d) = state.drill.as_mut() {
        let first = *d.first_tick_ns.get_or_insert(now);
        d.elapsed = d.task.elapsed_at_start + now.saturating_sub(first) / 1_000_000_000;
    }
}

/// The hint key / `:hint`: the next hint (counted by the lab and kept by a recording).
pub(super) fn hint(state: &mut AppState) -> Vec<Effect> {
    let (msg, effects) = match state.drill.as_mut() {
        None => (s::DRILL_NONE.to_string(), Vec::new()),
        Some(d) if d.hints_shown >= d.task.hints.len() => {
            (s::DRILL_NO_MORE_HINTS.to_string(), Vec::new())
        }
        Some(d) => {
            d.hints_shown += 1;
            let (drill, shown, of) = (d.task.name.clone(), d.hints_shown, d.task.hints.len());
            (
                s::drill_hint_shown(shown, of),
                vec![
                    Effect::DrillHint {
                        drill: drill.clone(),
                        shown,
                    },
                    Effect::Fact(Fact::DrillHint { drill, shown, of }),
                ],
            )
        }
    };
    state.message = Some((Severity::Info, msg));
    effects
}

/// `:answer TEXT`: the answer the next `:grade` grades.
pub(super) fn answer(state: &mut AppState, text: String) -> Vec<Effect> {
    let Some(d) = state.drill.as_mut() else {
        state.message = Some((Severity::Error, s::DRILL_NONE.to_string()));
        return Vec::new();
    };
    d.answer = Some(text.clone());
    state.message = Some((Severity::Info, s::DRILL_ANSWER_KEPT.to_string()));
    vec![Effect::Fact(Fact::DrillAnswer {
        drill: d.task.name.clone(),
        answer: text,
    })]
}

/// `:grade`: asks the terminal edge to grade the answer against the live lab.
pub(super) fn grade(state: &mut AppState) -> Vec<Effect> {
    let Some(d) = state.drill.as_mut() else {
        state.message = Some((Severity::Error, s::DRILL_NONE.to_string()));
        return Vec::new();
    };
    if d.grading {
        return Vec::new();
    }
    d.grading = true;
    state.message = Some((Severity::Info, s::DRILL_GRADING.to_string()));
    vec![Effect::DrillGrade {
        drill: d.task.name.clone(),
        answer: d.answer.clone(),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::command::parse_command;

    fn task() -> DrillTask {
        DrillTask {
            name: "env-secret".into(),
            title: "t".into(),
            statement: "find it".into(),
            time_limit: 600,
            elapsed_at_start: 30,
            hints: vec!["one".into(), "two".into()],
            ..DrillTask::default()
        }
    }

    #[test]
    fn hints_clock_answer_and_grade_go_through_update() {
        let mut st = AppState::new(16);
        let e = |st: &mut AppState, ev| crate::app::update(st, ev);
        e(&mut st, crate::app::Event::Drill(DrillEvent::Task(task())));
        e(&mut st, crate::app::Event::Tick(5_000_000_000));
        e(&mut st, crate::app::Event::Tick(15_000_000_000));
        assert_eq!(st.drill.as_ref().unwrap().left(), 560);
        let fx: Vec<Vec<Effect>> = (0..3).map(|_| hint(&mut st)).collect();
        assert_eq!(st.drill.as_ref().unwrap().hints_shown, 2);
        // each revealed hint is counted by the lab and kept by a recording; the third reveals nothing
        assert!(
            matches!(
                &fx[1][..],
                [
                    Effect::DrillHint { shown: 2, .. },
                    Effect::Fact(Fact::DrillHint {
                        shown: 2,
                        of: 2,
                        ..
                    })
                ]
            ),
            "{fx:?}"
        );
        assert!(fx[2].is_empty());
        assert_eq!(
            parse_command("answer  s3cr3t x"),
            Ok(crate::app::command::Command::Answer("s3cr3t x".into()))
        );
        let fx = answer(&mut st, "s3cr3t".into());
        assert!(matches!(&fx[..], [Effect::Fact(Fact::DrillAnswer { .. })]));
        let fx = grade(&mut st);
        assert_eq!(
            fx,
            vec![Effect::DrillGrade {
                drill: "env-secret".into(),
                answer: Some("s3cr3t".into())
            }]
        );
        // a second :grade while one runs asks nothing more
        assert!(grade(&mut st).is_empty());
        let g = DrillGrade {
            passed: false,
            elapsed_secs: 40,
            checks: vec![GradeLine {
                what: "w".into(),
                passed: false,
                why: "no".into(),
            }],
        };
        let fx = e(
            &mut st,
            crate::app::Event::Drill(DrillEvent::Graded(Ok(g.clone()))),
        );
        assert!(matches!(&fx[..], [Effect::Fact(Fact::DrillGraded { .. })]));
        let d = st.drill.as_ref().unwrap();
        assert_eq!((d.grading, d.grade.clone()), (false, Some(Ok(g))));
    }

    #[test]
    fn without_a_drill_the_commands_say_so() {
        let mut st = AppState::new(16);
        assert!(grade(&mut st).is_empty());
        assert!(answer(&mut st, "x".into()).is_empty());
        assert!(st.message.as_ref().unwrap().1.contains("no drill"));
    }
}
