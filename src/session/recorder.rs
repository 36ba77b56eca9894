//! A recorder for [`crate::app::Core::set_tap`]: every event entering the core and every operator fact, redacted (unless secrets are kept), into a [`SessionWriter`].

use std::sync::{Arc, Mutex, PoisonError};

use super::Record;
use super::error::SessionError;
use super::writer::{SessionWriter, WriterSummary};
use crate::app::{Event, Fact, Tap};

struct Shared {
    writer: Option<SessionWriter>,
    secrets_kept: bool,
    error: Option<String>,
}

/// The tap half: give it to the core (`core.set_tap(Box::new(recorder))`).
pub struct Recorder(Arc<Mutex<Shared>>);

/// The handle half: finish the recording, or look at its first error.
#[derive(Clone)]
pub struct RecorderHandle(Arc<Mutex<Shared>>);

impl Recorder {
    /// A recorder writing to `writer`; masked secrets are redacted (and the
    /// names written as [`Record::Redacted`]) unless `secrets_kept`.
    pub fn new(writer: SessionWriter, secrets_kept: bool) -> (Self, RecorderHandle) {
        let shared = Arc::new(Mutex::new(Shared {
            writer: Some(writer),
            secrets_kept,
            error: None,
        }));
        (Self(shared.clone()), RecorderHandle(shared))
    }
}

fn now() -> u64 {
    crate::collector::clock::boot_ns()
}

impl Shared {
    /// Runs `f` on the writer; the first error stops the recording (kept for the handle).
    fn with(&mut self, f: impl FnOnce(&mut SessionWriter) -> Result<(), SessionError>) {
        let Some(w) = self.writer.as_mut() else {
            return;
        };
        let r = f(w).and_then(|()| w.flush_due());
        if let Err(e) = r
            && self.error.is_none()
        {
            self.error = Some(e.to_string());
        }
    }
}

impl Tap for Recorder {
    fn event(&mut self, ev: &Event) {
        let mut s = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let ts = match ev {
            Event::Kernel(_) => 0,
            _ => now(),
        };
        let redacted = if s.secrets_kept {
            None
        } else {
            crate::app::redact_event::redacted(ev)
        };
        s.with(|w| match redacted {
            None => w.write_event(ev, ts),
            Some((clean, names)) => {
                let t = Record::kernel_time_range(match &clean {
                    Event::Kernel(b) => &b.events,
                    _ => &[],
                })
                .map_or_else(now, |r| r.0);
                w.write(&Record::Redacted { ts_ns: t, names })?;
                w.write_event(&clean, ts)
            }
        });
    }

    fn fact(&mut self, f: &Fact) {
        let mut s = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        s.with(|w| w.write(&Record::from_fact(f, now())?));
    }
}

impl RecorderHandle {
    /// The first error the recording met (it stopped writing there).
    pub fn error(&self) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .error
            .clone()
    }

    /// Writes the last chunk and the trailer. `Err` if the recording met an
    /// error (the file then reads as truncated at its last good chunk) or
    /// was finished already.
    pub fn finish(&self) -> Result<WriterSummary, SessionError> {
        let mut s = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let w = s.writer.take().ok_or_else(|| SessionError::Closed {
            reason: "already finished".into(),
        })?;
        if let Some(e) = s.error.clone() {
            drop(w);
            return Err(SessionError::Closed { reason: e });
        }
        w.finish()
    }
}
