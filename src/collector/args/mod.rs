//! Syscall arguments: what the probe captures for each streamed syscall, and decoding for display and JSON.
//!
//! [`stream_spec`] and [`decode`] are driven by one signature table (`spec.rs`),
//! so the buffers the probe fills are always the ones the decoder reads.

mod decode;
mod flags;
mod sockaddr;
mod spec;
#[cfg(test)]
mod tests;

use std::fmt;

use ktriage_common::{BUF_MAX, BUF_TRUNCATED, EventHeader};

pub use decode::decode;
pub use sockaddr::SockAddr;
pub use spec::{MAX_CAPTURE_ARG, default_stream_set, stream_spec, unread_registers};

use super::syscalls;

/// One streamed syscall record, borrowed from the ring buffer.
#[derive(Clone, Copy, Debug)]
pub struct RawSyscall<'a> {
    /// x86_64 syscall number.
    pub nr: u32,
    /// Raw argument registers.
    pub args: &'a [u64; 6],
    /// Return value.
    pub ret: i64,
    /// Capture buffer 0 (without the padding after its length).
    pub buf0: &'a [u8],
    /// Buffer 0 was cut at [`BUF_MAX`].
    pub trunc0: bool,
    /// Capture buffer 1.
    pub buf1: &'a [u8],
    /// Buffer 1 was cut at [`BUF_MAX`].
    pub trunc1: bool,
}

impl<'a> RawSyscall<'a> {
    /// Views a record: `data` is what follows the header (buffer 0 at offset 0,
    /// buffer 1 at [`BUF_MAX`]); lengths past the end of `data` are clipped.
    pub fn from_event(header: &'a EventHeader, data: &'a [u8]) -> RawSyscall<'a> {
        let buf = |i: usize| {
            let len = usize::from(header.buf_len[i] & !BUF_TRUNCATED).min(BUF_MAX);
            let start = (i * BUF_MAX).min(data.len());
            let end = (i * BUF_MAX + len).min(data.len());
            (&data[start..end], header.buf_len[i] & BUF_TRUNCATED != 0)
        };
        let ((buf0, trunc0), (buf1, trunc1)) = (buf(0), buf(1));
        RawSyscall {
            nr: header.nr,
            args: &header.args,
            ret: header.ret,
            buf0,
            trunc0,
            buf1,
            trunc1,
        }
    }
}

/// A decoded argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgValue {
    /// A captured string (lossy UTF-8, control characters kept: escape when displaying).
    Str { value: String, truncated: bool },
    /// A signed number (fd, pid, length).
    Int(i64),
    /// An unsigned number (size, count).
    UInt(u64),
    /// A raw value shown in hex.
    Hex(u64),
    /// A pointer whose target was not captured (`NULL` when 0).
    Ptr(u64),
    /// A directory fd (`AT_FDCWD` for -100).
    DirFd(i32),
    /// A uid or gid (`u32::MAX` is shown as -1: "unchanged").
    Id(u32),
    /// Permission bits (shown in octal).
    Mode(u32),
    /// Symbolic flags: `O_RDONLY|O_CLOEXEC`, unknown bits as hex.
    Flags(String),
    /// A symbolic constant: `SIGKILL`, `AF_INET`, `PTRACE_ATTACH`.
    Sym(String),
    /// A socket address: `127.0.0.1:8080`, `[::1]:22`, `/run/x.sock`, `@abstract`.
    Addr(String),
}

const AT_FDCWD: i32 = -100;

impl ArgValue {
    /// JSON form: numbers for `Int`/`UInt`/`Id`/`DirFd` (except `"AT_FDCWD"`),
    /// strings otherwise (`"0x.."` for `Hex`/`Ptr`, `"0644"` for `Mode`), `null`
    /// for a NULL pointer. A string's truncation is not in its value: see [`args_json`].
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// True for a string the probe cut at [`BUF_MAX`].
    pub fn is_truncated(&self) -> bool {
        matches!(
            self,
            ArgValue::Str {
                truncated: true,
                ..
            }
        )
    }
}

/// The JSON form of [`ArgValue::to_json`], written straight to a serializer (`stream --json`
/// writes records without building a `Value`).
impl serde::Serialize for ArgValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ArgValue::Str { value, .. } => s.serialize_str(value),
            ArgValue::Int(v) => s.serialize_i64(*v),
            ArgValue::UInt(v) => s.serialize_u64(*v),
            ArgValue::Id(u32::MAX) => s.serialize_i64(-1),
            ArgValue::Id(v) => s.serialize_u32(*v),
            ArgValue::DirFd(AT_FDCWD) => s.serialize_str("AT_FDCWD"),
            ArgValue::DirFd(v) => s.serialize_i32(*v),
            ArgValue::Ptr(0) => s.serialize_none(),
            ArgValue::Hex(_) | ArgValue::Ptr(_) | ArgValue::Mode(_) => s.collect_str(self),
            ArgValue::Flags(v) | ArgValue::Sym(v) | ArgValue::Addr(v) => s.serialize_str(v),
        }
    }
}

/// strace-like: `"str"` (`"str"...` when truncated), `0x1f`, `NULL`, `AT_FDCWD`, `0644`, `04755`, `-1`.
impl fmt::Display for ArgValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArgValue::Str { value, truncated } => {
                write!(f, "\"{value}\"{}", if *truncated { "..." } else { "" })
            }
            ArgValue::Int(v) => write!(f, "{v}"),
            ArgValue::UInt(v) => write!(f, "{v}"),
            ArgValue::Hex(v) | ArgValue::Ptr(v @ 1..) => write!(f, "{v:#x}"),
            ArgValue::Ptr(0) => f.write_str("NULL"),
            ArgValue::DirFd(AT_FDCWD) => f.write_str("AT_FDCWD"),
            ArgValue::DirFd(v) => write!(f, "{v}"),
            ArgValue::Id(u32::MAX) => f.write_str("-1"),
            ArgValue::Id(v) => write!(f, "{v}"),
            ArgValue::Mode(v) => write!(f, "0{v:03o}"),
            ArgValue::Flags(s) | ArgValue::Sym(s) | ArgValue::Addr(s) => f.write_str(s),
        }
    }
}

/// One TUI row's argument text: `name=value` pairs separated by spaces.
pub fn format_args_line(decoded: &[(&str, ArgValue)]) -> String {
    let mut out = String::new();
    for (name, value) in decoded {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(&value.to_string());
    }
    out
}

/// JSON object of decoded arguments (`{"path": "/etc/shadow", "flags": "O_RDONLY"}`);
/// when strings were cut, a `"truncated"` array names them.
pub fn args_json(decoded: &[(&str, ArgValue)]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    let mut truncated = Vec::new();
    for (name, value) in decoded {
        map.insert((*name).to_string(), value.to_json());
        if value.is_truncated() {
            truncated.push(serde_json::Value::from(*name));
        }
    }
    if !truncated.is_empty() {
        map.insert("truncated".to_string(), truncated.into());
    }
    serde_json::Value::Object(map)
}

/// A syscall name (or number) not in the table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown syscall `{0}`")]
pub struct UnknownSyscall(pub String);

/// Syscall names (surrounding blanks ignored; a known number is accepted too) to
/// numbers, in the given order without duplicates; the first unknown one is the error.
pub fn parse_syscall_list(names: &[String]) -> Result<Vec<u32>, UnknownSyscall> {
    let mut out = Vec::with_capacity(names.len());
    for raw in names {
        let name = raw.trim();
        let nr = syscalls::number(name).or_else(|| {
            name.parse::<u32>()
                .ok()
                .filter(|&nr| syscalls::name(nr).is_some())
        });
        match nr {
            Some(nr) if !out.contains(&nr) => out.push(nr),
            Some(_) => {}
            None => return Err(UnknownSyscall(raw.clone())),
        }
    }
    Ok(out)
}
