//! The default command: the terminal UI (in drill mode while a drill lab runs: the task panel, the attempt recorded).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ktriage::sanitize::sanitize;

use super::common::usage;

#[derive(Args)]
pub struct TuiArgs {
    #[command(flatten)]
    view: super::session::ViewArgs,
    #[command(flatten)]
    session: super::session::SessionArgs,
    #[command(flatten)]
    record: super::session::RecordFlags,
    #[command(flatten)]
    flight: super::session::FlightFlags,
}

pub fn run(mut a: TuiArgs) -> ExitCode {
    let (keymap, theme) = match a.view.load() {
        Ok(x) => x,
        Err(e) => return usage(e),
    };
    let drill = ktriage::ui::drill::running_task();
    if drill.is_some() {
        a.session
            .drill_lab(&ktriage::drill::lab::LabDirs::default());
    }
    // drill mode records the attempt, unless --record names another file
    let attempt: Option<(PathBuf, String)> = match &drill {
        Some(t) if !a.record.given() => match ktriage::drill::attempt::new_attempt_path(&t.name) {
            Ok(p) => p.map(|p| (p, t.name.clone())),
            Err(e) => return usage(sanitize(&e.to_string())),
        },
        _ => None,
    };
    let output = attempt.as_ref().map(|(p, _)| p.clone());
    let p = match super::session::prepare(&a.session, &a.record, &a.flight, output) {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    let opts = ktriage::ui::run::TuiOpts {
        keymap,
        theme,
        buffer_cap: a.view.buffer_cap,
        session: p.session,
        record: p.recording,
        flight: p.flight,
        drill,
    };
    match ktriage::ui::run::run(opts) {
        Ok((mut summary, flight, graded)) => {
            super::session::flight_report(flight.as_ref());
            if let (Some((path, name)), Some(Ok(s))) = (&attempt, summary.as_mut()) {
                match ktriage::drill::attempt::finish_attempt(path, name, graded) {
                    Ok(to) => s.paths = vec![to],
                    Err(e) => note!("ktriage: drill attempt: {}", sanitize(&e.to_string())),
                }
            }
            super::session::recorded(summary)
        }
        Err(e) => {
            note!("ktriage: terminal: {e}");
            ExitCode::FAILURE
        }
    }
}
