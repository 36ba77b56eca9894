//! Starting a recording: the file created (0600, never through a symlink or over a file) before the session starts, and the recorder tap with the handle that finishes it.

use std::path::PathBuf;

use super::{
    Header, RecordHandle, Recorder, SessionError, SessionWriter, WriterOpts, WriterSummary,
};
use crate::app::Core;

/// What to record and where.
#[derive(Clone, Debug)]
pub struct RecordSpec {
    /// The file (rotated parts: FILE.1, FILE.2…).
    pub path: PathBuf,
    /// What, where, when, who.
    pub header: Header,
    /// Rotation and chunking.
    pub opts: WriterOpts,
    /// Keep masked secrets (`--record-secrets`).
    pub keep_secrets: bool,
}

/// An open recording, not yet attached to a core.
pub struct Recording {
    recorder: Option<Recorder>,
    handle: RecordHandle,
}

impl RecordSpec {
    /// Creates the file and its writer.
    pub fn open(self) -> Result<Recording, SessionError> {
        let writer = SessionWriter::create(&self.path, self.header, self.opts)?;
        let (recorder, handle) = Recorder::new(writer, self.keep_secrets);
        Ok(Recording {
            recorder: Some(recorder),
            handle,
        })
    }
}

impl Recording {
    /// Every event entering `core` from now on is recorded.
    pub fn attach(&mut self, core: &mut Core) {
        if let Some(r) = self.recorder.take() {
            core.set_tap(Box::new(r));
        }
    }

    /// The handle (failure so far, events recorded).
    pub fn handle(&self) -> &RecordHandle {
        &self.handle
    }

    /// Detaches from `core` and writes the last chunk and the trailer.
    pub fn finish(self, core: &mut Core) -> Result<WriterSummary, String> {
        drop(core.take_taps());
        if let Some(e) = self.handle.failed() {
            let _ = self.handle.finish();
            return Err(e);
        }
        self.handle.finish().map_err(|e| e.to_string())
    }
}
