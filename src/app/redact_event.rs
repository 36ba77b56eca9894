//! What a recording keeps of an event: masked secrets (environ values, secret-shaped arguments) replaced by the mask, and the names of what was redacted (never values).

use std::sync::Arc;

use super::event::Event;
use crate::model::{EventKind, KernelBatch, SysEvent};

/// The event to write and the names of what was redacted in it; `None` when it holds nothing to redact (write it as is).
pub fn redacted(ev: &Event) -> Option<(Event, Vec<String>)> {
    match ev {
        Event::Inspected {
            pid,
            result: Ok(ins),
        } => {
            let (ins, names) = inspection(ins)?;
            let result = Ok(ins);
            Some((Event::Inspected { pid: *pid, result }, names))
        }
        Event::Snapshot {
            pid,
            result: Ok(ins),
        } => {
            let (ins, names) = inspection(ins)?;
            let result = Ok(ins);
            Some((Event::Snapshot { pid: *pid, result }, names))
        }
        Event::Kernel(batch) => kernel(batch).map(|(b, n)| (Event::Kernel(b), n)),
        Event::Alerts(alerts) => {
            let mut names = Vec::new();
            let mut out = alerts.clone();
            for a in out.iter_mut() {
                if let Some(f) = a.facts.as_mut() {
                    let masked = crate::redact::mask_argv(&f.argv);
                    if masked != f.argv {
                        names.push(format!("argv of pid {}", f.pid));
                        Arc::make_mut(f).argv = masked;
                    }
                }
            }
            (!names.is_empty()).then_some((Event::Alerts(out), names))
        }
        _ => None,
    }
}

fn inspection(
    ins: &Arc<crate::inspect::Inspection>,
) -> Option<(Arc<crate::inspect::Inspection>, Vec<String>)> {
    let mut names: Vec<String> = ins
        .environ
        .iter()
        .flatten()
        .filter(|e| e.masked)
        .map(|e| {
            // an entry without `=` has the secret as its name: not named
            let name = if e.value.is_empty() {
                "(entry without =)"
            } else {
                &e.name
            };
            format!(
                "environ {} of pid {}",
                crate::sanitize::sanitize(name),
                ins.pid
            )
        })
        .collect();
    let argv = crate::redact::mask_argv(&ins.overview.cmdline);
    if argv != ins.overview.cmdline {
        names.push(format!("argv of pid {}", ins.pid));
    }
    if names.is_empty() {
        return None;
    }
    let mut copy = (**ins).clone();
    super::flight::redact(&mut copy);
    Some((Arc::new(copy), names))
}

/// Exec records whose argv has secret-shaped arguments get them masked (each argv looked at once).
fn kernel(batch: &KernelBatch) -> Option<(KernelBatch, Vec<String>)> {
    let masked: Vec<(usize, Vec<u8>)> = batch
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EventKind::Exec)
        .filter_map(|(i, e)| mask_exec(e).map(|b| (i, b)))
        .collect();
    if masked.is_empty() {
        return None;
    }
    let mut out = batch.clone();
    let mut names = Vec::with_capacity(masked.len());
    for (i, bytes) in masked {
        let e = &mut out.events[i];
        names.push(format!("argv of pid {}", e.pid));
        e.bufs[1].bytes = bytes;
    }
    Some((out, names))
}

/// The exec record's argv buffer with secret-shaped arguments masked, when any is.
pub fn mask_exec(e: &SysEvent) -> Option<Vec<u8>> {
    let raw = &e.bufs[1].bytes;
    let mut parts: Vec<&[u8]> = raw.split(|b| *b == 0).collect();
    if parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    let argv: Vec<String> = parts
        .iter()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    let masked = crate::redact::mask_argv(&argv);
    if masked == argv {
        return None;
    }
    let mut out = Vec::with_capacity(raw.len());
    for a in masked {
        out.extend_from_slice(a.as_bytes());
        out.push(0);
    }
    Some(out)
}
