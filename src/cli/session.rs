//! What a live session runs (collector, rules, intakes, pod specs) and how it is recorded: the flags shared by the TUI and `record`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ktriage::alerts::intake::IntakeSource;
use ktriage::identity::cri::SharedCri;
use ktriage::rules::{setup, syscall_set};
use ktriage::runtime::live::LiveSession;
use ktriage::session::{Header, RecordSpec, WriterOpts, WriterSummary};
use ktriage::ui::keymap::{Keymap, default_user_keymap_path};
use ktriage::ui::theme::{EnvInfo, Theme};

use super::common::FilterArgs;

/// The flags of a live session.
#[derive(Args)]
pub struct SessionArgs {
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

/// How the terminal looks and reads keys (the TUI and `replay`).
#[derive(Args)]
pub struct ViewArgs {
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
    pub buffer_cap: usize,
}

impl ViewArgs {
    /// The keymap and the theme; `Err`: a usage error.
    pub fn load(&self) -> Result<(Keymap, Theme), String> {
        if let Some(p) = self.keymap_file.as_deref().filter(|p| !p.exists()) {
            return Err(format!("keymap file {} does not exist", p.display()));
        }
        let user = self.keymap_file.clone().or_else(default_user_keymap_path);
        let keymap = Keymap::load(&self.keymap, user.as_deref()).map_err(|e| e.to_string())?;
        let theme = Theme::choose(self.theme.as_deref(), &EnvInfo::from_env())
            .map_err(|e| e.to_string())?;
        Ok((keymap, theme))
    }
}

/// A live session ready to start: what runs, its recording and its flight recorder.
pub struct Prepared {
    /// What runs.
    pub session: LiveSession,
    /// The recording (`--record`, `record -o`), its file already created.
    pub recording: Option<ktriage::session::Recording>,
    /// The flight recorder (`--flight-dir`).
    pub flight: Option<ktriage::session::flight::FlightOpts>,
}

/// Builds the session from its flags and opens its recording (to `output`, or `--record`); `Err`: a usage error.
pub fn prepare(
    session: &SessionArgs,
    record: &RecordFlags,
    flight: &FlightFlags,
    output: Option<PathBuf>,
) -> Result<Prepared, String> {
    let setup = session.build()?;
    let flight = flight.opts(&setup)?;
    let recording = record.open(&setup, output)?;
    Ok(Prepared {
        session: setup.session,
        recording,
        flight,
    })
}

/// A live session, built from the flags, and what its recording's header says of it.
pub struct Setup {
    /// What runs.
    pub session: LiveSession,
    /// Rule files given (hashed into a recording's header).
    pub rule_files: Vec<PathBuf>,
    /// Filters in force (for a recording's header).
    pub filters: Vec<String>,
    /// The header of its files, gathered once (recording and flight recorder share it).
    header: std::cell::OnceCell<Header>,
}

impl Setup {
    /// What, where, when, who: gathered at the first call (the rule files hashed once).
    fn header(&self, secrets_kept: bool) -> Result<Header, String> {
        let h = match self.header.get() {
            Some(h) => h,
            None => {
                let argv: Vec<String> = std::env::args().collect();
                let h = Header::gather(&argv, &self.rule_files, self.filters.clone(), false)
                    .map_err(|e| e.to_string())?;
                self.header.get_or_init(|| h)
            }
        };
        Ok(Header {
            secrets_kept,
            ..h.clone()
        })
    }
}

impl SessionArgs {
    /// Drill mode: the lab's CRI socket and pod manifests, unless other ones were given.
    pub fn drill_lab(&mut self, dirs: &ktriage::drill::lab::LabDirs) {
        self.cri_socket.get_or_insert_with(|| dirs.socket());
        self.pod_manifest.get_or_insert_with(|| dirs.manifests());
    }

    /// The session these flags ask for; `Err`: a usage error.
    pub fn build(&self) -> Result<Setup, String> {
        let mut collector = match self.filters.collector_config() {
            Ok(c) => c,
            Err(e) => return Err(e.to_string()),
        };
        let append = match self.append.append() {
            Ok(x) => x,
            Err(e) => return Err(e.to_string()),
        };
        // One CRI cache for the whole session: the engine's names, the /proc poller, inspections, Falco's alerts.
        let cri = SharedCri::new(self.cri_socket.as_deref());
        let engine = if self.no_rules || self.no_bpf {
            None
        } else {
            let opts = setup::EngineOpts {
                rules: self.rules.clone(),
                defaults: !self.no_default_rules,
                cri: Some(cri.clone()),
                append,
            };
            match setup::build_engine(&opts) {
                Ok((engine, cov)) => {
                    for line in setup::rule_errors(&cov) {
                        note!("ktriage: {line}");
                    }
                    if self.filters.syscalls.is_empty() {
                        collector.stream_syscalls = syscall_set::stream_set(&engine.wanted_types());
                    }
                    Some(engine)
                }
                Err(e) => return Err(e.to_string()),
            }
        };
        let pods = match self
            .pod_manifest
            .as_deref()
            .map(ktriage::posture::load_manifest)
        {
            Some(Ok(p)) => Some(p),
            Some(Err(e)) => return Err(e.to_string()),
            None => None,
        };
        let intake = match self.falco.sources() {
            Ok(s) => s,
            Err(e) => return Err(e.to_string()),
        };
        let audit_engine = if self.no_rules
            || !intake.iter().any(|s| {
                matches!(
                    s,
                    IntakeSource::AuditFile { .. } | IntakeSource::AuditHttp(_)
                )
            }) {
            None
        } else {
            Some(setup::build_audit_engine(
                &self.rules,
                !self.no_default_rules,
            )?)
        };
        if self.flight_seconds == Some(0) {
            return Err("--flight-seconds must be at least 1".into());
        }
        let filters = self.filters.describe();
        Ok(Setup {
            session: LiveSession {
                collector,
                no_bpf: self.no_bpf,
                cri,
                pods,
                intake,
                flight_seconds: self.flight_seconds,
                engine,
                audit_engine,
                kube: self.pod_manifest.is_none().then(|| self.kube.opts()),
            },
            rule_files: self.rules.clone(),
            filters,
            header: std::cell::OnceCell::new(),
        })
    }
}

/// The flight recorder to disk.
#[derive(Args)]
pub struct FlightFlags {
    /// For each alert at or above --flight-priority, write a session file to DIR with the seconds before and after it.
    #[arg(long, value_name = "DIR")]
    flight_dir: Option<PathBuf>,
    /// Seconds kept before an alert.
    #[arg(long, value_name = "S", default_value_t = 30)]
    flight_before: u64,
    /// Seconds written after an alert.
    #[arg(long, value_name = "S", default_value_t = 10)]
    flight_after: u64,
    /// The lowest priority that writes a file (emergency … debug).
    #[arg(long, value_name = "P", default_value = "warning")]
    flight_priority: String,
    /// Files written at most.
    #[arg(long, value_name = "N", default_value_t = 100)]
    flight_max_files: usize,
    /// Megabytes written at most.
    #[arg(long, value_name = "MB", default_value_t = 1024)]
    flight_max_mb: u64,
}

impl FlightFlags {
    /// The flight recorder these flags ask for (`None`: no --flight-dir).
    pub fn opts(
        &self,
        setup: &Setup,
    ) -> Result<Option<ktriage::session::flight::FlightOpts>, String> {
        let Some(dir) = self.flight_dir.clone() else {
            return Ok(None);
        };
        if !dir.is_dir() {
            return Err(format!("--flight-dir {}: not a directory", dir.display()));
        }
        let priority = ktriage::alerts::Priority::parse(&self.flight_priority).ok_or_else(|| {
            format!(
                "--flight-priority `{}`: expected emergency, alert, critical, error, warning, notice, informational or debug",
                self.flight_priority
            )
        })?;
        if self.flight_before == 0 && self.flight_after == 0 {
            return Err("--flight-before and --flight-after cannot both be 0".into());
        }
        let header = setup.header(false)?;
        Ok(Some(ktriage::session::flight::FlightOpts {
            dir,
            before_s: self.flight_before,
            after_s: self.flight_after,
            priority,
            max_files: self.flight_max_files,
            max_bytes: self.flight_max_mb.saturating_mul(1 << 20),
            header,
        }))
    }
}

/// The closing lines of the flight recorder.
pub fn flight_report(
    log: Option<&std::sync::Arc<std::sync::Mutex<ktriage::session::flight::FlightLog>>>,
) {
    let Some(log) = log else { return };
    let l = log.lock().unwrap_or_else(|p| p.into_inner());
    for f in &l.files {
        note!("ktriage: flight recorder wrote {}", f.display());
    }
    for s in &l.skipped {
        note!("ktriage: flight recorder: {s}");
    }
}

/// Recording flags (the TUI's `--record`, `record`'s `-o`).
#[derive(Args)]
pub struct RecordFlags {
    /// Record the session to FILE (created 0600; never over an existing file or through a symlink).
    #[arg(long = "record", value_name = "FILE")]
    record: Option<PathBuf>,
    /// Rotate the recording at MB megabytes: FILE.1, FILE.2… (each verifies on its own).
    #[arg(long, value_name = "MB")]
    record_max_mb: Option<u64>,
    /// With --record-max-mb: keep at most N files (the oldest are deleted; 0 = all).
    #[arg(long, value_name = "N", default_value_t = 0)]
    record_keep: usize,
    /// Keep masked secrets (environ values, secret-shaped arguments) in the recording; the file says so.
    #[arg(long)]
    record_secrets: bool,
}

impl RecordFlags {
    /// `--record FILE` was given.
    pub fn given(&self) -> bool {
        self.record.is_some()
    }

    /// The recording these flags ask for (`None`: not recording); `output` is `record -o`.
    pub fn spec(
        &self,
        setup: &Setup,
        output: Option<PathBuf>,
    ) -> Result<Option<RecordSpec>, String> {
        let Some(path) = output.or_else(|| self.record.clone()) else {
            if self.record_max_mb.is_some() || self.record_secrets {
                return Err("--record-max-mb and --record-secrets need --record FILE".into());
            }
            return Ok(None);
        };
        if self.record_max_mb == Some(0) {
            return Err("--record-max-mb must be at least 1".into());
        }
        let header = setup.header(self.record_secrets)?;
        let opts = WriterOpts {
            max_bytes: self.record_max_mb.map(|mb| mb.saturating_mul(1 << 20)),
            keep: self.record_keep,
            ..WriterOpts::default()
        };
        Ok(Some(RecordSpec {
            path,
            header,
            opts,
            keep_secrets: self.record_secrets,
        }))
    }

    /// Opens the recording (errors before anything starts: an existing file, a symlink).
    pub fn open(
        &self,
        setup: &Setup,
        output: Option<PathBuf>,
    ) -> Result<Option<ktriage::session::Recording>, String> {
        match self.spec(setup, output)? {
            Some(spec) => spec.open().map(Some).map_err(|e| e.to_string()),
            None => Ok(None),
        }
    }
}

/// The closing lines of a recorded session (path, events, final hash) and the exit code.
pub fn recorded(summary: Option<Result<WriterSummary, String>>) -> ExitCode {
    match summary {
        None => ExitCode::SUCCESS,
        Some(Ok(s)) => {
            for p in &s.paths {
                note!("ktriage: recorded {}", p.display());
            }
            note!(
                "ktriage: {} records, final hash {}",
                s.counts.records,
                s.final_hash
            );
            ExitCode::SUCCESS
        }
        Some(Err(e)) => {
            note!("ktriage: recording failed: {e}");
            ExitCode::FAILURE
        }
    }
}
