//! History out of the one object (issue 16): the log keeps its newest comments ("hot", at least
//! [`DEFAULT_HOT_COMMENTS`]) in its SQLite, and moves older ones to an archive, a block of
//! [`BLOCK`] consecutive seqs at a time, so the object stays far below its 10 GB.
//!
//! The hot rows live in one table per block (`seg_<n>` in `cloudflare/sql.rs`): moving a block
//! out is a `DROP TABLE`, which SQLite bills as no row written, where deleting the rows would
//! bill one each. The archive is an R2 bucket holding each block as one JSON object
//! (`cloudflare/archive.rs`); the log remembers each block in one small row
//! ([`BlockRef`]) so a read knows which object to fetch without listing the bucket.
//!
//! A read whose cursor is below the hot rows reads at most [`BLOCKS_PER_READ`] blocks and
//! answers what they hold with `hasMore`, its cursor at the last block read: bounded work,
//! however old the cursor.

use saywhatwant_wire::{Comment, CommentsPage, CommentsQuery, Cursor, Order, Source};
use serde::{Deserialize, Serialize};

use super::{Budget, Entry, Filter, Log, LogError, LogStore, StoreError, MAX_PAGE_BYTES};

/// Seqs per block: per hot table and per archived object.
pub const BLOCK: u64 = 1000;

/// How many of the newest seqs stay in the object's SQLite unless the operator's `HOT_COMMENTS`
/// says otherwise: about 25 MB at 500 bytes a comment, and the rows the in-memory index is
/// rebuilt from when the object wakes.
pub const DEFAULT_HOT_COMMENTS: u64 = 50_000;

/// Blocks one read may fetch from the archive.
pub const BLOCKS_PER_READ: usize = 2;

/// The block holding `seq` (seqs start at 1).
pub fn block_of(seq: u64) -> u64 {
    seq.saturating_sub(1) / BLOCK
}

/// The last seq block `n` can hold.
pub fn block_end(n: u64) -> u64 {
    (n + 1) * BLOCK
}

/// An archived block as the log remembers it (one row of its `archive` table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockRef {
    pub block: u64,
    /// Comments it holds (taken-down ones are not archived).
    pub count: u64,
    /// The first and last timestamps in it (0 when empty), for legacy time cursors.
    pub first_ts: u64,
    pub last_ts: u64,
}

/// One archived block as stored: its comments in seq order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub block: u64,
    pub entries: Vec<Archived>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Archived {
    pub seq: u64,
    pub comment: Comment,
}

impl Block {
    pub fn new(block: u64, entries: Vec<Entry>) -> Self {
        Block {
            block,
            entries: entries
                .into_iter()
                .map(|e| Archived {
                    seq: e.seq,
                    comment: e.comment,
                })
                .collect(),
        }
    }

    pub fn summary(&self) -> BlockRef {
        let ts = |a: Option<&Archived>| a.map_or(0, |a| a.comment.timestamp);
        BlockRef {
            block: self.block,
            count: self.entries.len() as u64,
            first_ts: ts(self.entries.first()),
            last_ts: ts(self.entries.last()),
        }
    }
}

/// The object key of block `n` (zero-padded, so a listing is in seq order).
pub fn key(n: u64) -> String {
    format!("comments/{n:010}.json")
}

/// What a read needs before the log can answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The hot rows (and memory) answer it.
    Hot,
    /// Its cursor stands at `from`, below the hot rows: these blocks first.
    Archive { from: u64, blocks: Vec<BlockRef> },
}

impl<S: LogStore> Log<S> {
    /// Whether everything after `after` is in the hot rows.
    pub fn is_hot(&self, after: u64) -> Result<bool, StoreError> {
        Ok(after + 1 >= self.store.hot_floor()?)
    }

    /// Which part of the log answers `q`.
    pub fn plan(&mut self, q: &CommentsQuery) -> Result<Plan, LogError> {
        let Some(after) = &q.after else {
            return Ok(Plan::Hot);
        };
        let from = self.position(after)?;
        if self.is_hot(from)? {
            return Ok(Plan::Hot);
        }
        let blocks = self.store.archived_after(from, BLOCKS_PER_READ)?;
        Ok(if blocks.is_empty() {
            Plan::Hot
        } else {
            Plan::Archive { from, blocks }
        })
    }

    /// Answers a read planned as [`Plan::Archive`] from the blocks it fetched (in block
    /// order): the matching comments after `from`, at most `q.limit`, and `hasMore` so the
    /// reader comes straight back for the rest.
    pub fn read_archived(
        &mut self,
        q: &CommentsQuery,
        from: u64,
        blocks: Vec<Block>,
    ) -> Result<CommentsPage, LogError> {
        let filter = Filter::of(q);
        let last_block = blocks.last().map(|b| b.block);
        let mut budget = Budget::new(MAX_PAGE_BYTES);
        let mut found = Vec::new();
        let matching = blocks
            .into_iter()
            .flat_map(|b| b.entries)
            .filter(|a| a.seq > from && filter.matches(&a.comment))
            .map(|a| Entry {
                seq: a.seq,
                comment: a.comment,
            })
            .take(q.limit + 1);
        budget.fill(&mut found, matching);
        let cursor = if budget.hit || found.len() > q.limit {
            found.truncate(q.limit.max(1).min(found.len()));
            found.last().map_or(from, |e| e.seq)
        } else {
            // Every block read was looked at: the next read starts after the last of them.
            last_block.map_or(from, block_end).min(self.head)
        };
        found.truncate(q.limit);
        let mut comments: Vec<Comment> = found.into_iter().map(|e| e.comment).collect();
        if q.order == Order::Desc {
            comments.reverse();
        }
        Ok(CommentsPage {
            comments,
            has_more: cursor < self.head,
            cursor: Some(Cursor::Seq(cursor).to_string()),
            source: Source::Fresh,
            removed: self.removed_since(from)?,
        })
    }

    /// Archived blocks wholly older than the operator's retention rule keeps, oldest first,
    /// at most `limit`: to delete from the bucket, then [`Log::forget_blocks`].
    pub fn expired_blocks(&mut self, limit: usize) -> Result<Vec<BlockRef>, StoreError> {
        let keep = self.moderation()?.rules.keep_comments;
        let before = self.head.saturating_sub(keep) + 1;
        Ok(self
            .store
            .archived_after(0, limit)?
            .into_iter()
            .take_while(|b| block_end(b.block) < before)
            .collect())
    }

    /// The bucket no longer holds these blocks.
    pub fn forget_blocks(&mut self, blocks: &[BlockRef]) -> Result<(), StoreError> {
        for b in blocks {
            self.store.forget_block(b.block)?;
            self.moderation()?.pruned += b.count;
        }
        if !blocks.is_empty() {
            self.save_moderation()?;
        }
        Ok(())
    }

    /// The oldest hot block when the hot rows hold more than `hot` seqs past it: its
    /// comments, to be written to the archive before [`Log::archived`] drops them.
    pub fn archive_due(&mut self, hot: u64) -> Result<Option<Block>, StoreError> {
        let Some(n) = self.store.oldest_block()? else {
            return Ok(None);
        };
        if self.head < block_end(n) + hot.max(BLOCK) {
            return Ok(None);
        }
        Ok(Some(Block::new(n, self.store.block_entries(n)?)))
    }

    /// The block is safely in the archive: out of the hot rows and out of memory. `false`
    /// (nothing dropped) when its rows changed while it was being written (a takedown or a
    /// PATCH in between): the next attempt writes it again.
    pub fn archived(&mut self, block: &Block) -> Result<bool, StoreError> {
        if Block::new(block.block, self.store.block_entries(block.block)?) != *block {
            return Ok(false);
        }
        self.store.archive_block(&block.summary())?;
        if let Some(tail) = &mut self.tail {
            tail.drop_before(block_end(block.block) + 1);
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests;
