//! Threads as the capture describes them: the table built from the session (its /proc polls and the
//! first event of every thread it did not see being born), kept current through execs and forks, and
//! its process list block (version 9).

use std::collections::HashMap;

use super::layout::{MAX_ARGS, MAX_PATH};
use crate::model::facts::ProcFacts;
use crate::model::{ProcInfo, SysEvent};

/// One thread: what a process list entry and a clone or execve exit carry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Thread {
    pub tid: u32,
    pub pid: u32,
    pub ptid: u32,
    /// Task comm (raw bytes).
    pub comm: Vec<u8>,
    /// argv[0] (sysdig's `proc.exe`).
    pub exe: Vec<u8>,
    /// Path of the executable (the exec's filename).
    pub exepath: Vec<u8>,
    /// argv[1..], each ended by a NUL.
    pub args: Vec<u8>,
    /// Working directory (empty: not recorded).
    pub cwd: Vec<u8>,
    pub uid: u32,
    pub gid: u32,
    /// pid in its own pid namespace (the host pid when not recorded).
    pub vpid: u32,
    /// `subsystem=path` entries, each ended by a NUL.
    pub cgroups: Vec<u8>,
}

/// The bytes of `comm` up to its first NUL.
pub fn comm_bytes(comm: &[u8]) -> Vec<u8> {
    comm.iter().take_while(|b| **b != 0).copied().collect()
}

/// The cgroups parameter for a cgroup v2 path (the same path under the controllers readers look at).
pub fn cgroups_of(path: &str) -> Vec<u8> {
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    let mut v = Vec::new();
    for sub in ["cpuset", "cpu", "memory"] {
        v.extend_from_slice(sub.as_bytes());
        v.push(b'=');
        v.extend_from_slice(path.as_bytes());
        v.push(0);
    }
    v.truncate(MAX_ARGS);
    v
}

impl Thread {
    /// A thread as one of its events shows it.
    pub fn from_event(ev: &SysEvent, cgroups: &[u8]) -> Self {
        let comm = comm_bytes(&ev.comm);
        Thread {
            tid: ev.tid,
            pid: ev.pid,
            ptid: ev.ppid,
            exe: comm.clone(),
            comm,
            uid: ev.uid,
            vpid: ev.pid,
            cgroups: cgroups.to_vec(),
            ..Thread::default()
        }
    }

    /// A process as a /proc poll showed it (its main thread).
    pub fn from_proc(p: &ProcInfo) -> Self {
        let comm = p.comm.as_bytes().to_vec();
        Thread {
            tid: p.pid,
            pid: p.pid,
            ptid: p.ppid,
            exe: comm.clone(),
            comm,
            uid: p.uid,
            vpid: p.pid,
            ..Thread::default()
        }
    }

    /// What the rule engine knew of the process (argv, exe path, cwd, gid, vpid), argv masked.
    pub fn learn(&mut self, f: &ProcFacts) {
        let argv = crate::redact::mask_argv(&f.argv);
        if let Some((first, rest)) = argv.split_first() {
            self.exe = first.as_bytes().to_vec();
            self.args = rest.iter().flat_map(|a| a.bytes().chain([0])).collect();
        }
        self.exepath = f.exepath.as_bytes().to_vec();
        if let Some(cwd) = &f.cwd {
            self.cwd = cwd.as_bytes().to_vec();
        }
        self.gid = f.gid;
        if f.vpid != 0 && self.tid == self.pid {
            self.vpid = f.vpid;
        }
    }

    /// Its process list entry (version 9: the entry's length first, the length included).
    fn entry(&self) -> Vec<u8> {
        let mut b = vec![0u8; 4];
        for v in [self.tid, self.pid, self.ptid] {
            b.extend_from_slice(&u64::from(v).to_le_bytes());
        }
        b.extend_from_slice(&0u64.to_le_bytes()); // sid: not recorded
        b.extend_from_slice(&0u64.to_le_bytes()); // vpgid: not recorded
        let s = |b: &mut Vec<u8>, s: &[u8], cap: usize| {
            let s = &s[..s.len().min(cap)];
            b.extend_from_slice(&(s.len() as u16).to_le_bytes());
            b.extend_from_slice(s);
        };
        s(&mut b, &self.comm, MAX_PATH);
        s(&mut b, &self.exe, MAX_PATH);
        s(&mut b, &self.exepath, MAX_PATH);
        s(&mut b, &self.args, MAX_ARGS);
        s(&mut b, &self.cwd, MAX_PATH);
        b.extend_from_slice(&0u64.to_le_bytes()); // fdlimit
        b.extend_from_slice(&0u32.to_le_bytes()); // flags
        b.extend_from_slice(&self.uid.to_le_bytes());
        b.extend_from_slice(&self.gid.to_le_bytes());
        b.extend_from_slice(&[0u8; 12]); // vm size, rss, swap
        b.extend_from_slice(&[0u8; 16]); // page faults major, minor
        s(&mut b, b"", MAX_ARGS); // env: never recorded
        b.extend_from_slice(&i64::from(self.vtid()).to_le_bytes());
        b.extend_from_slice(&i64::from(self.vpid).to_le_bytes());
        s(&mut b, &self.cgroups, MAX_ARGS);
        s(&mut b, b"/", MAX_PATH); // root
        let len = b.len() as u32;
        b[..4].copy_from_slice(&len.to_le_bytes());
        b
    }

    /// tid in its own pid namespace: the vpid for a main thread, else the host tid.
    pub fn vtid(&self) -> u32 {
        if self.tid == self.pid {
            self.vpid
        } else {
            self.tid
        }
    }
}

/// The threads known at a point of the capture, by tid.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub threads: HashMap<u32, Thread>,
}

impl Table {
    /// The process list block's body: every thread, by tid.
    pub fn block_body(&self) -> Vec<u8> {
        let mut tids: Vec<&u32> = self.threads.keys().collect();
        tids.sort_unstable();
        tids.into_iter()
            .flat_map(|t| self.threads[t].entry())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_states_its_own_length_and_caps_long_strings() {
        let t = Thread {
            tid: 7,
            pid: 7,
            ptid: 1,
            comm: b"sh".to_vec(),
            args: vec![b'a'; MAX_ARGS + 10],
            ..Thread::default()
        };
        let e = t.entry();
        assert_eq!(
            u32::from_le_bytes(e[..4].try_into().unwrap()) as usize,
            e.len()
        );
        assert_eq!(u64::from_le_bytes(e[4..12].try_into().unwrap()), 7);
        assert_eq!(&e[44..46], &[2, 0], "comm length");
        assert_eq!(&e[46..48], b"sh");
        assert!(e.len() < MAX_ARGS + 200, "args capped: {}", e.len());
    }

    #[test]
    fn cgroups_name_the_path_under_each_controller() {
        assert_eq!(
            cgroups_of("kubepods/x"),
            b"cpuset=/kubepods/x\0cpu=/kubepods/x\0memory=/kubepods/x\0"
        );
    }
}
