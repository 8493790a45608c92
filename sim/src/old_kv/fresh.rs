//! Fresh reads: answers from the individual comment keys (the source of truth).
//!
//! Cost: a poll that finds at most 1000 new comments is one list call, plus a `get` only for a
//! comment too large to ride in list metadata, whatever the size of the history.

use saywhatwant_api::kv::{Kv, KvError, ListKey};
use saywhatwant_wire::{Comment, CommentsPage, Order, Source};

// Aliased so the code below reads as it did in the worker.
use super::cursor::{OldCursor as Cursor, OldQuery};
use super::keys::cursor_key;
use super::records;
use super::walk::{NewestFirst, WalkError};
use super::PagedKv;

/// A cursor further behind than this many list pages (1000 comments each) is refused with
/// `cursor_expired` instead of breaking Workers' 1000-operations-per-request limit.
pub const MAX_BACKLOG_PAGES: usize = 20;
/// How far a read without a cursor looks for `limit` matching comments.
pub const MAX_SCAN_PAGES: usize = 20;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Kv(#[from] KvError),
    #[error("the cursor is more than {} comments behind", MAX_BACKLOG_PAGES * 1000)]
    CursorExpired,
}

pub async fn read<K: PagedKv>(kv: &K, q: &OldQuery, now: u64) -> Result<CommentsPage, ReadError> {
    let (comments, has_more, cursor) = match &q.after {
        Some(after) => newer_than(kv, q, after, now).await?,
        None => newest(kv, q, now).await?,
    };
    Ok(page(
        comments,
        has_more,
        Some(cursor),
        q.order,
        Source::Fresh,
    ))
}

/// Builds an answer from comments in chronological order.
pub fn page(
    mut comments: Vec<Comment>,
    has_more: bool,
    cursor: Option<Cursor>,
    order: Order,
    source: Source,
) -> CommentsPage {
    if order == Order::Desc {
        comments.reverse();
    }
    CommentsPage {
        comments,
        has_more,
        cursor: cursor.map(|c| c.to_string()),
        source,
        removed: Vec::new(),
    }
}

/// The cursor for an answer that delivered everything settled after `after`: the watermark
/// `w`, unless the client's cursor is already beyond it.
pub fn caught_up(after: &Cursor, w: u64) -> Cursor {
    if after.timestamp > w {
        after.clone()
    } else {
        Cursor::timestamp(w)
    }
}

/// The oldest `limit` matching comments newer than `after`, chronological.
async fn newer_than<K: PagedKv>(
    kv: &K,
    q: &OldQuery,
    after: &Cursor,
    now: u64,
) -> Result<(Vec<Comment>, bool, Cursor), ReadError> {
    let boundary = cursor_key(after);
    let mut walk = NewestFirst::new(kv, now, MAX_BACKLOG_PAGES);
    let mut newer: Vec<ListKey> = Vec::new();
    'walk: while let Some(page) = walk.next_page().await.map_err(expired)? {
        for key in page {
            if key.name >= boundary {
                break 'walk;
            }
            newer.push(key);
        }
    }
    newer.reverse();
    let mut m = Matcher::new(q, q.limit + 1);
    m.feed(kv, &newer).await?;
    let (comments, has_more) = m.finish(q.limit);
    let cursor = match (has_more, comments.last()) {
        (true, Some(last)) => Cursor::at(last),
        (true, None) => after.clone(),
        (false, _) => caught_up(after, walk.settled_until()),
    };
    Ok((comments, has_more, cursor))
}

/// The newest `limit` matching comments, chronological.
async fn newest<K: PagedKv>(
    kv: &K,
    q: &OldQuery,
    now: u64,
) -> Result<(Vec<Comment>, bool, Cursor), ReadError> {
    let mut walk = NewestFirst::new(kv, now, MAX_SCAN_PAGES);
    let mut m = Matcher::new(q, q.limit + 1);
    let mut exhausted = true;
    while !m.full() {
        match walk.next_page().await {
            Ok(Some(page)) => m.feed(kv, &page).await?,
            Ok(None) => break,
            // Looked far enough for a rare filter: say older ones may exist.
            Err(WalkError::TooFar(_)) => {
                exhausted = false;
                break;
            }
            Err(WalkError::Kv(e)) => return Err(e.into()),
        }
    }
    let (mut comments, has_more) = m.finish(q.limit);
    comments.reverse();
    Ok((
        comments,
        has_more || !exhausted,
        Cursor::timestamp(walk.settled_until()),
    ))
}

fn expired(e: WalkError) -> ReadError {
    match e {
        WalkError::Kv(e) => ReadError::Kv(e),
        WalkError::TooFar(_) => ReadError::CursorExpired,
    }
}

/// Collects up to `want` comments that pass the query's filters, resolving only as many keys
/// as it still needs so a filtered read does not `get` what it will not return.
pub struct Matcher<'q> {
    q: &'q OldQuery,
    want: usize,
    found: Vec<Comment>,
}

impl<'q> Matcher<'q> {
    pub fn new(q: &'q OldQuery, want: usize) -> Self {
        Matcher {
            q,
            want,
            found: Vec::new(),
        }
    }

    pub fn full(&self) -> bool {
        self.found.len() >= self.want
    }

    pub async fn feed<K: Kv>(&mut self, kv: &K, mut keys: &[ListKey]) -> Result<(), KvError> {
        while !self.full() && !keys.is_empty() {
            let (chunk, rest) = keys.split_at((self.want - self.found.len()).min(keys.len()));
            keys = rest;
            for c in records::resolve(kv, chunk).await? {
                if self.q.matches(&c) && !self.full() {
                    self.found.push(c);
                }
            }
        }
        Ok(())
    }

    /// The first `limit` found, and whether there were more.
    pub fn finish(mut self, limit: usize) -> (Vec<Comment>, bool) {
        let more = self.found.len() > limit;
        self.found.truncate(limit);
        (self.found, more)
    }
}
