//! What the collector streams and filters, chosen by the command line.

/// Collector settings.
#[derive(Clone, Debug)]
pub struct CollectorConfig {
    /// Ring-buffer size in bytes (a power of two, at least one page).
    pub ring_bytes: u32,
    /// Syscall numbers streamed through the ring buffer.
    pub stream_syscalls: Vec<u32>,
    /// Stream only these tgids (empty: all).
    pub pids: Vec<u32>,
    /// Filter on the tgid map even when `pids` is empty (tgids are added later).
    pub filter_tgids: bool,
    /// Stream only these cgroups and their descendants (empty: all).
    pub cgroups: Vec<u64>,
    /// Stream only processes in containers.
    pub containers_only: bool,
    /// Children of filtered tgids join the filter.
    pub follow_children: bool,
    /// Aggregate only filtered tgids.
    pub agg_filtered: bool,
    /// Measure syscall time from the start (entry program attached; see `Probes::set_timing`).
    pub timing: bool,
    /// Unread ring bytes past which a producer wakes the reader.
    pub wakeup_bytes: u64,
    /// How long the reader sleeps between drains when no wakeup comes (ms).
    pub poll_ms: u16,
}

impl Default for CollectorConfig {
    fn default() -> Self {
        Self {
            ring_bytes: 16 * 1024 * 1024,
            stream_syscalls: super::args::default_stream_set(),
            pids: Vec::new(),
            filter_tgids: false,
            cgroups: Vec::new(),
            containers_only: false,
            follow_children: false,
            agg_filtered: false,
            timing: false,
            wakeup_bytes: 512 * 1024,
            poll_ms: 10,
        }
    }
}
