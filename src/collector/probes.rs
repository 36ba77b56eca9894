//! Loading and attaching the embedded probe object, and the typed handles to its maps.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;

use aya::maps::{Array, HashMap, MapData, PerCpuArray, PerCpuHashMap, RingBuf};
use aya::programs::BtfTracePoint;
use aya::programs::tp_btf::BtfTracePointLinkId;
use aya::{Btf, Ebpf, EbpfLoader};
use ktriage_common::{AggKey, AggVal, Config, NR_SLOTS, StreamSpec, counter, flag};

use super::error::CollectorError;
use super::slots::{Slots, add_row};
use super::{args, config::CollectorConfig};
use crate::model::{AggRow, CollectorStats};

/// The probe object, built by ebpf/probes/build.sh and committed.
pub static PROBE_OBJECT: &[u8] = aya::include_bytes_aligned!("../../ebpf/probes/ktriage.bpf.o");

/// Attached for the collector's lifetime.
const PROGRAMS: [(&str, &str); 4] = [
    ("kt_sys_exit", "sys_exit"),
    ("kt_exec", "sched_process_exec"),
    ("kt_fork", "sched_process_fork"),
    ("kt_exit", "sched_process_exit"),
];

/// The entry-time program: loaded with the others, attached only while timing is on.
const ENTRY: (&str, &str) = ("kt_sys_enter", "sys_enter");

/// Loaded, attached probes and their maps (the ring buffer is handed to the reader).
pub struct Probes {
    _ebpf: Ebpf,
    /// Ring buffer, until the reader takes it.
    pub ring: Option<RingBuf<MapData>>,
    /// A second handle on the counters, for the reader's in-band drop records (until taken).
    pub drop_counter: Option<PerCpuArray<MapData, u64>>,
    counters: PerCpuArray<MapData, u64>,
    agg: PerCpuHashMap<MapData, AggKey, AggVal>,
    slots: Slots,
    tgid_filter: HashMap<MapData, u32, u8>,
    pending: HashMap<MapData, u32, u8>,
    config: Array<MapData, Config>,
    current: Config,
    entry_link: Option<BtfTracePointLinkId>,
}

fn refused(what: impl Into<String>, e: impl std::fmt::Display) -> CollectorError {
    CollectorError::Refused {
        what: what.into(),
        detail: e.to_string(),
    }
}

/// Checks what BPF needs before trying (root, BTF).
pub fn preflight() -> Result<(), CollectorError> {
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    if euid != 0 {
        return Err(CollectorError::NotRoot(euid));
    }
    if !std::path::Path::new("/sys/kernel/btf/vmlinux").exists() {
        return Err(CollectorError::NoBtf);
    }
    Ok(())
}

/// A second handle on the COUNTERS map (a dup of its fd), `None` if that fails.
fn dup_counters(ebpf: &Ebpf) -> Option<PerCpuArray<MapData, u64>> {
    use std::os::fd::AsFd;
    let aya::maps::Map::PerCpuArray(data) = ebpf.map("COUNTERS")? else {
        return None;
    };
    let fd = data.fd().as_fd().try_clone_to_owned().ok()?;
    let dup = MapData::from_fd(fd).ok()?;
    PerCpuArray::try_from(aya::maps::Map::PerCpuArray(dup)).ok()
}

fn take<T: TryFrom<aya::maps::Map>>(
    ebpf: &mut Ebpf,
    name: &'static str,
) -> Result<T, CollectorError> {
    let map = ebpf
        .take_map(name)
        .ok_or(CollectorError::MissingMap(name))?;
    T::try_from(map).map_err(|_| CollectorError::MissingMap(name))
}

impl Probes {
    /// Loads the probes with `cfg`, fills the filter maps and attaches every program.
    pub fn load(cfg: &CollectorConfig) -> Result<Self, CollectorError> {
        preflight()?;
        let btf = Btf::from_sys_fs().map_err(|_| CollectorError::NoBtf)?;
        let mut ebpf = EbpfLoader::new()
            .btf(Some(&btf))
            .map_max_entries("EVENTS", cfg.ring_bytes)
            .load(PROBE_OBJECT)
            .map_err(|e| refused("the probe object", format!("{e:#}")))?;

        let mut stream: Array<MapData, StreamSpec> = take(&mut ebpf, "STREAM")?;
        for nr in &cfg.stream_syscalls {
            if *nr < NR_SLOTS {
                stream
                    .set(*nr, args::stream_spec(*nr), 0)
                    .map_err(|e| CollectorError::map("STREAM", e))?;
            }
        }
        let mut cgroup_filter: HashMap<MapData, u64, u8> = take(&mut ebpf, "CGROUP_FILTER")?;
        for id in &cfg.cgroups {
            cgroup_filter
                .insert(id, 1, 0)
                .map_err(|e| CollectorError::map("CGROUP_FILTER", e))?;
        }
        let mut roots: HashMap<MapData, u64, u8> = take(&mut ebpf, "CONTAINER_ROOTS")?;
        for id in container_root_ids() {
            roots
                .insert(id, 1, 0)
                .map_err(|e| CollectorError::map("CONTAINER_ROOTS", e))?;
        }
        let drop_counter = dup_counters(&ebpf);
        let mut probes = Self {
            ring: Some(take(&mut ebpf, "EVENTS")?),
            drop_counter,
            counters: take(&mut ebpf, "COUNTERS")?,
            agg: take(&mut ebpf, "AGG")?,
            slots: Slots {
                owners: take(&mut ebpf, "SLOT_OWNERS")?,
                counts: take(&mut ebpf, "SLOT_AGG")?,
            },
            tgid_filter: take(&mut ebpf, "TGID_FILTER")?,
            pending: take(&mut ebpf, "PENDING")?,
            config: take(&mut ebpf, "CONFIG")?,
            current: Config::default(),
            entry_link: None,
            _ebpf: ebpf,
        };
        for pid in &cfg.pids {
            probes.add_tgid(*pid)?;
        }
        probes.write_config(cfg)?;
        probes.attach(&btf)?;
        probes.set_timing(cfg.timing)?;
        Ok(probes)
    }

    fn write_config(&mut self, cfg: &CollectorConfig) -> Result<(), CollectorError> {
        let ns =
            std::fs::metadata("/proc/self/ns/pid").map_err(|e| refused("pid namespace stat", e))?;
        let mut flags = 0;
        for (on, bit) in [
            (!cfg.pids.is_empty() || cfg.filter_tgids, flag::FILTER_TGIDS),
            (!cfg.cgroups.is_empty(), flag::FILTER_CGROUPS),
            (cfg.containers_only, flag::CONTAINERS_ONLY),
            (cfg.follow_children, flag::FOLLOW_CHILDREN),
            (cfg.agg_filtered, flag::AGG_FILTERED),
        ] {
            if on {
                flags |= bit;
            }
        }
        self.current = Config {
            self_tgid: std::process::id(),
            flags,
            host_pidns_dev: ns.dev(),
            host_pidns_ino: ns.ino(),
            wakeup_bytes: cfg.wakeup_bytes,
            timed_since_ns: 0,
        };
        self.write_current()
    }

    fn program(&mut self, name: &str) -> Result<&mut BtfTracePoint, CollectorError> {
        self._ebpf
            .program_mut(name)
            .ok_or_else(|| refused(name, "program missing from the object"))?
            .try_into()
            .map_err(|e| refused(name, e))
    }

    fn attach(&mut self, btf: &Btf) -> Result<(), CollectorError> {
        for (name, tp) in PROGRAMS.into_iter().chain([ENTRY]) {
            let prog = self.program(name)?;
            prog.load(tp, btf)
                .map_err(|e| refused(format!("program {name}"), format!("{e:#}")))?;
            if name != ENTRY.0 {
                prog.attach()
                    .map_err(|e| refused(format!("attaching {name}"), e))?;
            }
        }
        Ok(())
    }

    /// Turns syscall timing on or off. On: entry times are taken (for the
    /// aggregated processes, within the cgroup filter) from now on and their
    /// durations added to the aggregation. Off: the entry program is detached,
    /// so untimed syscalls pay nothing at entry.
    pub fn set_timing(&mut self, on: bool) -> Result<(), CollectorError> {
        if on == self.timing() {
            return Ok(());
        }
        if on {
            self.current.flags |= flag::TIMING;
            // bpf_ktime_get_ns() is CLOCK_MONOTONIC: entry times older than this are stale
            self.current.timed_since_ns = super::clock::monotonic_ns();
            self.write_current()?;
            let link = self
                .program(ENTRY.0)?
                .attach()
                .map_err(|e| refused(format!("attaching {}", ENTRY.0), e))?;
            self.entry_link = Some(link);
        } else {
            if let Some(link) = self.entry_link.take() {
                self.program(ENTRY.0)?
                    .detach(link)
                    .map_err(|e| refused(format!("detaching {}", ENTRY.0), e))?;
            }
            self.current.flags &= !flag::TIMING;
            self.write_current()?;
        }
        Ok(())
    }

    /// Whether syscall timing is on.
    pub fn timing(&self) -> bool {
        self.entry_link.is_some()
    }

    fn write_current(&mut self) -> Result<(), CollectorError> {
        self.config
            .set(0, self.current, 0)
            .map_err(|e| CollectorError::map("CONFIG", e))
    }

    /// Streams (and, with `agg_filtered`, aggregates) this tgid from now on.
    pub fn add_tgid(&mut self, tgid: u32) -> Result<(), CollectorError> {
        self.tgid_filter
            .insert(tgid, 1, 0)
            .map_err(|e| CollectorError::map("TGID_FILTER", e))
    }

    /// Arms `tgid` at its next exec (used by `count`: nothing before the exec is counted).
    pub fn arm_at_exec(&mut self, tgid: u32) -> Result<(), CollectorError> {
        self.pending
            .insert(tgid, 1, 0)
            .map_err(|e| CollectorError::map("PENDING", e))
    }

    /// The tgids in the filter (including followed descendants).
    pub fn filtered_tgids(&self) -> Vec<u32> {
        self.tgid_filter.keys().filter_map(Result::ok).collect()
    }

    /// Kernel counters summed over CPUs (the reader's counts are added by the caller).
    pub fn counters(&self) -> Result<CollectorStats, CollectorError> {
        let sum = |i: u32| -> Result<u64, CollectorError> {
            let v = self
                .counters
                .get(&i, 0)
                .map_err(|e| CollectorError::map("COUNTERS", e))?;
            Ok(v.iter().sum())
        };
        Ok(CollectorStats {
            attempted: sum(counter::ATTEMPTED)?,
            kernel_dropped: sum(counter::DROPPED)?,
            agg_full: sum(counter::AGG_FULL)?,
            untimed: sum(counter::UNTIMED)?,
            timed_entries: sum(counter::ENTRIES)?,
            ..CollectorStats::default()
        })
    }

    /// The aggregation (process slots and the hash map), summed over CPUs,
    /// one row per (tgid, syscall), for tgids accepted by `keep`.
    pub fn agg_rows(&self, mut keep: impl FnMut(u32) -> bool) -> Vec<AggRow> {
        let mut rows = BTreeMap::new();
        for (k, vals) in self.agg.iter().filter_map(Result::ok) {
            if keep(k.tgid) {
                add_row(&mut rows, k, &vals);
            }
        }
        self.slots.read(keep, &mut rows);
        rows.into_values().collect()
    }

    /// Removes the aggregation of tgids accepted by `gone` (exited processes)
    /// and returns what it held, so totals can be kept in user space.
    pub fn prune_agg(&mut self, mut gone: impl FnMut(u32) -> bool) -> Vec<AggRow> {
        let keys: Vec<AggKey> = self
            .agg
            .keys()
            .filter_map(Result::ok)
            .filter(|k| gone(k.tgid))
            .collect();
        let mut rows = BTreeMap::new();
        for k in keys {
            if let Ok(vals) = self.agg.get(&k, 0) {
                add_row(&mut rows, k, &vals);
            }
            let _ = self.agg.remove(&k);
        }
        self.slots.prune(gone, &mut rows);
        rows.into_values().collect()
    }

    /// [`Probes::prune_agg`] of the process slots only (at most 64 owners to look at: cheap
    /// enough for every poll).
    pub fn prune_slots(&mut self, gone: impl FnMut(u32) -> bool) -> Vec<AggRow> {
        let mut rows = BTreeMap::new();
        self.slots.prune(gone, &mut rows);
        rows.into_values().collect()
    }
}

/// cgroup v2 ids of the directories under which container runtimes put containers.
fn container_root_ids() -> Vec<u64> {
    const NAMES: [&str; 7] = [
        "kubepods",
        "kubepods.slice",
        "docker",
        "machine.slice",
        "lxc",
        "libpod_parent",
        "containerd",
    ];
    let Some(root) = crate::identity::cgroup::v2_root() else {
        return Vec::new();
    };
    NAMES
        .iter()
        .filter_map(|n| std::fs::metadata(root.join(n)).ok())
        .map(|m| m.ino())
        .collect()
}
