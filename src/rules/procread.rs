//! Reads one process from /proc for the process table (first sight, or facts the probes do not carry).

use std::fs;
use std::path::Path;
use std::sync::Arc;

use std::io::Read;

use super::proctable::{MAX_ENV, Proc};

/// Reads `root/PID`; `None` when it is gone or unreadable.
pub fn read(root: &Path, pid: u32) -> Option<Proc> {
    let dir = root.join(pid.to_string());
    let stat = fs::read_to_string(dir.join("stat")).ok()?;
    let st = parse_stat(&stat)?;
    let status = fs::read_to_string(dir.join("status")).unwrap_or_default();
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
    for line in status.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let first = v.split_whitespace().next().unwrap_or_default();
        match k {
            "Uid" => p.uid = first.parse().unwrap_or(u32::MAX),
            "Gid" => p.gid = first.parse().unwrap_or(u32::MAX),
            "CapEff" => p.cap_eff = u64::from_str_radix(first, 16).unwrap_or(0),
            "CapPrm" => p.cap_prm = u64::from_str_radix(first, 16).unwrap_or(0),
            "CapInh" => p.cap_inh = u64::from_str_radix(first, 16).unwrap_or(0),
            "NSpgid" => p.vpgid = last_num(v),
            "NSpid" => {
                p.vpid = v
                    .split_whitespace()
                    .last()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(pid)
            }
            _ => {}
        }
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

/// The last number of a `status` line (the innermost pid namespace's view).
fn last_num(v: &str) -> u32 {
    v.split_whitespace()
        .last()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Permitted and inheritable capabilities and the process group from `status`.
fn read_caps(dir: &Path, p: &mut Proc) {
    let status = fs::read_to_string(dir.join("status")).unwrap_or_default();
    for line in status.lines() {
        let hex = |v: &str| u64::from_str_radix(v.trim(), 16).unwrap_or(0);
        if let Some(v) = line.strip_prefix("CapPrm:") {
            p.cap_prm = hex(v);
        } else if let Some(v) = line.strip_prefix("CapInh:") {
            p.cap_inh = hex(v);
        } else if let Some(v) = line.strip_prefix("NSpgid:") {
            p.vpgid = last_num(v);
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

/// Fields of /proc/PID/stat the table needs.
#[derive(Debug, PartialEq, Eq)]
pub struct Stat {
    pub comm: String,
    pub ppid: u32,
    pub session: u32,
    pub tty: u32,
    pub start_ticks: u64,
}

/// Parses /proc/PID/stat (the comm may hold spaces and parentheses).
pub fn parse_stat(stat: &str) -> Option<Stat> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let comm = stat.get(open + 1..close)?.to_string();
    let rest: Vec<&str> = stat.get(close + 1..)?.split_whitespace().collect();
    Some(Stat {
        comm,
        ppid: rest.get(1)?.parse().ok()?,
        session: rest.get(3)?.parse().ok()?,
        tty: rest.get(4)?.parse::<i64>().ok()? as u32,
        start_ticks: rest.get(19)?.parse().ok()?,
    })
}

fn clk_tck() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 { t as u64 } else { 100 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields() {
        let s = "42 (a) b) S 7 42 40 34816 42 4194560 1 0 0 0 0 0 0 0 20 0 1 0 12345 0 0";
        let st = parse_stat(s).expect("parses");
        assert_eq!(
            (st.ppid, st.session, st.tty, st.start_ticks),
            (7, 40, 34816, 12345)
        );
        assert_eq!(st.comm, "a) b");
        assert!(parse_stat("1 (x) S").is_none());
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
