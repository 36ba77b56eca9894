//! `ktriage stream`: live events, one per line.

use std::io::Write;
use std::os::fd::AsFd;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use ktriage::collector::stop::Stop;
use ktriage::collector::syscalls;
use ktriage::headless::out::StopAwareOut;
use ktriage::headless::stream;

use super::common::{FilterArgs, usage};

#[derive(Args)]
pub struct StreamArgs {
    /// One JSON object per line.
    #[arg(long)]
    json: bool,
    /// Only processes whose comm contains NAME (repeatable).
    #[arg(long = "comm")]
    comms: Vec<String>,
    /// Stop after SECS seconds.
    #[arg(long)]
    duration: Option<f64>,
    /// Container runtime socket for container and pod names (default: auto-detect).
    #[arg(long, value_name = "PATH")]
    cri_socket: Option<std::path::PathBuf>,
    /// Do not ask the container runtime (CRI) for container and pod names.
    #[arg(long, conflicts_with = "cri_socket")]
    no_cri: bool,
    #[command(flatten)]
    filters: FilterArgs,
}

pub fn run(a: StreamArgs) -> ExitCode {
    let cri = (!a.no_cri).then(|| a.cri_socket.clone());
    let f = a.filters;
    let mut collector = match f.collector_config() {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    if let Some(bad) = f
        .syscalls
        .iter()
        .find(|s| syscalls::number(s).is_none() && !matches!(s.as_str(), "procexit" | "clone"))
    {
        return usage(format!("unknown syscall `{bad}`"));
    }
    collector.filter_tgids = !f.pids.is_empty();
    let mut filter: Vec<String> = a.comms.iter().map(|c| format!("comm:{c}")).collect();
    filter.extend(f.syscalls.iter().map(|s| format!("syscall:{s}")));
    let duration = match a.duration {
        Some(d) if !(d.is_finite() && d > 0.0) => {
            return usage("--duration must be a positive number of seconds");
        }
        d => d.map(Duration::from_secs_f64),
    };
    let stop = Stop::new();
    let opts = stream::StreamOpts {
        collector,
        filter: filter.join(" "),
        duration,
        cri,
        stop: Some(stop.clone()),
        ready: Some(|| note!("ktriage: streaming (probes attached)")),
    };
    let stdout = std::io::stdout();
    // A slow reader of stdout holds the output only until the run stops.
    let mut out = StopAwareOut::new(stdout.as_fd(), stop);
    let format = if a.json {
        stream::Format::Json
    } else {
        stream::Format::Text
    };
    let res = stream::run(&opts, format, &mut out);
    let _ = out.flush();
    match res {
        Ok(r) => {
            let unprinted = if r.unprinted > 0 {
                format!(
                    ", {} read but not printed (output too slow at the stop)",
                    r.unprinted
                )
            } else {
                String::new()
            };
            note!(
                "ktriage: {} events printed; {} received, {} dropped by the kernel (ring buffer full){unprinted}{}",
                r.printed,
                r.received,
                r.kernel_dropped,
                if r.kernel_dropped > 0 {
                    ": raise --ring-mb or narrow the filters"
                } else {
                    ""
                }
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            note!("ktriage: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
