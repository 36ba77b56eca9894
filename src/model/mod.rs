//! Shared data types (kernel stream, process table, identity, alerts, errno names): a leaf (no other ktriage module imported), used by every layer above it.

pub mod alert;
pub mod audit;
pub mod b64;
pub mod errno;
pub mod facts;
pub mod hash;
pub mod identity;
pub mod proc;

/// Syscall number (it fits the buffer's 16 bits) of a record read from a capture file that live streaming has no decoder for:
/// buffer 0 holds its event name (a trailing `>`: an enter event whose exit the capture lacks),
/// buffer 1 its parameters rendered as `name=value` text.
pub const NR_CAPTURED: u32 = 0xfffe;

/// Records decoded from one drain of the ring buffer.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KernelBatch {
    /// cgroups seen for the first time in this batch (resolved before the events).
    pub cgroups: Vec<CgroupInfo>,
    /// The records, in ring-buffer order.
    pub events: Vec<SysEvent>,
}

/// What a cgroup id resolves to.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CgroupInfo {
    /// cgroup v2 id (the inode of its directory).
    pub id: u64,
    /// Path below the cgroup v2 mount, `None` when it could not be resolved (cgroup gone).
    pub path: Option<String>,
    /// Container id parsed from the path, `None` on the host.
    pub container_id: Option<String>,
}

/// Kind of a streamed record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[repr(u8)]
pub enum EventKind {
    /// A syscall from the stream set, at its exit.
    Syscall = 1,
    /// A successful exec (filename and argv).
    Exec = 2,
    /// A thread exited.
    Exit = 3,
    /// A process or thread was created.
    Fork = 4,
}

impl EventKind {
    /// From the probe's `kind` constant.
    pub fn from_raw(raw: u32) -> Option<Self> {
        match raw {
            ktriage_common::kind::SYSCALL => Some(Self::Syscall),
            ktriage_common::kind::EXEC => Some(Self::Exec),
            ktriage_common::kind::EXIT => Some(Self::Exit),
            ktriage_common::kind::FORK => Some(Self::Fork),
            _ => None,
        }
    }

    /// Lower-case name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Self::Syscall => "syscall",
            Self::Exec => "exec",
            Self::Exit => "exit",
            Self::Fork => "fork",
        }
    }
}

/// A buffer the probe captured (path, sockaddr, argv), possibly cut short.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Captured {
    /// The bytes as captured (strings keep their NUL).
    pub bytes: Vec<u8>,
    /// The probe cut it at its buffer size.
    pub truncated: bool,
}

/// One decoded kernel record.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SysEvent {
    /// Boot-clock nanoseconds (CLOCK_BOOTTIME).
    pub ts_ns: u64,
    /// cgroup v2 id.
    pub cgroup_id: u64,
    /// Syscall time, entry to exit (0 when unknown or syscall timing is off).
    pub duration_ns: u64,
    /// Return value (syscall) or exit code (exit).
    pub ret: i64,
    /// Raw syscall arguments (fork: child tgid, child tid; exec: old pid).
    pub args: [u64; 6],
    /// What kind of record.
    pub kind: EventKind,
    /// Syscall number (exec: execve/execveat; exit and fork: `NR_NONE`).
    pub nr: u32,
    /// Process (tgid).
    pub pid: u32,
    /// Thread.
    pub tid: u32,
    /// Parent process.
    pub ppid: u32,
    /// Real uid.
    pub uid: u32,
    /// Task comm, NUL padded, untrusted bytes.
    pub comm: [u8; 16],
    /// Buffers 0 and 1.
    pub bufs: [Captured; 2],
}

/// Counters read from the probe (summed over CPUs) and from the reader.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CollectorStats {
    /// Records the kernel tried to stream.
    pub attempted: u64,
    /// Records the kernel could not stream because the ring buffer was full.
    pub kernel_dropped: u64,
    /// Aggregation updates lost (aggregation map full).
    pub agg_full: u64,
    /// Syscalls of timed threads counted without a duration (began before timing was on).
    pub untimed: u64,
    /// Syscall entry times taken (entry-side work; none while timing is off).
    #[serde(default)]
    pub timed_entries: u64,
    /// Whether the probes measure syscall time now.
    #[serde(default)]
    pub timing: bool,
    /// Records read from the ring buffer.
    pub received: u64,
    /// Records read but not decodable (never expected; counted, not hidden).
    pub undecodable: u64,
    /// Boot-clock time (ns) the in-kernel counting started at (0: unknown).
    pub counting_since_ns: u64,
}

/// Where the collector stands.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CollectorState {
    /// Not started yet.
    #[default]
    Starting,
    /// Probes attached, events flowing.
    Running,
    /// No kernel events: why, and how to fix it. /proc polling still works.
    Degraded {
        /// What is missing.
        reason: String,
        /// How to fix it.
        fix: String,
    },
    /// Stopped (end of a recording, or shut down).
    Stopped,
}

/// One (tgid, syscall) entry of the in-kernel aggregation, summed over CPUs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AggRow {
    /// Process.
    pub tgid: u32,
    /// Syscall number.
    pub nr: u32,
    /// Calls.
    pub calls: u64,
    /// Calls that failed.
    pub errors: u64,
    /// Total time in ns.
    pub time_ns: u64,
}

/// A process as /proc shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProcInfo {
    /// pid.
    pub pid: u32,
    /// Parent pid.
    pub ppid: u32,
    /// Real uid.
    pub uid: u32,
    /// comm (untrusted).
    pub comm: String,
    /// Container id from the cgroup path, if any.
    pub container_id: Option<String>,
    /// Container name from the runtime, if known.
    pub container_name: Option<String>,
    /// Image from the runtime, if known.
    pub image: Option<String>,
    /// Pod name, if known.
    pub pod_name: Option<String>,
    /// Pod namespace, if known.
    pub pod_namespace: Option<String>,
    /// Pod UID, if known (from the cgroup path or the runtime).
    pub pod_uid: Option<String>,
    /// In a host cgroup but in the container's pid and mount namespaces (nsenter).
    pub entered_from_host: bool,
    /// Start, boot-clock ns (0: unknown): with the pid, the process's identity.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub start_ns: u64,
    /// argv\[0] (untrusted; empty when unknown).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub exe: String,
    /// The parent's comm when the row was made (untrusted; empty when unknown).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub parent_comm: String,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}
