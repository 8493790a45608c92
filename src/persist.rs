//! Writing what arrives into IndexedDB without ever holding the page up.
//!
//! The store opens while the first request is already out; comments that arrive before it is
//! open wait in a queue. If IndexedDB is unavailable or fails, the page says so once and goes
//! on from the network alone.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use saywhatwant_wire::Comment;

use crate::store::{Store, StoreError};

pub const UNAVAILABLE: &str =
    "This browser is not keeping history (private mode or storage blocked). Live comments still work.";
pub const WRITE_FAILED: &str =
    "This browser's storage refused new comments (it may be full). Live comments still work.";

enum Slot {
    Opening(Vec<Comment>),
    Open(Rc<Store>),
    Unavailable,
}

pub struct Persist {
    slot: RefCell<Slot>,
    cap: u32,
    warned: Cell<bool>,
    warn: Box<dyn Fn(&'static str)>,
    /// Told how many comments are stored, after opening and after every write.
    counted: Box<dyn Fn(u32)>,
}

impl Persist {
    pub fn new(
        cap: u32,
        warn: impl Fn(&'static str) + 'static,
        counted: impl Fn(u32) + 'static,
    ) -> Rc<Self> {
        Rc::new(Persist {
            slot: RefCell::new(Slot::Opening(Vec::new())),
            cap,
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
        let queued = match self.slot.replace(Slot::Open(store.clone())) {
            Slot::Opening(q) => q,
            _ => Vec::new(),
        };
        self.count(&store).await;
        self.write(store.clone(), queued).await;
        Some(store)
    }

    fn is_opening(&self) -> bool {
        matches!(*self.slot.borrow(), Slot::Opening(_))
    }

    pub fn store(&self) -> Option<Rc<Store>> {
        match &*self.slot.borrow() {
            Slot::Open(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// Saves a batch (one transaction) in the background.
    pub fn save(self: &Rc<Self>, batch: Vec<Comment>) {
        if batch.is_empty() {
            return;
        }
        let store = match &mut *self.slot.borrow_mut() {
            Slot::Opening(queue) => {
                queue.extend(batch);
                return;
            }
            Slot::Unavailable => return,
            Slot::Open(s) => s.clone(),
        };
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move { this.write(store, batch).await });
    }

    async fn write(&self, store: Rc<Store>, batch: Vec<Comment>) {
        if batch.is_empty() {
            return;
        }
        if let Err(e) = store.put_all(&batch).await {
            self.warn_once(WRITE_FAILED, &e);
            return;
        }
        if self.count(&store).await > self.cap {
            match store.prune(self.cap).await {
                Ok(_) => (self.counted)(self.cap),
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
