//! The default command: the terminal UI.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ktriage::ui::keymap::{Keymap, default_user_keymap_path};
use ktriage::ui::theme::{EnvInfo, Theme};

use super::common::usage;

#[derive(Args)]
pub struct TuiArgs {
    /// Theme name (dark, light, high-contrast, mono) or a theme file.
    #[arg(long)]
    theme: Option<String>,
    /// Keymap preset (default, vim).
    #[arg(long, default_value = "default")]
    keymap: String,
    /// User keymap file overriding the preset (default: $XDG_CONFIG_HOME/ktriage/keymap.toml).
    #[arg(long)]
    keymap_file: Option<PathBuf>,
    /// Events kept in memory (oldest dropped and counted).
    #[arg(long, default_value_t = 1_000_000)]
    buffer_cap: usize,
    #[command(flatten)]
    session: super::session::SessionArgs,
    #[command(flatten)]
    record: super::session::RecordFlags,
    #[command(flatten)]
    flight: super::session::FlightFlags,
}

pub fn run(a: TuiArgs) -> ExitCode {
    if let Some(p) = a.keymap_file.as_deref().filter(|p| !p.exists()) {
        return usage(format!("keymap file {} does not exist", p.display()));
    }
    let user = a.keymap_file.clone().or_else(default_user_keymap_path);
    let keymap = match Keymap::load(&a.keymap, user.as_deref()) {
        Ok(k) => k,
        Err(e) => return usage(e),
    };
    let theme = match Theme::choose(a.theme.as_deref(), &EnvInfo::from_env()) {
        Ok(t) => t,
        Err(e) => return usage(e),
    };
    let setup = match a.session.build() {
        Ok(x) => x,
        Err(e) => return usage(e),
    };
    let flight = match a.flight.opts(&setup) {
        Ok(f) => f,
        Err(e) => return usage(e),
    };
    let record = match a.record.open(&setup, None) {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    let opts = ktriage::ui::run::TuiOpts {
        keymap,
        theme,
        buffer_cap: a.buffer_cap,
        session: setup.session,
        record,
        flight,
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
