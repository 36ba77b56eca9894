//! Turns a raw syscall record into named, decoded arguments following its signature.

use super::spec::{self, Kind};
use super::{ArgValue, RawSyscall, SockAddr, flags};
use crate::collector::syscalls;

/// Named, decoded arguments of `raw`, e.g. for `openat`:
/// `dirfd=AT_FDCWD path="/etc/shadow" flags=O_RDONLY|O_CLOEXEC` (`mode` only with
/// `O_CREAT`/`O_TMPFILE`); a sockaddr argument adds a `family` entry after it.
/// A syscall without a signature gives no arguments: its registers are not
/// guessed at (a 2-argument call's other registers hold leftovers, e.g.
/// `dup2 arg2=0xfffffffe…`). Never panics, whatever the buffers hold.
pub fn decode(raw: &RawSyscall) -> Vec<(&'static str, ArgValue)> {
    let Some(sig) = syscalls::name(raw.nr).and_then(spec::signature) else {
        return Vec::new();
    };
    let slots = spec::buffer_slots(sig);
    let bufs = [(raw.buf0, raw.trunc0), (raw.buf1, raw.trunc1)];
    let mut open_flags = 0;
    let mut out = Vec::with_capacity(sig.len() + 1);
    for (i, &(name, kind)) in sig.iter().enumerate().take(6) {
        let v = raw.args[i];
        let buf = slots[i].map(|s| bufs[s]).filter(|(b, _)| !b.is_empty());
        let value = match kind {
            Kind::Skip => continue,
            Kind::Int => ArgValue::Int(i64::from(v as u32 as i32)),
            Kind::Long => ArgValue::Int(v as i64),
            Kind::UInt => ArgValue::UInt(v),
            Kind::Hex => ArgValue::Hex(v),
            Kind::DirFd => ArgValue::DirFd(v as u32 as i32),
            Kind::Id => ArgValue::Id(v as u32),
            Kind::Mode => ArgValue::Mode(v as u32),
            Kind::Str => match buf {
                Some((b, truncated)) => ArgValue::Str {
                    value: c_string(b),
                    truncated,
                },
                None => ArgValue::Ptr(v),
            },
            Kind::Addr | Kind::AddrOut => {
                // accept's peer is only written on success
                if matches!(kind, Kind::AddrOut) && (raw.ret < 0 || v == 0) {
                    continue;
                }
                match buf {
                    Some((b, _)) => {
                        push_addr(&mut out, name, b);
                        continue;
                    }
                    None => ArgValue::Ptr(v),
                }
            }
            Kind::CreateMode if flags::open_uses_mode(open_flags) => ArgValue::Mode(v as u32),
            Kind::CreateMode => continue,
            Kind::OpenHow => match buf.and_then(|(b, _)| b.first_chunk::<8>()) {
                Some(f) => ArgValue::Flags(flags::open_flags(u64::from_ne_bytes(*f) & 0xffff_ffff)),
                None => continue,
            },
            Kind::OpenFlags => {
                open_flags = v & 0xffff_ffff;
                ArgValue::Flags(flags::open_flags(open_flags))
            }
            Kind::MountFlags => ArgValue::Flags(flags::mount_flags(v)),
            Kind::SockType => ArgValue::Flags(flags::socket_type(v & 0xffff_ffff)),
            Kind::Flags(table) => ArgValue::Flags(flags::flags(v & 0xffff_ffff, table)),
            Kind::Family => match flags::family(v & 0xffff_ffff) {
                Some(n) => ArgValue::Sym(n.to_string()),
                None => ArgValue::Int(i64::from(v as u32 as i32)),
            },
            Kind::Signal => ArgValue::Sym(flags::signal(v)),
            Kind::Enum(table) => match flags::lookup(v, table) {
                Some(n) => ArgValue::Sym(n.to_string()),
                None => ArgValue::Int(v as i64),
            },
            Kind::BpfCmd => match usize::try_from(v).ok().and_then(|c| flags::BPF_CMDS.get(c)) {
                Some(n) => ArgValue::Sym((*n).to_string()),
                None => ArgValue::Int(i64::from(v as u32 as i32)),
            },
        };
        out.push((name, value));
    }
    out
}

/// `name=<address>` and `family=AF_*` (a number for unnamed families).
fn push_addr(out: &mut Vec<(&'static str, ArgValue)>, name: &'static str, buf: &[u8]) {
    match SockAddr::parse(buf) {
        Some(addr) => {
            let family = match addr.family_name() {
                Some(n) => ArgValue::Sym(n.to_string()),
                None => ArgValue::Int(i64::from(addr.family())),
            };
            out.push((name, ArgValue::Addr(addr.to_string())));
            out.push(("family", family));
        }
        None => out.push((
            name,
            ArgValue::Addr(format!("(short: {} bytes)", buf.len())),
        )),
    }
}

/// A captured C string: up to its first NUL, lossy UTF-8.
fn c_string(buf: &[u8]) -> String {
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collector::args::format_args_line;

    const CWD: u64 = -100i64 as u64;

    fn nr(name: &str) -> u32 {
        syscalls::number(name).unwrap_or_else(|| panic!("{name} not in table"))
    }

    fn line(name: &str, args: [u64; 6], ret: i64, b0: &[u8], b1: &[u8]) -> String {
        let raw = RawSyscall {
            nr: nr(name),
            args: &args,
            ret,
            buf0: b0,
            trunc0: false,
            buf1: b1,
            trunc1: false,
        };
        format_args_line(&decode(&raw))
    }

    fn sin(port: u16, ip: [u8; 4]) -> Vec<u8> {
        let mut b = 2u16.to_ne_bytes().to_vec();
        b.extend(port.to_be_bytes());
        b.extend(ip);
        b.extend([0; 8]);
        b
    }

    /// syscall, args, ret, buf0, buf1, expected line
    type Case<'a> = (&'a str, [u64; 6], i64, &'a [u8], &'a [u8], &'a str);

    #[test]
    fn table() {
        let p = 0x7ffd_0000_1000; // some user pointer
        let v4 = sin(8080, [127, 0, 0, 1]);
        let mut un = 1u16.to_ne_bytes().to_vec();
        un.extend(b"/run/containerd.sock\0");
        #[rustfmt::skip]
        let cases: Vec<Case> = vec![
            ("openat", [CWD, p, 0o2000000, 0, 0, 0], 3, b"/etc/shadow\0", b"",
             r#"dirfd=AT_FDCWD path="/etc/shadow" flags=O_RDONLY|O_CLOEXEC"#),
            ("openat", [0xffff_ff9c, p, 0o1101, 0o644, 0, 0], 3, b"/tmp/x\0", b"",
             r#"dirfd=AT_FDCWD path="/tmp/x" flags=O_WRONLY|O_CREAT|O_TRUNC mode=0644"#),
            ("openat", [5, p, 0, 0, 0, 0], -2, b"", b"", "dirfd=5 path=0x7ffd00001000 flags=O_RDONLY"),
            ("open", [p, 0o20200002, 0o600, 0, 0, 0], 3, b"/tmp\0", b"",
             r#"path="/tmp" flags=O_RDWR|O_TMPFILE mode=0600"#),
            ("openat2", [CWD, p, p, 24, 0, 0], 3, b"/etc/passwd\0", b"", r#"dirfd=AT_FDCWD path="/etc/passwd""#),
            ("openat2", [CWD, p, p, 24, 0, 0], 3, b"/etc/passwd\0", &[0x41, 0x02, 0, 0, 0, 0, 0, 0, 0xa4, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
             r#"dirfd=AT_FDCWD path="/etc/passwd" flags=O_WRONLY|O_CREAT|O_TRUNC"#),
            ("execve", [0, 0, 0, 0, 0, 0], -14, b"", b"", "path=NULL"),
            ("execveat", [3, p, 0, 0, 0x1000, 0], -2, b"\0", b"", r#"dirfd=3 path="" flags=AT_EMPTY_PATH"#),
            ("connect", [3, p, 16, 0, 0, 0], 0, &v4, b"", "fd=3 addr=127.0.0.1:8080 family=AF_INET"),
            ("connect", [3, p, 110, 0, 0, 0], 0, &un, b"", "fd=3 addr=/run/containerd.sock family=AF_UNIX"),
            ("connect", [3, 0, 0, 0, 0, 0], -14, b"", b"", "fd=3 addr=NULL"),
            ("bind", [4, p, 16, 0, 0, 0], 0, &v4, b"", "fd=4 addr=127.0.0.1:8080 family=AF_INET"),
            ("accept4", [3, p, p, 0o2000000, 0, 0], 7, &v4, b"",
             "fd=3 addr=127.0.0.1:8080 family=AF_INET flags=SOCK_CLOEXEC"),
            ("accept4", [3, p, p, 0, 0, 0], -11, b"", b"", "fd=3 flags=0"),
            ("accept", [3, 0, 0, 0, 0, 0], 5, b"", b"", "fd=3"),
            ("kill", [1234, 9, 0, 0, 0, 0], 0, b"", b"", "pid=1234 sig=SIGKILL"),
            ("kill", [u64::MAX, 0, 0, 0, 0, 0], 0, b"", b"", "pid=-1 sig=0"),
            ("tgkill", [10, 11, 15, 0, 0, 0], 0, b"", b"", "tgid=10 tid=11 sig=SIGTERM"),
            ("setuid", [0, 0, 0, 0, 0, 0], 0, b"", b"", "uid=0"),
            ("setresuid", [0xffff_ffff, 0, u64::MAX, 0, 0, 0], 0, b"", b"", "ruid=-1 euid=0 suid=-1"),
            ("chmod", [p, 0o4755, 0, 0, 0, 0], 0, b"/bin/sh\0", b"", r#"path="/bin/sh" mode=04755"#),
            ("fchmodat", [CWD, p, 0o777, 0, 0, 0], 0, b"x\0", b"", r#"dirfd=AT_FDCWD path="x" mode=0777"#),
            ("fchown", [3, 0, 0, 0, 0, 0], 0, b"", b"", "fd=3 uid=0 gid=0"),
            ("fchownat", [CWD, p, 1000, 1000, 0x100, 0], 0, b"f\0", b"",
             r#"dirfd=AT_FDCWD path="f" uid=1000 gid=1000 flags=AT_SYMLINK_NOFOLLOW"#),
            ("ptrace", [16, 42, 0, 0, 0, 0], 0, b"", b"", "request=PTRACE_ATTACH pid=42 addr=0x0 data=0x0"),
            ("ptrace", [4, 42, 0x401000, 0x90, 0, 0], 0, b"", b"",
             "request=PTRACE_POKETEXT pid=42 addr=0x401000 data=0x90"),
            ("ptrace", [0x9999, 1, 0, 0, 0, 0], -5, b"", b"", "request=39321 pid=1 addr=0x0 data=0x0"),
            ("mount", [p, p, p, 4096 | 16384, 0, 0], 0, b"/\0", b"/mnt/host\0",
             r#"source="/" target="/mnt/host" flags=MS_BIND|MS_REC"#),
            ("umount2", [p, 2, 0, 0, 0, 0], 0, b"/mnt\0", b"", r#"target="/mnt" flags=MNT_DETACH"#),
            ("memfd_create", [p, 1, 0, 0, 0, 0], 4, b"payload\0", b"", r#"name="payload" flags=MFD_CLOEXEC"#),
            ("bpf", [5, p, 144, 0, 0, 0], 9, b"", b"", "cmd=BPF_PROG_LOAD size=144"),
            ("bpf", [999, p, 144, 0, 0, 0], -22, b"", b"", "cmd=999 size=144"),
            ("unshare", [0x10000000 | 0x20000, 0, 0, 0, 0, 0], 0, b"", b"", "flags=CLONE_NEWNS|CLONE_NEWUSER"),
            ("setns", [5, 0x40000000, 0, 0, 0, 0], 0, b"", b"", "fd=5 nstype=CLONE_NEWNET"),
            ("renameat2", [CWD, p, CWD, p, 1, 0], 0, b"a\0", b"b\0",
             r#"olddirfd=AT_FDCWD oldpath="a" newdirfd=AT_FDCWD newpath="b" flags=RENAME_NOREPLACE"#),
            ("symlinkat", [p, CWD, p, 0, 0, 0], 0, b"/etc\0", b"l\0",
             r#"target="/etc" newdirfd=AT_FDCWD linkpath="l""#),
            ("unlinkat", [CWD, p, 0x200, 0, 0, 0], 0, b"d\0", b"", r#"dirfd=AT_FDCWD path="d" flags=AT_REMOVEDIR"#),
            ("init_module", [p, 4096, p, 0, 0, 0], 0, b"debug=1\0", b"", r#"len=4096 params="debug=1""#),
            ("finit_module", [3, p, 2, 0, 0, 0], 0, b"\0", b"", r#"fd=3 params="" flags=MODULE_INIT_IGNORE_VERMAGIC"#),
            ("socket", [17, 3, 0x300, 0, 0, 0], 3, b"", b"", "domain=AF_PACKET type=SOCK_RAW protocol=768"),
            ("recvfrom", [3, p, 512, 0, p, p], 40, &v4, b"",
             "fd=3 len=512 flags=0x0 addr=127.0.0.1:8080 family=AF_INET"),
            ("read", [3, p, 10, 0, 0, 0], 10, b"", b"",
             "fd=3 count=10"),
        ];
        for (name, args, ret, b0, b1, want) in cases {
            assert_eq!(line(name, args, ret, b0, b1), want, "{name}");
        }
    }

    #[test]
    fn strings() {
        let args = [CWD, 1, 0, 0, 0, 0];
        let raw = RawSyscall {
            nr: nr("openat"),
            args: &args,
            ret: 0,
            buf0: b"/tmp/\xff\x1b[31m\n\0garbage",
            trunc0: true,
            buf1: b"",
            trunc1: false,
        };
        let d = decode(&raw);
        let want = ArgValue::Str {
            value: "/tmp/\u{fffd}\x1b[31m\n".into(),
            truncated: true,
        };
        assert_eq!(d[1], ("path", want));
        assert_eq!(d[1].1.to_string(), "\"/tmp/\u{fffd}\x1b[31m\n\"...");
    }

    #[test]
    fn unknown_numbers_show_no_registers() {
        for n in [335, 9999, u32::MAX] {
            let raw = RawSyscall {
                nr: n,
                args: &[1, 2, 3, 4, 5, 6],
                ret: 0,
                buf0: b"x",
                trunc0: false,
                buf1: b"",
                trunc1: false,
            };
            assert!(decode(&raw).is_empty());
        }
    }

    /// xorshift: deterministic pseudo-random bytes without a dependency.
    fn rng(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    #[test]
    fn garbage_never_panics() {
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        let mut b0 = [0u8; 256];
        let mut b1 = [0u8; 256];
        for round in 0..20_000u32 {
            for b in b0.iter_mut().chain(b1.iter_mut()) {
                *b = rng(&mut seed) as u8;
            }
            // bias towards interesting families and short lengths
            if round % 3 == 0 {
                b0[..2]
                    .copy_from_slice(&[1u16, 2, 10, 16, 17, 40][round as usize % 6].to_ne_bytes());
            }
            let args = std::array::from_fn(|_| rng(&mut seed));
            let l0 = (rng(&mut seed) % 257) as usize;
            let l1 = (rng(&mut seed) % 257) as usize;
            let raw = RawSyscall {
                nr: (rng(&mut seed) % 520) as u32,
                args: &args,
                ret: rng(&mut seed) as i64,
                buf0: &b0[..l0],
                trunc0: round % 2 == 0,
                buf1: &b1[..l1],
                trunc1: round % 5 == 0,
            };
            let d = decode(&raw);
            let _ = format_args_line(&d);
            let json = crate::collector::args::args_json(&d);
            serde_json::to_string(&json).expect("valid JSON");
            let _ = SockAddr::parse(&b0[..l0]);
        }
    }
}
