//! Why the collector could not start, with the process exit code each reason maps to.

/// Exit code when BPF cannot be used (not root, no BTF, refused by the kernel).
pub const EXIT_NO_BPF: i32 = 3;

/// A collector failure.
#[derive(Debug, thiserror::Error)]
pub enum CollectorError {
    /// Not running as root (or without CAP_BPF/CAP_PERFMON).
    #[error("BPF unavailable: not running as root (euid {0})")]
    NotRoot(u32),
    /// The kernel exposes no BTF.
    #[error(
        "BPF unavailable: no kernel BTF at /sys/kernel/btf/vmlinux (kernel built without CONFIG_DEBUG_INFO_BTF)"
    )]
    NoBtf,
    /// The kernel refused to load or attach a program or map.
    #[error("BPF unavailable: the kernel refused {what}: {detail}")]
    Refused {
        /// What was refused.
        what: String,
        /// The kernel's / aya's message.
        detail: String,
    },
    /// A map the probes must have is missing or has the wrong type.
    #[error("probe object is missing map {0}")]
    MissingMap(&'static str),
    /// Reading or writing a map failed at run time.
    #[error("BPF map {map}: {detail}")]
    Map {
        /// Map name.
        map: &'static str,
        /// What failed.
        detail: String,
    },
}

impl CollectorError {
    /// The process exit code for this failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::NotRoot(_) | Self::NoBtf | Self::Refused { .. } => EXIT_NO_BPF,
            Self::MissingMap(_) | Self::Map { .. } => 1,
        }
    }

    /// How to fix it, for the degraded-mode banner.
    pub fn fix(&self) -> &'static str {
        match self {
            Self::NotRoot(_) => "run as root: sudo ktriage",
            Self::NoBtf => "use a kernel with CONFIG_DEBUG_INFO_BTF=y",
            Self::Refused { .. } => {
                "check lockdown (/sys/kernel/security/lockdown), kernel.unprivileged_bpf_disabled and the memlock/memcg limits"
            }
            Self::MissingMap(_) | Self::Map { .. } => "rebuild the probes: ebpf/probes/build.sh",
        }
    }

    pub(crate) fn map(map: &'static str, e: impl std::fmt::Display) -> Self {
        Self::Map {
            map,
            detail: e.to_string(),
        }
    }
}
