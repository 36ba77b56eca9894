//! `ktriage drill list | start NAME | status | hint | answer TEXT | grade | stop | scores | import DIR`: CKS practice on a private lab.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use ktriage::drill::Catalog;
use ktriage::drill::lab::{self, LabDirs, LabError};
use ktriage::drill::scores::{Scores, scores_path};
use ktriage::headless::drill as text;
use ktriage::sanitize::sanitize;

use super::common::usage;

#[derive(Args)]
#[command(
    after_help = "Exit codes: 0 ok (grade: pass); 1 grade: fail, or teardown left something behind; 2 usage (unknown drill, no lab running, a bad --drills file); 3 the lab cannot run here (not root, containerd/runc/busybox-static missing: the message names the packages)."
)]
pub struct DrillArgs {
    #[command(subcommand)]
    cmd: DrillCmd,
    /// More drills: DIR/<name>/drill.toml for each drill; killercoda scenarios (DIR or DIR/<name> with an index.json) too.
    #[arg(long, global = true)]
    drills: Option<PathBuf>,
}

#[derive(Subcommand)]
enum DrillCmd {
    /// The drills, with their time limits.
    List,
    /// Start a drill on a fresh lab (an earlier lab is torn down first).
    Start { name: String },
    /// The running drill: statement, clock, pods.
    Status,
    /// The next hint.
    Hint,
    /// Give the answer (the last one is graded).
    Answer {
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
    },
    /// Grade the running drill against the live lab; each failed check says why.
    Grade {
        /// The grade as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Tear the lab down (processes, mounts, cgroups, directories).
    Stop,
    /// Attempts, passes, best time and last result per drill.
    Scores,
    /// The drills a killercoda scenario directory makes (one per step with a verify script;
    /// use them with `--drills DIR`).
    Import { dir: PathBuf },
}

fn print(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

fn lab_error(e: &LabError) -> ExitCode {
    match e {
        LabError::Unavailable(_) => {
            note!("ktriage: {}", sanitize(&e.to_string()));
            ExitCode::from(3)
        }
        LabError::NotRunning => usage(e),
        LabError::Leftovers(_) => {
            note!("ktriage: {}", sanitize(&e.to_string()));
            ExitCode::from(1)
        }
        _ => usage(sanitize(&e.to_string())),
    }
}

pub fn run(a: DrillArgs) -> ExitCode {
    let mut catalog = Catalog::shipped();
    if let Some(dir) = &a.drills
        && let Err(e) = catalog.load_dir(dir)
    {
        return usage(sanitize(&e.to_string()));
    }
    let dirs = LabDirs::default();
    match a.cmd {
        DrillCmd::List => {
            print(&text::list(&catalog));
            ExitCode::SUCCESS
        }
        DrillCmd::Start { name } => {
            let Some(d) = catalog.get(&name) else {
                return usage(format!(
                    "no drill {} (see `ktriage drill list`)",
                    sanitize(&name)
                ));
            };
            note!("ktriage: starting the lab for {} …", sanitize(&name));
            match ktriage::drill::setup(&dirs, d) {
                Ok(s) => {
                    print(&text::status(d, &s, &dirs));
                    ExitCode::SUCCESS
                }
                Err(e) => lab_error(&e),
            }
        }
        DrillCmd::Stop => match lab::teardown(&dirs) {
            Ok(()) => {
                note!("ktriage: the drill lab is gone");
                ExitCode::SUCCESS
            }
            Err(e) => lab_error(&e),
        },
        DrillCmd::Import { dir } => match ktriage::drill::killercoda::import(&dir) {
            Ok(got) => {
                print(&text::imported(&got, &dir));
                ExitCode::SUCCESS
            }
            Err(e) => usage(sanitize(&e.to_string())),
        },
        DrillCmd::Scores => {
            let Some(path) = scores_path() else {
                return usage("no XDG_DATA_HOME or HOME for the scores file");
            };
            match Scores::load(&path) {
                Ok(s) => {
                    print(&text::scores(&s));
                    ExitCode::SUCCESS
                }
                Err(e) => lab_error(&e),
            }
        }
        cmd => with_state(&catalog, &dirs, cmd),
    }
}

/// The commands about the running drill.
fn with_state(catalog: &Catalog, dirs: &LabDirs, cmd: DrillCmd) -> ExitCode {
    let (mut state, d) = match ktriage::drill::attempt::running(dirs, catalog) {
        Ok(s) => s,
        Err(e) => return lab_error(&e),
    };
    let d = &d;
    match cmd {
        DrillCmd::Status => print(&text::status(d, &state, dirs)),
        DrillCmd::Hint => {
            if d.hints.is_empty() {
                print("no hints for this drill\n");
            } else {
                let i = state.hints_shown.min(d.hints.len() - 1);
                state.hints_shown = (i + 1).max(state.hints_shown);
                if let Err(e) = state.save(dirs) {
                    return lab_error(&e);
                }
                print(&format!(
                    "hint {}/{}: {}\n",
                    i + 1,
                    d.hints.len(),
                    text::fill(&d.hints[i], dirs)
                ));
            }
        }
        DrillCmd::Answer { text: words } => {
            state.answers.push(words.join(" "));
            if let Err(e) = state.save(dirs) {
                return lab_error(&e);
            }
            note!("ktriage: answer recorded; `ktriage drill grade` to grade it");
        }
        DrillCmd::Grade { json } => {
            let (g, unsaved) = match ktriage::drill::attempt::grade_answer(dirs, catalog, None) {
                Ok(g) => g,
                Err(e) => return lab_error(&e),
            };
            if json {
                print(&format!(
                    "{}\n",
                    serde_json::to_string(&g).unwrap_or_default()
                ));
            } else {
                print(&text::grade(&g));
            }
            if let Some(e) = unsaved {
                note!("ktriage: scores not saved: {}", sanitize(&e));
            }
            return if g.passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            };
        }
        _ => {}
    }
    ExitCode::SUCCESS
}
