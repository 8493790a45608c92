//! The recent view: the newest comments as one Workers KV value, written by the log object
//! at most every [`REFRESH_MS`] while the stream changes, read by the Worker for first loads.
//!
//! It earns its place because KV serves it from the reader's own location: a page's first
//! load does not cross the world to the one object. It may be a minute old (KV propagation);
//! its cursor is the log position it was built at, so a fresh read or the live channel from
//! that cursor brings exactly what it lacks.

use saywhatwant_wire::{Comment, CommentsPage, CommentsQuery, Cursor, Order, Source};
use serde::{Deserialize, Serialize};

use crate::kv::{Kv, KvError};
use crate::log::{Filter, Log, LogError, LogStore};

pub const RECENT_KEY: &str = "recent:view";
/// Comments kept in the view: the page's bulk load asks for 200.
pub const RECENT_SIZE: usize = 500;
/// How often, at most, the object rewrites the view (KV allows one write a second per key).
pub const REFRESH_MS: u64 = 10_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentView {
    pub built_at: u64,
    /// The log's head when built.
    pub head: u64,
    pub total: u64,
    /// Oldest first, at most [`RECENT_SIZE`]: every comment of the log from the first one's
    /// seq to the head.
    pub comments: Vec<Comment>,
    /// The seq of each comment (taken-down ones leave gaps).
    pub seqs: Vec<u64>,
    /// The newest ids taken down (newest first), which every first load carries, each with
    /// the head it was taken down at.
    pub removed: Vec<(String, u64)>,
}

impl RecentView {
    /// From the log's in-memory tail: no storage rows once the tail is loaded.
    pub fn build<S: LogStore>(log: &mut Log<S>, now: u64) -> Result<Self, LogError> {
        let mut newest = log.newest_entries(RECENT_SIZE)?;
        newest.reverse();
        Ok(RecentView {
            built_at: now,
            head: log.head(),
            total: log.total(),
            seqs: newest.iter().map(|e| e.seq).collect(),
            comments: newest.into_iter().map(|e| e.comment).collect(),
            removed: log.removal_window_pairs()?,
        })
    }

    /// Whether the view holds every removal a reader at `n` needs (older ones fell off a full
    /// list: the log answers then).
    fn knows_removals_since(&self, n: u64) -> bool {
        self.removed.len() < saywhatwant_wire::moderation::RECENT_REMOVALS
            || self.removed.last().is_some_and(|(_, at)| *at < n)
    }

    /// The lowest cursor the view answers from: the one just before its first comment.
    fn floor(&self) -> u64 {
        self.seqs.first().map_or(self.head, |s| s - 1)
    }

    /// Answers a read the view holds everything for: the newest `limit` (the bulk load), or
    /// what follows a sequence cursor the view reaches back to. `None`: ask the log.
    pub fn answer(&self, q: &CommentsQuery) -> Option<CommentsPage> {
        if q.limit > RECENT_SIZE {
            return None;
        }
        let filter = Filter::of(q);
        let matching = self.comments.iter().filter(|c| filter.matches(c));
        let (mut comments, has_more, cursor): (Vec<Comment>, bool, u64) = match &q.after {
            None => {
                let all: Vec<&Comment> = matching.collect();
                let older = all.len() > q.limit || self.total > self.comments.len() as u64;
                let newest = all[all.len() - q.limit.min(all.len())..]
                    .iter()
                    .map(|c| (*c).clone())
                    .collect();
                (newest, older, self.head)
            }
            Some(Cursor::Seq(n))
                if *n >= self.floor() && *n <= self.head && self.knows_removals_since(*n) =>
            {
                let skip = self.seqs.partition_point(|s| s <= n);
                let mut newer: Vec<(usize, &Comment)> = self
                    .comments
                    .iter()
                    .enumerate()
                    .skip(skip)
                    .filter(|(_, c)| filter.matches(c))
                    .take(q.limit + 1)
                    .collect();
                let more = newer.len() > q.limit;
                newer.truncate(q.limit);
                let cursor = match (more, newer.last()) {
                    (true, Some((i, _))) => self.seqs[*i],
                    (true, None) => *n,
                    (false, _) => self.head,
                };
                (
                    newer.into_iter().map(|(_, c)| c.clone()).collect(),
                    more,
                    cursor,
                )
            }
            Some(_) => return None,
        };
        if q.order == Order::Desc {
            comments.reverse();
        }
        let since = match &q.after {
            Some(Cursor::Seq(n)) => *n,
            _ => 0,
        };
        let removed = self
            .removed
            .iter()
            .filter(|(_, at)| *at >= since)
            .map(|(id, _)| id.clone())
            .collect();
        Some(CommentsPage {
            comments,
            has_more,
            cursor: Some(Cursor::Seq(cursor).to_string()),
            source: Source::Cache,
            removed,
        })
    }
}

/// The stored view, or `None` when it is missing or unreadable (the log answers then).
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

#[cfg(test)]
mod tests {
    use saywhatwant_wire::{parse_new_comment, MessageType};

    use super::*;
    use crate::log::MemoryStore;

    fn log(n: u64) -> Log<MemoryStore> {
        let mut log = Log::with_tail_cap(MemoryStore::new(), 50).expect("open");
        for i in 0..n {
            let mut c = parse_new_comment(format!(r#"{{"text":"c{i}"}}"#).as_bytes()).expect("ok");
            if i % 3 == 0 {
                c.message_type = MessageType::Ai;
            }
            log.append(c, || format!("id{i}"), "d", 1_000 + i)
                .expect("append");
        }
        log
    }

    fn q(s: &str) -> CommentsQuery {
        CommentsQuery::from_pairs(s.split('&').filter_map(|kv| kv.split_once('='))).expect("q")
    }

    #[test]
    fn answers_what_the_log_would_from_the_same_moment() {
        let mut log = log(RECENT_SIZE as u64 + 40);
        let view = RecentView::build(&mut log, 0).expect("build");
        assert_eq!(view.comments.len(), RECENT_SIZE);
        for query in [
            "limit=200",
            "limit=7&type=AI",
            "limit=5&order=desc",
            "after=s530&limit=3",
            "after=s41&limit=200&type=human",
            "after=s540&limit=10",
            "after=s100&limit=0",
        ] {
            let mut from_log = log.read(&q(query)).expect("read");
            let from_view = view.answer(&q(query)).unwrap_or_else(|| panic!("{query}"));
            assert_eq!(from_view.source, Source::Cache);
            from_log.source = Source::Cache;
            assert_eq!(from_view, from_log, "{query}");
        }
    }

    #[test]
    fn leaves_to_the_log_what_it_does_not_hold() {
        let mut log = log(RECENT_SIZE as u64 + 40);
        let view = RecentView::build(&mut log, 0).expect("build");
        for query in ["limit=600", "after=s10", "after=s541", "after=1000"] {
            assert_eq!(view.answer(&q(query)), None, "{query}");
        }
    }
}
