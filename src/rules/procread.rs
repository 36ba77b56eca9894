//! Reads one process from /proc for the process table (first sight, or facts the probes do not carry).

use std::fs;
use std::path::Path;
use std::sync::Arc;

use std::io::Read;

use super::proctable::{MAX_ENV, Proc};
use crate::model::proc::{Status, parse_stat, parse_status};

/// Reads `root/PID`; `None` when it is gone or unreadable.
pub fn read(root: &Path, pid: u32) -> Option<Proc> {
    let dir = root.join(pid.to_string());
    let st = parse_stat(&String::from_utf8_lossy(&fs::read(dir.join("stat")).ok()?))?;
    let status = read_status(&dir);
    let mut p = Proc {
        pid,
        ppid: st.ppid,
        comm: st.comm.into(),
        tty: st.tty,
        sid: st.session,
        start_ns: st.start_ticks.saturating_mul(1_000_000_000) / clk_tck(),
        vpid: pid,
        loginuid: u32::MAX,
        ..Proc::default()
    };
    match status {
        Some(s) => {
            (p.uid, p.gid) = (s.uid.real, s.gid.real);
            (p.cap_eff, p.cap_prm, p.cap_inh) = (s.cap_eff, s.cap_prm, s.cap_inh);
            p.vpgid = s.vpgid.unwrap_or(0);
            p.vpid = s.vpid.unwrap_or(pid);
        }
        // unreadable: unknown ids, not root's
        None => (p.uid, p.gid) = (u32::MAX, u32::MAX),
    }
    if let Ok(l) = fs::read_to_string(dir.join("loginuid")) {
        p.loginuid = l.trim().parse().unwrap_or(u32::MAX);
    }
    let argv = fs::read(dir.join("cmdline")).unwrap_or_default();
    p.set_argv(&argv);
    let exe = fs::read_link(dir.join("exe")).ok();
    if let Some(e) = &exe {
        let s = e.to_string_lossy();
        p.exe_from_memfd = s.starts_with("/memfd:");
        p.exepath = s.trim_end_matches(" (deleted)").into();
    }
    p.cwd = fs::read_link(dir.join("cwd"))
        .ok()
        .map(|c| Arc::from(c.to_string_lossy().as_ref()));
    p.env = read_env(&dir);
    Some(p)
}

/// `environ`, at most [`MAX_ENV`] bytes (cut at an entry boundary), NUL-separated.
fn read_env(dir: &Path) -> Arc<str> {
    let Ok(mut f) = fs::File::open(dir.join("environ")) else {
        return "".into();
    };
    let mut raw = Vec::with_capacity(1024);
    let _ = (&mut f).take(MAX_ENV as u64 + 1).read_to_end(&mut raw);
    if raw.len() > MAX_ENV {
        raw.truncate(raw[..MAX_ENV].iter().rposition(|b| *b == 0).unwrap_or(0));
    }
    while raw.last() == Some(&0) {
        raw.pop();
    }
    String::from_utf8_lossy(&raw).as_ref().into()
}

/// `dir/status` through the one parser; `None` when unreadable or malformed.
fn read_status(dir: &Path) -> Option<Status> {
    parse_status(&String::from_utf8_lossy(
        &fs::read(dir.join("status")).ok()?,
    ))
}

/// Permitted and inheritable capabilities and the process group from `status`.
fn read_caps(dir: &Path, p: &mut Proc) {
    if let Some(s) = read_status(dir) {
        (p.cap_prm, p.cap_inh) = (s.cap_prm, s.cap_inh);
        if let Some(g) = s.vpgid {
            p.vpgid = g;
        }
    }
}

/// Facts read at exec time for a live process: cwd, memfd / upper-layer executable,
/// environment, permitted / inheritable capabilities.
pub fn exec_facts(root: &Path, p: &mut Proc) {
    let dir = root.join(p.pid.to_string());
    p.env = read_env(&dir);
    read_caps(&dir, p);
    if let Ok(c) = fs::read_link(dir.join("cwd")) {
        p.cwd = Some(c.to_string_lossy().as_ref().into());
    }
    if let Ok(e) = fs::read_link(dir.join("exe")) {
        let s = e.to_string_lossy();
        p.exe_from_memfd |= s.starts_with("/memfd:");
        p.exe_upper_layer = upper_layer(&dir, s.trim_end_matches(" (deleted)"));
    }
}

/// True when the process's root is an overlay mount and `exe` exists in its upper dir.
fn upper_layer(dir: &Path, exe: &str) -> bool {
    let Ok(mi) = fs::read_to_string(dir.join("mountinfo")) else {
        return false;
    };
    for line in mi.lines() {
        let mut parts = line.split(" - ");
        let (Some(left), Some(right)) = (parts.next(), parts.next()) else {
            continue;
        };
        if left.split_whitespace().nth(4) != Some("/") {
            continue;
        }
        let mut r = right.split_whitespace();
        if r.next() != Some("overlay") {
            return false;
        }
        let opts = r.nth(1).unwrap_or_default();
        let Some(upper) = opts.split(',').find_map(|o| o.strip_prefix("upperdir=")) else {
            return false;
        };
        let rel = exe.trim_start_matches('/');
        return Path::new(upper).join(rel).exists();
    }
    false
}

fn clk_tck() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 { t as u64 } else { 100 }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A comm that is not UTF-8 does not hide the process from the table;
    /// unreadable status leaves the ids unknown, not root.
    #[test]
    fn reads_a_process_whose_comm_is_not_utf8() {
        let dir = std::env::temp_dir().join(format!("kt-procread-{}", std::process::id()));
        let p = dir.join("77");
        fs::create_dir_all(&p).expect("fixture dir");
        fs::write(
            p.join("stat"),
            b"77 (\xff\xfeevil) S 1 77 70 34816 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0",
        )
        .expect("stat");
        let no_status = read(&dir, 77).expect("listed without status");
        fs::write(
            p.join("status"),
            b"Name:\t\xff\xfeevil\nState:\tS (sleeping)\nUid:\t1000\t0\t0\t0\nGid:\t5\t5\t5\t5\nCapEff:\t0000000000000400\nNSpid:\t77\t3\n",
        )
        .expect("status");
        let full = read(&dir, 77).expect("listed");
        fs::remove_dir_all(&dir).expect("cleanup");
        assert_eq!((no_status.uid, no_status.gid), (u32::MAX, u32::MAX));
        assert_eq!(&*full.comm, "\u{fffd}\u{fffd}evil");
        assert_eq!((full.ppid, full.sid, full.tty), (1, 70, 34816));
        assert_eq!(
            (full.uid, full.gid, full.cap_eff, full.vpid),
            (1000, 5, 0x400, 3)
        );
    }

    #[test]
    fn reads_self() {
        let me = std::process::id();
        let p = read(Path::new("/proc"), me).expect("own process");
        assert_eq!(p.pid, me);
        assert!(!p.exepath.is_empty());
        assert!(p.cmdline.starts_with(&*p.comm));
    }
}
