//! `ktriage count -- CMD`: run CMD, follow it and its descendants in the kernel, print `strace -f -c`'s table.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::app::summary::{SummaryRow, strace_table, summarize};
use crate::collector::probes::Probes;
use crate::collector::stop::{self, Stop};
use crate::collector::{CollectorConfig, CollectorError, syscalls};

/// Why `count` could not run the command.
#[derive(Debug, thiserror::Error)]
pub enum CountError {
    /// BPF could not be used.
    #[error(transparent)]
    Collector(#[from] CollectorError),
    /// CMD not found or not executable.
    #[error("cannot run {0}: {1}")]
    Exec(String, std::io::Error),
    /// `--container` / `--pod` named nothing that runs here (the message names the flag).
    #[error("{0}")]
    Target(String),
}

/// The result of a count run.
#[derive(Debug)]
pub struct CountReport {
    /// Per-syscall totals, sorted as strace sorts.
    pub rows: Vec<SummaryRow>,
    /// The command's exit status (code, or 128 + signal).
    pub exit_code: i32,
    /// Processes followed.
    pub processes: usize,
}

impl CountReport {
    /// `strace -c` table text.
    pub fn table(&self) -> String {
        strace_table(&self.rows, syscall_name)
    }

    /// One JSON object per syscall, one per line.
    pub fn json_lines(&self) -> String {
        rows_json(&self.rows, syscall_name)
    }
}

/// One JSON object per row (`syscall`, `calls`, `errors`, `usecs`), one per line; `name` names a row's `nr`.
pub fn rows_json(rows: &[SummaryRow], name: impl Fn(u32) -> String) -> String {
    rows.iter()
        .map(|r| {
            json!({
                "syscall": name(r.nr),
                "calls": r.calls,
                "errors": r.errors,
                "usecs": r.time_ns / 1000,
            })
            .to_string()
                + "\n"
        })
        .collect()
}

fn syscall_name(nr: u32) -> String {
    syscalls::name(nr)
        .map(str::to_string)
        .unwrap_or_else(|| format!("syscall_{nr}"))
}

/// Finds `prog` as execvp would (a name with a `/` is taken as is).
pub fn resolve(prog: &str) -> Option<PathBuf> {
    if prog.contains('/') {
        return Some(PathBuf::from(prog));
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    std::env::split_paths(&path)
        .map(|d| d.join(prog))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Runs `cmd`, counting the syscalls of it and every descendant from its exec on.
/// With `quiet_stdout` the command's stdout goes to stderr (so ours holds only the report).
pub fn run(cmd: &[String], quiet_stdout: bool) -> Result<CountReport, CountError> {
    let prog = cmd
        .first()
        .ok_or_else(|| CountError::Exec(String::new(), std::io::ErrorKind::InvalidInput.into()))?;
    let path = resolve(prog)
        .ok_or_else(|| CountError::Exec(prog.clone(), std::io::ErrorKind::NotFound.into()))?;
    let cfg = CollectorConfig {
        stream_syscalls: Vec::new(),
        ring_bytes: 64 * 1024,
        filter_tgids: true,
        follow_children: true,
        agg_filtered: true,
        timing: true,
        ..CollectorConfig::default()
    };
    let mut probes = Probes::load(&cfg)?;
    // Orphaned descendants are re-parented to us, so we can wait for all of them, as strace -f does.
    // SAFETY: prctl with integer arguments.
    unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
    let child =
        Held::spawn(&path, cmd, quiet_stdout).map_err(|e| CountError::Exec(prog.clone(), e))?;
    probes.arm_at_exec(child.pid)?;
    child
        .release()
        .map_err(|e| CountError::Exec(prog.clone(), e))?;
    // SIGINT/SIGTERM: passed on to the command (SIGTERM), then SIGKILL a grace later;
    // the counts are still reported.
    let stop = Stop::new();
    let root = child.pid as libc::pid_t;
    let watcher = stop::watch_with(&stop, None, move |level| {
        let sig = if level >= stop::HARD {
            libc::SIGKILL
        } else {
            libc::SIGTERM
        };
        // SAFETY: kill with our own child's pid (a zombie until we reap it, so never reused before).
        unsafe { libc::kill(root, sig) };
    })
    .ok();
    let exit_code = wait_all(child.pid, &stop);
    stop.raise(stop::HARD);
    if let Some(w) = watcher {
        let _ = w.join();
    }
    let tgids: std::collections::HashSet<u32> = probes.filtered_tgids().into_iter().collect();
    let rows = summarize(&probes.agg_rows(|t| tgids.contains(&t)), |_| true);
    Ok(CountReport {
        rows,
        exit_code,
        processes: tgids.len(),
    })
}

/// Waits for `root` and every other child (including adopted orphans); returns root's status.
/// After a stop, orphans still running once the root has exited are not waited for.
fn wait_all(root: u32, stop: &Stop) -> i32 {
    let mut code = 0;
    let mut root_done = false;
    loop {
        let mut status = 0;
        let stopping = stop.level() > stop::RUNNING;
        if stopping && root_done {
            signal_children(if stop.hard() {
                libc::SIGKILL
            } else {
                libc::SIGTERM
            });
            return code;
        }
        let flags = libc::__WALL | if stopping { libc::WNOHANG } else { 0 };
        // SAFETY: waitpid with a valid status pointer.
        let pid = unsafe { libc::waitpid(-1, &mut status, flags) };
        if pid == 0 {
            std::thread::sleep(std::time::Duration::from_millis(10));
            continue;
        }
        if pid < 0 {
            if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            return code;
        }
        if pid as u32 == root {
            root_done = true;
            code = if libc::WIFEXITED(status) {
                libc::WEXITSTATUS(status)
            } else {
                128 + libc::WTERMSIG(status)
            };
        }
    }
}

/// Sends `sig` to our remaining children (the command's adopted orphans): only
/// our own children, whose pids cannot be reused before we reap them.
fn signal_children(sig: libc::c_int) {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return;
    };
    for t in tasks.flatten() {
        let Ok(list) = std::fs::read_to_string(t.path().join("children")) else {
            continue;
        };
        for pid in list
            .split_whitespace()
            .filter_map(|p| p.parse::<libc::pid_t>().ok())
        {
            // SAFETY: kill with the pid of one of our own unreaped children.
            unsafe { libc::kill(pid, sig) };
        }
    }
}

/// A forked child held before its exec until the parent releases it.
struct Held {
    pid: u32,
    go: libc::c_int,
    err: libc::c_int,
}

impl Held {
    fn spawn(path: &Path, cmd: &[String], stdout_to_stderr: bool) -> std::io::Result<Self> {
        let cpath = CString::new(path.as_os_str().as_bytes())?;
        let argv: Vec<CString> = cmd
            .iter()
            .map(|a| CString::new(a.as_bytes()))
            .collect::<Result<_, _>>()?;
        let mut argv_p: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
        argv_p.push(std::ptr::null());
        let env: Vec<CString> = std::env::vars_os()
            .filter_map(|(k, v)| {
                let mut kv = k.as_bytes().to_vec();
                kv.push(b'=');
                kv.extend_from_slice(v.as_bytes());
                CString::new(kv).ok()
            })
            .collect();
        let mut env_p: Vec<*const libc::c_char> = env.iter().map(|a| a.as_ptr()).collect();
        env_p.push(std::ptr::null());
        let (go_r, go_w) = pipe()?;
        let (err_r, err_w) = pipe()?;
        // SAFETY: the child only calls async-signal-safe functions (read, execve, write, _exit)
        // on memory prepared before the fork.
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            return Err(std::io::Error::last_os_error());
        }
        if pid == 0 {
            unsafe {
                let mut b = 0u8;
                libc::read(go_r, (&mut b as *mut u8).cast(), 1);
                if stdout_to_stderr {
                    libc::dup2(2, 1);
                }
                libc::execve(cpath.as_ptr(), argv_p.as_ptr(), env_p.as_ptr());
                let errno = *libc::__errno_location();
                libc::write(err_w, (&errno as *const i32).cast(), 4);
                libc::_exit(127);
            }
        }
        // SAFETY: closing our copies of the child's ends.
        unsafe {
            libc::close(go_r);
            libc::close(err_w);
        }
        Ok(Self {
            pid: pid as u32,
            go: go_w,
            err: err_r,
        })
    }

    /// Lets the child exec; reports an exec failure.
    fn release(&self) -> std::io::Result<()> {
        let b = 1u8;
        let mut errno = 0i32;
        // SAFETY: valid fds we own and valid buffers.
        let n = unsafe {
            libc::write(self.go, (&b as *const u8).cast(), 1);
            libc::close(self.go);
            let n = libc::read(self.err, (&mut errno as *mut i32).cast(), 4);
            libc::close(self.err);
            n
        };
        if n == 4 {
            return Err(std::io::Error::from_raw_os_error(errno));
        }
        Ok(())
    }
}

fn pipe() -> std::io::Result<(libc::c_int, libc::c_int)> {
    let mut fds = [0; 2];
    // SAFETY: valid array of two ints.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok((fds[0], fds[1]))
}
