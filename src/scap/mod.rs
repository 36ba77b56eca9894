//! Captures in the sysdig/Falco `.scap` format: [`read`] reads them as a stream of blocks mapped into ktriage's model (process table, kernel records), so replay, the rules and `count` take them like a session; [`write`] turns a session file into a capture `sysdig -r` reads.
//!
//! Layering: above `session` (imports `model`, `app`, `rules`, `session`, `safe_fs`, `redact`, `identity`);
//! only `ui`, `cli` and `headless` import it.

pub mod read;
mod table;
pub mod write;

pub use table::{EVENTS, EventInfo, SYSCALLS};

/// Type of an event parameter, as the event table declares it (`enum ppm_param_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamType {
    None,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    CharBuf,
    ByteBuf,
    Errno,
    SockAddr,
    SockTuple,
    Fd,
    Pid,
    FdList,
    FsPath,
    SyscallId,
    SigType,
    RelTime,
    AbsTime,
    Port,
    L4Proto,
    SockFamily,
    Bool,
    Ipv4Addr,
    Dyn,
    Flags8,
    Flags16,
    Flags32,
    Uid,
    Gid,
    Double,
    SigSet,
    CharBufArray,
    CharBufPairArray,
    Ipv4Net,
    Ipv6Addr,
    Ipv6Net,
    IpAddr,
    IpNet,
    Mode,
    FsRelPath,
    EnumFlags8,
    EnumFlags16,
    EnumFlags32,
}

/// How a numeric parameter prints (`enum ppm_print_format`, reduced to what changes the text).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fmt {
    /// Decimal (and everything else).
    Dec,
    /// Hexadecimal, upper case without `0x` (addresses), as sysdig shows them.
    Hex,
    /// Octal (modes).
    Oct,
}

/// The table entry of event type `ty`, `None` for an id this table does not know (a newer capture's).
pub fn event_info(ty: u16) -> Option<&'static EventInfo> {
    EVENTS.get(usize::from(ty))
}

/// True for an exit event (odd id); enter events have even ids.
pub fn is_exit(ty: u16) -> bool {
    ty & 1 == 1
}

/// The name of event type `ty` (`event_N` when unknown).
pub fn event_name(ty: u16) -> std::borrow::Cow<'static, str> {
    match event_info(ty) {
        Some((name, _)) => std::borrow::Cow::Borrowed(name),
        None => std::borrow::Cow::Owned(format!("event_{ty}")),
    }
}
