//! The `/proc/PID/status` and `/proc/PID/stat` formats: their types and one
//! parser each (pure text in, no I/O), shared by the collector's /proc poller,
//! `inspect` and the rule engine's process table. Read the files as bytes and
//! decode lossily: a comm that is not UTF-8 must not hide a process.

/// The four ids of a credential line (`Uid:` / `Gid:`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ids {
    pub real: u32,
    pub effective: u32,
    pub saved: u32,
    pub fs: u32,
}

/// Parsed `/proc/PID/status`. Fields missing on older kernels keep their defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Status {
    /// `Name:` with the kernel's `\n` / `\\` escapes undone; raw, sanitize before drawing.
    pub name: String,
    /// State letter (`R`, `S`, `D`, `Z`, ...).
    pub state: char,
    /// State word from the parentheses (`sleeping`).
    pub state_word: String,
    pub tgid: u32,
    pub ppid: u32,
    pub uid: Ids,
    pub gid: Ids,
    pub threads: u32,
    pub no_new_privs: bool,
    /// 0 disabled, 1 strict, 2 filter.
    pub seccomp: u8,
    pub seccomp_filters: u32,
    pub cap_inh: u64,
    pub cap_prm: u64,
    pub cap_eff: u64,
    pub cap_bnd: u64,
    pub cap_amb: u64,
    /// pid in its own (innermost) pid namespace: the last `NSpid:` number.
    pub vpid: Option<u32>,
    /// Process group in its own pid namespace: the last `NSpgid:` number.
    pub vpgid: Option<u32>,
}

impl Status {
    /// True for a zombie or dead task (exited, not yet reaped).
    pub fn is_exited(&self) -> bool {
        matches!(self.state, 'Z' | 'X' | 'x')
    }

    /// `"disabled"`, `"strict"`, `"filter"` (or `"unknown"`).
    pub fn seccomp_name(&self) -> &'static str {
        seccomp_mode_name(self.seccomp)
    }
}

/// Seccomp mode number → name.
pub fn seccomp_mode_name(mode: u8) -> &'static str {
    match mode {
        0 => "disabled",
        1 => "strict",
        2 => "filter",
        _ => "unknown",
    }
}

/// Parses status text; `None` when `Name:` or `State:` is missing.
pub fn parse_status(text: &str) -> Option<Status> {
    let mut s = Status::default();
    let (mut have_name, mut have_state) = (false, false);
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        // Only the separator tab is stripped: a name may start with spaces.
        let raw = value.strip_prefix('\t').unwrap_or(value);
        let value = value.trim();
        match key {
            "Name" => {
                s.name = unescape_name(raw);
                have_name = true;
            }
            "State" => {
                s.state = value.chars().next()?;
                s.state_word = value
                    .split_once('(')
                    .map(|(_, w)| w.trim_end_matches(')').to_string())
                    .unwrap_or_default();
                have_state = true;
            }
            "Tgid" => s.tgid = value.parse().ok()?,
            "PPid" => s.ppid = value.parse().ok()?,
            "Uid" => s.uid = parse_ids(value)?,
            "Gid" => s.gid = parse_ids(value)?,
            "Threads" => s.threads = value.parse().ok()?,
            "NoNewPrivs" => s.no_new_privs = value == "1",
            "Seccomp" => s.seccomp = value.parse().ok()?,
            "Seccomp_filters" => s.seccomp_filters = value.parse().ok()?,
            "CapInh" => s.cap_inh = parse_hex(value)?,
            "CapPrm" => s.cap_prm = parse_hex(value)?,
            "CapEff" => s.cap_eff = parse_hex(value)?,
            "CapBnd" => s.cap_bnd = parse_hex(value)?,
            "CapAmb" => s.cap_amb = parse_hex(value)?,
            "NSpid" => s.vpid = value.split_whitespace().last().and_then(|v| v.parse().ok()),
            "NSpgid" => s.vpgid = value.split_whitespace().last().and_then(|v| v.parse().ok()),
            _ => {}
        }
    }
    (have_name && have_state).then_some(s)
}

fn parse_ids(v: &str) -> Option<Ids> {
    let mut it = v.split_whitespace().map(|x| x.parse::<u32>());
    Some(Ids {
        real: it.next()?.ok()?,
        effective: it.next()?.ok()?,
        saved: it.next()?.ok()?,
        fs: it.next()?.ok()?,
    })
}

fn parse_hex(v: &str) -> Option<u64> {
    u64::from_str_radix(v, 16).ok()
}

/// Undoes the escapes the kernel applies to `Name:` (`\n`, `\\`, and the other
/// C escapes older kernels emitted); other bytes pass through untouched.
pub fn unescape_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('e') => out.push('\x1b'),
            Some('f') => out.push('\x0c'),
            Some('v') => out.push('\x0b'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// State letter → word, for sources that only give the letter (`/proc/PID/stat`).
pub fn state_word(state: char) -> &'static str {
    match state {
        'R' => "running",
        'S' => "sleeping",
        'D' => "disk sleep",
        'T' => "stopped",
        't' => "tracing stop",
        'X' | 'x' => "dead",
        'Z' => "zombie",
        'P' => "parked",
        'I' => "idle",
        _ => "unknown",
    }
}

/// The fields of `/proc/PID/stat` ktriage reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stat {
    /// comm between the first `(` and the last `)` (it may hold spaces,
    /// parentheses and newlines); raw, sanitize before drawing.
    pub comm: String,
    /// State letter (`R`, `S`, `Z`...).
    pub state: char,
    pub ppid: u32,
    pub pgrp: u32,
    pub session: u32,
    /// Controlling terminal (`tty_nr`; the kernel prints it signed).
    pub tty: u32,
    /// Task flags (`PF_*`).
    pub flags: u64,
    /// Start time in clock ticks since boot (field 22): the process's identity across pid reuse.
    pub start_ticks: u64,
}

/// Parses stat text; `None` when a field up to the start time is missing or not a number.
pub fn parse_stat(text: &str) -> Option<Stat> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let comm = text.get(open + 1..close)?.to_string();
    // the fields after the comm: f[0] is field 3 (state)
    let f: Vec<&str> = text.get(close + 1..)?.split_whitespace().take(20).collect();
    let num = |i: usize| f.get(i)?.parse::<u64>().ok();
    Some(Stat {
        comm,
        state: f.first()?.chars().next()?,
        ppid: u32::try_from(num(1)?).ok()?,
        pgrp: u32::try_from(num(2)?).ok()?,
        session: u32::try_from(num(3)?).ok()?,
        tty: f.get(4)?.parse::<i64>().ok()? as u32,
        flags: num(6)?,
        start_ticks: num(19)?,
    })
}

#[cfg(test)]
#[path = "proc_tests.rs"]
mod tests;
