//! Writing what arrives into IndexedDB without ever holding the page up, within a count and a
//! byte budget (oldest evicted first).
//!
//! The store opens while the first request is already out; comments that arrive before it is
//! open wait in a queue. If IndexedDB is unavailable or fails, the page says so once and goes
//! on from the network alone.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use saywhatwant_wire::Comment;

use crate::browser::{now_ms, storage_usage};

use crate::sync::store::{Store, StoreError};

/// How often, at most, the byte estimate is asked.
pub const ESTIMATE_EVERY_MS: u64 = 60_000;

/// Whether the byte estimate is due again, given when it was last asked.
pub fn estimate_due(last: Option<u64>, now: u64) -> bool {
    last.is_none_or(|at| now.saturating_sub(at) >= ESTIMATE_EVERY_MS)
}

/// How many of `count` stored comments to keep when the origin uses `used` bytes of
/// `bytes_cap`: the oldest tenth goes each time it is over (comments differ in size, so the
/// next write checks again), `None` when it is within.
pub fn keep_within(count: u32, used: f64, bytes_cap: f64) -> Option<u32> {
    (used > bytes_cap && count > 0).then(|| count - (count / 10).max(1))
}

pub const UNAVAILABLE: &str =
    "This browser is not keeping history (private mode or storage blocked). Live comments still work.";
pub const WRITE_FAILED: &str =
    "This browser's storage refused new comments (it may be full). Live comments still work.";

enum Slot {
    /// What to save, and what to delete, once open.
    Opening(Vec<Comment>, Vec<String>),
    Open(Rc<Store>),
    Unavailable,
}

pub struct Persist {
    slot: RefCell<Slot>,
    /// Comments kept at most.
    cap: u32,
    /// Bytes this origin may use (the browser's own estimate); past it the oldest tenth goes.
    bytes_cap: f64,
    /// When the browser's estimate was last asked.
    estimated_at: Cell<Option<u64>>,
    warned: Cell<bool>,
    warn: Box<dyn Fn(&'static str)>,
    /// Told how many comments are stored, after opening and after every write.
    counted: Box<dyn Fn(u32)>,
}

impl Persist {
    pub fn new(
        cap: u32,
        bytes_cap: f64,
        warn: impl Fn(&'static str) + 'static,
        counted: impl Fn(u32) + 'static,
    ) -> Rc<Self> {
        Rc::new(Persist {
            slot: RefCell::new(Slot::Opening(Vec::new(), Vec::new())),
            cap,
            bytes_cap,
            estimated_at: Cell::new(None),
            warned: Cell::new(false),
            warn: Box::new(warn),
            counted: Box::new(counted),
        })
    }

    fn warn_once(&self, msg: &'static str, err: &StoreError) {
        web_sys::console::warn_1(&err.to_string().into());
        if !self.warned.replace(true) {
            (self.warn)(msg);
        }
    }

    /// Opens the store and returns it (for reading history), then writes what queued meanwhile.
    /// An open that another tab blocks (an old version kept open there) counts as failed after
    /// `timeout_ms`, so the queue cannot grow without end.
    pub async fn open(self: &Rc<Self>, name: &str, timeout_ms: u32) -> Option<Rc<Store>> {
        let this = self.clone();
        let give_up = Timeout::new(timeout_ms, move || {
            if this.is_opening() {
                this.slot.replace(Slot::Unavailable);
                this.warn_once(
                    UNAVAILABLE,
                    &StoreError("open in time (another tab blocks it?)"),
                );
            }
        });
        let opened = Store::open(name).await;
        drop(give_up);
        if !self.is_opening() {
            return None;
        }
        let store = match opened {
            Ok(s) => Rc::new(s),
            Err(e) => {
                self.slot.replace(Slot::Unavailable);
                self.warn_once(UNAVAILABLE, &e);
                return None;
            }
        };
        let (queued, gone) = match self.slot.replace(Slot::Open(store.clone())) {
            Slot::Opening(q, gone) => (q, gone),
            _ => (Vec::new(), Vec::new()),
        };
        self.count(&store).await;
        // Before history is read from it: a comment taken down never shows again.
        self.write(store.clone(), queued, gone).await;
        Some(store)
    }

    fn is_opening(&self) -> bool {
        matches!(*self.slot.borrow(), Slot::Opening(..))
    }

    pub fn store(&self) -> Option<Rc<Store>> {
        match &*self.slot.borrow() {
            Slot::Open(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// Saves a batch (one transaction) in the background.
    pub fn save(self: &Rc<Self>, batch: Vec<Comment>) {
        self.queue(batch, Vec::new());
    }

    /// Deletes comments the operator took down, in the background.
    pub fn forget(self: &Rc<Self>, ids: Vec<String>) {
        self.queue(Vec::new(), ids);
    }

    fn queue(self: &Rc<Self>, batch: Vec<Comment>, gone: Vec<String>) {
        if batch.is_empty() && gone.is_empty() {
            return;
        }
        let store = match &mut *self.slot.borrow_mut() {
            // Saved, then deleted, in that order in one transaction once the store opens.
            Slot::Opening(queue, forget) => {
                queue.extend(batch);
                forget.extend(gone);
                return;
            }
            Slot::Unavailable => return,
            Slot::Open(s) => s.clone(),
        };
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move { this.write(store, batch, gone).await });
    }

    async fn write(&self, store: Rc<Store>, batch: Vec<Comment>, gone: Vec<String>) {
        if batch.is_empty() && gone.is_empty() {
            return;
        }
        if let Err(e) = store.put_all(&batch, &gone).await {
            self.warn_once(WRITE_FAILED, &e);
            return;
        }
        let count = self.count(&store).await;
        let keep = if count > self.cap {
            Some(self.cap)
        } else if estimate_due(self.estimated_at.get(), now_ms()) {
            // Every frame of the live channel is a write: the browser's estimate is asked at
            // most once a minute (a minute of comments cannot fill 25 MB).
            self.estimated_at.set(Some(now_ms()));
            storage_usage()
                .await
                .and_then(|used| keep_within(count, used, self.bytes_cap))
        } else {
            None
        };
        if let Some(keep) = keep {
            match store.prune(keep).await {
                Ok(_) => (self.counted)(keep),
                Err(e) => web_sys::console::warn_1(&e.to_string().into()),
            }
        }
    }

    /// The exact count (one cheap read per batch), which the page shows and pruning needs.
    async fn count(&self, store: &Store) -> u32 {
        match store.count().await {
            Ok(n) => {
                (self.counted)(n);
                n
            }
            Err(e) => {
                web_sys::console::warn_1(&e.to_string().into());
                0
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{estimate_due, keep_within, ESTIMATE_EVERY_MS};

    #[test]
    fn the_estimate_is_asked_at_most_once_a_minute() {
        assert!(estimate_due(None, 0), "the first write asks");
        assert!(!estimate_due(Some(1_000), 1_000 + ESTIMATE_EVERY_MS - 1));
        assert!(estimate_due(Some(1_000), 1_000 + ESTIMATE_EVERY_MS));
    }

    #[test]
    fn over_the_byte_budget_the_oldest_tenth_goes() {
        assert_eq!(keep_within(10_000, 26e6, 25e6), Some(9_000));
        assert_eq!(keep_within(5, 26e6, 25e6), Some(4));
        assert_eq!(keep_within(10_000, 24e6, 25e6), None);
        assert_eq!(keep_within(0, 26e6, 25e6), None);
    }
}
