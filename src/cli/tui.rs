//! The default command: the terminal UI.

use std::process::ExitCode;

use clap::Args;

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

pub fn run(a: TuiArgs) -> ExitCode {
    let (keymap, theme) = match a.view.load() {
        Ok(x) => x,
        Err(e) => return usage(e),
    };
    let p = match super::session::prepare(&a.session, &a.record, &a.flight, None) {
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
    };
    match ktriage::ui::run::run(opts) {
        Ok((summary, flight)) => {
            super::session::flight_report(flight.as_ref());
            super::session::recorded(summary)
        }
        Err(e) => {
            note!("ktriage: terminal: {e}");
            ExitCode::FAILURE
        }
    }
}
