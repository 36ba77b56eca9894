//! The default command: the terminal UI.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ktriage::identity::cri::SharedCri;
use ktriage::rules::{setup, syscall_set};
use ktriage::ui::keymap::{Keymap, default_user_keymap_path};
use ktriage::ui::theme::{EnvInfo, Theme};

use super::common::{FilterArgs, usage};

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
    /// Do not load BPF probes (processes from /proc only).
    #[arg(long)]
    no_bpf: bool,
    /// Container runtime socket (default: auto-detect containerd, CRI-O, k3s).
    #[arg(long)]
    cri_socket: Option<PathBuf>,
    /// Pod specs from FILE (YAML or JSON) for the pods pane and the Security tab.
    #[arg(long, value_name = "FILE")]
    pod_manifest: Option<PathBuf>,
    #[command(flatten)]
    filters: FilterArgs,
    #[command(flatten)]
    falco: super::intake::FalcoArgs,
    /// Flight recorder: keep only the last SECS seconds of kernel events (--buffer-cap still applies).
    #[arg(long, value_name = "SECS")]
    flight_seconds: Option<u64>,
    /// Extra Falco rule file, loaded after the shipped rules (repeatable, in order).
    #[arg(long = "rules", value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// Do not load the shipped rules nor /etc/falco/falco_rules.local.yaml.
    #[arg(long)]
    no_default_rules: bool,
    /// Do not run the rule engine (alerts only from a Falco intake).
    #[arg(long, conflicts_with_all = ["rules", "no_default_rules"])]
    no_rules: bool,
    #[command(flatten)]
    kube: super::kube_args::KubeArgs,
    #[command(flatten)]
    append: super::alerts::AppendArgs,
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
    let mut collector = match a.filters.collector_config() {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    let append = match a.append.append() {
        Ok(x) => x,
        Err(e) => return usage(e),
    };
    // One CRI cache for the whole session: the engine's names, the /proc poller, inspections, Falco's alerts.
    let cri = SharedCri::new(a.cri_socket.as_deref());
    let engine = if a.no_rules || a.no_bpf {
        None
    } else {
        let opts = setup::EngineOpts {
            rules: a.rules.clone(),
            defaults: !a.no_default_rules,
            cri: Some(cri.clone()),
            append,
        };
        match setup::build_engine(&opts) {
            Ok((engine, cov)) => {
                for line in setup::rule_errors(&cov) {
                    note!("ktriage: {line}");
                }
                if a.filters.syscalls.is_empty() {
                    collector.stream_syscalls = syscall_set::stream_set(&engine.wanted_types());
                }
                Some(engine)
            }
            Err(e) => return usage(e),
        }
    };
    let pods = match a
        .pod_manifest
        .as_deref()
        .map(ktriage::posture::load_manifest)
    {
        Some(Ok(p)) => Some(p),
        Some(Err(e)) => return usage(e),
        None => None,
    };
    let intake = match a.falco.sources() {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    if a.flight_seconds == Some(0) {
        return usage("--flight-seconds must be at least 1");
    }
    let opts = ktriage::ui::run::TuiOpts {
        keymap,
        theme,
        collector,
        buffer_cap: a.buffer_cap,
        no_bpf: a.no_bpf,
        cri,
        pods,
        intake,
        flight_seconds: a.flight_seconds,
        engine,
        kube: a.pod_manifest.is_none().then(|| a.kube.opts()),
    };
    match ktriage::ui::run::run(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            note!("ktriage: terminal: {e}");
            ExitCode::FAILURE
        }
    }
}
