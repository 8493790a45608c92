//! Walks comment keys from the newest down, one list call (up to 1000 keys) at a time.

use saywhatwant_api::kv::{KvError, ListKey, MAX_LIST_LIMIT};

use super::keys::{timestamp_of, COMMENT_PREFIX};
use super::PagedKv;

/// How long a comment must have been stored before a read may pass over it.
///
/// The worker stamps a comment's time just before writing it, so a write can still be in flight
/// while a reader lists; if the reader's cursor moved past that comment's position it would
/// never be delivered. Holding back the last 250 ms of the stream closes that window; it costs
/// a poll at most a quarter second of latency.
pub const SETTLE_MS: u64 = 250;

#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error(transparent)]
    Kv(#[from] KvError),
    #[error("walked {0} pages without reaching the end")]
    TooFar(usize),
}

pub struct NewestFirst<'a, K> {
    kv: &'a K,
    cursor: Option<String>,
    done: bool,
    pages: usize,
    max_pages: usize,
    /// Keys newer than this (unsettled) are skipped.
    settled_until: u64,
}

impl<'a, K: PagedKv> NewestFirst<'a, K> {
    pub fn new(kv: &'a K, now: u64, max_pages: usize) -> Self {
        NewestFirst {
            kv,
            cursor: None,
            done: false,
            pages: 0,
            max_pages,
            settled_until: watermark(now),
        }
    }

    /// The newest timestamp this walk has treated as complete (for the answer's cursor).
    pub fn settled_until(&self) -> u64 {
        self.settled_until
    }

    /// The next page of settled comment keys, newest first; `None` at the end of the store.
    /// A page may be empty while more follow.
    pub async fn next_page(&mut self) -> Result<Option<Vec<ListKey>>, WalkError> {
        if self.done {
            return Ok(None);
        }
        if self.pages == self.max_pages {
            return Err(WalkError::TooFar(self.pages));
        }
        let (page, as_of) = self
            .kv
            .list_page(COMMENT_PREFIX, MAX_LIST_LIMIT, self.cursor.as_deref())
            .await?;
        self.pages += 1;
        // A page from the edge cache shows the store as it was then: only what had settled by
        // then may be passed over.
        if let Some(as_of) = as_of {
            self.settled_until = self.settled_until.min(watermark(as_of));
        }
        self.done = page.complete;
        self.cursor = page.cursor;
        let settled_until = self.settled_until;
        Ok(Some(
            page.keys
                .into_iter()
                .filter(|k| timestamp_of(&k.name).is_some_and(|ts| ts <= settled_until))
                .collect(),
        ))
    }
}

/// The newest timestamp a read may treat as complete.
pub fn watermark(now: u64) -> u64 {
    now.saturating_sub(SETTLE_MS)
}
