//! Reading ahead: a file's items read (decompressed, decoded, mapped) on a second thread and handed over in bounded batches, so reading overlaps what the core does with them.

use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;

/// Items handed over at a time (fewer when they weigh [`BATCH_WEIGHT`]).
const BATCH: usize = 64;
/// Weight handed over at a time, about (kernel events): with the channel's few batches, what is
/// read ahead stays bounded whatever the file holds.
const BATCH_WEIGHT: usize = 4096;
/// Batches waiting in the channel at most.
const QUEUED: usize = 4;

/// The items of a reader running on its own thread, in order. Dropping it stops the reader.
pub struct ReadAhead<T> {
    rx: Option<Receiver<Vec<T>>>,
    batch: std::vec::IntoIter<T>,
    thread: Option<JoinHandle<()>>,
}

/// Opens a source on a second thread with `open` (what it tells about itself, and its items) and
/// reads its items there; `weight` says how much of the bound an item takes (at least 1 each).
pub fn read_ahead<O, T, I, F>(open: F, weight: fn(&T) -> usize) -> Result<(O, ReadAhead<T>), String>
where
    F: FnOnce() -> Result<(O, I), String> + Send + 'static,
    I: Iterator<Item = T>,
    O: Send + 'static,
    T: Send + 'static,
{
    let (opened_tx, opened_rx) = mpsc::sync_channel(1);
    let (tx, rx) = mpsc::sync_channel::<Vec<T>>(QUEUED);
    let thread = std::thread::Builder::new()
        .name("read-ahead".into())
        .spawn(move || {
            let (origin, items) = match open() {
                Ok(x) => x,
                Err(e) => return drop(opened_tx.send(Err(e))),
            };
            if opened_tx.send(Ok(origin)).is_err() {
                return;
            }
            let mut batch = Vec::with_capacity(BATCH);
            let mut held = 0;
            for it in items {
                held += weight(&it).max(1);
                batch.push(it);
                if batch.len() >= BATCH || held >= BATCH_WEIGHT {
                    if tx
                        .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                        .is_err()
                    {
                        return;
                    }
                    held = 0;
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
        })
        .map_err(|e| format!("cannot start the reading thread: {e}"))?;
    let origin = opened_rx
        .recv()
        .map_err(|_| "the reading thread ended before opening the file".to_string())??;
    Ok((
        origin,
        ReadAhead {
            rx: Some(rx),
            batch: Vec::new().into_iter(),
            thread: Some(thread),
        },
    ))
}

impl<T> Iterator for ReadAhead<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        loop {
            if let Some(it) = self.batch.next() {
                return Some(it);
            }
            self.batch = self.rx.as_ref()?.recv().ok()?.into_iter();
        }
    }
}

impl<T> Drop for ReadAhead<T> {
    fn drop(&mut self) {
        // the reader's next hand-over fails and it ends; wait for it so its file is closed
        self.rx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Kernel events weigh what they hold; everything else 1.
pub fn item_weight(it: &Result<super::Item, String>) -> usize {
    match it {
        Ok(super::Item::Event {
            event: crate::app::Event::Kernel(k),
            ..
        }) => k.events.len(),
        _ => 1,
    }
}

/// A session file's header and its items, read ahead.
pub fn session_items(
    path: &std::path::Path,
) -> Result<(super::Header, ReadAhead<Result<super::Item, String>>), String> {
    let path = path.to_path_buf();
    read_ahead(
        move || {
            let (h, it) = super::entry::items(&path).map_err(|e| super::located(&path, &e))?;
            Ok((h, it))
        },
        item_weight,
    )
}
