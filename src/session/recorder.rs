//! The recorder: the core's tap writing every event that enters it (redacted unless secrets are kept) and the operator's facts to a session file.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use super::entry::{Entry, other};
use super::{Record, SessionError, SessionWriter, WriterSummary};
use crate::app::{Event, Fact, Tap};
use crate::collector::clock::boot_ns;

/// The tap half (given to the core).
pub struct Recorder {
    shared: Arc<Mutex<Shared>>,
    keep_secrets: bool,
}

/// The owner half: says how the recording went and finishes the file.
#[derive(Clone)]
pub struct RecordHandle {
    shared: Arc<Mutex<Shared>>,
}

/// Names already said to be redacted (each once per file), and the events written.
#[derive(Default)]
struct Named {
    state: WriteState,
    events: u64,
}

/// What writing events to one writer remembers: redacted names said, the previous summary.
#[derive(Default)]
pub struct WriteState {
    names: BTreeSet<String>,
    compact: super::compact::Compactor,
}

struct Shared {
    writer: Option<SessionWriter>,
    named: Named,
    /// The first write error: the recording stopped there.
    failed: Option<String>,
}

impl Recorder {
    /// A recorder writing to `writer`; masked secrets are redacted unless `keep_secrets`.
    pub fn new(writer: SessionWriter, keep_secrets: bool) -> (Recorder, RecordHandle) {
        let shared = Arc::new(Mutex::new(Shared {
            writer: Some(writer),
            named: Named::default(),
            failed: None,
        }));
        let handle = RecordHandle {
            shared: shared.clone(),
        };
        (
            Recorder {
                shared,
                keep_secrets,
            },
            handle,
        )
    }

    fn with(&self, f: impl FnOnce(&mut Named, &mut SessionWriter) -> Result<(), SessionError>) {
        let mut g = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        let s = &mut *g;
        let Some(w) = s.writer.as_mut() else {
            return;
        };
        if s.failed.is_some() {
            return;
        }
        if let Err(e) = f(&mut s.named, w) {
            s.failed = Some(e.to_string());
        }
    }
}

impl Tap for Recorder {
    fn event(&mut self, event: &Event) {
        let keep = self.keep_secrets;
        self.with(|s, w| {
            s.events += 1;
            write_event(w, &mut s.state, keep, event)
        });
    }

    fn fact(&mut self, fact: &Fact) {
        self.with(|_, w| write_fact(w, fact));
    }
}

/// Writes `event` (redacted unless `keep_secrets`; each redacted name said once per file through `named`).
/// Replay status is never written (it describes a replay).
pub fn write_event(
    w: &mut SessionWriter,
    st: &mut WriteState,
    keep_secrets: bool,
    event: &Event,
) -> Result<(), SessionError> {
    if matches!(event, Event::Replay(_)) {
        return Ok(());
    }
    let now = boot_ns();
    let redacted = if keep_secrets {
        None
    } else {
        crate::app::redact_event::redacted(event)
    };
    let (event, names) = match &redacted {
        Some((e, n)) => (e, n.as_slice()),
        None => (event, &[][..]),
    };
    let fresh: Vec<String> = names
        .iter()
        .filter(|n| st.names.insert((*n).clone()))
        .cloned()
        .collect();
    if !fresh.is_empty() {
        w.write(&Record::Redacted {
            ts_ns: now,
            names: fresh,
        })?;
    }
    // the file this record goes to (a chunk is opened first: it may rotate)
    w.open_chunk()?;
    let part = w.part();
    match event {
        Event::Kernel(b) => w.write_kernel(b)?,
        e => match st.compact.record(now, e, part) {
            Some(r) => w.write(&r)?,
            None => w.write(&other(now, &Entry::Event(e.clone())))?,
        },
    }
    if matches!(event, Event::Tick(_)) {
        w.flush_due()?;
    }
    Ok(())
}

/// Writes a fact (a note as its own record).
pub fn write_fact(w: &mut SessionWriter, fact: &Fact) -> Result<(), SessionError> {
    let now = boot_ns();
    match fact {
        Fact::Note { text } => w.write(&Record::Note {
            ts_ns: now,
            text: text.clone(),
        }),
        f => w.write(&other(now, &Entry::Fact(f.clone()))),
    }
}

impl RecordHandle {
    /// The error that stopped the recording, if one did.
    pub fn failed(&self) -> Option<String> {
        self.lock().failed.clone()
    }

    /// Events recorded so far.
    pub fn events(&self) -> u64 {
        self.lock().named.events
    }

    /// Writes the last chunk and the trailer.
    pub fn finish(&self) -> Result<WriterSummary, SessionError> {
        let writer = self.lock().writer.take();
        match writer {
            Some(w) => w.finish(),
            None => Err(SessionError::Closed {
                reason: "already finished".into(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }
}
