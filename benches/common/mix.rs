//! The deterministic synthetic event mix the memory and frame-time benchmarks buffer.
#![allow(dead_code)]

use ktriage::app::event::{Captured, CgroupInfo, EventKind, KernelBatch, SysEvent};
use ktriage::app::{Core, Event};

/// A small deterministic PRNG (splitmix64), so runs are comparable.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
}

const COMMS: &[&str] = &[
    "nginx",
    "curl",
    "bash",
    "sh",
    "python3",
    "java",
    "node",
    "kubelet",
    "containerd",
    "runc",
    "sshd",
    "cron",
    "systemd",
    "postgres",
    "redis-server",
    "envoy",
    "coredns",
    "etcd",
    "dockerd",
    "git",
    "make",
    "cc1",
    "ld",
    "cat",
    "ls",
    "grep",
    "sed",
    "awk",
    "tar",
    "gzip",
    "wget",
    "apt-get",
    "dpkg",
    "perl",
    "ruby",
    "php-fpm",
    "haproxy",
    "vault",
    "consul",
    "prometheus",
];

const DIRS: &[&str] = &[
    "/etc/",
    "/usr/lib/x86_64-linux-gnu/",
    "/proc/self/",
    "/var/log/",
    "/tmp/",
    "/home/app/",
    "/run/secrets/",
    "/usr/share/zoneinfo/",
    "/sys/fs/cgroup/",
    "/var/lib/postgresql/",
    "/opt/app/conf/",
    "/dev/",
];

const ARGS: &[&str] = &[
    "-s",
    "-c",
    "--config",
    "/etc/app.conf",
    "http://10.0.0.5/x.sh",
    "-v",
    "run",
    "--rm",
    "-o",
    "/tmp/out",
];

/// Container ids used by the synthetic cgroups.
pub const CONTAINERS: &[&str] = &[
    "3f2a9c1b7d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4",
    "a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6",
    "0fedcba9876543210fedcba9876543210fedcba9876543210fedcba987654321",
];

/// x86_64 numbers used by the mix.
pub mod nr {
    pub const OPENAT: u32 = 257;
    pub const CONNECT: u32 = 42;
    pub const EXECVE: u32 = 59;
    pub const KILL: u32 = 62;
    pub const SETUID: u32 = 105;
    pub const PTRACE: u32 = 101;
    pub const UNLINKAT: u32 = 263;
    pub const MOUNT: u32 = 165;
}

/// cgroups of the synthetic mix: the host root and one per container.
pub fn synthetic_cgroups() -> Vec<CgroupInfo> {
    let mut v = vec![CgroupInfo {
        id: 1,
        path: Some("/".into()),
        container_id: None,
    }];
    for (i, id) in CONTAINERS.iter().enumerate() {
        v.push(CgroupInfo {
            id: 7000 + i as u64,
            path: Some(format!(
                "/kubepods/besteffort/pod{i:08}-0000-0000-0000-000000000000/{id}"
            )),
            container_id: Some((*id).to_string()),
        });
    }
    v
}

fn comm16(name: &str) -> [u8; 16] {
    let mut c = [0u8; 16];
    let n = name.len().min(15);
    c[..n].copy_from_slice(&name.as_bytes()[..n]);
    c
}

fn captured(bytes: Vec<u8>) -> Captured {
    Captured {
        bytes,
        truncated: false,
    }
}

/// A path of `len` bytes including its trailing NUL, as the probe captures it.
fn path(rng: &mut Rng, len: usize) -> Vec<u8> {
    let mut p = rng.pick(DIRS).as_bytes().to_vec();
    const NAME: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789._-";
    while p.len() + 1 < len {
        p.push(NAME[rng.below(NAME.len() as u64) as usize]);
    }
    p.truncate(len - 1);
    p.push(0);
    p
}

fn sockaddr(rng: &mut Rng) -> Vec<u8> {
    if rng.below(5) == 0 {
        let mut b = 10u16.to_ne_bytes().to_vec();
        b.extend_from_slice(&443u16.to_be_bytes());
        b.extend_from_slice(&[0; 4]);
        b.extend_from_slice(&[
            0x20,
            0x01,
            0x0d,
            0xb8,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            rng.below(255) as u8,
        ]);
        b.extend_from_slice(&[0; 4]);
        b
    } else {
        let mut b = 2u16.to_ne_bytes().to_vec();
        b.extend_from_slice(&[80u16, 443, 5432, 6379, 8080][rng.below(5) as usize].to_be_bytes());
        b.extend_from_slice(&[10, 0, rng.below(4) as u8, rng.below(255) as u8]);
        b.extend_from_slice(&[0; 8]);
        b
    }
}

/// Generates the benchmarks' realistic event mix: 60% openat with 20–60 byte
/// paths (1 in 10 of those an unlinkat), 20% connect (IPv4/IPv6 sockaddr),
/// 10% exec with filename and argv, 10% other without buffers (kill, setuid,
/// ptrace, mount, fork, exit). 40 comms over 500 pids, 4 cgroups.
pub struct Mix {
    rng: Rng,
    seq: u64,
}

impl Mix {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: Rng::new(seed),
            seq: 0,
        }
    }

    pub fn event(&mut self) -> SysEvent {
        let r = &mut self.rng;
        let pid = 1000 + r.below(500) as u32;
        let comm = COMMS[pid as usize % COMMS.len()];
        let cgroup_id = match pid % 4 {
            0 => 1,
            k => 6999 + u64::from(k),
        };
        self.seq += 1;
        let mut ev = SysEvent {
            ts_ns: 5_000_000_000 + self.seq * 1_000,
            cgroup_id,
            duration_ns: 500 + r.below(20_000),
            ret: 0,
            args: [0; 6],
            kind: EventKind::Syscall,
            nr: nr::OPENAT,
            pid,
            tid: pid,
            ppid: 1 + pid / 10,
            uid: if pid.is_multiple_of(3) { 0 } else { 1000 },
            comm: comm16(comm),
            bufs: [Captured::default(), Captured::default()],
        };
        let roll = r.below(100);
        if roll < 60 {
            ev.nr = if r.below(10) == 0 {
                nr::UNLINKAT
            } else {
                nr::OPENAT
            };
            ev.args = [-100i64 as u64, 0x7ffd_0000_1000, 0x80000, 0, 0, 0];
            let len = 20 + r.below(41) as usize;
            ev.bufs[0] = captured(path(r, len));
            ev.ret = if r.below(8) == 0 {
                -2
            } else {
                3 + r.below(60) as i64
            };
        } else if roll < 80 {
            ev.nr = nr::CONNECT;
            ev.args = [3 + r.below(20), 0x7ffd_0000_2000, 16, 0, 0, 0];
            ev.bufs[0] = captured(sockaddr(r));
            ev.ret = if r.below(5) == 0 { -111 } else { 0 };
        } else if roll < 90 {
            ev.kind = EventKind::Exec;
            ev.nr = nr::EXECVE;
            let name = *r.pick(COMMS);
            ev.bufs[0] = captured(format!("/usr/bin/{name}\0").into_bytes());
            let mut argv = format!("{name}\0");
            for _ in 0..r.below(4) {
                argv.push_str(r.pick::<&str>(ARGS));
                argv.push('\0');
            }
            ev.bufs[1] = captured(argv.into_bytes());
        } else {
            match r.below(6) {
                0 => {
                    ev.nr = nr::KILL;
                    ev.args[..2].copy_from_slice(&[u64::from(pid), 0]);
                }
                1 => {
                    ev.nr = nr::SETUID;
                    ev.ret = -1;
                }
                2 => ev.nr = nr::PTRACE,
                3 => ev.nr = nr::MOUNT,
                4 => {
                    ev.kind = EventKind::Fork;
                    ev.nr = ktriage_common::NR_NONE;
                    ev.args[..2].copy_from_slice(&[u64::from(pid) + 1, u64::from(pid) + 1]);
                }
                _ => {
                    ev.kind = EventKind::Exit;
                    ev.nr = ktriage_common::NR_NONE;
                    ev.args[0] = 1;
                }
            }
        }
        ev
    }

    /// A batch of `n` events; the first batch also carries the cgroups.
    pub fn batch(&mut self, n: usize) -> KernelBatch {
        let cgroups = if self.seq == 0 {
            synthetic_cgroups()
        } else {
            Vec::new()
        };
        KernelBatch {
            cgroups,
            events: (0..n).map(|_| self.event()).collect(),
        }
    }
}

/// The information (bits) the generator put into `e`: the self-information
/// of every draw [`Mix::event`] made, read back from the event (the pid, the
/// duration, the kind, and each kind's own draws). Its mean over a set is
/// the set's entropy rate: no lossless format can store the set in fewer
/// bits on average. Timestamps, uid, comm and cgroup follow from the
/// sequence and the pid, so they carry none.
pub fn information_bits(e: &SysEvent) -> f64 {
    let l = f64::log2;
    // pid and duration: uniform draws
    let mut bits = l(500.0) + l(20_000.0);
    match (e.kind, e.nr) {
        (EventKind::Syscall, nr::OPENAT | nr::UNLINKAT) => {
            bits += -l(0.6) - l(if e.nr == nr::UNLINKAT { 0.1 } else { 0.9 });
            let p = &e.bufs[0].bytes;
            let body = &p[..p.len() - 1];
            // the length, the directory, then one of 39 symbols per name char
            bits += l(41.0);
            let consistent = DIRS
                .iter()
                .filter(|d| body.starts_with(d.as_bytes()) || d.as_bytes().starts_with(body))
                .count()
                .max(1);
            bits += l(DIRS.len() as f64 / consistent as f64);
            let dir = body.iter().rposition(|c| *c == b'/').map_or(0, |i| i + 1);
            bits += (body.len() - dir) as f64 * l(39.0);
            bits += if e.ret == -2 {
                -l(1.0 / 8.0)
            } else {
                -l(7.0 / 8.0) + l(60.0)
            };
        }
        (EventKind::Syscall, nr::CONNECT) => {
            bits += -l(0.2) + l(20.0);
            bits += if e.bufs[0].bytes.len() > 16 {
                -l(0.2) + l(255.0)
            } else {
                -l(0.8) + l(5.0) + l(4.0) + l(255.0)
            };
            bits += -l(if e.ret == -111 { 0.2 } else { 0.8 });
        }
        (EventKind::Exec, _) => {
            let argc = e.bufs[1].bytes.iter().filter(|c| **c == 0).count() - 1;
            bits += -l(0.1) + l(40.0) + l(4.0) + argc as f64 * l(ARGS.len() as f64);
        }
        _ => bits += -l(0.1) + l(6.0),
    }
    bits
}

/// Pushes `n` mix events into `state` through `update`, in reader-sized batches.
pub fn fill(state: &mut Core, mix: &mut Mix, n: usize) {
    let mut left = n;
    while left > 0 {
        let k = left.min(4096);
        state.dispatch(Event::Kernel(mix.batch(k)));
        left -= k;
    }
}
