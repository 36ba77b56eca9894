//! `ktriage record -o FILE`: record a live session without a terminal.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use ktriage::collector::stop::{Stop, watch};

use super::common::usage;

#[derive(Args)]
pub struct RecordArgs {
    /// The session file to write (created 0600; never over an existing file or through a symlink).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        required_unless_present = "flight_dir"
    )]
    output: Option<PathBuf>,
    /// Stop after SECS seconds (default: at SIGINT or SIGTERM).
    #[arg(long, value_name = "SECS")]
    duration: Option<f64>,
    #[command(flatten)]
    session: super::session::SessionArgs,
    #[command(flatten)]
    record: super::session::RecordFlags,
    #[command(flatten)]
    flight: super::session::FlightFlags,
}

pub fn run(a: RecordArgs) -> ExitCode {
    let duration = match a.duration {
        Some(d) if !(d.is_finite() && d > 0.0) => {
            return usage("--duration must be a positive number of seconds");
        }
        d => d.map(Duration::from_secs_f64),
    };
    let setup = match a.session.build() {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let flight = match a.flight.opts(&setup) {
        Ok(f) => f,
        Err(e) => return usage(e),
    };
    let recording = match a.output.clone() {
        Some(out) => match a.record.open(&setup, Some(out)) {
            Ok(r) => r,
            Err(e) => return usage(e),
        },
        None => None,
    };
    let stop = Stop::new();
    let watcher = match watch(&stop, None) {
        Ok(w) => w,
        Err(e) => {
            note!("ktriage: signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    // the duration counts from the moment the sources run
    let ready = || {
        match &a.output {
            Some(o) => note!("ktriage: recording to {} (sources started)", o.display()),
            None => note!("ktriage: flight recorder running (sources started)"),
        }
        if let Some(d) = duration {
            let stop = stop.clone();
            let _ = std::thread::Builder::new()
                .name("ktriage-duration".into())
                .spawn(move || {
                    std::thread::sleep(d);
                    stop.raise(ktriage::collector::stop::REQUESTED);
                    std::thread::sleep(ktriage::collector::stop::GRACE);
                    stop.raise(ktriage::collector::stop::HARD);
                });
        }
    };
    let res = ktriage::headless::record::run(setup.session, recording, flight, stop.clone(), ready);
    stop.raise(ktriage::collector::stop::HARD);
    let _ = watcher.join();
    match res {
        Ok(r) => {
            note!("ktriage: {} events entered the core", r.events);
            super::session::flight_report(r.flight.as_ref());
            super::session::recorded(r.summary.map(Ok))
        }
        Err(e) => super::session::recorded(Some(Err(e))),
    }
}
