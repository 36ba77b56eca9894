//! `#[repr(C)]` types and constants shared by the kernel probes (ebpf/probes/ktriage.h mirrors them) and user space.
#![no_std]

/// Capacity of each captured buffer (path, sockaddr, argv) in a streamed event.
pub const BUF_MAX: usize = 256;
/// Set in `buf_len` when the captured buffer was cut at `BUF_MAX`.
pub const BUF_TRUNCATED: u16 = 0x8000;
/// Number of slots in the syscall-number indexed maps (x86_64 has < 512 numbers).
pub const NR_SLOTS: u32 = 512;
/// `nr` of events that are not a syscall (exec, exit, fork carry a pseudo number).
pub const NR_NONE: u32 = u32::MAX;

/// Kinds of streamed records.
pub mod kind {
    /// A syscall from the stream set, recorded at its exit with the return value.
    pub const SYSCALL: u32 = 1;
    /// `sched_process_exec`: filename in buf 0, argv (NUL separated) in buf 1.
    pub const EXEC: u32 = 2;
    /// `sched_process_exit`: one per thread; `args[0]` is the raw exit code.
    pub const EXIT: u32 = 3;
    /// `sched_process_fork`: `args[0]` child tgid, `args[1]` child tid.
    pub const FORK: u32 = 4;
}

/// Exec records: `args[0]` old pid, `args[1]` tty (`tty_nr`), `args[2]` login uid
/// (low 32 bits) and gid (high), `args[3]` session id (host) and pid in the task's
/// own namespace (high), `args[4]` effective capabilities, `args[5]` flags below.
pub mod exec {
    /// `args[1..5]` hold the facts above (absent from older probe objects).
    pub const EXT: u64 = 1 << 63;
    /// The executable is a memfd (fileless execution).
    pub const MEMFD: u64 = 1;
}

/// Bits of [`Config::flags`].
pub mod flag {
    /// Stream only tgids present in the tgid filter map.
    pub const FILTER_TGIDS: u32 = 1;
    /// Stream only cgroup ids present in the cgroup filter map.
    pub const FILTER_CGROUPS: u32 = 2;
    /// Stream only processes in a container (other pid namespace or a container cgroup root).
    pub const CONTAINERS_ONLY: u32 = 4;
    /// A fork of a filtered tgid adds the child to the filter (follow descendants).
    pub const FOLLOW_CHILDREN: u32 = 8;
    /// Aggregate only tgids present in the tgid filter map (used by `count`).
    pub const AGG_FILTERED: u32 = 16;
    /// Syscall time is measured: the entry program (attached only then) takes
    /// entry times, the exit program adds the durations. Off: no entry work.
    pub const TIMING: u32 = 32;
}

/// Indexes of the per-CPU counter array.
pub mod counter {
    /// Records the kernel tried to stream.
    pub const ATTEMPTED: u32 = 0;
    /// Records lost because the ring buffer was full (reserve/output failed).
    pub const DROPPED: u32 = 1;
    /// Aggregation updates lost because the aggregation map was full.
    pub const AGG_FULL: u32 = 2;
    /// Syscall exits of a timed thread counted without a duration (the call
    /// began before timing was turned on).
    pub const UNTIMED: u32 = 3;
    /// Entry times taken (entry-side work: none while timing is off).
    pub const ENTRIES: u32 = 4;
    /// Number of counters.
    pub const COUNT: u32 = 5;
}

/// What the probe captures for one argument of a streamed syscall.
pub mod capture {
    /// Nothing captured.
    pub const NONE: u8 = 0;
    /// A NUL-terminated user string at `args[arg]`.
    pub const USER_STR: u8 = 1;
    /// A sockaddr at `args[arg]` whose length is the value of `args[arg + 1]`.
    pub const SOCKADDR_LEN: u8 = 2;
    /// A sockaddr at `args[arg]` whose length is stored at the pointer `args[arg + 1]` (accept).
    pub const SOCKADDR_PLEN: u8 = 3;
}

/// Global probe configuration (array map `CONFIG`, index 0).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// The collector's own tgid: never streamed, never aggregated.
    pub self_tgid: u32,
    /// [`flag`] bits.
    pub flags: u32,
    /// Device of the host pid namespace (for `bpf_get_ns_current_pid_tgid`).
    pub host_pidns_dev: u64,
    /// Inode of the host pid namespace.
    pub host_pidns_ino: u64,
    /// Unconsumed ring-buffer bytes past which a producer forces a wakeup.
    pub wakeup_bytes: u64,
    /// `bpf_ktime_get_ns()` when timing was last turned on: older entry times
    /// (left from an earlier timing period) are not used.
    pub timed_since_ns: u64,
}

/// Per-syscall stream spec (array map `STREAM`, indexed by syscall number).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamSpec {
    /// Non-zero when this syscall is streamed.
    pub enabled: u8,
    /// [`capture`] kind for buffer 0.
    pub cap0: u8,
    /// Argument index for buffer 0.
    pub arg0: u8,
    /// [`capture`] kind for buffer 1.
    pub cap1: u8,
    /// Argument index for buffer 1.
    pub arg1: u8,
    /// Padding.
    pub _pad: [u8; 3],
}

/// Key of the in-kernel aggregation map.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AggKey {
    /// Process (thread group) id.
    pub tgid: u32,
    /// Syscall number.
    pub nr: u32,
}

/// Direct-mapped process slots of the fast aggregation path: a process owns
/// slot `tgid % TGID_SLOTS` (map `SLOT_OWNERS`) while it lives, and its counts
/// go to the per-CPU array `SLOT_AGG` at `slot * NR_SLOTS + nr`, found with two
/// inlined array lookups instead of a hash lookup. A process whose slot is taken
/// by another is counted in the hash map `AGG` (the slow path). User space
/// frees the slot of an exited process after reading and zeroing its counts.
pub const TGID_SLOTS: u32 = 64;

/// Value of `SLOT_OWNERS` (array map, [`TGID_SLOTS`] entries).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlotOwner {
    /// The owning tgid, 0 when free (claimed with a compare-and-swap from 0).
    pub tgid: u64,
    /// Bit `nr` set once syscall `nr` was counted in the slot (what user space reads).
    pub seen: [u64; (NR_SLOTS / 64) as usize],
}

/// Per-CPU value of the aggregation maps (`AGG` and `SLOT_AGG`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AggVal {
    /// Completed calls (exit/exit_group counted when the thread exits through them).
    pub calls: u64,
    /// Calls that returned -4095..=-1.
    pub errors: u64,
    /// Sum of entry-to-exit time in nanoseconds (nothing added while timing is off).
    pub time_ns: u64,
}

/// Fixed header of every streamed record; up to two captured buffers follow at
/// offsets `0` and `BUF_MAX` of the data area.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EventHeader {
    /// `bpf_ktime_get_boot_ns()` at the record.
    pub ts_ns: u64,
    /// cgroup v2 id of the task.
    pub cgroup_id: u64,
    /// Entry-to-exit time of the syscall (0 when unknown).
    pub duration_ns: u64,
    /// Return value (syscalls), exit code (exit).
    pub ret: i64,
    /// Raw syscall arguments (or kind-specific values).
    pub args: [u64; 6],
    /// [`kind`] of the record.
    pub kind: u32,
    /// Syscall number, or [`NR_NONE`].
    pub nr: u32,
    /// tgid.
    pub pid: u32,
    /// Thread id.
    pub tid: u32,
    /// Parent's tgid.
    pub ppid: u32,
    /// Real uid.
    pub uid: u32,
    /// Real gid.
    pub gid: u32,
    /// Length of buffers 0 and 1 (with [`BUF_TRUNCATED`] when cut).
    pub buf_len: [u16; 2],
    /// Task comm, NUL padded.
    pub comm: [u8; 16],
}

/// Size of [`EventHeader`]; the C side asserts the same number.
pub const HEADER_SIZE: usize = 128;
const _: () = assert!(core::mem::size_of::<EventHeader>() == HEADER_SIZE);
const _: () = assert!(core::mem::size_of::<Config>() == 40);
const _: () = assert!(core::mem::size_of::<StreamSpec>() == 8);
const _: () = assert!(core::mem::size_of::<AggKey>() == 8);
const _: () = assert!(core::mem::size_of::<AggVal>() == 24);
const _: () = assert!(core::mem::size_of::<SlotOwner>() == 72);
const _: () = assert!(core::mem::offset_of!(Config, timed_since_ns) == 32);
const _: () = assert!(core::mem::offset_of!(EventHeader, kind) == 80);
const _: () = assert!(core::mem::offset_of!(EventHeader, buf_len) == 108);
const _: () = assert!(core::mem::offset_of!(EventHeader, comm) == 112);

#[cfg(feature = "user")]
mod pod {
    // SAFETY: all are #[repr(C)] plain integers with no padding holes that matter.
    unsafe impl aya::Pod for super::Config {}
    unsafe impl aya::Pod for super::StreamSpec {}
    unsafe impl aya::Pod for super::AggKey {}
    unsafe impl aya::Pod for super::AggVal {}
    unsafe impl aya::Pod for super::SlotOwner {}
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::String;

    /// The value of `#define NAME VALUE` in the C mirror.
    fn c_define(header: &str, name: &str) -> u64 {
        let line = header
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(name))
            .unwrap_or_else(|| panic!("{name} missing from ktriage.h"));
        let v = line.split_whitespace().nth(2).expect("a value");
        let v = v.trim_end_matches('u');
        match v.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).expect("hex"),
            None => v.parse().expect("decimal"),
        }
    }

    #[test]
    fn c_header_mirrors_the_rust_constants() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../probes/ktriage.h");
        let h: String = std::fs::read_to_string(path).expect("ebpf/probes/ktriage.h");
        let pairs: [(&str, u64); 25] = [
            ("KT_BUF_MAX", super::BUF_MAX as u64),
            ("KT_BUF_TRUNCATED", super::BUF_TRUNCATED as u64),
            ("KT_NR_SLOTS", super::NR_SLOTS as u64),
            ("KT_NR_NONE", super::NR_NONE as u64),
            ("KT_TGID_SLOTS", super::TGID_SLOTS as u64),
            ("KT_KIND_SYSCALL", super::kind::SYSCALL as u64),
            ("KT_KIND_EXEC", super::kind::EXEC as u64),
            ("KT_KIND_EXIT", super::kind::EXIT as u64),
            ("KT_KIND_FORK", super::kind::FORK as u64),
            ("KT_FILTER_TGIDS", super::flag::FILTER_TGIDS as u64),
            ("KT_FILTER_CGROUPS", super::flag::FILTER_CGROUPS as u64),
            ("KT_CONTAINERS_ONLY", super::flag::CONTAINERS_ONLY as u64),
            ("KT_FOLLOW_CHILDREN", super::flag::FOLLOW_CHILDREN as u64),
            ("KT_AGG_FILTERED", super::flag::AGG_FILTERED as u64),
            ("KT_TIMING", super::flag::TIMING as u64),
            ("KT_CTR_ATTEMPTED", super::counter::ATTEMPTED as u64),
            ("KT_CTR_DROPPED", super::counter::DROPPED as u64),
            ("KT_CTR_AGG_FULL", super::counter::AGG_FULL as u64),
            ("KT_CTR_UNTIMED", super::counter::UNTIMED as u64),
            ("KT_CTR_ENTRIES", super::counter::ENTRIES as u64),
            ("KT_CTR_COUNT", super::counter::COUNT as u64),
            ("KT_CAP_NONE", super::capture::NONE as u64),
            ("KT_CAP_USER_STR", super::capture::USER_STR as u64),
            ("KT_CAP_SOCKADDR_LEN", super::capture::SOCKADDR_LEN as u64),
            ("KT_CAP_SOCKADDR_PLEN", super::capture::SOCKADDR_PLEN as u64),
        ];
        for (name, rust) in pairs {
            assert_eq!(c_define(&h, name), rust, "{name}");
        }
        assert!(
            h.contains("sizeof(struct kt_header) == 128"),
            "C asserts the header size"
        );
        assert!(
            h.contains("sizeof(struct kt_config) == 40"),
            "C asserts the config size"
        );
        assert!(
            h.contains("offsetof(struct kt_config, timed_since_ns) == 32"),
            "C asserts where the timing start is"
        );
        assert!(
            h.contains("sizeof(struct kt_slot_owner) == 72"),
            "C asserts the slot owner size"
        );
        assert_eq!(super::HEADER_SIZE, 128);
    }
}
