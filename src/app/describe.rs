//! Names and decoded arguments of a buffered record, for display, filtering and JSON.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use super::buffer::EventRef;
use super::event::EventKind;
use crate::collector::{args, syscalls};

/// The record's name: the syscall, or `procexit` / `clone` for exit and fork records.
pub fn syscall_name(ev: &EventRef<'_>) -> Cow<'static, str> {
    match ev.kind() {
        EventKind::Exit => Cow::Borrowed("procexit"),
        EventKind::Fork => Cow::Borrowed("clone"),
        EventKind::Syscall if ev.nr() == crate::model::NR_CAPTURED => {
            Cow::Owned(String::from_utf8_lossy(ev.buf(0).0).into_owned())
        }
        EventKind::Syscall | EventKind::Exec => match syscalls::name(ev.nr()) {
            Some(n) => Cow::Borrowed(n),
            None => Cow::Owned(format!("syscall_{}", ev.nr())),
        },
    }
}

/// argv entries of an exec record (NUL separated in buffer 1); empty arguments are kept.
pub fn argv(ev: &EventRef<'_>) -> (Vec<String>, bool) {
    let (_, truncated) = ev.buf(1);
    let v = raw_argv(ev)
        .into_iter()
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect();
    (v, truncated)
}

/// The raw bytes of each argv entry (the NUL that ends the last one is not an entry).
fn raw_argv<'a>(ev: &'a EventRef<'_>) -> Vec<&'a [u8]> {
    split_argv(ev.buf(1).0)
}

/// The entries of an exec record's argv buffer (NUL separated; the NUL that ends the last one is not an entry).
pub fn split_argv(bytes: &[u8]) -> Vec<&[u8]> {
    let mut parts: Vec<&[u8]> = bytes.split(|b| *b == 0).collect();
    if parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts
}

/// The bytes up to the first NUL, as text (invalid UTF-8 replaced).
pub(crate) fn c_string(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// Exit status as (exit code, terminating signal).
pub fn exit_status(raw: i64) -> (i64, i64) {
    ((raw >> 8) & 0xff, raw & 0x7f)
}

/// The syscall's decoded arguments, in signature order.
pub fn decoded(ev: &EventRef<'_>) -> Vec<(&'static str, args::ArgValue)> {
    let (buf0, trunc0) = ev.buf(0);
    let (buf1, trunc1) = ev.buf(1);
    args::decode(&args::RawSyscall {
        nr: ev.nr(),
        args: ev.args(),
        ret: ev.ret(),
        buf0,
        trunc0,
        buf1,
        trunc1,
    })
}

/// One line of decoded arguments (untrusted text: sanitize before drawing).
pub fn args_line(ev: &EventRef<'_>) -> String {
    match ev.kind() {
        EventKind::Syscall if ev.nr() == crate::model::NR_CAPTURED => {
            String::from_utf8_lossy(ev.buf(1).0).into_owned()
        }
        EventKind::Syscall => args::format_args_line(&decoded(ev)),
        EventKind::Exec => {
            let (file, _) = ev.buf(0);
            let (argv, truncated) = argv(ev);
            let argv = crate::redact::mask_argv(&argv);
            let more = if truncated { " …" } else { "" };
            format!(
                "filename={} argv=[{}]{more}",
                crate::sanitize::quote_arg(&c_string(file)),
                crate::sanitize::join_argv(&argv)
            )
        }
        EventKind::Exit => {
            let (code, sig) = exit_status(ev.ret());
            if sig != 0 {
                format!("signal={sig}")
            } else {
                format!("code={code}")
            }
        }
        EventKind::Fork => format!("child_pid={} child_tid={}", ev.args()[0], ev.args()[1]),
    }
}

/// Decoded arguments as a JSON object.
pub fn args_json(ev: &EventRef<'_>) -> Map<String, Value> {
    let mut m = Map::new();
    match ev.kind() {
        EventKind::Syscall if ev.nr() == crate::model::NR_CAPTURED => {
            m.insert("params".into(), json!(String::from_utf8_lossy(ev.buf(1).0)));
        }
        EventKind::Syscall => {
            for (k, v) in decoded(ev) {
                m.insert(k.to_string(), v.to_json());
            }
        }
        EventKind::Exec => {
            let (file, ftrunc) = ev.buf(0);
            let (raw, truncated) = argv(ev);
            let argv = crate::redact::mask_argv(&raw);
            let fname = &file[..file.iter().position(|b| *b == 0).unwrap_or(file.len())];
            m.insert("filename".into(), json!(c_string(file)));
            if let Some(b) = crate::model::b64::b64_if_not_utf8(fname) {
                m.insert("filename_b64".into(), json!(b));
            }
            let raw_args = raw_argv(ev);
            if raw_args.iter().any(|a| std::str::from_utf8(a).is_err()) {
                // a masked argument is encoded masked: the raw bytes would leak it
                let enc: Vec<String> = raw_args
                    .iter()
                    .zip(raw.iter().zip(&argv))
                    .map(|(bytes, (lossy, shown))| {
                        if lossy == shown {
                            crate::model::b64::b64(bytes)
                        } else {
                            crate::model::b64::b64(shown.as_bytes())
                        }
                    })
                    .collect();
                m.insert("argv_b64".into(), json!(enc));
            }
            m.insert("argv".into(), json!(argv));
            if truncated || ftrunc {
                m.insert("truncated".into(), json!(true));
            }
            m.insert("old_pid".into(), json!(ev.args()[0]));
        }
        EventKind::Exit => {
            let (code, sig) = exit_status(ev.ret());
            m.insert("code".into(), json!(code));
            m.insert("signal".into(), json!(sig));
            m.insert("thread_group_exit".into(), json!(ev.args()[0] != 0));
        }
        EventKind::Fork => {
            m.insert("child_pid".into(), json!(ev.args()[0]));
            m.insert("child_tid".into(), json!(ev.args()[1]));
        }
    }
    m
}
