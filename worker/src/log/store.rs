//! The small storage port the log runs on: the Durable Object's SQLite in production
//! (`cloudflare/sql.rs`), [`super::memory::MemoryStore`] in unit tests and benchmarks.
//!
//! Every method is one indexed statement, so its cost is the rows it returns: the port has no
//! way to ask for a scan. The methods are synchronous because the Durable Object's SQL API is:
//! a write and the bookkeeping around it happen without yielding, so no other request of the
//! object can run in between.

use saywhatwant_wire::{Comment, CommentsQuery, MessageType};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("log storage: {0}")]
pub struct StoreError(pub String);

/// One comment at its place in the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// 1, 2, 3, … in commit order, with no gaps: the stream's order and its count.
    pub seq: u64,
    pub comment: Comment,
}

/// The `type` and `domain` filters of a read. Each has an index `(column, seq)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Filter {
    pub message_type: Option<MessageType>,
    pub domain: Option<String>,
}

impl Filter {
    pub fn of(q: &CommentsQuery) -> Self {
        Filter {
            message_type: q.message_type,
            domain: q.domain.clone(),
        }
    }

    pub fn matches(&self, c: &Comment) -> bool {
        self.message_type.is_none_or(|t| t == c.message_type)
            && self.domain.as_deref().is_none_or(|d| d == c.domain)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    OldestFirst,
    NewestFirst,
}

/// Rows read and written, as Cloudflare bills a SQLite-backed Durable Object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub rows_read: u64,
    pub rows_written: u64,
}

impl std::ops::Sub for Usage {
    type Output = Usage;
    fn sub(self, earlier: Usage) -> Usage {
        Usage {
            rows_read: self.rows_read - earlier.rows_read,
            rows_written: self.rows_written - earlier.rows_written,
        }
    }
}

pub trait LogStore {
    /// The newest entry's `(seq, timestamp)`; `None` for an empty log.
    fn head(&self) -> Result<Option<(u64, u64)>, StoreError>;
    /// Adds an entry (one statement: the row and its index entries).
    fn insert(&self, entry: &Entry) -> Result<(), StoreError>;
    /// Replaces the stored comment of `entry.seq` (its indexed columns never change).
    fn update(&self, entry: &Entry) -> Result<(), StoreError>;
    fn by_id(&self, id: &str) -> Result<Option<Entry>, StoreError>;
    /// Entries with `after < seq < before` that pass `filter`, in `direction`, at most `limit`.
    fn range(
        &self,
        filter: &Filter,
        after: u64,
        before: u64,
        direction: Direction,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError>;
    /// The seq of the newest entry stamped at or before `ts` (strictly before when `strict`);
    /// 0 when there is none.
    fn last_stamped(&self, ts: u64, strict: bool) -> Result<u64, StoreError>;
    /// What this store has read and written so far.
    fn usage(&self) -> Usage;
}

/// A log over a borrowed store (tests reopen a log on the same rows, as a woken object does).
impl<T: LogStore + ?Sized> LogStore for &T {
    fn head(&self) -> Result<Option<(u64, u64)>, StoreError> {
        (**self).head()
    }
    fn insert(&self, entry: &Entry) -> Result<(), StoreError> {
        (**self).insert(entry)
    }
    fn update(&self, entry: &Entry) -> Result<(), StoreError> {
        (**self).update(entry)
    }
    fn by_id(&self, id: &str) -> Result<Option<Entry>, StoreError> {
        (**self).by_id(id)
    }
    fn range(
        &self,
        filter: &Filter,
        after: u64,
        before: u64,
        direction: Direction,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        (**self).range(filter, after, before, direction, limit)
    }
    fn last_stamped(&self, ts: u64, strict: bool) -> Result<u64, StoreError> {
        (**self).last_stamped(ts, strict)
    }
    fn usage(&self) -> Usage {
        (**self).usage()
    }
}
