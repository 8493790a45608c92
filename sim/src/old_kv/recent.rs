//! The `recent:comments` view: the newest comments and the total count, derived from the
//! comment keys and rebuilt whole, never patched.
//!
//! POST never touches it, so racing posts cannot overwrite each other's entry. Reads rebuild it
//! when it is older than [`REFRESH_AFTER_MS`] (in the background) or [`MAX_AGE_MS`] (before
//! answering), so its write rate depends on time, not on traffic: one write per refresh period
//! per isolate at most, far under KV's one write per second per key even at 1000 posts a minute.
//! A write KV refuses for that limit is dropped: the view is derived, so that costs freshness,
//! never a comment.

use saywhatwant_wire::{Comment, CommentsPage, CommentsQuery, Cursor, Source};
use serde::{Deserialize, Serialize};

use crate::fresh::{caught_up, page, Matcher};
use crate::keys::RECENT_KEY;
use crate::kv::{Kv, KvError};
use crate::walk::{NewestFirst, WalkError};

/// Comments kept in the view: the bulk load's window.
pub const RECENT_SIZE: usize = 500;
pub const REFRESH_AFTER_MS: u64 = 10_000;
/// Older than this, a read rebuilds before answering (KV may add up to 60 s of its own).
pub const MAX_AGE_MS: u64 = 30_000;
/// A first build walks the whole history once to count it; this bounds that walk.
const MAX_BOOTSTRAP_PAGES: usize = 900;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentView {
    pub built_at: u64,
    /// Every settled comment up to this timestamp is accounted for.
    pub watermark: u64,
    pub total: u64,
    /// The newest key counted in `total`; the next build counts only keys newer than it.
    pub newest_key: Option<String>,
    /// Chronological, at most [`RECENT_SIZE`].
    pub comments: Vec<Comment>,
}

pub enum Age {
    Fresh,
    /// Serve it, and rebuild in the background.
    Stale,
    /// Rebuild before answering.
    Expired,
}

impl RecentView {
    pub fn age(&self, now: u64) -> Age {
        let age = now.saturating_sub(self.built_at);
        if age >= MAX_AGE_MS {
            Age::Expired
        } else if age >= REFRESH_AFTER_MS {
            Age::Stale
        } else {
            Age::Fresh
        }
    }

    /// Whether the view holds every comment newer than `after`.
    fn covers(&self, after: &Cursor) -> bool {
        self.total as usize == self.comments.len()
            || self
                .comments
                .first()
                .is_some_and(|oldest| !after.is_before(oldest))
    }

    /// Answers a query from the view, or `None` when the view cannot (too large a `limit`, or a
    /// cursor older than the view's window): the caller then reads fresh.
    pub fn answer(&self, q: &CommentsQuery) -> Option<CommentsPage> {
        if q.limit > RECENT_SIZE {
            return None;
        }
        let matching = self.comments.iter().filter(|c| q.matches(c));
        let (comments, has_more, cursor) = match &q.after {
            None => {
                let all: Vec<&Comment> = matching.collect();
                let older_exist =
                    all.len() > q.limit || (self.total as usize) > self.comments.len();
                let newest = all[all.len().saturating_sub(q.limit)..]
                    .iter()
                    .map(|c| (*c).clone())
                    .collect();
                (newest, older_exist, Cursor::timestamp(self.watermark))
            }
            Some(after) if self.covers(after) => {
                let mut newer: Vec<Comment> = matching
                    .filter(|c| after.is_before(c))
                    .take(q.limit + 1)
                    .cloned()
                    .collect();
                let has_more = newer.len() > q.limit;
                newer.truncate(q.limit);
                let cursor = match (has_more, newer.last()) {
                    (true, Some(last)) => Cursor::at(last),
                    (true, None) => after.clone(),
                    // The view's own watermark, not the clock: the view may be seconds old.
                    (false, _) => caught_up(after, self.watermark),
                };
                (newer, has_more, cursor)
            }
            Some(_) => return None,
        };
        Some(page(
            comments,
            has_more,
            Some(cursor),
            q.order,
            Source::Cache,
        ))
    }
}

/// The stored view, or `None` when it is missing or unreadable (then it is rebuilt).
pub async fn load<K: Kv>(kv: &K) -> Result<Option<RecentView>, KvError> {
    Ok(kv
        .get(RECENT_KEY)
        .await?
        .and_then(|v| serde_json::from_str(&v).ok()))
}

pub async fn store<K: Kv>(kv: &K, view: &RecentView) -> Result<(), KvError> {
    let value =
        serde_json::to_string(view).map_err(|e| KvError(format!("encoding the view: {e}")))?;
    kv.put(RECENT_KEY, &value, None).await
}

/// Builds the view from the comment keys. With a previous view it counts only the keys newer
/// than that view's newest, so its cost follows the posts since then, not the history.
pub async fn rebuild<K: Kv>(
    kv: &K,
    prev: Option<&RecentView>,
    now: u64,
) -> Result<RecentView, KvError> {
    let all = CommentsQuery::default();
    let mut newest = Matcher::new(&all, RECENT_SIZE);
    let mut walk = NewestFirst::new(kv, now, MAX_BOOTSTRAP_PAGES);
    let stop_at = prev.and_then(|p| p.newest_key.clone());
    let mut counted: u64 = 0;
    let mut newest_key = None;
    'walk: loop {
        let page = match walk.next_page().await {
            Ok(Some(page)) => page,
            Ok(None) | Err(WalkError::TooFar(_)) => break,
            Err(WalkError::Kv(e)) => return Err(e),
        };
        if newest_key.is_none() {
            newest_key = page.first().map(|k| k.name.clone());
        }
        if !newest.full() {
            newest.feed(kv, &page).await?;
        }
        for key in &page {
            if stop_at.as_ref().is_some_and(|s| key.name >= *s) {
                if newest.full() {
                    break 'walk;
                }
            } else {
                counted += 1;
            }
        }
    }
    let (mut comments, _) = newest.finish(RECENT_SIZE);
    comments.reverse();
    Ok(RecentView {
        built_at: now,
        watermark: walk.settled_until(),
        total: prev.map_or(0, |p| p.total) + counted,
        newest_key: newest_key.or_else(|| stop_at.clone()),
        comments,
    })
}
