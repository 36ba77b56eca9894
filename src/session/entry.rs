//! Core events and the operator's facts as session records, both ways: what the recorder writes and what replay, `alerts --from` and `report` read.

use serde::{Deserialize, Serialize};

use super::Record;
use crate::app::{Event, Fact};

/// What a [`Record::Other`] holds (JSON: several payloads carry Kubernetes objects, which need a self-describing format).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Entry {
    /// An event that entered the core.
    Event(Event),
    /// A fact the core produced for the recording (pivot, revealed secret names; notes have their own record).
    Fact(Fact),
}

/// One decoded record, with its boot-clock time.
#[derive(Clone, Debug)]
pub enum Item {
    /// An event to feed the core.
    Event {
        /// Boot-clock ns (a kernel batch: its first event's time).
        ts_ns: u64,
        /// The event.
        event: Event,
    },
    /// Something the operator did (never fed to the core: the replayed inputs redo it).
    Fact {
        /// Boot-clock ns.
        ts_ns: u64,
        /// The fact.
        fact: Fact,
    },
    /// Values were redacted before they reached the file (names only).
    Redacted {
        /// Boot-clock ns.
        ts_ns: u64,
        /// Names of what was redacted.
        names: Vec<String>,
    },
}

impl Item {
    /// Boot-clock ns of the item.
    pub fn ts_ns(&self) -> u64 {
        match self {
            Item::Event { ts_ns, .. } | Item::Fact { ts_ns, .. } | Item::Redacted { ts_ns, .. } => {
                *ts_ns
            }
        }
    }
}

/// A record whose bytes do not hold an entry this build reads.
#[derive(Debug, thiserror::Error)]
#[error("record at boot time {ts_ns} ns: not an event this ktriage reads: {what}")]
pub struct EntryError {
    /// Boot-clock ns of the record.
    pub ts_ns: u64,
    what: String,
}

/// Decodes records into items (it keeps what compact records are relative to: read a file's records in order).
#[derive(Default)]
pub struct ItemDecoder {
    expander: super::compact::Expander,
}

impl ItemDecoder {
    /// Decodes the next record of the file.
    pub fn item(&mut self, record: Record) -> Result<Item, EntryError> {
        if let Record::Other { ts_ns, bytes } = &record
            && bytes.first() == Some(&super::compact::MARK)
        {
            let event = self.expander.event(bytes).map_err(|e| EntryError {
                ts_ns: *ts_ns,
                what: e.to_string(),
            })?;
            return Ok(Item::Event {
                ts_ns: *ts_ns,
                event,
            });
        }
        item(record)
    }
}

/// A session file's header and its items in order; reading stops being useful at the first `Err`
/// (the damage: what came before it is whole).
pub fn items(
    path: &std::path::Path,
) -> Result<
    (
        super::Header,
        impl Iterator<Item = Result<Item, String>> + use<>,
    ),
    super::SessionError,
> {
    let reader = super::SessionReader::open(path)?;
    let header = reader.header().clone();
    let mut dec = ItemDecoder::default();
    let it = reader.map(move |r| match r {
        Ok(rec) => dec.item(rec).map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    });
    Ok((header, it))
}

/// Decodes a record that does not depend on the ones before it.
fn item(record: Record) -> Result<Item, EntryError> {
    Ok(match record {
        Record::Kernel(batch) => Item::Event {
            ts_ns: batch.events.first().map_or(0, |e| e.ts_ns),
            event: Event::Kernel(batch),
        },
        Record::Other { ts_ns, bytes } => {
            let entry = serde_json::from_slice(&bytes).map_err(|e| EntryError {
                ts_ns,
                what: e.to_string(),
            })?;
            match entry {
                Entry::Event(event) => Item::Event { ts_ns, event },
                Entry::Fact(fact) => Item::Fact { ts_ns, fact },
            }
        }
        Record::Note { ts_ns, text } => Item::Fact {
            ts_ns,
            fact: Fact::Note { text },
        },
        Record::Redacted { ts_ns, names } => Item::Redacted { ts_ns, names },
    })
}

/// The record for a non-kernel event or a fact at `ts_ns`.
pub fn other(ts_ns: u64, entry: &Entry) -> Record {
    let bytes = serde_json::to_vec(entry).unwrap_or_default();
    Record::Other { ts_ns, bytes }
}
