//! The comment log: the single writer and sequencer of the stream, run inside one
//! SQLite-backed Durable Object (`cloudflare/object.rs`).
//!
//! Every accepted comment gets the next sequence number in the same statement that stores it;
//! the stream's order is that sequence, so a reader who sends back `s<n>` gets exactly the
//! comments numbered above `n`, with no clock and no settle window in the rule. The newest
//! [`TAIL_CAP`] comments stay in memory: polls read no storage rows, and older history is read
//! through the store's in-memory index, only the rows returned; the oldest history is in the
//! archive ([`archive`]). The logic is plain Rust over [`LogStore`], tested natively on
//! [`MemoryStore`].

pub mod archive;
pub mod command;
pub mod import;
pub mod index;
pub mod live;
pub mod memory;
pub mod moderation;
pub mod store;
pub mod tail;
pub mod takedown;

pub use memory::MemoryStore;
pub use moderation::{ActError, Acted, Change};
pub use store::{Direction, Entry, Filter, LogStore, Removal, StoreError, Usage};
pub use tail::TAIL_CAP;

/// A read answers about this many bytes of comments at most: a thousand comments carrying
/// 48 KiB of context each would be 50 MB in an object of 128 MB.
pub const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

use saywhatwant_wire::{
    Comment, CommentsPage, CommentsQuery, Cursor, NewComment, Order, Patch, Source,
};

use saywhatwant_wire::moderation::Refusal;

use moderation::Moderation;
use tail::Tail;

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A sequence cursor past the newest comment: it came from another log (a reset one).
    #[error("the cursor s{cursor} is ahead of the log, which ends at s{head}")]
    CursorAhead { cursor: u64, head: u64 },
    /// A read below the hot rows reached [`Log::read`] instead of [`Log::read_archived`].
    #[error("the comments after s{0} are in the archive: plan the read first")]
    InArchive(u64),
}

pub enum Appended {
    Created(Entry),
    /// The id was stored before: the stored comment, unchanged.
    Existing(Entry),
    /// The operator's rules refuse it (a ban, a blocked word or link, slow mode).
    Refused(Refusal),
}

pub struct Log<S> {
    store: S,
    /// The newest seq (0: empty) and its timestamp.
    head: u64,
    last_ts: u64,
    /// Loaded on the first read after the object starts; appends keep it current.
    tail: Option<Tail>,
    tail_cap: usize,
    /// The operator's rules, bans, reports and audit (one meta row, read at open).
    moderation: Moderation,
    /// The newest removals (`id`, `at_head`), newest first, read on first use.
    removals: Option<Vec<(String, u64)>>,
}

impl<S: LogStore> Log<S> {
    /// Opens the log over its storage: the newest row and the moderation state.
    pub fn open(store: S) -> Result<Self, StoreError> {
        Self::with_tail_cap(store, TAIL_CAP)
    }

    pub fn with_tail_cap(store: S, tail_cap: usize) -> Result<Self, StoreError> {
        let (head, last_ts) = store.head()?.unwrap_or((0, 0));
        let moderation = Moderation::load(&store)?;
        Ok(Log {
            store,
            head,
            last_ts,
            tail: None,
            tail_cap,
            moderation,
            removals: None,
        })
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    /// The number of comments: every seq given, less those taken down or pruned.
    pub fn total(&self) -> u64 {
        let m = &self.moderation;
        self.head.saturating_sub(m.removed + m.pruned)
    }

    pub fn head(&self) -> u64 {
        self.head
    }

    /// The in-memory tail, read from storage once (the newest `tail_cap` rows).
    fn tail(&mut self) -> Result<&Tail, StoreError> {
        if self.tail.is_none() {
            // In pages, newest first, stopping at the byte cap: 2 000 rows of heavy
            // comments read at once would not fit the object's memory.
            const PAGE: usize = 250;
            let mut newest: Vec<Entry> = Vec::new();
            let mut bytes = 0;
            let mut before = u64::MAX;
            let mut whole = false;
            while newest.len() < self.tail_cap && bytes <= tail::TAIL_BYTES_CAP {
                let want = PAGE.min(self.tail_cap - newest.len());
                let page = self.store.range(
                    &Filter::default(),
                    0,
                    before,
                    Direction::NewestFirst,
                    want,
                )?;
                let Some(oldest) = page.last() else {
                    whole = true;
                    break;
                };
                before = oldest.seq;
                let full = page.len() == want;
                bytes += page.iter().map(tail::weight).sum::<usize>();
                newest.extend(page);
                if !full {
                    whole = true;
                    break;
                }
            }
            newest.reverse();
            // "Whole" means storage holds nothing older, which the archive does not change:
            // reads below the hot rows are planned apart (`archive.rs`).
            self.tail = Some(Tail::new(self.tail_cap, newest, whole));
        }
        Ok(self.tail.get_or_insert_with(Tail::default))
    }

    /// The lowest seq storage need not be asked about: the tail's first, or 1 when the tail
    /// is the whole log.
    fn tail_floor(&mut self) -> Result<u64, StoreError> {
        let head = self.head;
        let tail = self.tail()?;
        Ok(if tail.is_whole() {
            1
        } else {
            tail.first_seq().unwrap_or(head + 1)
        })
    }

    /// Whether the tail is loaded (for tests and the object's memory report).
    pub fn tail_len(&self) -> Option<usize> {
        self.tail.as_ref().map(Tail::len)
    }

    /// About how many bytes the in-memory tail holds (`None` before it is loaded).
    pub fn tail_bytes(&self) -> Option<usize> {
        self.tail.as_ref().map(Tail::bytes)
    }

    fn find(&self, id: &str) -> Result<Option<Entry>, StoreError> {
        if let Some(tail) = &self.tail {
            if let Some(e) = tail.by_id(id) {
                return Ok(Some(e.clone()));
            }
            // The whole log is in memory: no need to ask storage.
            if tail.is_whole() {
                return Ok(None);
            }
        }
        self.store.by_id(id)
    }

    fn commit(&mut self, comment: Comment, network: Option<&str>) -> Result<Entry, StoreError> {
        let entry = Entry {
            seq: self.head + 1,
            comment,
        };
        self.store.insert(&entry, network)?;
        self.head = entry.seq;
        self.last_ts = entry.comment.timestamp;
        if let Some(tail) = &mut self.tail {
            tail.push(entry.clone());
        }
        Ok(entry)
    }

    /// Stores a comment, idempotent by id: one indexed lookup and one insert.
    ///
    /// The timestamp is taken here, at commit, and made strictly greater than the previous
    /// one, so display order and log order agree (a burst of posts within one millisecond runs
    /// the clock ahead by at most one millisecond per post).
    pub fn append(
        &mut self,
        new: NewComment,
        generate_id: impl FnMut() -> String,
        default_domain: &str,
        now: u64,
    ) -> Result<Appended, StoreError> {
        self.append_from(new, generate_id, default_domain, now, None)
    }

    /// [`Log::append`] for a post from `network` (a label; `None`: a bot), held to the
    /// operator's rules. A retry of a stored id is answered before the rules: it was accepted.
    pub fn append_from(
        &mut self,
        new: NewComment,
        mut generate_id: impl FnMut() -> String,
        default_domain: &str,
        now: u64,
        network: Option<&str>,
    ) -> Result<Appended, StoreError> {
        if let Some(id) = &new.id {
            if let Some(existing) = self.find(id)? {
                return Ok(Appended::Existing(existing));
            }
        }
        if let Some(net) = network {
            if let Err(refusal) = self.moderation.admit(&new, net, now) {
                return Ok(Appended::Refused(refusal));
            }
        }
        let id = match &new.id {
            Some(id) => id.clone(),
            // A generated id that happens to exist is drawn again, never mistaken for a retry.
            None => loop {
                let id = generate_id();
                if self.find(&id)?.is_none() {
                    break id;
                }
            },
        };
        let timestamp = now.max(self.last_ts + 1);
        let comment = new.into_comment(id, timestamp, default_domain);
        let entry = self.commit(comment, network)?;
        if let Some(net) = network {
            self.moderation.posted(net, now);
        }
        Ok(Appended::Created(entry))
    }

    /// Sets `botParams.processed`: one lookup and one row written. `None` when no comment has
    /// that id.
    pub fn patch(&mut self, id: &str, patch: Patch) -> Result<Option<Entry>, StoreError> {
        match self.find(id)? {
            Some(entry) => self.set_processed(entry, patch.processed).map(Some),
            None => Ok(None),
        }
    }

    /// Marks the comment `id` processed because a bot answered it, when it awaits a bot; `None`
    /// (nothing written) when there is no such comment or it awaits none.
    pub fn mark_answered(&mut self, id: &str) -> Result<Option<Entry>, StoreError> {
        match self.find(id)?.filter(|e| e.comment.awaits_bot()) {
            Some(entry) => self.set_processed(entry, true).map(Some),
            None => Ok(None),
        }
    }

    fn set_processed(&mut self, mut entry: Entry, processed: bool) -> Result<Entry, StoreError> {
        entry
            .comment
            .bot_params
            .get_or_insert_with(Default::default)
            .processed = Some(processed);
        self.store.update(&entry)?;
        if let Some(tail) = &mut self.tail {
            tail.update(&entry);
        }
        Ok(entry)
    }

    /// The seq a cursor stands at: everything numbered above it is new to its holder.
    pub fn position(&mut self, cursor: &Cursor) -> Result<u64, LogError> {
        let (ts, strict) = match cursor {
            Cursor::Seq(n) if *n > self.head => {
                return Err(LogError::CursorAhead {
                    cursor: *n,
                    head: self.head,
                })
            }
            Cursor::Seq(n) => return Ok(*n),
            Cursor::Time {
                timestamp,
                id: Some(id),
            } => match self.find(id)? {
                Some(e) => return Ok(e.seq),
                // Its comment is not in this log: everything from that millisecond on is new
                // (a repeat the page merges by id rather than a comment skipped).
                None => (*timestamp, true),
            },
            Cursor::Time {
                timestamp,
                id: None,
            } => (*timestamp, false),
        };
        if ts >= self.last_ts && !(strict && ts == self.last_ts) {
            return Ok(self.head);
        }
        if let Some(seq) = self.tail()?.last_stamped(ts, strict) {
            return Ok(seq);
        }
        Ok(self.store.last_stamped(ts, strict)?)
    }

    /// Answers `GET /api/comments` from the log: at most `limit` comments and about
    /// [`MAX_PAGE_BYTES`] of them; past either, `hasMore` and the cursor page on.
    pub fn read(&mut self, q: &CommentsQuery) -> Result<CommentsPage, LogError> {
        let filter = Filter::of(q);
        let want = q.limit + 1;
        let mut budget = Budget::new(MAX_PAGE_BYTES);
        let mut from = None;
        let (mut entries, cursor) = match &q.after {
            Some(after) => {
                let mut after = self.position(after)?;
                if !self.is_hot(after)? {
                    if !self.store.archived_after(after, 1)?.is_empty() {
                        return Err(LogError::InArchive(after));
                    }
                    // Retention deleted what the archive held past this cursor.
                    after = self.store.hot_floor()? - 1;
                }
                from = Some(after);
                let found = self.after_within(after, &filter, want, &mut budget)?;
                let cursor = if budget.hit {
                    found.last().map_or(after, |e| e.seq)
                } else if found.len() > q.limit {
                    // More remain: resume right after the last one returned.
                    q.limit.checked_sub(1).map_or(after, |i| found[i].seq)
                } else {
                    // Everything up to the head was looked at, filtered or not.
                    self.head
                };
                (found, cursor)
            }
            None => {
                let mut found = self.newest_within(&filter, want, &mut budget)?;
                found.reverse();
                (found, self.head)
            }
        };
        // A filter rarer than the hot rows may still match in the archive.
        let archived = q.after.is_none() && self.store.hot_floor()? > 1;
        let has_more = entries.len() > q.limit || budget.hit || archived;
        match q.after {
            Some(_) => entries.truncate(q.limit),
            None => {
                entries.drain(..entries.len() - q.limit.min(entries.len()));
            }
        }
        let mut comments: Vec<Comment> = entries.into_iter().map(|e| e.comment).collect();
        if q.order == Order::Desc {
            comments.reverse();
        }
        let removed = match from {
            Some(from) => self.removed_since(from)?,
            None => self.recent_removals()?,
        };
        Ok(CommentsPage {
            comments,
            has_more,
            cursor: Some(Cursor::Seq(cursor).to_string()),
            source: Source::Fresh,
            removed,
        })
    }

    /// Entries after `after` passing `filter`, oldest first, at most `limit`: storage only for
    /// the part older than the tail.
    pub fn after(
        &mut self,
        after: u64,
        filter: &Filter,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        self.after_within(after, filter, limit, &mut Budget::new(usize::MAX))
    }

    /// [`Log::after`], stopping once `budget` is spent (storage is read in small pages, so
    /// no more is held than the answer keeps).
    pub fn after_within(
        &mut self,
        after: u64,
        filter: &Filter,
        limit: usize,
        budget: &mut Budget,
    ) -> Result<Vec<Entry>, StoreError> {
        let tail_first = self.tail_floor()?;
        let mut found = Vec::new();
        let mut cursor = after;
        while cursor + 1 < tail_first && found.len() < limit && !budget.hit {
            let want = (limit - found.len()).min(STORAGE_PAGE);
            let page =
                self.store
                    .range(filter, cursor, tail_first, Direction::OldestFirst, want)?;
            let full = page.len() == want;
            let Some(last) = page.last().map(|e| e.seq) else {
                break;
            };
            cursor = last;
            budget.fill(&mut found, page);
            if !full {
                break;
            }
        }
        if found.len() < limit && !budget.hit {
            let rest = limit - found.len();
            let tail = self.tail()?;
            budget.fill(
                &mut found,
                tail.after_iter(after, filter).take(rest).cloned(),
            );
        }
        Ok(found)
    }

    /// The newest entries, newest first, at most `limit`.
    pub fn newest_entries(&mut self, limit: usize) -> Result<Vec<Entry>, StoreError> {
        self.newest_within(&Filter::default(), limit, &mut Budget::new(usize::MAX))
    }

    /// The newest entries passing `filter`, newest first, at most `limit` and `budget`.
    pub fn newest_within(
        &mut self,
        filter: &Filter,
        limit: usize,
        budget: &mut Budget,
    ) -> Result<Vec<Entry>, StoreError> {
        let mut found = Vec::new();
        budget.fill(
            &mut found,
            self.tail()?.newest_iter(filter).take(limit).cloned(),
        );
        let mut before = self.tail_floor()?;
        while found.len() < limit && before > 1 && !budget.hit {
            let want = (limit - found.len()).min(STORAGE_PAGE);
            let page = self
                .store
                .range(filter, 0, before, Direction::NewestFirst, want)?;
            let full = page.len() == want;
            let Some(oldest) = page.last().map(|e| e.seq) else {
                break;
            };
            before = oldest;
            budget.fill(&mut found, page);
            if !full {
                break;
            }
        }
        Ok(found)
    }
}

/// Storage rows read per statement when a read may stop on its byte budget.
const STORAGE_PAGE: usize = 100;

/// Bytes a read may still hold. The first entry is always taken, so a page is never empty
/// while comments remain.
pub struct Budget {
    left: usize,
    /// An entry did not fit: the answer stops short of its limit.
    pub hit: bool,
}

impl Budget {
    pub fn new(bytes: usize) -> Self {
        Budget {
            left: bytes,
            hit: false,
        }
    }

    fn fill(&mut self, into: &mut Vec<Entry>, from: impl IntoIterator<Item = Entry>) {
        for e in from {
            let w = tail::weight(&e);
            if w > self.left && !into.is_empty() {
                self.hit = true;
                return;
            }
            self.left = self.left.saturating_sub(w);
            into.push(e);
        }
    }
}

#[cfg(test)]
mod tests;
