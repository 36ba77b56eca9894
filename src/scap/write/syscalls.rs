//! The enter/exit parameters of each syscall ktriage streams, in the versions sysdig 0.29.3 reads
//! (see `layout.rs` for the ids); `None` for a syscall the format has no event for.

use super::events::{Mapper, Rec, fd, resolve_flags, text};
use super::layout::{self, Params, Sock, ev, open_flags};
use crate::model::SysEvent;

/// The mode argument when the open flags create a file (else 0, as the driver writes it).
fn create_mode(flags: u64, mode: u64) -> u32 {
    if flags & 0o100 != 0 || flags & 0o20200000 == 0o20200000 {
        mode as u32
    } else {
        0
    }
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8)
        .and_then(|s| s.try_into().ok())
        .map_or(0, u64::from_le_bytes)
}

impl Mapper {
    /// The events of syscall `name` (recorded at its exit).
    pub(super) fn syscall(&self, name: &str, e: &SysEvent) -> Option<Vec<Rec>> {
        let (a, r) = (&e.args, e.ret);
        let (s0, s1) = (text(e, 0), text(e, 1));
        let p = Params::new;
        let res = || p().i64(r);
        Some(match name {
            "open" => {
                let (fl, mode) = (open_flags(a[1]), create_mode(a[1], a[2]));
                let enter = p().str(s0).u32(fl).u32(mode);
                let exit = res().str(s0).u32(fl).u32(mode).u32(0);
                self.pair(e, ev::OPEN, enter, exit)
            }
            "openat" => {
                let (dir, fl, mode) = (fd(a[0]), open_flags(a[2]), create_mode(a[2], a[3]));
                let enter = p().i64(dir).str(s0).u32(fl).u32(mode);
                let exit = res().i64(dir).str(s0).u32(fl).u32(mode).u32(0);
                self.pair(e, ev::OPENAT_2, enter, exit)
            }
            "openat2" => {
                let how = &e.bufs[1].bytes;
                let (lf, mode, rs) = (u64_at(how, 0), u64_at(how, 8), u64_at(how, 16));
                let (dir, fl, rs) = (fd(a[0]), open_flags(lf), resolve_flags(rs));
                let mode = create_mode(lf, mode);
                let enter = p().i64(dir).str(s0).u32(fl).u32(mode).u32(rs);
                let exit = res().i64(dir).str(s0).u32(fl).u32(mode).u32(rs);
                self.pair(e, ev::OPENAT2, enter, exit)
            }
            "creat" => {
                let enter = p().str(s0).u32(a[1] as u32);
                let exit = res().str(s0).u32(a[1] as u32).u32(0);
                self.pair(e, ev::CREAT, enter, exit)
            }
            "execve" | "execveat" => {
                // a failed exec (a successful one is an exec record)
                let t = self.table.threads.get(&e.tid).cloned().unwrap_or_default();
                let exit = self.exec_exit_of(e, &t, r);
                if name == "execve" {
                    self.pair(e, ev::EXECVE_19, p().str(s0), exit)
                } else {
                    let fl = (if a[4] & 0x1000 != 0 { 1 } else { 0 })
                        | (if a[4] & 0x100 != 0 { 2 } else { 0 });
                    let enter = p().i64(fd(a[0])).str(s0).u32(fl);
                    self.pair(e, ev::EXECVEAT, enter, exit)
                }
            }
            "connect" => {
                let to = Sock::parse(&e.bufs[0].bytes);
                let addr = to.as_ref().map(Sock::sockaddr).unwrap_or_default();
                let tuple = to.as_ref().map(|t| t.unspecified().tuple(t));
                let enter = p().i64(fd(a[0])).bytes(&addr);
                let exit = res().bytes(&tuple.unwrap_or_default());
                self.pair(e, ev::CONNECT, enter, exit)
            }
            "bind" => {
                let addr = Sock::parse(&e.bufs[0].bytes).map(|s| s.sockaddr());
                let exit = res().bytes(&addr.unwrap_or_default());
                self.pair(e, ev::BIND, p().i64(fd(a[0])), exit)
            }
            "listen" => self.pair(e, ev::LISTEN, p().i64(fd(a[0])).u32(a[1] as u32), res()),
            "accept" | "accept4" => {
                let peer = Sock::parse(&e.bufs[0].bytes).filter(|_| r >= 0);
                let tuple = peer.map(|s| s.tuple(&s.unspecified())).unwrap_or_default();
                let exit = res().bytes(&tuple).u8(0).u32(0).u32(0);
                if name == "accept" {
                    self.pair(e, ev::ACCEPT_5, p(), exit)
                } else {
                    self.pair(e, ev::ACCEPT4_5, p().u32(a[3] as u32), exit)
                }
            }
            "unlink" => self.pair(e, ev::UNLINK_2, p(), res().str(s0)),
            "unlinkat" => {
                let exit = res().i64(fd(a[0])).str(s0).u32(a[2] as u32);
                self.pair(e, ev::UNLINKAT_2, p(), exit)
            }
            "rename" => self.pair(e, ev::RENAME, p(), res().str(s0).str(s1)),
            "link" => self.pair(e, ev::LINK_2, p(), res().str(s0).str(s1)),
            "symlink" => self.pair(e, ev::SYMLINK, p(), res().str(s0).str(s1)),
            "renameat" | "renameat2" | "linkat" => {
                let exit = res().i64(fd(a[0])).str(s0).i64(fd(a[2])).str(s1);
                match name {
                    "renameat" => self.pair(e, ev::RENAMEAT, p(), exit),
                    "renameat2" => self.pair(e, ev::RENAMEAT2, p(), exit.u32(a[4] as u32)),
                    _ => self.pair(e, ev::LINKAT_2, p(), exit.u32(a[4] as u32)),
                }
            }
            "symlinkat" => {
                let exit = res().str(s0).i64(fd(a[1])).str(s1);
                self.pair(e, ev::SYMLINKAT, p(), exit)
            }
            "chmod" => self.pair(e, ev::CHMOD, p(), res().str(s0).u32(a[1] as u32)),
            "fchmod" => self.pair(e, ev::FCHMOD, p(), res().i64(fd(a[0])).u32(a[1] as u32)),
            "fchmodat" => {
                let exit = res().i64(fd(a[0])).str(s0).u32(a[2] as u32);
                self.pair(e, ev::FCHMODAT, p(), exit)
            }
            "setuid" => self.pair(e, ev::SETUID, p().u32(a[0] as u32), res()),
            "setgid" => self.pair(e, ev::SETGID, p().u32(a[0] as u32), res()),
            "setresuid" | "setresgid" => {
                let ids = p().u32(a[0] as u32).u32(a[1] as u32).u32(a[2] as u32);
                let ty = if name == "setresuid" {
                    ev::SETRESUID
                } else {
                    ev::SETRESGID
                };
                self.pair(e, ty, ids, res())
            }
            "kill" => self.pair(e, ev::KILL, p().i64(fd(a[0])).u8(a[1] as u8), res()),
            "tkill" => self.pair(e, ev::TKILL, p().i64(fd(a[0])).u8(a[1] as u8), res()),
            "tgkill" => {
                let enter = p().i64(fd(a[0])).i64(fd(a[1])).u8(a[2] as u8);
                self.pair(e, ev::TGKILL, enter, res())
            }
            "ptrace" => {
                // addr and data: DYNAMIC, index 0 (a UINT64) and the register
                let word = |v: u64| {
                    let mut b = vec![0u8];
                    b.extend_from_slice(&v.to_le_bytes());
                    b
                };
                let enter = p().u16(layout::ptrace_request(a[0])).i64(fd(a[1]));
                let exit = res().bytes(&word(a[2])).bytes(&word(a[3]));
                self.pair(e, ev::PTRACE, enter, exit)
            }
            "mount" => {
                let exit = res().str(s0).str(s1).str(b"");
                self.pair(e, ev::MOUNT, p().u32(a[3] as u32), exit)
            }
            "umount2" => self.pair(e, ev::UMOUNT, p().u32(a[1] as u32), res().str(s0)),
            "chroot" => self.pair(e, ev::CHROOT, p(), res().str(s0)),
            "unshare" => {
                let enter = p().u32(layout::clone_flags(a[0]));
                self.pair(e, ev::UNSHARE, enter, res())
            }
            "setns" => {
                let enter = p().i64(fd(a[0])).u32(layout::clone_flags(a[1]));
                self.pair(e, ev::SETNS, enter, res())
            }
            "socket" => {
                let enter = p().u32(a[0] as u32).u32(a[1] as u32).u32(a[2] as u32);
                self.pair(e, ev::SOCKET, enter, res())
            }
            "dup" | "dup2" | "dup3" => self.pair(e, ev::DUP, p().i64(fd(a[0])), res()),
            "chdir" => self.pair(e, ev::CHDIR, p(), res().str(s0)),
            "fchdir" => self.pair(e, ev::FCHDIR, p().i64(fd(a[0])), res()),
            "mkdir" => self.pair(e, ev::MKDIR_2, p().u32(a[1] as u32), res().str(s0)),
            "rmdir" => self.pair(e, ev::RMDIR_2, p(), res().str(s0)),
            "sendto" | "recvfrom" => {
                let to = Sock::parse(&e.bufs[0].bytes);
                let tuple = to.map(|t| t.unspecified().tuple(&t)).unwrap_or_default();
                let size = a[2] as u32;
                if name == "sendto" {
                    let enter = p().i64(fd(a[0])).u32(size).bytes(&tuple);
                    self.pair(e, ev::SENDTO, enter, res().bytes(b""))
                } else {
                    let exit = res().bytes(b"").bytes(&tuple);
                    self.pair(e, ev::RECVFROM, p().i64(fd(a[0])).u32(size), exit)
                }
            }
            "close" => self.pair(e, ev::CLOSE, p().i64(fd(a[0])), res()),
            "read" | "write" => {
                let enter = p().i64(fd(a[0])).u32(a[2] as u32);
                let ty = if name == "read" { ev::READ } else { ev::WRITE };
                self.pair(e, ty, enter, res().bytes(b""))
            }
            other => {
                let sc = layout::ppm_sc(other)?;
                let enter = p().u16(sc).u16(e.nr as u16);
                self.pair(e, ev::GENERIC, enter, p().u16(sc))
            }
        })
    }
}
