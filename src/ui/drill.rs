//! Drill mode at the terminal edge: the running drill's task read from the lab, and `:grade` carried out (the grader reads the lab and /proc, so it runs here, off the UI thread).

use crate::app::drill_task::{DrillEvent, DrillGrade, DrillTask, GradeLine};
use crate::app::{Effect, Event};
use crate::drill::Catalog;
use crate::drill::attempt::{grade_answer, running};
use crate::drill::lab::LabDirs;

/// The running drill's task (statement and hints with `{lab}` filled in), if a lab runs one of the shipped drills.
pub fn running_task() -> Option<DrillTask> {
    let dirs = LabDirs::default();
    let catalog = Catalog::shipped();
    let (state, d) = running(&dirs, &catalog).ok()?;
    Some(DrillTask {
        name: d.name.clone(),
        title: d.title.clone(),
        statement: crate::drill::fill_lab(&d.statement, &dirs),
        time_limit: d.time_limit,
        elapsed_at_start: state.elapsed_secs(),
        hints: d
            .hints
            .iter()
            .map(|h| crate::drill::fill_lab(h, &dirs))
            .collect(),
        hints_shown: state.hints_shown,
        answer: state.answers.last().cloned(),
    })
}

/// Grades the running drill with `answer` (answers `Effect::DrillGrade`).
pub fn grade(answer: Option<&str>) -> Event {
    let result = grade_answer(&LabDirs::default(), &Catalog::shipped(), answer)
        .map(|(g, _)| DrillGrade {
            passed: g.passed,
            elapsed_secs: g.elapsed_secs,
            checks: g
                .checks
                .into_iter()
                .map(|c| GradeLine {
                    what: c.what,
                    passed: c.passed,
                    why: c.why,
                })
                .collect(),
        })
        .map_err(|e| e.to_string());
    Event::Drill(DrillEvent::Graded(result))
}

/// Runs `effect` if it is a drill grade (on its own thread; the result goes to `tx`) or a
/// hint to count (the lab's state file, written here: a small file, no answer); else gives it back.
pub fn perform(effect: Effect, tx: &tokio::sync::mpsc::Sender<Event>) -> Option<Effect> {
    let answer = match effect {
        Effect::DrillGrade { answer, .. } => answer,
        Effect::DrillHint { drill, shown } => {
            if let Err(e) = crate::drill::attempt::hints_shown(&LabDirs::default(), &drill, shown) {
                let ev = Event::Drill(DrillEvent::HintNotCounted(e.to_string()));
                let _ = tx.try_send(ev);
            }
            return None;
        }
        other => return Some(other),
    };
    let (tx, on_error) = (tx.clone(), tx.clone());
    let spawned = std::thread::Builder::new()
        .name("ktriage-grade".into())
        .spawn(move || {
            let _ = tx.blocking_send(grade(answer.as_deref()));
        });
    if let Err(e) = spawned {
        let ev = Event::Drill(DrillEvent::Graded(Err(e.to_string())));
        let _ = on_error.try_send(ev);
    }
    None
}
