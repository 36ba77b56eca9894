//! `ktriage replay FILE`: a recording played back in the TUI, or its events printed (`--json`, `--text`).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ktriage::headless::stream::Format;

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
    #[command(flatten)]
    view: super::session::ViewArgs,
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
    let (keymap, theme) = match a.view.load() {
        Ok(x) => x,
        Err(e) => return usage(e),
    };
    match ktriage::ui::replay_run::run(&a.file, keymap, theme, a.view.buffer_cap) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            note!("ktriage: {e}");
            ExitCode::from(2)
        }
    }
}
