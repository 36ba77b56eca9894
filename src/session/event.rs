//! Records from and to the core's serde types: a kernel batch stays in the compact codec, any other `app::Event` is stored as JSON, a note as text, other operator facts as JSON.

use super::Record;
use super::error::SessionError;
use crate::app::{Event, Fact};

impl Record {
    /// The record of an event entering the core at boot-clock `ts_ns`
    /// (kernel batches carry their own times). Clones a kernel batch: a
    /// recorder writes them borrowed with [`super::SessionWriter::write_event`].
    pub fn from_event(ev: &Event, ts_ns: u64) -> Result<Self, SessionError> {
        match ev {
            Event::Kernel(b) => Ok(Self::Kernel(b.clone())),
            other => Ok(Self::Other {
                ts_ns,
                bytes: serde_json::to_vec(other).map_err(|source| SessionError::Serde {
                    what: "serializing an event",
                    source,
                })?,
            }),
        }
    }

    /// The record of an operator fact at boot-clock `ts_ns`.
    pub fn from_fact(f: &Fact, ts_ns: u64) -> Result<Self, SessionError> {
        match f {
            Fact::Note { text } => Ok(Self::Note {
                ts_ns,
                text: text.clone(),
            }),
            other => Ok(Self::Fact {
                ts_ns,
                bytes: serde_json::to_vec(other).map_err(|source| SessionError::Serde {
                    what: "serializing a fact",
                    source,
                })?,
            }),
        }
    }

    /// The event this record holds (`None`: a note, fact or redaction notice).
    pub fn to_event(&self) -> Result<Option<Event>, SessionError> {
        match self {
            Self::Kernel(b) => Ok(Some(Event::Kernel(b.clone()))),
            Self::Other { bytes, .. } => {
                serde_json::from_slice(bytes)
                    .map(Some)
                    .map_err(|source| SessionError::Serde {
                        what: "a recorded event does not decode",
                        source,
                    })
            }
            _ => Ok(None),
        }
    }

    /// The event this record holds, by value (no clone of a kernel batch).
    pub fn into_event(self) -> Result<Option<Event>, SessionError> {
        match self {
            Self::Kernel(b) => Ok(Some(Event::Kernel(b))),
            other => other.to_event(),
        }
    }

    /// The operator fact this record holds (`None`: an event or a redaction notice).
    pub fn to_fact(&self) -> Result<Option<Fact>, SessionError> {
        match self {
            Self::Note { text, .. } => Ok(Some(Fact::Note { text: text.clone() })),
            Self::Fact { bytes, .. } => {
                serde_json::from_slice(bytes)
                    .map(Some)
                    .map_err(|source| SessionError::Serde {
                        what: "a recorded fact does not decode",
                        source,
                    })
            }
            _ => Ok(None),
        }
    }
}
