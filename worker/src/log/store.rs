//! The small storage port the log runs on: the Durable Object's SQLite in production
//! (`cloudflare/sql.rs`), [`super::memory::MemoryStore`] in unit tests and benchmarks.
//!
//! Every method is one indexed statement, so its cost is the rows it returns: the port has no
//! way to ask for a scan. The methods are synchronous because the Durable Object's SQL API is:
//! a write and the bookkeeping around it happen without yielding, so no other request of the
//! object can run in between.

use saywhatwant_wire::{Comment, CommentsQuery, MessageType};

use super::archive::BlockRef;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("log storage: {0}")]
pub struct StoreError(pub String);

/// One comment at its place in the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// 1, 2, 3, … in commit order, never reused. Gaps are comments the operator took down or
    /// retention deleted.
    pub seq: u64,
    pub comment: Comment,
}

/// A comment the operator took down: out of every read, remembered so readers learn of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Removal {
    pub id: String,
    /// Where the comment stood (restoring gives it a new number: readers following from a
    /// cursor must get it again).
    pub seq: u64,
    /// The log's head when it was taken down: a reader whose cursor is at or before this may
    /// hold it.
    pub at_head: u64,
    pub at: u64,
    /// Hidden (kept, can be restored) or deleted (gone for good).
    pub kept: Option<Comment>,
}

/// The `type` and `domain` filters of a read (the store's in-memory index serves each, and
/// both together, reading only the rows they return).
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

impl std::ops::Add for Usage {
    type Output = Usage;
    fn add(self, more: Usage) -> Usage {
        Usage {
            rows_read: self.rows_read + more.rows_read,
            rows_written: self.rows_written + more.rows_written,
        }
    }
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
    /// The newest seq ever given and its timestamp (a taken-down comment's included, so a
    /// seq is never reused); `None` for an empty log.
    fn head(&self) -> Result<Option<(u64, u64)>, StoreError>;
    /// Adds an entry (one statement, one row), with the opaque label of
    /// the network it came from (never served; bans by author use it).
    fn insert(&self, entry: &Entry, network: Option<&str>) -> Result<(), StoreError>;
    fn network_of(&self, id: &str) -> Result<Option<String>, StoreError>;
    /// Moves an entry out of the log into the removals.
    fn take_down(&self, entry: &Entry, removal: &Removal) -> Result<(), StoreError>;
    fn removal(&self, id: &str) -> Result<Option<Removal>, StoreError>;
    /// A hidden comment back into the log at `entry.seq` (a new number, past the head), its
    /// removal forgotten.
    fn put_back(&self, entry: &Entry) -> Result<(), StoreError>;
    /// Forgets what a hidden comment said (it was deleted after being hidden).
    fn forget(&self, id: &str) -> Result<(), StoreError>;
    /// Removals with `at_head >= from`, newest first, at most `limit`.
    fn removals(&self, from: u64, limit: usize) -> Result<Vec<Removal>, StoreError>;
    /// Hidden (restorable) comments, newest taken down first.
    fn hidden(&self, limit: usize) -> Result<Vec<Entry>, StoreError>;
    /// Deletes up to `limit` of the oldest entries with `seq < before`: how many went.
    fn prune(&self, before: u64, limit: usize) -> Result<u64, StoreError>;
    /// A small named value (the moderation state).
    fn meta(&self, key: &str) -> Result<Option<String>, StoreError>;
    fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError>;
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
    /// The lowest seq the hot rows may hold: 1 past the newest archived block (1 when none is).
    fn hot_floor(&self) -> Result<u64, StoreError>;
    /// The oldest block still in the hot rows (`None` for an empty log).
    fn oldest_block(&self) -> Result<Option<u64>, StoreError>;
    /// Every entry of hot block `n`, in seq order.
    fn block_entries(&self, n: u64) -> Result<Vec<Entry>, StoreError>;
    /// Hot block `summary.block` is in the archive: drops its rows (and their networks) and
    /// remembers it.
    fn archive_block(&self, summary: &BlockRef) -> Result<(), StoreError>;
    /// Archived blocks that may hold seqs after `after`, in order, at most `limit` (blocks
    /// retention deleted are not among them).
    fn archived_after(&self, after: u64, limit: usize) -> Result<Vec<BlockRef>, StoreError>;
    /// Retention deleted archived block `n` from the bucket: its row stays, emptied, so the
    /// hot rows' floor never moves back.
    fn forget_block(&self, n: u64) -> Result<(), StoreError>;
}

/// A log over a borrowed store (tests reopen a log on the same rows, as a woken object does).
impl<T: LogStore + ?Sized> LogStore for &T {
    fn head(&self) -> Result<Option<(u64, u64)>, StoreError> {
        (**self).head()
    }
    fn insert(&self, entry: &Entry, network: Option<&str>) -> Result<(), StoreError> {
        (**self).insert(entry, network)
    }
    fn network_of(&self, id: &str) -> Result<Option<String>, StoreError> {
        (**self).network_of(id)
    }
    fn take_down(&self, entry: &Entry, removal: &Removal) -> Result<(), StoreError> {
        (**self).take_down(entry, removal)
    }
    fn removal(&self, id: &str) -> Result<Option<Removal>, StoreError> {
        (**self).removal(id)
    }
    fn put_back(&self, entry: &Entry) -> Result<(), StoreError> {
        (**self).put_back(entry)
    }
    fn forget(&self, id: &str) -> Result<(), StoreError> {
        (**self).forget(id)
    }
    fn removals(&self, from: u64, limit: usize) -> Result<Vec<Removal>, StoreError> {
        (**self).removals(from, limit)
    }
    fn hidden(&self, limit: usize) -> Result<Vec<Entry>, StoreError> {
        (**self).hidden(limit)
    }
    fn prune(&self, before: u64, limit: usize) -> Result<u64, StoreError> {
        (**self).prune(before, limit)
    }
    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        (**self).meta(key)
    }
    fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        (**self).set_meta(key, value)
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
    fn hot_floor(&self) -> Result<u64, StoreError> {
        (**self).hot_floor()
    }
    fn oldest_block(&self) -> Result<Option<u64>, StoreError> {
        (**self).oldest_block()
    }
    fn block_entries(&self, n: u64) -> Result<Vec<Entry>, StoreError> {
        (**self).block_entries(n)
    }
    fn archive_block(&self, summary: &BlockRef) -> Result<(), StoreError> {
        (**self).archive_block(summary)
    }
    fn archived_after(&self, after: u64, limit: usize) -> Result<Vec<BlockRef>, StoreError> {
        (**self).archived_after(after, limit)
    }
    fn forget_block(&self, n: u64) -> Result<(), StoreError> {
        (**self).forget_block(n)
    }
}
