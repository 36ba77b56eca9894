//! `ktriage count -- CMD` (strace -c style counts of a command) and `count --container ID | --pod NS/NAME` (of a container or pod).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use ktriage::headless::count::{self, CountError, CountReport};
use ktriage::headless::count_cgroup::{self, CgroupScope};
use ktriage::safe_fs::{Existing, FileError, create_output};
use ktriage::sanitize::sanitize;

use super::common::usage;

#[derive(Args)]
#[command(group = clap::ArgGroup::new("target").args(["container", "pod"]).multiple(false))]
pub struct CountArgs {
    /// One JSON object per syscall instead of the table.
    #[arg(long)]
    json: bool,
    /// Write the table/JSON to FILE (a new file, mode 0600) instead of stderr/stdout.
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
    /// Count everything in this container (id or id prefix) instead of running a command.
    #[arg(long, value_name = "ID", conflicts_with = "cmd")]
    container: Option<String>,
    /// Count everything in this pod (NAMESPACE/NAME) instead of running a command.
    #[arg(long, value_name = "NS/NAME", conflicts_with = "cmd")]
    pod: Option<String>,
    /// With --container/--pod: stop after SECS (default: at ctrl-c).
    #[arg(long, value_name = "SECS", requires = "target")]
    duration: Option<f64>,
    /// Container runtime socket (default: auto-detect containerd, CRI-O, k3s).
    #[arg(long)]
    cri_socket: Option<PathBuf>,
    /// Count a sysdig/Falco capture (.scap, plain or gzip) instead of the live kernel (with
    /// --container: only that container's processes).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["cmd", "pod", "duration"])]
    from: Option<PathBuf>,
    /// With --from: only this process.
    #[arg(
        long,
        value_name = "N",
        requires = "from",
        conflicts_with = "container"
    )]
    pid: Option<u32>,
    /// Let -o replace an existing regular file (never a symlink).
    #[arg(long, requires = "output")]
    force: bool,
    /// The command and its arguments.
    #[arg(last = true, required_unless_present_any = ["container", "pod", "from"])]
    cmd: Vec<String>,
}

pub fn run(a: CountArgs) -> ExitCode {
    // The output is opened before the command runs: a refused -o costs no run.
    let existing = if a.force {
        Existing::Truncate
    } else {
        Existing::Refuse
    };
    let out_file = match a
        .output
        .as_deref()
        .map(|p| create_output("-o", p, existing))
    {
        None => None,
        Some(Ok(f)) => Some(f),
        Some(Err(e @ FileError::Exists { .. })) => {
            return usage(format!("{e} (--force replaces it)"));
        }
        Some(Err(e)) => return usage(e.to_string()),
    };
    if let Some(file) = &a.from {
        return count_capture(&a, file, out_file);
    }
    let scope = match (&a.container, &a.pod) {
        (Some(id), _) => Some(CgroupScope::Container(id.clone())),
        (None, Some(p)) => match CgroupScope::pod(p) {
            Some(s) => Some(s),
            None => return super::common::usage(format!("--pod {p}: expected NAMESPACE/NAME")),
        },
        _ => None,
    };
    let result = match &scope {
        Some(scope) => count_target(scope, &a),
        // With --json on stdout, the command's own output goes to stderr.
        None => count::run(&a.cmd, a.json && a.output.is_none()).map(|r| (r, None)),
    };
    let (report, title) = match result {
        Ok(r) => r,
        Err(CountError::Collector(e)) => {
            note!("ktriage: {e}");
            return ExitCode::from(e.exit_code() as u8);
        }
        Err(CountError::Target(m)) => return usage(m),
        Err(e) => {
            note!("ktriage: {e}");
            return ExitCode::from(127);
        }
    };
    let text = if a.json {
        report.json_lines()
    } else {
        title.map(|t| t + "\n").unwrap_or_default() + &report.table()
    };
    if let Err(e) = write_report(out_file, &a, &text) {
        note!("ktriage: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::from(report.exit_code.clamp(0, 255) as u8)
}

/// Writes the report to `-o FILE`, else the JSON to stdout and the table to stderr (as `strace -c`).
fn write_report(out_file: Option<std::fs::File>, a: &CountArgs, text: &str) -> Result<(), String> {
    match (out_file, &a.output) {
        (Some(mut f), Some(p)) => f
            .write_all(text.as_bytes())
            .map_err(|e| format!("-o {}: {e}", p.display())),
        _ if a.json => std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string()),
        _ => std::io::stderr()
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string()),
    }
}

/// `count --from FILE`: the table of a capture (exit 2 when it cannot be read, 1 when damaged).
fn count_capture(
    a: &CountArgs,
    file: &std::path::Path,
    out_file: Option<std::fs::File>,
) -> ExitCode {
    let scope = ktriage::scap::read::count::Scope {
        pid: a.pid,
        container: a.container.clone(),
    };
    let c = match ktriage::scap::read::count::count(file, &scope) {
        Ok(c) => c,
        Err(e) => {
            note!("ktriage: {}", ktriage::scap::read::located(file, &e));
            return ExitCode::from(2);
        }
    };
    let name = |nr: u32| c.names.get(nr as usize).cloned().unwrap_or_default();
    let text = if a.json {
        count::rows_json(&c.rows, name)
    } else {
        let covers = match (&a.pid, &a.container) {
            (Some(p), _) => format!("pid {p}"),
            (_, Some(c)) => format!("container {}", sanitize(c)),
            _ => "all processes".into(),
        };
        format!(
            "summary — {covers} of {}\n{}",
            sanitize(&file.display().to_string()),
            ktriage::app::summary::strace_table(&c.rows, |nr| sanitize(&name(nr)).into_owned())
        )
    };
    if let Err(e) = write_report(out_file, a, &text) {
        note!("ktriage: {e}");
        return ExitCode::FAILURE;
    }
    match c.damage {
        Some(d) => {
            note!(
                "ktriage: {}: damaged: {d} (counted up to there)",
                file.display()
            );
            ExitCode::from(1)
        }
        None => ExitCode::SUCCESS,
    }
}

/// Counts a container or pod; the title says what and since when.
fn count_target(
    scope: &CgroupScope,
    a: &CountArgs,
) -> Result<(CountReport, Option<String>), CountError> {
    let duration = match a.duration {
        Some(d) if d.is_finite() && d > 0.0 => Some(Duration::from_secs_f64(d)),
        Some(d) => {
            return Err(CountError::Target(format!(
                "--duration {d}: expected a positive number of seconds"
            )));
        }
        None => None,
    };
    let target = count_cgroup::resolve(scope, a.cri_socket.as_deref())?;
    let covers = sanitize(&target.covers);
    let mut since = String::new();
    let report = count_cgroup::run(&target, duration, || {
        since = time_now();
        // The ready line (stderr: stdout holds only the JSON with --json).
        note!("ktriage: counting {covers} since {since} (ctrl-c to stop)");
    })?;
    Ok((report, Some(format!("summary — {covers} since {since}"))))
}

fn time_now() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
}
