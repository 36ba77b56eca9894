//! `ktriage replay FILE`: a recording played back in the TUI, or its events printed (`--json`, `--text`).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ktriage::headless::stream::Format;
use ktriage::ui::keymap::{Keymap, default_user_keymap_path};
use ktriage::ui::theme::{EnvInfo, Theme};

use super::common::usage;

#[derive(Args)]
pub struct ReplayArgs {
    /// The session file.
    file: PathBuf,
    /// Print the recorded kernel events as `stream --json` does (no terminal).
    #[arg(long)]
    json: bool,
    /// Print the recorded kernel events as `stream` does (no terminal).
    #[arg(long, conflicts_with = "json")]
    text: bool,
    /// Theme name (dark, light, high-contrast, mono) or a theme file.
    #[arg(long)]
    theme: Option<String>,
    /// Keymap preset (default, vim).
    #[arg(long, default_value = "default")]
    keymap: String,
    /// User keymap file overriding the preset.
    #[arg(long)]
    keymap_file: Option<PathBuf>,
    /// Events kept in memory (oldest dropped and counted).
    #[arg(long, default_value_t = 1_000_000)]
    buffer_cap: usize,
}

pub fn run(a: ReplayArgs) -> ExitCode {
    if a.json || a.text {
        let format = if a.json { Format::Json } else { Format::Text };
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let res = ktriage::headless::replay::events(&a.file, format, &mut out);
        let _ = out.flush();
        return match res {
            Ok(end) => match end.damage {
                Some(d) => {
                    note!(
                        "ktriage: {}: damaged: {d} (events up to there)",
                        a.file.display()
                    );
                    ExitCode::from(1)
                }
                None => ExitCode::SUCCESS,
            },
            Err(e) => {
                note!("ktriage: {e}");
                ExitCode::from(2)
            }
        };
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
    match ktriage::ui::replay_run::run(&a.file, keymap, theme, a.buffer_cap) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            note!("ktriage: {e}");
            ExitCode::from(2)
        }
    }
}
