//! The signals the view reads. Only `sync` writes the data ones; the view writes the viewport
//! (where the reader is) and the draft (what they type).

use leptos::prelude::*;

use crate::draft::Outgoing;
use crate::poll::Status;
use crate::timeline::Timeline;
use crate::viewport::Viewport;

#[derive(Clone, Copy)]
pub struct StreamState {
    pub timeline: RwSignal<Timeline>,
    pub viewport: RwSignal<Viewport>,
    /// Posts not yet confirmed by the server, oldest first.
    pub outbox: RwSignal<Vec<Outgoing>>,
    pub status: RwSignal<Status>,
    /// Said once: IndexedDB is not working.
    pub notice: RwSignal<Option<&'static str>>,
    /// The clock relative times are measured against; ticks slowly.
    pub now: RwSignal<u64>,
    pub loading_older: RwSignal<bool>,
    /// Nothing older than the first row exists in this browser.
    pub history_start: RwSignal<bool>,
    /// The text being written (a failed post can be put back into it).
    pub draft: RwSignal<String>,
}

impl StreamState {
    pub fn new(now: u64, draft: String) -> Self {
        StreamState {
            timeline: RwSignal::new(Timeline::new()),
            viewport: RwSignal::new(Viewport::Following),
            outbox: RwSignal::new(Vec::new()),
            status: RwSignal::new(Status::Connecting),
            notice: RwSignal::new(None),
            now: RwSignal::new(now),
            loading_older: RwSignal::new(false),
            history_start: RwSignal::new(false),
            draft: RwSignal::new(draft),
        }
    }
}
